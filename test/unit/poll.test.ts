import type { IExecuteFunctions } from 'n8n-workflow';

import { pollStrategy } from '../../nodes/DiffRhythm/wait/poll';
import { fetchTask } from '../../nodes/shared/transport/api';
import { POLL, SLEEP_SLICE_MS } from '../../nodes/shared/utils/constants';
import type { PiApiTask } from '../../nodes/shared/model/piapi';
import {
	backoffDelayMs,
	budgetAllowsAt,
	clockOf,
	expectationOf,
	firstSongDelayMs,
	nextCheckAt,
	renderHistory,
	ServerClock,
	serverTimeMs,
	type PollClock,
	type RenderExpectation,
} from '../../nodes/DiffRhythm/wait/schedule';

// The poll loop below reads tasks through this mock, on jest's fake clock.
jest.mock('../../nodes/shared/transport/api', () => ({
	...jest.requireActual('../../nodes/shared/transport/api'),
	fetchTask: jest.fn(),
}));

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

const clockAt = (fields: Partial<PollClock>): PollClock => ({
	phaseStartedAt: 0,
	rendering: true,
	lastCheckAt: 0,
	createdAt: 0,
	checks: 0,
	...fields,
});

/**
 * Checks one task made by the schedule until the song is out: queued for `queuedMs`, then
 * rendering for `renderMs`. Returns the number of checks and how long the song went unseen.
 */
function simulate(queuedMs: number, renderMs: number, expected?: RenderExpectation) {
	const endsAt = queuedMs + renderMs;
	let clock = clockAt({ rendering: false });
	for (let checks = 1; checks < 1000; checks++) {
		const at = nextCheckAt(clock, expected, 0);
		expect(at).toBeGreaterThan(clock.lastCheckAt);
		if (at >= endsAt) return { checks, unseenMs: at - endsAt };
		clock =
			at >= queuedMs
				? clockAt({ phaseStartedAt: queuedMs, lastCheckAt: at, checks })
				: clockAt({ rendering: false, lastCheckAt: at, checks });
	}
	throw new Error('never finished');
}

/** Check times of a task that never finishes, up to `untilMs`. */
function checksOfStuckTask(untilMs: number, expected?: RenderExpectation, queuedMs = 1_000) {
	const times: number[] = [];
	let clock = clockAt({ rendering: false });
	for (;;) {
		const at = nextCheckAt(clock, expected, 0);
		if (at > untilMs) return times;
		times.push(at);
		clock = clockAt({
			phaseStartedAt: at >= queuedMs ? queuedMs : 0,
			rendering: at >= queuedMs,
			lastCheckAt: at,
			checks: times.length,
		});
	}
}

/** Renders spread evenly over `typicalMs` ± `spread`. */
const spreadRenders = (typicalMs: number, spread: number, count = POLL.historySize) =>
	Array.from({ length: count }, (_, i) =>
		Math.round(typicalMs * (1 - spread + (2 * spread * i) / (count - 1))),
	);

describe('poll schedule before any render of the type has finished', () => {
	it('backs off from 2 s, capped at 3.5 s for two minutes, then backs off to 15 s', () => {
		expect(backoffDelayMs(0)).toBe(POLL.firstDelayMs);
		expect(backoffDelayMs(10_000)).toBe(4_000);
		expect(backoffDelayMs(3_600_000)).toBe(POLL.maxDelayMs);
		expect(firstSongDelayMs(0)).toBe(POLL.firstDelayMs);
		expect(firstSongDelayMs(6_000)).toBe(2_400);
		for (let t = 9_000; t <= POLL.attentiveMs; t += 1_000) {
			expect(firstSongDelayMs(t)).toBe(POLL.firstSongDelayMs);
		}
		expect(firstSongDelayMs(POLL.attentiveMs + 60_000)).toBe(POLL.maxDelayMs);
		const delays = Array.from({ length: 100 }, (_, i) => firstSongDelayMs(i * 5_000));
		for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
	});

	it('sees a 90 s song within 3.5 s with at most 30 checks, and a 10 s one within 2.4 s', () => {
		for (let queuedMs = 200; queuedMs <= 5_200; queuedMs += 250) {
			const long = simulate(queuedMs, 90_000 - queuedMs);
			expect(long.checks).toBeLessThanOrEqual(30);
			expect(long.unseenMs).toBeLessThanOrEqual(POLL.firstSongDelayMs);
			expect(simulate(queuedMs, 10_000 - queuedMs).unseenMs).toBeLessThanOrEqual(2_400);
		}
	});

	it('restarts the schedule when the render starts, so a long queue does not delay the answer', () => {
		// Queued for a minute (staged behind other songs).
		const queued = clockAt({ rendering: false, lastCheckAt: 59_000 });
		expect(nextCheckAt(queued, undefined, 0)).toBe(59_000 + POLL.firstSongDelayMs);
		// Seen rendering 1 s after it started: the next check is 2 s away.
		const started = clockAt({ phaseStartedAt: 60_000, lastCheckAt: 61_000, checks: 20 });
		expect(nextCheckAt(started, undefined, 0)).toBe(61_000 + POLL.firstDelayMs);
	});
});

