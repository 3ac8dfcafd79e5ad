import { POLL } from '../../shared/utils/constants';
import type { PiApiTask } from '../../shared/model/piapi';
import { isRendering } from '../../shared/model/task';
import { processMemory } from '../../shared/utils/memory';

/**
 * When to check a task next. A song's render time is unknown up front, so a plain back-off must
 * choose between many requests and a late answer (checks every 3 s would cost 30 requests for a
 * 90 s render; checks 15 s apart leave a finished song unseen for up to 15 s). Facts from the
 * tasks themselves remove most of that trade-off:
 *
 * - PiAPI stamps the start of the render (`meta.started_at`), so a task that waited in PiAPI's
 *   queue (`pending`, or `staged` at the account's concurrency limit) restarts the schedule when
 *   it starts rendering, not when it was created;
 * - renders of one model and task type take about the same time, but not exactly: once songs have
 *   finished, the window where the next one's render is likely to end (the range of recent render
 *   times, widened by the gaps between them) is checked densely, with a check landing just after
 *   the typical (median) render; before the window the checks back off, after it they back off
 *   with how late the song is;
 * - before any song of the type has finished, the checks stay a few seconds apart for the first
 *   two minutes of the render (DiffRhythm is sold on a 10 s render) and then back off.
 *
 * Whatever the plan, a task gets at most `POLL.freeChecks` checks plus one per `POLL.maxDelayMs`
 * since its creation, so a stuck or very long task costs a bounded number of requests.
 *
 * Server times are mapped to this machine's clock through the offset seen when the task was
 * created, so a skewed PiAPI clock does not move the checks.
 */

/** What the schedule knows about one open task, in local milliseconds since the epoch. */
export interface PollClock {
	/** Start of the task's current phase: its render start once rendering, else its creation. */
	phaseStartedAt: number;
	/** Whether the task is rendering (`processing`), as opposed to queued. */
	rendering: boolean;
	/** When the task was last checked (or created). */
	lastCheckAt: number;
	/** When the task was created: the GET budget counts from here. */
	createdAt: number;
	/** Status checks of this task so far. */
	checks: number;
}

