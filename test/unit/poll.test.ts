import { POLL } from '../../nodes/shared/constants';
import type { PiApiTask } from '../../nodes/shared/interfaces';
import {
	backoffDelayMs,
	clockOf,
	nextCheckAt,
	renderHistory,
	ServerClock,
	serverTimeMs,
	type PollClock,
} from '../../nodes/DiffRhythm/wait/schedule';

const ZERO = '0001-01-01T00:00:00Z';
const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function task(fields: Partial<PiApiTask> & { started?: number; ended?: number; created?: number }) {
	const { started, ended, created, ...rest } = fields;
	return {
		task_id: 't',
		model: 'Qubico/diffrhythm',
		task_type: 'txt2audio-base',
		status: 'pending',
		meta: {
			created_at: iso(created ?? T0),
			started_at: started === undefined ? ZERO : iso(started),
			ended_at: ended === undefined ? ZERO : iso(ended),
		},
		...rest,
	} as PiApiTask;
}

/**
 * Checks one task made by the schedule until the song is out: queued for `queuedMs`, then
 * rendering for `renderMs`. Returns the number of checks and how long the song went unseen.
 */
function simulate(queuedMs: number, renderMs: number, expectedRenderMs?: number) {
	const endsAt = queuedMs + renderMs;
	let clock: PollClock = { phaseStartedAt: 0, rendering: false, lastCheckAt: 0 };
	for (let checks = 1; checks < 1000; checks++) {
		const at = nextCheckAt(clock, expectedRenderMs, 0);
		expect(at).toBeGreaterThan(clock.lastCheckAt);
		if (at >= endsAt) return { checks, unseenMs: at - endsAt };
		clock =
			at >= queuedMs
				? { phaseStartedAt: queuedMs, rendering: true, lastCheckAt: at }
				: { phaseStartedAt: 0, rendering: false, lastCheckAt: at };
	}
	throw new Error('never finished');
}

describe('poll schedule without a known render time', () => {
	it('checks first after 2 s and backs off with the time spent, to at most 15 s', () => {
		expect(backoffDelayMs(0)).toBe(POLL.firstDelayMs);
		expect(backoffDelayMs(10_000)).toBe(4_000);
		expect(backoffDelayMs(3_600_000)).toBe(POLL.maxDelayMs);
		const delays = Array.from({ length: 30 }, (_, i) => backoffDelayMs(i * 5_000));
		for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
	});

	it('needs at most 15 checks for a 90 s song queued for up to 5 s', () => {
		for (let queuedMs = 200; queuedMs <= 5_200; queuedMs += 250) {
			expect(simulate(queuedMs, 90_000 - queuedMs).checks).toBeLessThanOrEqual(15);
		}
	});

	it('restarts the back-off when the render starts, so a long queue does not delay the answer', () => {
		// Queued for a minute (staged behind other songs): checks 15 s apart by then.
		const queued: PollClock = { phaseStartedAt: 0, rendering: false, lastCheckAt: 59_000 };
		expect(nextCheckAt(queued, undefined, 0)).toBe(59_000 + POLL.maxDelayMs);
		// Seen rendering 1 s after it started: the next check is 2 s away, not 15 s.
		const started: PollClock = { phaseStartedAt: 60_000, rendering: true, lastCheckAt: 61_000 };
		expect(nextCheckAt(started, undefined, 0)).toBe(61_000 + POLL.firstDelayMs);
	});
});

describe('poll schedule with a known render time', () => {
	const rendering = (startedAt: number, lastCheckAt: number): PollClock => ({
		phaseStartedAt: startedAt,
		rendering: true,
		lastCheckAt,
	});

	it('lands a check just after the predicted end instead of skipping past it', () => {
		const expected = 87_000;
		const at = nextCheckAt(rendering(0, 80_000), expected, 0);
		expect(at).toBe(expected + POLL.expectedMarginMs);
		expect(simulate(1_000, expected, expected)).toEqual({
			checks: expect.any(Number),
			unseenMs: POLL.expectedMarginMs,
		});
	});

	it('needs fewer checks than the back-off alone for a 90 s song', () => {
		const known = simulate(3_000, 87_000, 87_000).checks;
		expect(known).toBeLessThan(simulate(3_000, 87_000).checks);
		expect(known).toBeLessThanOrEqual(10);
	});

	it('re-checks a late song after 1 s, then backs off with how late it is', () => {
		const expectedAt = 10_000 + POLL.expectedMarginMs;
		expect(nextCheckAt(rendering(0, expectedAt), 10_000, 0)).toBe(expectedAt + POLL.lateDelayMs);
		const muchLater = expectedAt + 60_000;
		expect(nextCheckAt(rendering(0, muchLater), 10_000, 0) - muchLater).toBe(POLL.maxDelayMs);
	});

	it('still checks a song that may finish early, before the predicted end', () => {
		const at = nextCheckAt(rendering(0, 2_000), 87_000, 0);
		expect(at).toBeLessThan(10_000);
	});

	it('checks a queued task about every half render time, within 2-15 s', () => {
		const queued: PollClock = { phaseStartedAt: 0, rendering: false, lastCheckAt: 1_000 };
		expect(nextCheckAt(queued, 3_000, 0)).toBe(1_000 + POLL.firstDelayMs);
		expect(nextCheckAt(queued, 20_000, 0)).toBe(11_000);
		expect(nextCheckAt(queued, 300_000, 0)).toBe(1_000 + POLL.maxDelayMs);
	});
});