describe('the window where a render is likely to end', () => {
	it('is the range of recent renders, widened by the average gap between them', () => {
		const e = expectationOf([80_000, 90_000, 85_000]);
		expect(e.typicalMs).toBe(85_000);
		expect(e.earliestMs).toBe(75_000);
		expect(e.latestMs).toBe(95_000);
		expect(e.stepMs).toBe(Math.round(20_000 / POLL.windowChecks));
	});

	it('assumes a spread of ±10% / renders known while the renders agree, with half the checks', () => {
		const one = expectationOf([87_000]);
		expect([one.earliestMs, one.latestMs]).toEqual([78_300, 95_700]);
		expect(one.stepMs).toBe(Math.round(17_400 / (POLL.windowChecks / 2)));
		const same = expectationOf(Array(8).fill(87_000));
		expect(same.typicalMs).toBe(87_000);
		expect(same.latestMs - same.earliestMs).toBe(2_175);
		expect(same.stepMs).toBe(POLL.minWindowStepMs);
	});

	it('never asks for checks closer than 1 s or further apart than 15 s', () => {
		expect(expectationOf([5_000, 5_001, 5_002]).stepMs).toBe(POLL.minWindowStepMs);
		expect(expectationOf([60_000, 3_600_000]).stepMs).toBe(POLL.maxDelayMs);
	});
});

describe('poll schedule with known render times', () => {
	it('lands a check just after the typical render, not before it', () => {
		const expected = expectationOf(Array(8).fill(87_000));
		expect(simulate(1_000, 87_000, expected).unseenMs).toBe(POLL.expectedMarginMs);
		expect(simulate(1_000, 87_000, expected).checks).toBeLessThanOrEqual(10);
	});

	it('sees a song whose render varies ±10% within one step, with at most 20 checks', () => {
		const expected = expectationOf(spreadRenders(87_300, 0.1));
		for (let render = 78_600; render <= 96_000; render += 300) {
			const { checks, unseenMs } = simulate(2_700, render, expected);
			expect(unseenMs).toBeLessThanOrEqual(expected.stepMs + POLL.expectedMarginMs);
			expect(checks).toBeLessThanOrEqual(20);
		}
	});

	it('checks far less before the window than inside it', () => {
		const expected = expectationOf(spreadRenders(87_300, 0.1));
		const times = checksOfStuckTask(120_000, expected);
		const before = times.filter((t) => t < 1_000 + expected.earliestMs);
		expect(before.length).toBeLessThanOrEqual(8);
		// …but never leaves a failure or a song far quicker than usual unseen for more than 15 s.
		const gaps = before.map((at, k) => at - (k ? before[k - 1] : 0));
		expect(Math.max(...gaps)).toBeLessThanOrEqual(POLL.maxDelayMs);
	});

	it('backs off once a song is later than every recent render', () => {
		const expected = expectationOf([10_000, 10_000]);
		const end = POLL.expectedMarginMs + expected.latestMs;
		expect(nextCheckAt(clockAt({ lastCheckAt: end }), expected, 0)).toBe(end + POLL.lateDelayMs);
		const muchLater = end + 60_000;
		expect(nextCheckAt(clockAt({ lastCheckAt: muchLater }), expected, 0) - muchLater).toBe(
			POLL.maxDelayMs,
		);
	});

	it('checks a queued task about every half of the shortest render, within 2-15 s', () => {
		const queued = clockAt({ rendering: false, lastCheckAt: 1_000 });
		expect(nextCheckAt(queued, expectationOf([3_000, 3_000]), 0)).toBe(1_000 + POLL.firstDelayMs);
		const e = expectationOf([20_000, 20_000]);
		expect(nextCheckAt(queued, e, 0)).toBe(1_000 + e.earliestMs / 2);
		expect(nextCheckAt(queued, expectationOf([300_000]), 0)).toBe(1_000 + POLL.maxDelayMs);
	});
});