/** How long renders of a task type take, learned from the songs that finished lately. */
export interface RenderExpectation {
	/** The median render: a check lands just after it. */
	typicalMs: number;
	/** The window where a render is likely to end, checked every `stepMs`. */
	earliestMs: number;
	latestMs: number;
	stepMs: number;
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/** Delay after a check made `elapsedMs` into the phase, with no prediction to go by. */
export function backoffDelayMs(elapsedMs: number): number {
	return clamp(Math.round(elapsedMs * POLL.backoff), POLL.firstDelayMs, POLL.maxDelayMs);
}

/**
 * Delay after a check made `elapsedMs` into a render (or a queue) when no render of the type has
 * finished yet: the back-off, but at most `POLL.firstSongDelayMs` for `POLL.attentiveMs`, then the
 * back-off counted from the end of that period.
 */
export function firstSongDelayMs(elapsedMs: number): number {
	if (elapsedMs <= POLL.attentiveMs)
		return Math.min(backoffDelayMs(elapsedMs), POLL.firstSongDelayMs);
	return Math.max(POLL.firstSongDelayMs, backoffDelayMs(elapsedMs - POLL.attentiveMs));
}

/** The earliest moment the budget allows the task's next check (see POLL.freeChecks). */
export function budgetAllowsAt(clock: PollClock): number {
	return clock.createdAt + (clock.checks + 1 - POLL.freeChecks) * POLL.maxDelayMs;
}

/** Next check of a rendering task whose type has a learned render time. */
function predictedCheckAt(clock: PollClock, expected: RenderExpectation): number {
	const last = clock.lastCheckAt;
	const origin = clock.phaseStartedAt + POLL.expectedMarginMs;
	const anchor = origin + expected.typicalMs;
	const step = expected.stepMs;
	// Checks in the window fall on a grid through the typical end: a song as long as the median
	// one is seen within the margin, any other within one step.
	const gridAtOrAfter = (at: number) => anchor + Math.ceil((at - anchor) / step) * step;
	const windowStart = gridAtOrAfter(origin + expected.earliestMs);
	const windowEnd = origin + expected.latestMs;
	if (last < windowStart - POLL.coalesceMs) {
		// Before the window only failures and songs far quicker than usual can turn up: pause as
		// long as the render has taken so far (2-15 s), but land on the window's first check
		// rather than skip past it.
		const next = last + clamp(last - clock.phaseStartedAt, POLL.firstDelayMs, POLL.maxDelayMs);
		return next + POLL.firstDelayMs > windowStart
			? Math.max(windowStart, last + POLL.minGapMs)
			: next;
	}
	if (last < windowEnd) return gridAtOrAfter(last + POLL.minGapMs);
	// Later than every recent render: check again soon, backing off with how late the song is.
	const late = last - windowEnd;
	return last + clamp(Math.round(late * POLL.backoff), POLL.lateDelayMs, POLL.maxDelayMs);
}

/**
 * Local time of the next check of a task.
 * @param expected how long renders of this task's type took lately, if any finished.
 * @param fixedSeconds the user's Poll Interval; above 0 it replaces the adaptive schedule.
 */
export function nextCheckAt(
	clock: PollClock,
	expected: RenderExpectation | undefined,
	fixedSeconds: number,
): number {
	const last = clock.lastCheckAt;
	if (fixedSeconds > 0) return last + Math.max(POLL.minFixedDelayMs, fixedSeconds * 1000);
	let next: number;
	if (expected === undefined) {
		next = last + firstSongDelayMs(Math.max(0, last - clock.phaseStartedAt));
	} else if (!clock.rendering) {
		// Queued: the render's start will be read from the task, so finding it late costs nothing
		// as long as the check comes well before the render can end.
		next = last + clamp(expected.earliestMs / 2, POLL.firstDelayMs, POLL.maxDelayMs);
	} else {
		next = predictedCheckAt(clock, expected);
	}
	return Math.max(next, budgetAllowsAt(clock));
}

// -------------------------------------------------------------------------------------------------

/** Milliseconds of an RFC3339 time, or undefined when unset (Go's zero time) or unreadable. */
export function serverTimeMs(value: unknown): number | undefined {
	if (typeof value !== 'string') return undefined;
	const ms = Date.parse(value);
	// Anything before 2001 is an unset time (`0001-01-01T00:00:00Z`), not a real one.
	return Number.isFinite(ms) && ms > 978_307_200_000 ? ms : undefined;
}

/**
 * Maps PiAPI's timestamps to the local clock. Every observation "the server stamped T, and at
 * local time L that had already happened" bounds the offset from above (L - T); the smallest
 * bound, usually the create answer, is within a round trip of the truth. Estimating late only
 * moves checks later, never before the event.
 */
export class ServerClock {
	private offset: number | undefined;

	observe(serverTime: unknown, localTime: number): void {
		const ms = serverTimeMs(serverTime);
		if (ms === undefined) return;
		const bound = localTime - ms;
		if (this.offset === undefined || bound < this.offset) this.offset = bound;
	}

	/** Observes every timestamp of a task read at `localTime`. */
	observeTask(task: PiApiTask, localTime: number): void {
		this.observe(task.meta?.created_at, localTime);
		this.observe(task.meta?.started_at, localTime);
		this.observe(task.meta?.ended_at, localTime);
	}