describe('fixed poll interval', () => {
	it('replaces the adaptive schedule, never below one second', () => {
		const clock: PollClock = { phaseStartedAt: 0, rendering: true, lastCheckAt: 7_000 };
		expect(nextCheckAt(clock, 8_000, 5)).toBe(12_000);
		expect(nextCheckAt(clock, undefined, 0.1)).toBe(7_000 + POLL.minFixedDelayMs);
	});
});

describe('ServerClock', () => {
	it('maps server times with the tightest offset seen', () => {
		const clock = new ServerClock();
		clock.observe(iso(T0), T0 + 5_000 + 900);
		clock.observe(iso(T0 + 1_000), T0 + 5_000 + 1_200);
		expect(clock.toLocal(iso(T0 + 10_000))).toBe(T0 + 10_000 + 5_200);
	});

	it('ignores unset and unreadable times', () => {
		const clock = new ServerClock();
		clock.observe(ZERO, T0);
		clock.observe('soon', T0);
		clock.observe(null, T0);
		expect(clock.toLocal(iso(T0))).toBeUndefined();
		expect(serverTimeMs(ZERO)).toBeUndefined();
		expect(serverTimeMs('0001-01-01T00:00:00.000+00:00')).toBeUndefined();
	});
});

describe('clockOf', () => {
	const serverClock = new ServerClock();
	serverClock.observe(iso(T0), T0); // no skew

	it('anchors a queued task at its creation', () => {
		expect(clockOf(task({ status: 'staged' }), T0 + 4_000, serverClock)).toEqual({
			phaseStartedAt: T0,
			rendering: false,
			lastCheckAt: T0 + 4_000,
		});
	});

	it('anchors a rendering task at its started_at', () => {
		const clock = clockOf(
			task({ status: 'processing', started: T0 + 1_500 }),
			T0 + 4_000,
			serverClock,
		);
		expect(clock).toEqual({ phaseStartedAt: T0 + 1_500, rendering: true, lastCheckAt: T0 + 4_000 });
	});

	it('without started_at, puts the start between the last two checks', () => {
		const previous: PollClock = { phaseStartedAt: T0, rendering: false, lastCheckAt: T0 + 2_000 };
		const clock = clockOf(task({ status: 'Processing' }), T0 + 4_000, serverClock, previous);
		expect(clock.phaseStartedAt).toBe(T0 + 3_000);
		expect(clock.rendering).toBe(true);
		const later = clockOf(task({ status: 'processing' }), T0 + 9_000, serverClock, clock);
		expect(later.phaseStartedAt).toBe(T0 + 3_000);
	});
});

describe('renderHistory', () => {
	beforeEach(() => renderHistory.clear());
	afterAll(() => renderHistory.clear());

	it('predicts the median of recent completed renders of the same task type', () => {
		expect(renderHistory.expected(task({}))).toBeUndefined();
		for (const ms of [10_000, 30_000, 12_000]) {
			renderHistory.record(task({ status: 'completed', started: T0, ended: T0 + ms }));
		}
		expect(renderHistory.expected(task({}))).toBe(12_000);
		expect(renderHistory.expected(task({ task_type: 'txt2audio-full' }))).toBeUndefined();
	});

	it('keeps only the last few renders', () => {
		for (let i = 0; i < POLL.historySize; i++) {
			renderHistory.record(task({ started: T0, ended: T0 + 60_000 }));
		}
		for (let i = 0; i < POLL.historySize; i++) {
			renderHistory.record(task({ started: T0, ended: T0 + 20_000 }));
		}
		expect(renderHistory.expected(task({}))).toBe(20_000);
	});

	it('ignores tasks without both timestamps, and absurd durations', () => {
		renderHistory.record(task({ ended: T0 + 5_000 }));
		renderHistory.record(task({ started: T0 }));
		renderHistory.record(task({ started: T0 + 5_000, ended: T0 }));
		renderHistory.record(task({ started: T0, ended: T0 + POLL.maxLearnedRenderMs + 1 }));
		expect(renderHistory.expected(task({}))).toBeUndefined();
	});
});