describe('GET budget of one task', () => {
	const allowance = (ms: number) => POLL.freeChecks + Math.floor(ms / POLL.maxDelayMs);
	const histories: Array<[string, RenderExpectation | undefined]> = [
		['nothing learned', undefined],
		['renders of 90 s ± 10%', expectationOf(spreadRenders(87_300, 0.1))],
		['renders of exactly 10 s', expectationOf(Array(8).fill(10_000))],
		[
			'a window of 1 s steps over ten minutes',
			{ typicalMs: 1, earliestMs: 0, latestMs: 600_000, stepMs: 1_000 },
		],
	];

	it.each(histories)('a stuck task never exceeds the budget (%s)', (_, expected) => {
		const times = checksOfStuckTask(6 * 3_600_000, expected);
		times.forEach((at, i) => expect(i + 1).toBeLessThanOrEqual(allowance(at)));
		expect(times.filter((t) => t <= 3_600_000).length).toBeLessThanOrEqual(280);
		const lastHour = times.filter((t) => t > 5 * 3_600_000);
		expect(lastHour.length).toBeLessThanOrEqual(3_600_000 / POLL.maxDelayMs);
	});

	it('a task that waited long in the queue still gets a dense window once it renders', () => {
		// Staged for 20 minutes, checked every 15 s: the budget it did not use is still there.
		const expected = expectationOf(spreadRenders(87_300, 0.1));
		const clock = clockAt({ phaseStartedAt: 1_200_000, lastCheckAt: 1_285_000, checks: 85 });
		expect(nextCheckAt(clock, expected, 0) - 1_285_000).toBeLessThanOrEqual(expected.stepMs);
	});

	it('holds the next check back once the allowance is spent', () => {
		const spent = clockAt({ lastCheckAt: 60_000, checks: allowance(60_000) });
		expect(nextCheckAt(spent, undefined, 0)).toBe(budgetAllowsAt(spent));
		expect(budgetAllowsAt(spent)).toBe(75_000);
	});
});

describe('fixed poll interval', () => {
	it('replaces the adaptive schedule, never below one second', () => {
		const clock = clockAt({ lastCheckAt: 7_000 });
		expect(nextCheckAt(clock, expectationOf([8_000]), 5)).toBe(12_000);
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
			createdAt: T0,
			checks: 0,
		});
	});

	it('anchors a rendering task at its started_at', () => {
		const clock = clockOf(
			task({ status: 'processing', started: T0 + 1_500 }),
			T0 + 4_000,
			serverClock,
		);
		expect(clock).toEqual({
			phaseStartedAt: T0 + 1_500,
			rendering: true,
			lastCheckAt: T0 + 4_000,
			createdAt: T0,
			checks: 0,
		});
	});

	it('without started_at, puts the start between the last two checks', () => {
		const previous = clockAt({
			phaseStartedAt: T0,
			rendering: false,
			lastCheckAt: T0 + 2_000,
			createdAt: T0,
			checks: 1,
		});
		const clock = clockOf(task({ status: 'Processing' }), T0 + 4_000, serverClock, previous);
		expect(clock.phaseStartedAt).toBe(T0 + 3_000);
		expect(clock.rendering).toBe(true);
		const later = clockOf(task({ status: 'processing' }), T0 + 9_000, serverClock, clock);
		expect(later.phaseStartedAt).toBe(T0 + 3_000);
		// Each read after the create answer counts against the task's budget.
		expect([clock.checks, later.checks, later.createdAt]).toEqual([2, 3, T0]);
	});
});