	toLocal(serverTime: unknown): number | undefined {
		const ms = serverTimeMs(serverTime);
		return ms === undefined || this.offset === undefined ? undefined : ms + this.offset;
	}
}

/**
 * The schedule state of a task just read at `seenAt`, given its previous state (undefined for a
 * task just created: the create answer is not a check).
 */
export function clockOf(
	task: PiApiTask,
	seenAt: number,
	serverClock: ServerClock,
	previous?: PollClock,
): PollClock {
	const createdAt =
		previous?.createdAt ?? Math.min(serverClock.toLocal(task.meta?.created_at) ?? seenAt, seenAt);
	const checks = previous ? previous.checks + 1 : 0;
	const startedAt = serverClock.toLocal(task.meta?.started_at);
	if (startedAt !== undefined || isRendering(task.status)) {
		let phaseStartedAt = startedAt;
		if (phaseStartedAt === undefined) {
			// No start time: the render began between the last two checks.
			phaseStartedAt = previous?.rendering
				? previous.phaseStartedAt
				: Math.round(((previous?.lastCheckAt ?? seenAt) + seenAt) / 2);
		}
		return {
			phaseStartedAt: Math.min(phaseStartedAt, seenAt),
			rendering: true,
			lastCheckAt: seenAt,
			createdAt,
			checks,
		};
	}
	return {
		phaseStartedAt: Math.min(createdAt, seenAt),
		rendering: false,
		lastCheckAt: seenAt,
		createdAt,
		checks,
	};
}

// -------------------------------------------------------------------------------------------------

const renderTimes = new Map<string, number[]>();
const expectations = new Map<string, RenderExpectation>();

/** The window of a render time given recent ones (at least one). */
export function expectationOf(renders: readonly number[]): RenderExpectation {
	const sorted = [...renders].sort((a, b) => a - b);
	const n = sorted.length;
	const middle = Math.floor(n / 2);
	const typicalMs = n % 2 ? sorted[middle] : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
	// n renders leave on average 1/(n-1) of their range beyond each end of it; with few renders
	// known, assume they vary by at least ±POLL.priorSpread (shrinking as more are seen).
	const seenPad = n > 1 ? (sorted[n - 1] - sorted[0]) / (n - 1) : 0;
	const assumedPad = (typicalMs * POLL.priorSpread) / n;
	const pad = Math.max(seenPad, assumedPad);
	const earliestMs = Math.max(0, Math.round(sorted[0] - pad));
	const latestMs = Math.round(sorted[n - 1] + pad);
	// A window that is mostly assumption gets half the checks of one the renders have shown.
	const checks = seenPad >= assumedPad ? POLL.windowChecks : POLL.windowChecks / 2;
	const stepMs = Math.round(
		clamp((latestMs - earliestMs) / checks, POLL.minWindowStepMs, POLL.maxDelayMs),
	);
	return { typicalMs, earliestMs, latestMs, stepMs };
}

/**
 * How long renders took lately, per model and task type, in this n8n process (every execution
 * of the node shares it; nothing is stored anywhere). Only completed tasks with both server
 * timestamps count.
 */
export const renderHistory = processMemory('poll.renderHistory', {
	keyOf(task: PiApiTask): string {
		return `${String(task.model ?? '')}|${String(task.task_type ?? '')}`;
	},
	/** Learns from a completed task; ignores tasks without usable timestamps. */
	record(task: PiApiTask): void {
		const started = serverTimeMs(task.meta?.started_at);
		const ended = serverTimeMs(task.meta?.ended_at);
		if (started === undefined || ended === undefined) return;
		const ms = ended - started;
		if (!(ms > 0 && ms <= POLL.maxLearnedRenderMs)) return;
		const key = renderHistory.keyOf(task);
		const list = renderTimes.get(key) ?? [];
		list.push(ms);
		if (list.length > POLL.historySize) list.shift();
		renderTimes.set(key, list);
		expectations.set(key, expectationOf(list));
	},
	/** The expected render of tasks like this one, or undefined before any finished. */
	expected(task: PiApiTask): RenderExpectation | undefined {
		return expectations.get(renderHistory.keyOf(task));
	},
	clear(): void {
		renderTimes.clear();
		expectations.clear();
	},
});

/**
 * About how many seconds a task still needs, from the renders this process has seen finish (the
 * median render, less the time the task has rendered so far by its own start stamp), or
 * undefined when no render of its type has finished here yet. A task past the median is given
 * the rest of the window where renders of its type end, at least one window step; one later than
 * the whole window, a pause growing with how late it is, as the poll's own checks back off.
 */
export function expectedSecondsLeft(task: PiApiTask, now: number): number | undefined {
	const expected = renderHistory.expected(task);
	if (!expected) return undefined;
	const started = serverTimeMs(task.meta?.started_at);
	// Clock skew between PiAPI and this machine only moves the estimate; it is clamped by callers.
	const rendered = started === undefined ? 0 : Math.max(0, now - started);
	let left: number;
	if (expected.typicalMs > rendered) left = expected.typicalMs - rendered;
	else if (expected.latestMs > rendered)
		left = Math.max(expected.latestMs - rendered, expected.stepMs);
	else left = Math.max(expected.stepMs, (rendered - expected.latestMs) * POLL.backoff);
	return Math.ceil(left / 1000);
}
