/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling, not part of the published node: it needs node built-ins */
/**
 * Types for the PiAPI (DiffRhythm) simulator: a loopback HTTP server with PiAPI's routes and
 * task shapes, fault injection, webhooks to loopback receivers, and logs for assertions.
 *
 * ```ts
 * import { startSimulator, parseWav } from '../simulator';
 * const sim = await startSimulator({ pendingMs: 20, renderMs: 50, audioSeconds: 1 });
 * // ... point the client at sim.url with x-api-key 'sim-key' ...
 * await sim.close();
 * ```
 */

import type { IncomingHttpHeaders, Server } from 'node:http';
import type { Readable } from 'node:stream';

// ---------------------------------------------------------------------------------------------
// PiAPI shapes

/** The DiffRhythm model id PiAPI expects in `model`. */
export declare const MODEL: 'Qubico/diffrhythm';
/** Default audio length per task type: 95 s (1 min 35 s) and 285 s (4 min 45 s). */
export declare const TASK_SECONDS: Readonly<Record<TaskType, number>>;
/** Go's zero time, which PiAPI returns for unset `meta` timestamps. */
export declare const ZERO_TIME: '0001-01-01T00:00:00Z';
/** Internal (lowercase) statuses, in lifecycle order. */
export declare const STATUSES: readonly TaskStatus[];

export type TaskType = 'txt2audio-base' | 'txt2audio-full';
/** Lowercase status; the wire spelling depends on {@link TaskBehaviour.statusCase}. */
export type TaskStatus = 'staged' | 'pending' | 'processing' | 'completed' | 'failed';

/** Body of `POST /api/v1/task`. */
export interface CreateTaskBody {
	model: string;
	task_type: string;
	input: { lyrics?: string; style_prompt?: string; style_audio?: string; [extra: string]: unknown };
	config?: {
		webhook_config?: { endpoint?: string; secret?: string };
		service_mode?: string;
	};
}

/** `output` of a completed task; its shape follows {@link TaskBehaviour.audioField}. */
export type TaskOutput =
	| { audio_url: string }
	| { url: string }
	| { result: { files: Array<{ href: string }> } };

/** The task object in PiAPI's shape: `data` of GET/POST answers and of webhook bodies. */
export interface PiApiTask {
	task_id: string;
	model: string;
	task_type: string;
	/** `pending`, `PENDING` or `Pending`, per {@link TaskBehaviour.statusCase}. */
	status: string;
	config: {
		service_mode: string;
		/** The secret is echoed, as PiAPI does. */
		webhook_config: { endpoint: string; secret: string };
	};
	/** The three DiffRhythm inputs, normalised to strings ('' when not sent); extra fields are dropped. */
	input: { style_audio: string; style_prompt: string; lyrics: string };
	/** `null` until the task is completed (and for failed tasks). */
	output: TaskOutput | null;
	meta: {
		/** RFC3339; unset values are {@link ZERO_TIME}. */
		created_at: string;
		started_at: string;
		ended_at: string;
		usage: { type: 'llm'; frozen: number; consume: number };
		is_using_private_pool: boolean;
	};
	detail: null;
	logs: unknown[];
	/** `code: 0` and empty strings unless failed (then code 10000 and a message). */
	error: { code: number; raw_message: string; message: string; detail: unknown };
}

/** Success envelope of the API routes. */
export interface Envelope<T = PiApiTask> {
	code: 200;
	data: T;
	message: 'success';
}

/** Error body of the API routes (401, 402, 400, 404, 405, and `status` faults by default). */
export interface ErrorBody {
	code: number;
	message: string;
}

/** `data` of `GET /account/info`. Unlimited credits/concurrency are reported as large finite numbers. */
export interface AccountInfo {
	id: string;
	name: 'Simulator';
	plan: 'creator';
	type: string;
	is_enable: boolean;
	equivalent_in_usd: number;
	credit_pack_info: {
		available_credits: number;
		used_credits: number;
		total_credits: number;
		frozen_credits: number;
		expired_credits: number;
		inactive_credits: number;
	};
	max_concurrent_task_count: number;
}

/** Body of a webhook POST. */
export interface WebhookBody {
	/** Unix seconds of the status change; the same across repeats and retries of one event. */
	timestamp: number;
	data: PiApiTask;
}

// ---------------------------------------------------------------------------------------------
// Configuration

