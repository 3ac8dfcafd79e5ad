/* eslint-disable @n8n/community-nodes/no-restricted-globals */
import { parseWav, startSimulator } from '../simulator';
import {
	API_KEY,
	expectNoSecrets,
	GENERATE_AND_WAIT,
	items,
	runNode,
	until,
	useSimulator,
} from './helpers';

const sim = useSimulator({ pendingMs: 100, renderMs: 1200, audioSeconds: 2 });

const generateAndWait = GENERATE_AND_WAIT;

describe('Generate and Wait (poll)', () => {
	it('returns the finished task with the song as binary audio', async () => {
		const result = await runNode(sim, generateAndWait);
		expect(result.status).toBe('success');
		const [item] = result.output('DiffRhythm')!;
		const taskId = item.json.task_id as string;
		expect(item.json).toMatchObject({
			status: 'completed',
			audioUrl: `${sim.url}/files/${taskId}.wav`,
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary?.data).toMatchObject({
			mimeType: 'audio/wav',
			fileName: `diffrhythm-${taskId}.wav`,
			fileExtension: 'wav',
		});
		const wav = parseWav(await result.binaryBuffer(item));
		expect(wav.durationSeconds).toBeCloseTo(2, 1);
		expect(sim.posts()).toHaveLength(1);
		expect(result.logText).toContain(`DiffRhythm item 0: created task ${taskId}`);
		expect(result.logText).toContain(`DiffRhythm item 0: task ${taskId} is completed`);
		expectNoSecrets(result);
	});

	it('waits for 20 items together and creates exactly one task per item', async () => {
		const result = await runNode(sim, generateAndWait, { items: items(20) });
		expect(result.status).toBe('success');
		const output = result.output('DiffRhythm')!;
		expect(output).toHaveLength(20);
		output.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json.status).toBe('completed');
			expect(item.binary?.data.mimeType).toBe('audio/wav');
		});
		expect(new Set(output.map((item) => item.json.task_id)).size).toBe(20);
		expect(sim.posts()).toHaveLength(20);
		// Polled together: with 1.3 s renders, a few rounds of 20 reads, not 20 sequential waits.
		expect(sim.count('GET', '/api/v1/task/')).toBeLessThanOrEqual(20 * 4);
	});

	it('submits and checks at most Concurrency items at a time', async () => {
		sim.addFault({ method: 'POST', path: '/api/v1/task', kind: 'delay', delayMs: 150, times: 10 });
		const result = await runNode(
			sim,
			{ ...generateAndWait, downloadAudio: false, options: { concurrency: 3 } },
			{ items: items(10) },
		);
		expect(result.status).toBe('success');
		expect(sim.posts()).toHaveLength(10);
		const posts = sim.maxInFlight((r) => r.method === 'POST');
		expect(posts).toBeLessThanOrEqual(3);
		expect(posts).toBeGreaterThanOrEqual(2);
		expect(sim.maxInFlight((r) => r.method === 'GET')).toBeLessThanOrEqual(3);
	});

	it('returns the song without binary data when Download Audio is off', async () => {
		const result = await runNode(sim, { ...generateAndWait, downloadAudio: false });
		const [item] = result.output('DiffRhythm')!;
		expect(item.json.status).toBe('completed');
		expect(item.binary).toBeUndefined();
		expect(sim.count('GET', '/files/')).toBe(0);
	});

	it('fails with the task id and PiAPI reason when the task fails', async () => {
		sim.setBehaviour(() => ({ outcome: 'failed' }));
		const result = await runNode(sim, generateAndWait);
		expect(result.status).toBe('error');
		const taskId = [...sim.tasks.keys()][0];
		expect(result.error?.message).toBe(
			`DiffRhythm task ${taskId} failed: simulated generation failure`,
		);
		expect(result.error?.description).toContain(`Task id: ${taskId}`);
		expect(sim.posts()).toHaveLength(1);
	});

	it('with Continue On Fail, a failed task becomes an item with error, taskId and status', async () => {
		sim.setBehaviour((_input, index) => ({ outcome: index === 1 ? 'failed' : 'completed' }));
		const result = await runNode(sim, generateAndWait, { items: items(3), continueOnFail: true });
		expect(result.status).toBe('success');
		const output = result.output('DiffRhythm')!;
		expect(output[0].json.status).toBe('completed');
		expect(output[2].json.status).toBe('completed');
		const failedId = output[1].json.taskId as string;
		expect(sim.tasks.has(failedId)).toBe(true);
		expect(output[1]).toEqual({
			json: {
				success: false,
				error: `DiffRhythm task ${failedId} failed: simulated generation failure`,
				description: expect.stringContaining(`Task id: ${failedId}`),
				taskId: failedId,
				status: 'failed',
			},
			pairedItem: { item: 1 },
		});
	});

	it("names the other items' tasks when one item stops the node", async () => {
		sim.setBehaviour((_input, index) => ({ outcome: index === 0 ? 'failed' : 'completed' }));
		const result = await runNode(sim, generateAndWait, { items: items(2) });
		expect(result.status).toBe('error');
		const ids = [...sim.tasks.keys()];
		expect(result.error?.context?.itemIndex).toBe(0);
		expect(result.error?.description).toContain(
			`Tasks of the other items: item 1: ${ids[1]} (completed)`,
		);
	});

	it('times out with the task id and last status, and never creates a second task', async () => {
		sim.setBehaviour(() => ({ outcome: 'stuck' }));
		const result = await runNode(sim, { ...generateAndWait, options: { maxWaitSeconds: 3 } });
		expect(result.status).toBe('error');
		const taskId = [...sim.tasks.keys()][0];
		expect(result.error?.message).toMatch(
			new RegExp(
				`^DiffRhythm task ${taskId} did not finish within [34] s \\(last status: processing\\)$`,
			),
		);
		expect(result.error?.description).toContain('use the Get Task operation with this id');
		expect(sim.posts()).toHaveLength(1);
	});

	it('stops polling at once when the execution is cancelled', async () => {
		sim.setBehaviour(() => ({ outcome: 'stuck' }));
		let cancelledAt = 0;
		const result = await runNode(
			sim,
			{ ...generateAndWait, options: { pollIntervalSeconds: 1 } },
			{
				onStart: (cancel) => {
					void until(() => sim.count('GET', '/api/v1/task/') >= 2).then(() => {
						cancelledAt = Date.now();
						cancel();
					});
				},
			},
		);
		expect(result.status).toBe('canceled');
		const requestsAtCancel = sim.requests.length;
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(sim.requests.filter((r) => r.at > cancelledAt + 300)).toHaveLength(0);
		expect(sim.requests.length).toBe(requestsAtCancel);
		expect(sim.posts()).toHaveLength(1);
	});

	it('treats statuses in any casing as the same status', async () => {
		sim.setBehaviour(() => ({ statusCase: 'upper' }));
		const upper = await runNode(sim, generateAndWait);
		expect(upper.status).toBe('success');
		// `status` has one spelling for IF nodes to compare with; PiAPI's own stays in `piapiStatus`.
		expect(upper.output('DiffRhythm')![0].json.status).toBe('completed');
		expect(upper.output('DiffRhythm')![0].json.piapiStatus).toBe('COMPLETED');
		sim.setBehaviour(() => ({ statusCase: 'title', outcome: 'failed' }));
		const failed = await runNode(sim, generateAndWait);
		expect(failed.error?.message).toContain('failed: simulated generation failure');
	});

	it('finds the audio under another output field and types it from its bytes', async () => {
		sim.setBehaviour(() => ({
			audioField: 'nested',
			audioContentType: 'application/octet-stream',
			audioPathExtension: '',
		}));
		const result = await runNode(sim, generateAndWait);
		expect(result.status).toBe('success');
		const [item] = result.output('DiffRhythm')!;
		expect(item.json.audioUrl).toMatch(new RegExp(`^${sim.url}/files/[0-9a-f-]+$`));
		expect(item.binary?.data).toMatchObject({ mimeType: 'audio/wav', fileExtension: 'wav' });
		expect(parseWav(await result.binaryBuffer(item)).durationSeconds).toBeCloseTo(2, 1);
	});

	it('waits while the account is at its concurrency limit (staged)', async () => {
		const limited = await startSimulator({
			apiKey: API_KEY,
			pendingMs: 50,
			renderMs: 400,
			audioSeconds: 1,
			concurrency: 2,
		});
		try {
			const result = await runNode(
				limited,
				{ ...generateAndWait, options: { pollIntervalSeconds: 1 } },
				{ items: items(5) },
			);
			expect(result.status).toBe('success');
			expect(result.output('DiffRhythm')!.every((item) => item.json.status === 'completed')).toBe(
				true,
			);
			expect(result.logText).toMatch(/is staged/);
			expect(limited.posts()).toHaveLength(5);
		} finally {
			await limited.close();
		}
	});
});