describe('renderHistory', () => {
	beforeEach(() => renderHistory.clear());
	afterAll(() => renderHistory.clear());

	it('learns the window of recent completed renders of the same task type', () => {
		expect(renderHistory.expected(task({}))).toBeUndefined();
		for (const ms of [10_000, 30_000, 12_000]) {
			renderHistory.record(task({ status: 'completed', started: T0, ended: T0 + ms }));
		}
		expect(renderHistory.expected(task({}))).toEqual(expectationOf([10_000, 30_000, 12_000]));
		expect(renderHistory.expected(task({}))?.typicalMs).toBe(12_000);
		expect(renderHistory.expected(task({ task_type: 'txt2audio-full' }))).toBeUndefined();
	});

	it('keeps only the last few renders', () => {
		for (let i = 0; i < POLL.historySize; i++) {
			renderHistory.record(task({ started: T0, ended: T0 + 60_000 }));
		}
		for (let i = 0; i < POLL.historySize; i++) {
			renderHistory.record(task({ started: T0, ended: T0 + 20_000 }));
		}
		expect(renderHistory.expected(task({}))).toEqual(expectationOf(Array(8).fill(20_000)));
	});

	it('ignores tasks without both timestamps, and absurd durations', () => {
		renderHistory.record(task({ ended: T0 + 5_000 }));
		renderHistory.record(task({ started: T0 }));
		renderHistory.record(task({ started: T0 + 5_000, ended: T0 }));
		renderHistory.record(task({ started: T0, ended: T0 + POLL.maxLearnedRenderMs + 1 }));
		expect(renderHistory.expected(task({}))).toBeUndefined();
	});
});

describe('the poll loop keeps the bounds (fake clock)', () => {
	const node = {
		id: '1',
		name: 'DiffRhythm',
		type: 'n8n-nodes-piapi-diffrhythm.diffRhythm',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: {},
	};
	const quiet = { info() {}, warn() {}, debug() {} };
	const reads: number[] = [];

	beforeEach(() => {
		jest.useFakeTimers({ now: T0 });
		reads.length = 0;
		renderHistory.clear();
		// A task that renders forever.
		jest.mocked(fetchTask).mockImplementation(async () => {
			reads.push(Date.now());
			return task({ task_id: 'stuck-1', status: 'processing', started: T0 + 1_000 });
		});
	});
	afterEach(() => {
		jest.useRealTimers();
		renderHistory.clear();
	});

	function startWait(maxWaitSeconds: number, signal?: AbortSignal) {
		const context = {
			getExecutionCancelSignal: () => signal,
			getNode: () => node,
			logger: quiet,
		} as unknown as IExecuteFunctions;
		const created = [{ itemIndex: 0, value: task({ task_id: 'stuck-1' }) }];
		const options = {
			mode: 'poll' as const,
			maxWaitSeconds,
			pollIntervalSeconds: 0,
			concurrency: 5,
		};
		let done = false;
		const result = pollStrategy.wait.call(context, created, options, new Map()).then((r) => {
			done = true;
			return r;
		});
		return { result, isDone: () => done };
	}
	const errorOf = async (result: ReturnType<typeof startWait>['result']) => {
		const outcome = await result;
		const [step] = 'settled' in outcome ? outcome.settled : [];
		return step && 'error' in step ? step.error : undefined;
	};

	it.each([
		['nothing learned', []],
		['renders of 90 s ± 10% learned', spreadRenders(87_300, 0.1)],
	])(
		'a stuck task over an hour: within the GET budget, last read at the deadline (%s)',
		async (_, renders) => {
			for (const ms of renders) renderHistory.record(task({ started: T0, ended: T0 + ms }));
			const wait = startWait(3_600);
			await jest.advanceTimersByTimeAsync(3_600_000 + 1_000);
			expect(wait.isDone()).toBe(true);
			// The budget, plus the final read at the deadline.
			expect(reads.length).toBeLessThanOrEqual(POLL.freeChecks + 3_600_000 / POLL.maxDelayMs + 1);
			expect(reads.at(-1)).toBe(T0 + 3_600_000);
			expect(Math.max(...reads)).toBeLessThanOrEqual(T0 + 3_600_000);
			expect((await errorOf(wait.result))?.message).toBe(
				'DiffRhythm task stuck-1 did not finish within 3600 s (last status: processing)',
			);
		},
	);

	it('Stop ends the wait within one sleep slice, with no read after it', async () => {
		const controller = new AbortController();
		const wait = startWait(600, controller.signal);
		await jest.advanceTimersByTimeAsync(30_500);
		expect(reads.length).toBeGreaterThan(0);
		const stoppedAt = Date.now();
		controller.abort();
		await jest.advanceTimersByTimeAsync(SLEEP_SLICE_MS);
		expect(wait.isDone()).toBe(true);
		expect(reads.filter((at) => at > stoppedAt)).toEqual([]);
		expect((await errorOf(wait.result))?.message).toBe(
			'Stopped waiting for DiffRhythm task stuck-1: the execution was cancelled',
		);
	});
});