/** How one task behaves; fixed when the task is created. */
export interface TaskBehaviour {
	/** `stuck` reaches `processing` and never finishes (it keeps its concurrency slot). Default `completed`. */
	outcome: 'completed' | 'failed' | 'stuck';
	/** Time in `processing` before the terminal status. Default: the `renderMs` option. */
	renderMs: number;
	/** Time in `pending` (counted from getting a concurrency slot). Default: the `pendingMs` option. */
	pendingMs: number;
	/** Length of the WAV. Default: the `audioSeconds` option, else the task type's length. */
	audioSeconds: number;
	/** Spelling of `status` on the wire (GET, POST and webhooks). Default `lower`. */
	statusCase: 'lower' | 'upper' | 'title';
	/** `audio_url` → `{audio_url}`, `url` → `{url}`, `nested` → `{result:{files:[{href}]}}`. Default `audio_url`. */
	audioField: 'audio_url' | 'url' | 'nested';
	/** Content-Type of the file route. Default `audio/wav` (the body is always WAV). */
	audioContentType: string;
	/** Extension of the audio URL: default `.wav`; `''` gives a URL without extension. */
	audioPathExtension: string;
	/** Deliver a `processing` webhook too. Default true. */
	webhookIntermediate: boolean;
	/** How many times the terminal webhook is delivered, about 50 ms apart. Default 1. */
	webhookRepeat: number;
}

/**
 * Per-task overrides, evaluated once at creation. `input` is the request's `input` as sent;
 * `taskIndex` counts created tasks from 0 (since start or the last reset()).
 */
export type BehaviourFunction = (
	input: Record<string, unknown>,
	taskIndex: number,
) => Partial<TaskBehaviour> | undefined | void;

/**
 * JSON form of a behaviour (for `POST /__sim/behaviour` and `setBehaviour`): fields applied to
 * every following task, with optional overrides keyed by the exact `style_prompt`.
 */
export type BehaviourSpec = Partial<TaskBehaviour> & {
	byStylePrompt?: Record<string, Partial<TaskBehaviour>>;
};

export interface SimulatorOptions {
	/** Required `x-api-key` for /api/ and /account/ routes. Default `'sim-key'`. */
	apiKey?: string;
	/** Default `'127.0.0.1'`. */
	host?: string;
	/** Default 0 (ephemeral). */
	port?: number;
	/** Default 300. */
	pendingMs?: number;
	/** Default 3000. */
	renderMs?: number;
	/** Tasks pending/processing at once; the rest are `staged` and promoted in creation order. Default Infinity. */
	concurrency?: number;
	/** Length of every WAV. Default: per task type (95 s / 285 s). */
	audioSeconds?: number;
	/** Default 44100. */
	sampleRate?: number;
	/** Default 2. */
	channels?: number;
	/** Number of tasks the account can pay for; then POST answers 402. Default Infinity. */
	credits?: number;
	behaviour?: BehaviourFunction;
	/**
	 * Model name the task history files DiffRhythm tasks under, and the only `model` filter value
	 * that finds them. PiAPI's docs list both `diffrhythm` and `diffrythm`. Default `'diffrythm'`.
	 */
	historyModel?: string;
	/** Deliveries of a webhook after a failed attempt (timeout, error or non-2xx). Default 3. */
	webhookRetries?: number;
	/** Pause before each webhook retry. Default 200 ms (PiAPI's is said to be 5 s). */
	webhookRetryGapMs?: number;
}

/**
 * One entry of `GET /api/open/tasks/histories` as the simulator gives it: the fields a third-party
 * connector shows for PiAPI (PiAPI itself documents none of them).
 */
export interface HistoryEntry {
	id: number;
	account_id: string;
	api_key_id: string;
	action: 'create';
	task_id: string;
	/** The `historyModel` option. */
	task_model: string;
	/** Spelled per the task's `statusCase`. */
	status: string;
	/** RFC3339. */
	created_at: string;
	updated_at: string;
	/** 200000 for a completed task, else 0. */
	usage: number;
	usage_type: 'llm';
	fixed: boolean;
	service_mode: string;
	detail: { model: string; task_id: string; workflow_type: string };
}

/**
 * `data` of a history page: newest first; `page_size` above 100 (or below 1, or a `page` below
 * 1) is answered 400 `{code: 400, message}`.
 */
export interface HistoryPage {
	list: HistoryEntry[];
	page: number;
	/** The `page_size` asked for (default 10). */
	size: number;
	/** Tasks matching the model and time filters. */
	total: number;
}

