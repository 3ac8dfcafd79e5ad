import type { CreateTaskBody, PiApiTask } from '../../nodes/shared/model/piapi';
import {
	createUnlessRepeated,
	repeatKey,
	requestFingerprint,
	songRequests,
} from '../../nodes/DiffRhythm/repeats';
import { TOOL } from '../../nodes/shared/utils/constants';

function body(lyrics: string, style: string, extra: Partial<CreateTaskBody['input']> = {}): CreateTaskBody {
	return {
		model: 'Qubico/diffrhythm',
		task_type: 'txt2audio-base',
		input: { lyrics, style_prompt: style, style_audio: '', ...extra },
	};
}

let created = 0;
const create = (id = `task-${++created}`) => async (): Promise<PiApiTask> => ({ task_id: id, status: 'pending' });

describe('the repeat rule', () => {
	afterEach(() => {
		songRequests.clear();
		jest.useRealTimers();
	});

	it('counts requests as the same up to whitespace in the lyrics and case in the style prompt', () => {
		const one = requestFingerprint(body('[00:05.00] Hello  world\n\n[00:09.00] Bye', 'Dreamy Pop'));
		expect(requestFingerprint(body(' [00:05.00] Hello world \n[00:09.00]   Bye\n', ' dreamy  pop '))).toBe(one);
		expect(requestFingerprint(body('[00:05.00] Hello world\n[00:09.00] Bye!', 'dreamy pop'))).not.toBe(one);
		expect(requestFingerprint(body('[00:05.00] Hello world\n[00:09.00] Bye', 'dreamy rock'))).not.toBe(one);
		expect(
			requestFingerprint(body('[00:05.00] Hello world\n[00:09.00] Bye', 'dreamy pop', { style_audio: 'https://x/a.mp3' })),
		).not.toBe(one);
		expect(requestFingerprint({ ...body('[00:05.00] Hello world\n[00:09.00] Bye', 'dreamy pop'), task_type: 'txt2audio-full' })).not.toBe(one);
	});

	it('keys a request by its scope (account, workflow, node), as a digest that holds no secret', () => {
		const request = body('la la', 'pop');
		const alice = repeatKey(JSON.stringify(['sk-alice', 'https://api.piapi.ai', 'wf', 'n', 'Song']), request);
		const bob = repeatKey(JSON.stringify(['sk-bob', 'https://api.piapi.ai', 'wf', 'n', 'Song']), request);
		expect(alice).toMatch(/^[0-9a-f]{64}$/);
		expect(bob).not.toBe(alice);
		expect(repeatKey(JSON.stringify(['sk-alice', 'https://api.piapi.ai', 'wf', 'n', 'Song']), request)).toBe(alice);
	});

	it('answers a repeat with the task already started, also while its create is in flight', async () => {
		let creates = 0;
		let release: (task: PiApiTask) => void = () => undefined;
		const slow = async () => {
			creates++;
			return await new Promise<PiApiTask>((resolve) => (release = resolve));
		};
		const first = createUnlessRepeated('k', slow);
		const second = createUnlessRepeated('k', slow);
		release({ task_id: 'one', status: 'pending' });
		expect((await first).task.task_id).toBe('one');
		expect(await second).toMatchObject({ task: { task_id: 'one' }, repeatOf: expect.any(Number) });
		expect(creates).toBe(1);
		// Without a key (New Take), a new task every time.
		expect((await createUnlessRepeated(undefined, create('two'))).task.task_id).toBe('two');
		expect((await createUnlessRepeated('k', create('three'))).task.task_id).toBe('one');
	});

	it('forgets a create that failed, so the next call tries again', async () => {
		await expect(
			createUnlessRepeated('k', async () => {
				throw new Error('PiAPI is down');
			}),
		).rejects.toThrow('PiAPI is down');
		expect(await createUnlessRepeated('k', create('fresh'))).toEqual({ task: { task_id: 'fresh', status: 'pending' } });
	});

	it('is bounded: a request is remembered for 30 minutes, and at most 500 of them', async () => {
		jest.useFakeTimers({ now: 1_000_000 });
		await createUnlessRepeated('old', create('old-task'));
		jest.setSystemTime(1_000_000 + TOOL.repeatWindowMs - 1);
		expect((await createUnlessRepeated('old', create())).task.task_id).toBe('old-task');
		jest.setSystemTime(1_000_000 + TOOL.repeatWindowMs);
		expect((await createUnlessRepeated('old', create('new-task'))).task.task_id).toBe('new-task');

		for (let index = 0; index < TOOL.repeatEntries; index++) await createUnlessRepeated(`k${index}`, create());
		expect(songRequests.get('old')).toBeUndefined();
		expect(songRequests.get('k0')).toBeDefined();
		expect(TOOL.repeatEntries).toBe(500);
		expect(TOOL.repeatWindowMs).toBe(30 * 60_000);
	});
});
