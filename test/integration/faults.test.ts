import { startSimulator } from '../simulator';
import { API_KEY, expectNoSecrets, GENERATE_AND_WAIT, runNode, useSimulator } from './helpers';

const sim = useSimulator({ pendingMs: 50, renderMs: 600, audioSeconds: 1 });

const generateAndWait = { ...GENERATE_AND_WAIT, options: { pollIntervalSeconds: 1 } };
const TASK_PATH = /^\/api\/v1\/task\/.+/;

describe('creating a task: never paid twice', () => {
	it('retries a 429 after Retry-After and creates exactly one task', async () => {
		sim.addFault({
			method: 'POST',
			path: '/api/v1/task',
			kind: 'status',
			status: 429,
			retryAfter: 1,
			times: 1,
		});
		const result = await runNode(sim, generateAndWait);
		expect(result.status).toBe('success');
		const posts = sim.posts();
		expect(posts.map((p) => p.status)).toEqual([429, 200]);
		expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(950);
		expect(sim.tasks.size).toBe(1);
		expect(result.logText).toMatch(
			/PiAPI POST \/api\/v1\/task: PiAPI rate limit reached \(HTTP 429\); retrying in 1000 ms/,
		);
	});

	it('gives up on repeated 429s with a clear error, having created nothing', async () => {
		sim.addFault({
			method: 'POST',
			path: '/api/v1/task',
			kind: 'status',
			status: 429,
			retryAfter: 0,
			times: 10,
		});
		const result = await runNode(sim, generateAndWait);
		expect(result.error?.message).toBe('PiAPI rate limit reached (HTTP 429) (after 5 attempts)');
		expect(result.error?.description).toContain('nothing was created');
		expect(sim.posts()).toHaveLength(5);
		expect(sim.tasks.size).toBe(0);
	});

	it('does not resend the create request after a 500 that created the task', async () => {
		sim.addFault({ method: 'POST', path: '/api/v1/task', kind: 'statusAfterCreate', status: 500 });
		const result = await runNode(sim, generateAndWait);
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('PiAPI server error (HTTP 500)');
		expect(result.error?.description).toContain(
			'may have reached PiAPI and started a paid task, so it was not sent again',
		);
		expect(sim.posts()).toHaveLength(1);
		expect(sim.tasks.size).toBe(1);
	});

	it('does not resend the create request after the connection drops', async () => {
		sim.addFault({ method: 'POST', path: '/api/v1/task', kind: 'dropAfterCreate' });
		const result = await runNode(sim, generateAndWait);
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			/^Could not reach PiAPI at http:\/\/127\.0\.0\.1:\d+ \(connection closed unexpectedly\)$/,
		);
		expect(result.error?.description).toMatch(
			/^Network error code: E[A-Z]+\. The create request may have reached PiAPI/,
		);
		expect(result.error?.description).toContain('was not sent again');
		expect(sim.posts()).toHaveLength(1);
		expect(sim.tasks.size).toBe(1);
	});

	it('does not resend the create request after a broken JSON answer', async () => {
		sim.addFault({ method: 'POST', path: '/api/v1/task', kind: 'malformed' });
		const result = await runNode(sim, generateAndWait);
		expect(result.error?.message).toBe('PiAPI answered with invalid JSON (HTTP 200)');
		expect(sim.posts()).toHaveLength(1);
	});

	it('with Continue On Fail, an API error becomes an item with its HTTP status code', async () => {
		sim.addFault({
			method: 'POST',
			path: '/api/v1/task',
			kind: 'status',
			status: 400,
			body: { code: 400, message: 'invalid input' },
		});
		const result = await runNode(sim, generateAndWait, { continueOnFail: true });
		expect(result.status).toBe('success');
		expect(result.output('DiffRhythm')).toEqual([
			{
				json: {
					success: false,
					error: 'PiAPI refused the request (HTTP 400)',
					description: 'POST /api/v1/task. PiAPI said: "invalid input".',
					statusCode: 400,
				},
				pairedItem: { item: 0 },
			},
		]);
	});

	it('reports insufficient credits without retrying', async () => {
		const broke = await startSimulator({ apiKey: API_KEY, credits: 0 });
		try {
			const result = await runNode(broke, generateAndWait);
			expect(result.error?.message).toBe('Your PiAPI account has insufficient credits');
			expect(result.error?.description).toContain('no task was created');
			expect(broke.posts()).toHaveLength(1);
		} finally {
			await broke.close();
		}
	});
});

describe('reading a task: transient faults are retried', () => {
	it.each([
		['two 500s', { kind: 'status', status: 500, times: 2 }],
		['a 429 with Retry-After', { kind: 'status', status: 429, retryAfter: 1, times: 1 }],
		['a dropped connection', { kind: 'drop', times: 1 }],
		['broken JSON', { kind: 'malformed', times: 1 }],
		['a slow answer', { kind: 'delay', delayMs: 1500, times: 1 }],
	] as const)('recovers from %s and still makes one task', async (_name, fault) => {
		sim.addFault({ method: 'GET', path: TASK_PATH, ...fault });
		const result = await runNode(sim, generateAndWait);
		expect(result.status).toBe('success');
		expect(result.output('DiffRhythm')![0].json.status).toBe('completed');
		const faulted = sim.requests.filter((r) => r.fault !== null);
		expect(faulted.length).toBe(fault.times);
		expect(sim.posts()).toHaveLength(1);
		expectNoSecrets(result);
	});

	it('fails with the task id when reads keep failing', async () => {
		sim.addFault({ method: 'GET', path: TASK_PATH, kind: 'status', status: 503, times: 50 });
		const result = await runNode(sim, generateAndWait);
		const taskId = [...sim.tasks.keys()][0];
		expect(result.error?.message).toBe('PiAPI server error (HTTP 503) (after 5 attempts)');
		expect(result.error?.description).toContain(`Task id: ${taskId}`);
		expect(sim.posts()).toHaveLength(1);
	});

	it('fails with the task id when the audio download fails', async () => {
		sim.addFault({ method: 'GET', path: /^\/files\//, kind: 'status', status: 404, times: 50 });
		const result = await runNode(sim, generateAndWait);
		const taskId = [...sim.tasks.keys()][0];
		expect(result.error?.message).toBe(`Could not download the audio of task ${taskId} (HTTP 404)`);
		expect(result.error?.description).toContain('Get Task');
	});
});