export interface PastTaskOptions {
	/** Default `completed`. */
	status?: 'completed' | 'failed';
	/** ms since the epoch. Default now. */
	createdAt?: number;
	/** Default `txt2audio-base`. */
	taskType?: TaskType;
}

// ---------------------------------------------------------------------------------------------
// Faults

export type FaultKind =
	| 'status'
	| 'statusAfterCreate'
	| 'dropAfterCreate'
	| 'drop'
	| 'delay'
	| 'delayAnswer'
	| 'malformed'
	| 'emptyPage'
	| 'repeatPage'
	| 'fakeAudio'
	| 'redirect'
	| 'drip';

/** Files that start like audio and are not songs; see {@link fakeAudio}. */
export type FakeAudioName =
	| 'wavHtml'
	| 'wavHeaderHtml'
	| 'mpegHtml'
	| 'id3Json'
	| 'ftypHtml'
	| 'oggZeros'
	| 'wavTruncated';

/**
 * A fault applied to the next matching API requests (control routes are never affected).
 * - `status`: answer `status` (default 500) with `body` or `{code, message}`; creates nothing.
 * - `statusAfterCreate`: handle the request (a POST creates and bills the task), then answer `status`.
 * - `dropAfterCreate`: handle the request, then destroy the socket without answering.
 * - `drop`: destroy the socket without answering; creates nothing.
 * - `delay`: wait `delayMs` (default 1000), then answer normally.
 * - `delayAnswer`: handle the request now (the answer is the state at arrival), send the answer
 *   `delayMs` (default 1000) later.
 * - `malformed`: answer 200 with truncated JSON; creates nothing.
 * - `emptyPage`: `GET /api/open/tasks/histories` answers this page with an empty list.
 * - `repeatPage`: the history answers page N with page N-1's entries (a server ignoring `page`).
 * - `fakeAudio`: answer 200 with the fake file `audio` (see {@link fakeAudio}); with a
 *   `contentLength` above its size, the connection is cut after the bytes; below, the file is cut.
 * - `redirect`: answer `status` (default 302) to `location`, or to the same path with `?hop=n+1`
 *   (each matching request is one hop, so `times` is the chain's length); creates nothing.
 * - `drip`: handle the request, then send the answer `chunkBytes` (default 1) at a time, one
 *   piece every `delayMs` (default 1000): a reply that is never idle and never done in time.
 */
export interface Fault {
	method?: 'GET' | 'POST' | 'HEAD' | string;
	/**
	 * A string matches that path and everything below it (`/api/v1/task` also matches
	 * `/api/v1/task/<id>`, not `/api/v1/tasks`); a RegExp is tested against the path. The query
	 * string is never part of the path.
	 */
	path?: string | RegExp;
	/** Source of a RegExp for `path` (for the JSON control API, where RegExps cannot travel). */
	pathPattern?: string;
	/** Number of requests it applies to. Default 1; `Infinity` (or -1 in JSON) for all. */
	times?: number;
	kind: FaultKind;
	status?: number;
	/** Seconds, sent as the `Retry-After` header (kind `status`). */
	retryAfter?: number | string;
	delayMs?: number;
	/** Response body for `status`/`statusAfterCreate` (JSON-encoded). */
	body?: unknown;
	/** Extra response headers for `status` (e.g. `location` for a redirect, `content-type`). */
	headers?: Record<string, string>;
	/** Response body for `status`, sent as these bytes instead of JSON (`''` sends an empty body). */
	rawBody?: string | Buffer;
	/** Kind `fakeAudio`: which fake file. */
	audio?: FakeAudioName;
	/** Kind `fakeAudio`: the Content-Length to announce (default: the file's size). */
	contentLength?: number;
	/** Kind `redirect`: where to (any scheme: `file:`, `data:`, `ftp:` too). */
	location?: string;
	/** Kind `drip`: bytes per piece. */
	chunkBytes?: number;
}

/** A queued fault, as `sim.faults` and `GET /__sim/faults` show it. */
export interface ActiveFault {
	kind: FaultKind;
	method?: string;
	path?: string | RegExp;
	times: number;
	remaining: number;
	status?: number;
	retryAfter?: number | string;
	delayMs?: number;
	body?: unknown;
}

// ---------------------------------------------------------------------------------------------
// Logs

