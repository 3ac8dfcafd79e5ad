import {
	clearProcessMemories,
	processMemory,
	processMemoryNames,
	RecentKeys,
	RecentValues,
} from '../../nodes/shared/utils/memory';
// Loading both nodes creates every memory the package has.
import '../../nodes/DiffRhythm/DiffRhythm.node';
import '../../nodes/PiApiTrigger/PiApiTrigger.node';
import { renderHistory } from '../../nodes/DiffRhythm/wait/schedule';

describe('RecentValues', () => {
	afterEach(() => jest.useRealTimers());

	it('keeps a value for its time to live, then forgets it', () => {
		jest.useFakeTimers({ now: 1_000_000 });
		const memory = new RecentValues<string>(1_000, 10);
		memory.set('a', 'first');
		jest.setSystemTime(1_000_999);
		expect(memory.get('a')).toBe('first');
		jest.setSystemTime(1_001_000);
		expect(memory.get('a')).toBeUndefined();
	});

	it('keeps at most maxEntries, dropping the oldest', () => {
		const memory = new RecentValues<number>(60_000, 3);
		for (const [index, key] of ['a', 'b', 'c', 'd'].entries()) memory.set(key, index);
		expect(['a', 'b', 'c', 'd'].map((key) => memory.get(key))).toEqual([undefined, 1, 2, 3]);
	});

	it('setting a key again renews it and moves it to the back', () => {
		jest.useFakeTimers({ now: 0 });
		const memory = new RecentValues<number>(1_000, 2);
		memory.set('a', 1);
		memory.set('b', 2);
		jest.setSystemTime(600);
		memory.set('a', 3);
		// 'b' is now the oldest: a new key pushes it out, not the renewed 'a'.
		memory.set('c', 4);
		expect([memory.get('a'), memory.get('b'), memory.get('c')]).toEqual([3, undefined, 4]);
		// The renewed 'a' lives until 1600, not 1000.
		jest.setSystemTime(1_500);
		expect(memory.get('a')).toBe(3);
		jest.setSystemTime(1_600);
		expect(memory.get('a')).toBeUndefined();
	});
});

describe('RecentKeys', () => {
	it('claims a key once until it is released', () => {
		const keys = new RecentKeys(60_000, 10);
		expect(keys.claim('task:completed')).toBe(true);
		expect(keys.claim('task:completed')).toBe(false);
		keys.release('task:completed');
		expect(keys.claim('task:completed')).toBe(true);
	});
});

describe('process memories', () => {
	it('are all in the index, and clearProcessMemories empties them', () => {
		expect(processMemoryNames().sort()).toEqual([
			'download.webhookDeadlines',
			'poll.renderHistory',
			'resume.finished',
			'resume.reading',
			'resume.resumed',
			'tool.songRequests',
			'trigger.delivered',
			'webhook.unconfirmed',
		]);
		const task = {
			task_id: 't',
			model: 'Qubico/diffrhythm',
			task_type: 'txt2audio-base',
			status: 'completed',
			meta: { started_at: '2026-01-01T00:00:00Z', ended_at: '2026-01-01T00:00:30Z' },
		};
		renderHistory.record(task);
		expect(renderHistory.expected(task)?.typicalMs).toBe(30_000);
		clearProcessMemories();
		expect(renderHistory.expected(task)).toBeUndefined();
	});

	it('refuses a second memory under a name already taken', () => {
		processMemory('test.once', new Map());
		expect(() => processMemory('test.once', new Map())).toThrow(/registered twice/);
	});
});
