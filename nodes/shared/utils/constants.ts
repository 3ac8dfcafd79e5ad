/** PiAPI's production API; the credential lets users point at a proxy or the simulator instead. */
export const DEFAULT_BASE_URL = 'https://api.piapi.ai';

/** Model id of DiffRhythm in PiAPI's unified task API. */
export const DIFFRHYTHM_MODEL = 'Qubico/diffrhythm';

/** Credential type name shared by every node of the package. */
export const CREDENTIAL_TYPE = 'piApiApi';

/**
 * Song length of each task type in seconds. PiAPI writes "1.35 min" and "4.45 min"; upstream
 * DiffRhythm's model table says 1m35s and 4m45s, so these are minutes:seconds, not decimals.
 */
export const TASK_TYPE_SECONDS = {
	'txt2audio-base': 95,
	'txt2audio-full': 285,
} as const;

export type DiffRhythmTaskType = keyof typeof TASK_TYPE_SECONDS;

/** Upstream DiffRhythm only reads these reference-audio formats; others fail after payment. */
export const REFERENCE_AUDIO_FORMATS = ['mp3', 'wav', 'flac'] as const;

/** PiAPI's documented limit for uploaded and inline reference audio. */
export const REFERENCE_AUDIO_MAX_BYTES = 10 * 1024 * 1024;

/**
 * One HTTP call to PiAPI may take this long in total, from sending to the last byte of the
 * answer, before it counts as timed out (an idle timeout alone let a dripping answer run on).
 */
export const REQUEST_TIMEOUT_MS = 30_000;

/** Audio files can be large (a full song as WAV is about 50 MB); allow a slow CDN. In total. */
export const DOWNLOAD_TIMEOUT_MS = 300_000;

/**
 * All the downloads of one webhook call (the trigger's, or a resumed Generate and Wait's several
 * songs) together may take this long: a webhook has no cancel signal to stop them otherwise.
 */
export const WEBHOOK_DOWNLOADS_TIMEOUT_MS = 300_000;

/** Redirects a download follows; more means a loop or a hopeless chain, which fails at once. */
export const MAX_DOWNLOAD_REDIRECTS = 10;

/** Retry policy: attempts include the first try; delays grow from the base to the cap. */
export const RETRY = {
	maxAttempts: 5,
	baseDelayMs: 500,
	maxDelayMs: 8_000,
	/** A server asking for a longer pause than this is not waited for: the error surfaces instead. */
	maxRetryAfterMs: 60_000,
	/** Up to this fraction of each computed delay is removed at random, so clients spread out. */
	jitter: 0.25,
} as const;

/**
 * Adaptive polling (see nodes/DiffRhythm/wait/schedule.ts): a back-off that restarts when the
 * render starts, and a check landed on the predicted end once a song of the same type finished.
 */
export const POLL = {
	/** First check after creation or after the render started; also the shortest back-off step. */
	firstDelayMs: 2_000,
	/** Each back-off step is this fraction of the time spent in the phase so far. */
	backoff: 0.4,
	/** Longest pause between two checks of one task. */
	maxDelayMs: 15_000,
	/**
	 * Before any render of a task type has finished, the back-off is capped at `firstSongDelayMs`
	 * for the first `attentiveMs` of the render, then backs off from the end of that period.
	 * DiffRhythm's product page claims "10 second inference speed" (PiAPI's sibling Ace-Step example
	 * took 33 s): most first songs end while checks are 2-3.5 s apart, and a 90 s one costs about
	 * 28-30 checks.
	 */
	firstSongDelayMs: 3_500,
	attentiveMs: 120_000,
	/** First re-check of a song that is later than every recent render. */
	lateDelayMs: 1_000,
	/** Checks land this long after a predicted end (timer and network slack). */
	expectedMarginMs: 300,
	/**
	 * Checks spent on the window where a song is likely to end (the range of recent renders,
	 * widened by the gaps between them), between `minWindowStepMs` and `maxDelayMs` apart.
	 */
	windowChecks: 12,
	minWindowStepMs: 1_000,
	/** Until several renders are known, the window is at least ± this fraction / renders known. */
	priorSpread: 0.1,
	/** Tasks due within this window are checked in the same round. */
	coalesceMs: 100,
	/** Never check one task twice within this. */
	minGapMs: 500,
	/**
	 * Hard cap of status checks per task: `freeChecks`, plus one per `maxDelayMs` since the task
	 * was created (at most 280 in its first hour, 240 an hour after that), whatever the schedule.
	 */
	freeChecks: 40,
	/** Shortest sleep of a poll pass that checks nothing: the loop always yields to a timer. */
	minSleepMs: 10,
	/** The plan is revised at least this often while sleeping (other executions may have learned). */
	replanMs: 1_000,
	/** Render times remembered per model and task type. */
	historySize: 8,
	/** Longer "renders" are not learned from (a task stuck for hours says nothing about the next). */
	maxLearnedRenderMs: 7_200_000,
	/** A user-set interval below this would only burn requests. */
	minFixedDelayMs: 1_000,
} as const;

/** Defaults of the Generate and Wait options. */
export const WAIT_DEFAULTS = {
	maxWaitSeconds: 600,
	concurrency: 5,
	binaryPropertyName: 'data',
} as const;

/**
 * The most songs one suspended Generate and Wait should wait for. Their final callbacks arrive
 * together at the one process that takes resume calls, and n8n 2.x loads the whole waiting
 * execution and starts an expression isolate for each of them before the node's code runs. In the
 * queue benchmark (bench/queue.js, PiAPI's delivery pattern, songs ending together; figures in
 * docs/suspend-batch-size.md) one n8n 2.41 webhook process with its default settings delivered 20
 * and 35 songs in every run, while a batch of 50 was once never resumed (every attempt 503 or timed
 * out) and waited for Max Wait. Above this the node warns and recommends Loop Over Items.
 */
export const SUSPEND_SAFE_BATCH = 35;

/**
 * Sleeps are cut into slices this long so that a cancelled execution stops promptly even on
 * n8n 1.x, whose `sleep()` takes no abort signal.
 */
export const SLEEP_SLICE_MS = 200;

/**
 * The node as an AI tool (n8n's AI Agent, MCP Server Trigger). MCP clients give up after 60 s by
 * default and n8n Cloud ends a webhook after about 100 s, so a tool answers well within both.
 */
export const TOOL = {
	/** Tool Answer Within (Seconds): default and range. */
	answerSeconds: { min: 1, max: 3600, default: 40 },
	/** A repeated song request within this window answers with the task already started. */
	repeatWindowMs: 30 * 60_000,
	/** Song requests remembered at most (per process); the oldest go first. */
	repeatEntries: 500,
	/** "Check again in about N s" before any render of the type has finished in this process. */
	fallbackRenderSeconds: 30,
	/** Bounds of that suggestion, whatever was measured. */
	minRecheckSeconds: 5,
	maxRecheckSeconds: 300,
} as const;

/**
 * A final callback (completed, failed) that PiAPI's own read does not confirm yet is answered 503,
 * so PiAPI delivers it again (nodes/shared/webhook/confirm.ts). Bounds of that: at most one read
 * of a task per `minGapMs` for such claims (repeats in between are answered 503 without a read),
 * and after `giveUpMs` of claims PiAPI never confirmed, the call is answered as unconfirmed (2xx),
 * so PiAPI stops delivering it.
 */
export const WEBHOOK_CONFIRM = {
	minGapMs: 3_000,
	giveUpMs: 600_000,
	/** How long a task's unconfirmed claims are remembered (longer than `giveUpMs`). */
	rememberMs: 1_800_000,
	maxEntries: 10_000,
} as const;
