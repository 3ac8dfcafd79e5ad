import { parseWav } from '../simulator';
import { resolveCredentialExpression, loadPackage } from '../harness';
import { API_KEY, LYRICS, runNode, until, useSimulator } from './helpers';

const sim = useSimulator({ pendingMs: 50, renderMs: 300, audioSeconds: 1 });

async function createdTaskId(): Promise<string> {
	const result = await runNode(sim, {
		operation: 'generate',
		taskType: 'txt2audio-base',
		lyrics: LYRICS,
		stylePrompt: 'pop',
	});
	return result.output('DiffRhythm')![0].json.task_id as string;
}

describe('Get Task', () => {
	it('returns a running task as it is, without audio', async () => {
		const taskId = await createdTaskId();
		const result = await runNode(sim, { operation: 'getTask', taskId, downloadAudio: true });
		const [item] = result.output('DiffRhythm')!;
		expect(['pending', 'processing']).toContain(item.json.status);
		expect(item.binary).toBeUndefined();
	});

	it('with Wait for the Song, waits for a running task (also outside tools) and downloads it', async () => {
		const taskId = await createdTaskId();
		const result = await runNode(sim, {
			operation: 'getTask',
			taskId,
			waitForSong: true,
			downloadAudio: true,
			options: { toolAnswerSeconds: 20 },
		});
		const [item] = result.output('DiffRhythm')!;
		expect(item.json).toMatchObject({ task_id: taskId, status: 'completed' });
		expect(item.binary?.data.mimeType).toBe('audio/wav');
		expect(sim.count('GET', `/api/v1/task/${taskId}`)).toBeGreaterThan(1);
	});

	it('downloads the audio of a completed task when asked', async () => {
		const taskId = await createdTaskId();
		await until(() => sim.getTask(taskId)?.status === 'completed');
		const plain = await runNode(sim, { operation: 'getTask', taskId });
		expect(plain.output('DiffRhythm')![0].binary).toBeUndefined();
		const result = await runNode(sim, {
			operation: 'getTask',
			taskId: ` ${taskId} `,
			downloadAudio: true,
			binaryPropertyName: 'song',
		});
		const [item] = result.output('DiffRhythm')!;
		expect(item.json).toMatchObject({ task_id: taskId, status: 'completed' });
		expect(item.binary?.song.mimeType).toBe('audio/wav');
		expect(parseWav(await result.binaryBuffer(item, 'song')).durationSeconds).toBeCloseTo(1, 1);
	});

	it('says clearly when PiAPI has no such task', async () => {
		const result = await runNode(sim, { operation: 'getTask', taskId: 'no-such-task' });
		expect(result.error?.message).toBe('PiAPI has no task "no-such-task"');
		expect(sim.requests).toHaveLength(1);
	});

	it('refuses an id that is not a task id, before calling PiAPI', async () => {
		const result = await runNode(sim, { operation: 'getTask', taskId: '../account/info' });
		expect(result.error?.message).toContain('Task ID: must be a PiAPI task id');
		expect(sim.requests).toHaveLength(0);
	});
});

describe('PiAPI API credential', () => {
	async function credentialTest(apiKey: string) {
		const { credentialTypes } = await loadPackage();
		const type = credentialTypes.piApiApi.type as {
			test: { request: { baseURL: string; url: string; method: string } };
			authenticate: { properties: { headers: Record<string, string> } };
		};
		const credentials = { apiKey, baseUrl: sim.url };
		const base = resolveCredentialExpression(type.test.request.baseURL, credentials) as string;
		const headers = Object.fromEntries(
			Object.entries(type.authenticate.properties.headers).map(([k, v]) => [
				k,
				String(resolveCredentialExpression(v, credentials)),
			]),
		);
		return await fetch(`${base}${type.test.request.url}`, {
			method: type.test.request.method,
			headers,
		});
	}

	it('tests the key with a free account read, never a task', async () => {
		const good = await credentialTest(API_KEY);
		expect(good.status).toBe(200);
		expect(((await good.json()) as { code: number }).code).toBe(200);
		const bad = await credentialTest('sk-bad');
		expect(bad.status).toBe(401);
		expect(sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'GET /account/info',
			'GET /account/info',
		]);
		expect(sim.tasks.size).toBe(0);
	});
});
