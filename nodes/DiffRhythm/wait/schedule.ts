import { POLL } from '../../shared/constants';
import type { PiApiTask } from '../../shared/interfaces';
import { isRendering } from '../../shared/task';

/**
 * When to check a task next. A song's render time is unknown up front, so a plain back-off must
 * choose between many requests and a late answer (checks every 3 s would cost 30 requests for a
 * 90 s render; checks 15 s apart leave a finished song unseen for up to 15 s). Two facts from
 * the task itself remove most of that trade-off:
 *
 * - PiAPI stamps the start of the render (`meta.started_at`), so a task that waited in PiAPI's
 *   queue (`pending`, or `staged` at the account's concurrency limit) restarts the back-off when
 *   it starts rendering, not when it was created;
 * - renders of one model and task type take about the same time, so once a song has finished,
 *   the next one's end can be predicted from its own start: the schedule lands a check just after
 *   that moment and, if the song is late, checks again 1 s later, backing off with the delay.
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
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/** Delay after a check made `elapsedMs` into the phase, with no prediction to go by. */
export function backoffDelayMs(elapsedMs: number): number {
	return clamp(Math.round(elapsedMs * POLL.backoff), POLL.firstDelayMs, POLL.maxDelayMs);
}

/**
 * Local time of the next check of a task.
 * @param expectedRenderMs how long renders of this task's type took lately, if any finished.
 * @param fixedSeconds the user's Poll Interval; above 0 it replaces the adaptive schedule.
 */
export function nextCheckAt(
	clock: PollClock,
	expectedRenderMs: number | undefined,
	fixedSeconds: number,
): number {
	const last = clock.lastCheckAt;
	if (fixedSeconds > 0) return last + Math.max(POLL.minFixedDelayMs, fixedSeconds * 1000);
	const elapsed = Math.max(0, last - clock.phaseStartedAt);
	if (expectedRenderMs === undefined) return last + backoffDelayMs(elapsed);
	if (!clock.rendering) {
		// Queued: the render's start will be read from the task, so finding it late costs nothing
		// as long as the check comes well before the render can end.
		return last + clamp(expectedRenderMs / 2, POLL.firstDelayMs, POLL.maxDelayMs);
	}
	const expectedAt = clock.phaseStartedAt + expectedRenderMs + POLL.expectedMarginMs;
	if (last < expectedAt - POLL.coalesceMs) {
		// Before the predicted end: back off (catching songs that finish early, and failures), but
		// land on the predicted end rather than skip past it.
		const next = last + backoffDelayMs(elapsed);
		return next + POLL.firstDelayMs > expectedAt
			? Math.max(expectedAt, last + POLL.minGapMs)
			: next;
	}
	// Late: check again soon, backing off with how late the song is.
	const late = last - expectedAt;
	return last + clamp(Math.round(late * POLL.backoff), POLL.lateDelayMs, POLL.maxDelayMs);
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
 * task just created).
 */
export function clockOf(
	task: PiApiTask,
	seenAt: number,
	serverClock: ServerClock,
	previous?: PollClock,
): PollClock {
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
		};
	}
	const createdAt = serverClock.toLocal(task.meta?.created_at);
	return {
		phaseStartedAt: Math.min(createdAt ?? previous?.phaseStartedAt ?? seenAt, seenAt),
		rendering: false,
		lastCheckAt: seenAt,
	};
}

// -------------------------------------------------------------------------------------------------

const renderTimes = new Map<string, number[]>();

/**
 * How long renders took lately, per model and task type, in this n8n process (every execution
 * of the node shares it; nothing is stored anywhere). Only completed tasks with both server
 * timestamps count; the prediction is the median of the last few.
 */
export const renderHistory = {
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
	},
	/** The expected render time of tasks like this one, or undefined before any finished. */
	expected(task: PiApiTask): number | undefined {
		const list = renderTimes.get(renderHistory.keyOf(task));
		if (!list || list.length === 0) return undefined;
		const sorted = [...list].sort((a, b) => a - b);
		const middle = Math.floor(sorted.length / 2);
		return sorted.length % 2
			? sorted[middle]
			: Math.round((sorted[middle - 1] + sorted[middle]) / 2);
	},
	clear(): void {
		renderTimes.clear();
	},
};