/** One API request, logged on arrival (control routes under /__sim/ are not logged). */
export interface LoggedRequest {
	method: string;
	/** Path without the query string. */
	path: string;
	query: Record<string, string>;
	/** Lowercased header names, as node parses them. */
	headers: IncomingHttpHeaders;
	/** Parsed JSON, or the raw string when it is not JSON, or null when empty. */
	body: unknown;
	/** HTTP status answered; null when dropped (or not answered yet). */
	status: number | null;
	fault: FaultKind | null;
	/** Arrival time, ms since the epoch. */
	at: number;
	/** When the answer was written or the socket closed; null while open. */
	doneAt: number | null;
}

/** One webhook delivery attempt, recorded once its outcome is known. */
export interface Delivery {
	taskId: string;
	/** Status the webhook announces (lowercase for automatic ones; as given for manual ones). */
	status: string | null;
	url: string;
	/** `intermediate` (processing), `final` (terminal), or `manual` (sim.deliver). */
	kind: 'intermediate' | 'final' | 'manual';
	/** 1 for the first attempt, 2-4 for retries. */
	attempt: number;
	/** HTTP status of the receiver's answer. */
	statusCode?: number;
	/** Connection error code, or why it was refused. */
	error?: string;
	/** True when the URL was not a loopback http(s) address: nothing was contacted. */
	refused?: boolean;
	/** Send time, ms since the epoch. */
	at: number;
	/** How long the receiver took to answer (or until the attempt failed), ms. */
	ms: number;
}

/** Internal record of a task (`sim.tasks` values). Read-only for tests. */
export interface TaskRecord {
	id: string;
	/** Creation order, from 0. */
	index: number;
	model: string;
	taskType: TaskType;
	input: PiApiTask['input'];
	config: PiApiTask['config'];
	behaviour: TaskBehaviour;
	status: TaskStatus;
	/** ms since the epoch; null when not reached. */
	createdAt: number;
	slotAt: number | null;
	startedAt: number | null;
	endedAt: number | null;
}

export interface DeliverOptions {
	/** Status string put into `data.status` (verbatim). Default: the task's current status. */
	status?: string;
	/** `x-webhook-secret` value; `''` sends no header. Default: the task's secret. */
	secret?: string;
	/** Raw body (string sent as is, anything else JSON-encoded) instead of `{timestamp, data}`. */
	body?: unknown;
	/** Receiver URL (loopback only). Default: the task's webhook endpoint. */
	url?: string;
}

export interface Simulator {
	/** `http://127.0.0.1:<port>`: the base URL to give the client. */
	readonly url: string;
	readonly port: number;
	readonly server: Server;
	/** Every API request in arrival order (cleared in place by reset()). */
	readonly requests: LoggedRequest[];
	/** Every webhook delivery attempt (cleared in place by reset()). */
	readonly deliveries: Delivery[];
	readonly tasks: Map<string, TaskRecord>;
	/** A copy of the queued faults. */
	readonly faults: ActiveFault[];
	/** Tasks the account can still pay for (Infinity by default). */
	readonly creditsLeft: number;
	/** The task object as GET returns it, or undefined. */
	getTask(id: string): PiApiTask | undefined;
	/** Number of logged requests with that method (any when falsy) whose path starts with the prefix. */
	count(method?: string | null, pathPrefix?: string): number;
	/** The logged `POST /api/v1/task` requests (bodies typed as sent by a well-behaved client). */
	posts(): Array<LoggedRequest & { body: CreateTaskBody }>;
	/** Largest number of matching requests that were open at the same time. */
	maxInFlight(filter?: (request: LoggedRequest) => boolean): number;
	addFault(fault: Fault): void;
	clearFaults(): void;
	/** Replaces the behaviour for tasks created from now on; null restores the `behaviour` option. */
	setBehaviour(behaviour: BehaviourFunction | BehaviourSpec | null): void;
	/**
	 * Sends one webhook by hand (forged or repeated notifications), no retries. Resolves with the
	 * receiver's answer; rejects when refused (not loopback) or on a connection error.
	 */
	deliver(taskId: string, options?: DeliverOptions): Promise<{ statusCode: number; body: string }>;
	/**
	 * Puts a finished task straight into the account (no POST, no credit): for history tests that
	 * need many tasks or old ones. GET, the file route and the history serve it like any task; it
	 * takes the next task index. Returns its id.
	 */
	addPastTask(options?: PastTaskOptions): string;
	/** Applies every lifecycle transition due now (normally done by a 25 ms tick and by each request). */
	advance(): void;
	/** Clears tasks, requests, deliveries, faults and scheduled webhooks; restores behaviour and credits. */
	reset(): void;
	/** Stops timers and closes the server and every open socket. Idempotent. */
	close(): Promise<void>;
}

/** Starts a simulator; resolves once it listens. */
export declare function startSimulator(options?: SimulatorOptions): Promise<Simulator>;

/** True for `localhost`, 127.0.0.0/8 and ::1 (with or without brackets). */
export declare function isLoopbackHostname(hostname: string): boolean;

// ---------------------------------------------------------------------------------------------
// WAV helpers (also exported by ./wav)

/** Size of the canonical PCM header. */
export declare const HEADER_BYTES: 44;

export interface WavInfo {
	sampleRate: number;
	channels: number;
	bitsPerSample: number;
	/** Size of the data chunk. */
	dataBytes: number;
	durationSeconds: number;
	/** Offset of the first sample in the buffer. */
	dataOffset: number;
}

export interface WavOptions {
	seconds: number;
	/** Default 44100. */
	sampleRate?: number;
	/** Default 2. */
	channels?: number;
	/** Seeds the melody (the simulator uses the task id). Default 0. */
	seed?: string | number;
	/** Frames per generated chunk. Default 16384. */
	chunkFrames?: number;
}

/** A deterministic song; `render` gives the 16-bit PCM bytes of any frame range. */
export interface Song {
	bpm: number;
	/** MIDI note of the key's tonic. */
	tonic: number;
	minor: boolean;
	render(startFrame: number, frames: number, channels?: number): Buffer;
}

/** The 44-byte header of a PCM WAV whose data chunk holds `dataBytes` bytes. */
export declare function wavHeader(options: {
	dataBytes: number;
	sampleRate?: number;
	channels?: number;
	bitsPerSample?: 8 | 16 | 24 | 32;
}): Buffer;
/** Frames in `seconds` (rounded). */
export declare function wavFrames(seconds: number, sampleRate?: number): number;
/** Data chunk size of a 16-bit WAV of that duration. */
export declare function wavDataBytes(
	seconds: number,
	sampleRate?: number,
	channels?: number,
): number;
/** Whole file size (44 + data) of a 16-bit WAV of that duration: the file route's Content-Length. */
export declare function wavFileBytes(
	seconds: number,
	sampleRate?: number,
	channels?: number,
): number;
export declare function createSong(seed: string | number, sampleRate?: number): Song;
/** The file as a sequence of Buffers (header first); only one chunk exists at a time. */
export declare function wavChunks(options: WavOptions): Generator<Buffer, void, undefined>;
/** The file as a byte stream, synthesised as it is read. */
export declare function createWavStream(options: WavOptions): Readable;
/** The whole file in memory (for small files). */
export declare function wavBuffer(options: WavOptions): Buffer;
/** Reads a PCM WAV's format and length; throws if it is not a complete PCM WAV file. */
export declare function parseWav(buffer: Buffer | Uint8Array): WavInfo;

// ---------------------------------------------------------------------------------------------
// Other audio formats, and fakes (also exported by ./songs)

/** An MP3 (MPEG-1 layer III, 128 kbit/s, 44.1 kHz) of about `seconds`; ID3v2 and ID3v1 tags if `tags`. */
export declare function mp3Buffer(options: { seconds: number; tags?: boolean }): Buffer;
/** A mono 16-bit 44.1 kHz FLAC of `seconds`, with valid frame CRCs. */
export declare function flacBuffer(options: { seconds: number }): Buffer;
/** An Ogg Opus file of `seconds`, with valid page CRCs. */
export declare function oggBuffer(options: { seconds: number }): Buffer;
/** An M4A (ftyp, moov with mvhd, mdat of `bytesPerSecond`, default 16000, a second) of `seconds`. */
export declare function m4aBuffer(options: { seconds: number; bytesPerSecond?: number }): Buffer;
/** A fake: a file that starts like audio and is not a song (see {@link FakeAudioName}). */
export declare function fakeAudio(name: FakeAudioName): Buffer;
export declare const FAKE_AUDIO: readonly FakeAudioName[];
/** An HTML error page of at least `bytes` bytes. */
export declare function htmlPage(bytes: number): Buffer;
