import { createHmac } from 'crypto';
import type { INodeExecutionData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import {
	diffRhythmWorkflow,
	logs,
	startN8nServer,
	type N8nServer,
	type RunResult,
} from '../harness';
import { SUSPEND_SAFE_BATCH } from '../../nodes/shared/utils/constants';
import { parseWav } from '../simulator';
import {
	API_KEY,
	credentialsFor,
	GENERATE_AND_WAIT,
	items,
	runNode,
	until,
	useSimulator,
	WEBHOOK_SECRET,
} from './helpers';

const sim = useSimulator({ pendingMs: 150, renderMs: 900, audioSeconds: 2 });

const SUSPEND = { ...GENERATE_AND_WAIT, options: { waitMode: 'suspend', maxWaitSeconds: 600 } };

let server: N8nServer;
let resumeTokens = true;
beforeEach(async () => {
	server = await startN8nServer({ credentials: credentialsFor(sim), resumeTokens });
});
afterEach(async () => await server.close());

const expectedSecret = (executionId: string) =>
	createHmac('sha256', API_KEY).update(`diffrhythm-resume:${executionId}`).digest('hex');

async function suspend(
	parameters: object = SUSPEND,
	runItems?: INodeExecutionData[],
	extra: object = {},
): Promise<RunResult> {
	return await server.run({
		workflow: diffRhythmWorkflow(parameters as never, extra as never),
		items: runItems,
	});
}

/** POSTs a body to the execution's resume URL as PiAPI would, with the given secret. */
async function callBack(url: string, body: unknown, secret?: string): Promise<Response> {
	const headers: Record<string, string> = { 'content-type': 'application/json' };
	if (secret !== undefined) headers['x-webhook-secret'] = secret;
	return await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
}

const stuck = () => sim.setBehaviour(() => ({ outcome: 'stuck' }));

describe('Generate and Wait, Wait Mode "Suspend Until PiAPI Calls Back"', () => {
	it('parks the execution, sends the resume URL and a derived secret, and resumes with the song', async () => {
		const waiting = await suspend();
		expect(waiting.status).toBe('waiting');
		expect(waiting.waitTill).toBeInstanceOf(Date);
		const waitMs = waiting.waitTill!.getTime() - Date.now();
		expect(waitMs).toBeGreaterThan(590_000);
		expect(waitMs).toBeLessThanOrEqual(600_000);

		const [post] = sim.posts();
		const webhook = post.body.config?.webhook_config;
		const id = waiting.executionId;
		// n8n 2.x style: the URL is used as n8n gives it, signature included.
		expect(webhook?.endpoint).toMatch(
			new RegExp(`^${server.url}/webhook-waiting/${id}\\?signature=[0-9a-f]{64}$`),
		);
		expect(webhook?.secret).toBe(expectedSecret(id));
		expect(webhook?.secret).not.toContain(API_KEY);
		expect(webhook?.secret).not.toBe(WEBHOOK_SECRET);
		// While waiting, the node's output carries the task id.
		const [parked] = waiting.output('DiffRhythm')!;
		expect(parked.json.diffRhythmPending).toMatchObject({ taskId: [...sim.tasks.keys()][0] });

		const done = await server.finished(id);
		expect(done.status).toBe('success');
		const [item] = done.output('DiffRhythm')!;
		const taskId = item.json.task_id as string;
		expect(item.json).toMatchObject({
			status: 'completed',
			audioUrl: `${sim.url}/files/${taskId}.wav`,
		});
		expect(item.json.diffRhythmPending).toBeUndefined();
		expect(JSON.stringify(item.json)).not.toContain(expectedSecret(id));
		expect(item.binary?.data).toMatchObject({ mimeType: 'audio/wav', fileExtension: 'wav' });
		expect(parseWav(await done.binaryBuffer(item)).durationSeconds).toBeCloseTo(2, 1);
		expect(item.pairedItem).toEqual({ item: 0 });

		// One POST; no polling: the only reads are the one confirming GET and the audio download.
		expect(sim.posts()).toHaveLength(1);
		expect(sim.count('GET', '/api/v1/task/')).toBe(1);
		// The simulator's processing webhook was answered 200 and did not resume anything.
		const delivered = (status: string) =>
			sim.deliveries.find((d) => d.taskId === taskId && d.status === status);
		await until(() => delivered('completed') !== undefined);
		expect(delivered('processing')?.statusCode).toBe(200);
		expect(delivered('completed')?.statusCode).toBe(200);
		expect(server.requests.filter((r) => r.resumed)).toHaveLength(1);
	});

	it('keeps waiting on in-progress callbacks, refuses forged ones, and confirms before resuming', async () => {
		stuck();
		const waiting = await suspend();
		expect(waiting.status).toBe('waiting');
		const taskId = [...sim.tasks.keys()][0];
		const { endpoint, secret } = sim.posts()[0].body.config!.webhook_config!;
		const task = sim.getTask(taskId)!;

		const progress = await callBack(
			endpoint!,
			{ timestamp: 1, data: { ...task, status: 'processing' } },
			secret,
		);
		expect(progress.status).toBe(200);
		expect(await progress.json()).toEqual({ received: true });

		for (const forged of ['wrong-secret', API_KEY, WEBHOOK_SECRET, '']) {
			const answer = await callBack(
				endpoint!,
				{
					timestamp: 2,
					data: {
						...task,
						status: 'completed',
						output: { audio_url: 'https://evil.example/x.wav' },
					},
				},
				forged,
			);
			expect(answer.status).toBe(401);
		}
		const noHeader = await callBack(endpoint!, {
			timestamp: 2,
			data: { ...task, status: 'completed' },
		});
		expect(noHeader.status).toBe(401);
		expect(await noHeader.text()).not.toContain(secret!);

		// A body claiming "completed" while PiAPI says processing: confirmed with one GET, not believed.
		const premature = await callBack(
			endpoint!,
			{ timestamp: 3, data: { ...task, status: 'completed' } },
			secret,
		);
		// Answered 503, so that PiAPI delivers it again; a repeat right after costs no GET.
		expect(premature.status).toBe(503);
		expect(premature.headers.get('retry-after')).toBe('3');
		expect(sim.count('GET', '/api/v1/task/')).toBe(1);
		for (let i = 0; i < 10; i++) {
			const repeat = await callBack(
				endpoint!,
				{ timestamp: 3, data: { ...task, status: 'completed' } },
				secret,
			);
			expect(repeat.status).toBe(503);
		}
		expect(sim.count('GET', '/api/v1/task/')).toBe(1);

		const notJson = await callBack(endpoint!, { hello: 'world' }, secret);
		expect(notJson.status).toBe(400);

		expect(server.executions.get(waiting.executionId)!.status).toBe('waiting');
		expect(server.requests.some((r) => r.resumed)).toBe(false);
		expect(sim.count('GET', '/files/')).toBe(0);
	});

	it('answers 401 for a wrong signature and 409 once the execution has resumed', async () => {
		const waiting = await suspend();
		const done = await server.finished(waiting.executionId);
		expect(done.status).toBe('success');
		const { endpoint, secret } = sim.posts()[0].body.config!.webhook_config!;
		const task = sim.getTask([...sim.tasks.keys()][0])!;
		const again = await callBack(endpoint!, { timestamp: 9, data: task }, secret);
		expect(again.status).toBe(409);
		const unsigned = await callBack(
			endpoint!.replace(/\?.*$/, '?signature=0'),
			{ timestamp: 9, data: task },
			secret,
		);
		expect(unsigned.status).toBe(401);
	});

	it('answers PiAPI before downloading the song, so a slow download cannot lose the callback', async () => {
		sim.addFault({ method: 'GET', path: '/files/', kind: 'delay', delayMs: 2000 });
		const waiting = await suspend();
		const done = await server.finished(waiting.executionId);
		expect(done.status).toBe('success');
		expect(done.output('DiffRhythm')![0].binary?.data.mimeType).toBe('audio/wav');
		const resume = server.requests.find((r) => r.resumed)!;
		expect(resume.status).toBe(200);
		const download = sim.requests.find((r) => r.path.startsWith('/files/'))!;
		expect(resume.answeredAt!).toBeLessThan(download.doneAt!);
	});

	it('resumes a failed task as an item with the error and the task id', async () => {
		sim.setBehaviour(() => ({ outcome: 'failed' }));
		const waiting = await suspend();
		const done = await server.finished(waiting.executionId);
		expect(done.status).toBe('success');
		const [item] = done.output('DiffRhythm')!;
		const taskId = [...sim.tasks.keys()][0];
		expect(item.json.taskId).toBe(taskId);
		expect(item.json.status).toBe('failed');
		expect(String(item.json.error)).toContain(`DiffRhythm task ${taskId} failed`);
		expect(String(item.json.description)).toContain(`Task id: ${taskId}`);
		expect(item.binary).toBeUndefined();
		expect(sim.posts()).toHaveLength(1);
	});

	it('gives the same output as Poll mode for the same kind of task', async () => {
		const waiting = await suspend({ ...SUSPEND, downloadAudio: false });
		const resumed = (await server.finished(waiting.executionId)).output('DiffRhythm')![0];
		const polled = (await runNode(sim, { ...GENERATE_AND_WAIT, downloadAudio: false })).output(
			'DiffRhythm',
		)![0];
		const shape = (item: INodeExecutionData) =>
			JSON.parse(
				JSON.stringify(item.json)
					.split(item.json.task_id as string)
					.join('<id>')
					.replace(/"[0-9-]+T[0-9:.]+Z"/g, '"<time>"')
					.replace(/webhook_config":\{[^}]*\}/, 'webhook_config":{}'),
			);
		expect(shape(resumed)).toEqual(shape(polled));
		expect(Object.keys(resumed.json).sort()).toEqual(Object.keys(polled.json).sort());
	});

	it('resumes plain lyrics with the same lyricsTiming as Poll mode', async () => {
		const plain = { lyricsFormat: 'plain', lyrics: '[Verse]\nCity lights are calling me home\n\nSing it loud' };
		const waiting = await suspend({ ...SUSPEND, ...plain, downloadAudio: false });
		expect(waiting.status).toBe('waiting');
		const resumed = (await server.finished(waiting.executionId)).output('DiffRhythm')![0];
		const polled = (await runNode(sim, { ...GENERATE_AND_WAIT, ...plain, downloadAudio: false })).output(
			'DiffRhythm',
		)![0];
		expect(resumed.json.lyricsTiming).toMatchObject({ pace: 1, lines: 2 });
		expect(resumed.json.lyricsTiming).toEqual(polled.json.lyricsTiming);
	});

	it('passes the input on with the task id when Max Wait runs out', async () => {
		stuck();
		const waiting = await suspend(SUSPEND, [{ json: { song: 'first' } }]);
		expect(waiting.status).toBe('waiting');
		const timedOut = await server.timeout(waiting.executionId);
		expect(timedOut.status).toBe('success');
		const [item] = timedOut.output('DiffRhythm')!;
		const taskId = [...sim.tasks.keys()][0];
		expect(item.json.song).toBe('first');
		// The last status known when the execution was parked: the one the create request returned.
		expect(item.json.diffRhythmPending).toMatchObject({ taskId, status: 'pending' });
		// A failure by the one success signal, with the task id where every error item has it.
		expect(item.json).toMatchObject({ success: false, taskId });
		expect(String(item.json.error)).toContain(
			`DiffRhythm task ${taskId} was pending when the execution was suspended`,
		);
		expect(String((item.json.diffRhythmPending as { message: string }).message)).toContain(
			'Get Task',
		);
		expect(sim.posts()).toHaveLength(1);
	});

	it('waits for several items in one suspended execution and resumes once, when the last song is done', async () => {
		// Renders of 300, 1500 and 800 ms: the songs finish out of order.
		const renders = [300, 1500, 800];
		sim.setBehaviour((_input, index) => ({ renderMs: renders[index % 3] }));
		const waiting = await suspend(SUSPEND, items(3));
		expect(waiting.status).toBe('waiting');
		// Every task is created up front, with the same resume URL.
		expect(sim.posts()).toHaveLength(3);
		const ids = [...sim.tasks.keys()];
		const parked = waiting.output('DiffRhythm')!;
		expect(
			parked.map((item) => (item.json.diffRhythmPending as { taskId: string }).taskId),
		).toEqual(ids);

		const done = await server.finished(waiting.executionId);
		expect(done.status).toBe('success');
		const output = done.output('DiffRhythm')!;
		expect(output).toHaveLength(3);
		output.forEach((item, index) => {
			expect(item.json.task_id).toBe(ids[index]);
			expect(item.json.status).toBe('completed');
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.binary?.data.mimeType).toBe('audio/wav');
		});
		// The two earlier final callbacks were answered 200 and resumed nothing; the last one did.
		await until(() => sim.deliveries.filter((d) => d.kind === 'final').length === 3);
		expect(sim.deliveries.filter((d) => d.kind === 'final').map((d) => d.statusCode)).toEqual([
			200, 200, 200,
		]);
		expect(server.requests.filter((r) => r.resumed)).toHaveLength(1);
		expect(sim.posts()).toHaveLength(3);
	});

	it('asks PiAPI about each finished song about once, newest open task first, and stops at the first open one', async () => {
		// Songs end at about 0.3, 1.2 and 2.4 s: each final callback comes alone.
		const renders = [300, 1200, 2400];
		sim.setBehaviour((_input, index) => ({ renderMs: renders[index % 3] }));
		const waiting = await suspend(SUSPEND, items(3));
		const [a, b, c] = [...sim.tasks.keys()];
		const done = await server.finished(waiting.executionId);
		expect(done.output('DiffRhythm')!.map((item) => item.json.task_id)).toEqual([a, b, c]);
		const reads = sim.requests
			.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/task/'))
			.map((r) => r.path.slice('/api/v1/task/'.length));
		// a's callback: a, then the newest (c), still open: stop. b's: b, then c (a is remembered).
		// c's: c only; a and b are remembered as finished. Every final callback was answered 200.
		expect(reads).toEqual([a, c, b, c, c]);
		expect(sim.deliveries.filter((d) => d.kind === 'final').map((d) => d.statusCode)).toEqual([
			200, 200, 200,
		]);
		expect(server.requests.filter((r) => r.resumed)).toHaveLength(1);
		const lines = logs.map((line) => line.message).join('\n');
		expect(lines).toContain(`still waiting for ${c} (1 of 3 songs known to be ready)`);
		expect(lines).toContain(`still waiting for ${c} (2 of 3 songs known to be ready)`);
	});

	it('does not let the last callback reuse a read of another task that started before that task ended', async () => {
		// a ends at about 0.95 s, b at about 1.75 s. a's callback reads b while b renders, and that
		// answer is held back until about 2.5 s; b's callback (about 1.75 s) must read b anew.
		const renders = [800, 1600];
		sim.setBehaviour((_input, index) => ({ renderMs: renders[index % 2] }));
		const waiting = await suspend(SUSPEND, items(2));
		const [a, b] = [...sim.tasks.keys()];
		sim.addFault({ kind: 'delayAnswer', delayMs: 1500, method: 'GET', path: `/api/v1/task/${b}` });
		// Resumed by b's callback, before a's callback has its (stale) answer about b.
		await until(() => server.requests.some((r) => r.resumed), 5_000);
		const done = await server.finished(waiting.executionId);
		expect(done.output('DiffRhythm')!.map((item) => item.json.status)).toEqual([
			'completed',
			'completed',
		]);
		await until(() => sim.deliveries.filter((d) => d.kind === 'final').length === 2);
		const reads = sim.requests
			.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/task/'))
			.map((r) => [r.path.slice('/api/v1/task/'.length), r.fault]);
		expect(reads).toEqual([
			[a, null],
			[b, 'delayAnswer'],
			[b, null],
		]);
		expect(server.requests.filter((r) => r.resumed)).toHaveLength(1);
	});

	it('resumes a wait for 12 songs that end together with a few GETs per song, answering every callback', async () => {
		sim.setBehaviour(() => ({ renderMs: 600 }));
		const count = 12;
		const waiting = await suspend(SUSPEND, items(count));
		const ids = [...sim.tasks.keys()];
		const done = await server.finished(waiting.executionId);
		const output = done.output('DiffRhythm')!;
		expect(output.map((item) => item.json.task_id)).toEqual(ids);
		expect(output.every((item) => item.binary?.data.mimeType === 'audio/wav')).toBe(true);
		await until(() => sim.deliveries.filter((d) => d.kind === 'final').length === count);
		// Every final callback answered 200 at the first attempt (none refused, none retried).
		expect(sim.deliveries.filter((d) => d.kind === 'final').map((d) => d.statusCode)).toEqual(
			Array(count).fill(200),
		);
		expect(server.requests.filter((r) => r.resumed)).toHaveLength(1);
		// Reading every task on every final callback would be count × count = 144 GETs.
		const gets = sim.count('GET', '/api/v1/task/');
		expect(gets).toBeGreaterThanOrEqual(count);
		expect(gets).toBeLessThanOrEqual(2 * count);
	});

	it('outputs every item with its own task id when Max Wait runs out with several items', async () => {
		stuck();
		const waiting = await suspend(SUSPEND, items(2));
		const ids = [...sim.tasks.keys()];
		const timedOut = await server.timeout(waiting.executionId);
		const output = timedOut.output('DiffRhythm')!;
		expect(
			output.map((item) => (item.json.diffRhythmPending as { taskId: string }).taskId),
		).toEqual(ids);
		expect(sim.posts()).toHaveLength(2);
	});

	it('warns when one execution waits for more songs than the measured safe batch, and still ends at Max Wait with every task id', async () => {
		stuck();
		const warnings = (first: number) =>
			logs.slice(first).filter((line) => line.level === 'warn' && /Loop Over Items/.test(line.message));

		// At the safe size: no warning.
		let first = logs.length;
		const atLimit = await suspend(SUSPEND, items(SUSPEND_SAFE_BATCH));
		expect(atLimit.status).toBe('waiting');
		expect(warnings(first)).toEqual([]);
		sim.reset();
		stuck();

		// One more: the warning names the count, the safe size and the remedy.
		first = logs.length;
		const count = SUSPEND_SAFE_BATCH + 1;
		const waiting = await suspend(SUSPEND, items(count));
		expect(waiting.status).toBe('waiting');
		const [warning] = warnings(first);
		expect(warning?.message).toContain(`suspended for ${count} songs`);
		expect(warning?.message).toContain(`more than the ${SUSPEND_SAFE_BATCH}`);
		expect(warning?.message).toContain(`batch size of ${SUSPEND_SAFE_BATCH} or less`);
		expect(warning?.message).toContain('Max Wait');
		expect(sim.posts()).toHaveLength(count);

		// Its callbacks never come: Max Wait outputs every item with its own task id, in order.
		const ids = [...sim.tasks.keys()];
		const timedOut = await server.timeout(waiting.executionId);
		expect(timedOut.status).toBe('success');
		const output = timedOut.output('DiffRhythm')!;
		expect(output).toHaveLength(count);
		expect(output.map((item) => item.json.index)).toEqual(ids.map((_, index) => index));
		expect(
			output.map((item) => (item.json.diffRhythmPending as { taskId: string }).taskId),
		).toEqual(ids);
		expect(new Set(ids).size).toBe(count);
		expect(sim.posts()).toHaveLength(count);
	});

	it("ignores a callback about a task that is not this wait's, even with the right secret", async () => {
		stuck();
		const other = await runNode(sim, { ...GENERATE_AND_WAIT, operation: 'generate' });
		const otherId = String(other.output('DiffRhythm')![0].json.task_id);
		const waiting = await suspend();
		const { endpoint, secret } = sim.posts()[1].body.config!.webhook_config!;
		const first = logs.length;
		const foreign = await callBack(
			endpoint!,
			{ timestamp: 1, data: { ...sim.getTask(otherId)!, status: 'completed' } },
			secret,
		);
		expect(foreign.status).toBe(200);
		expect(await foreign.json()).toEqual({ received: true });
		expect(server.executions.get(waiting.executionId)!.status).toBe('waiting');
		// Nothing was even asked of PiAPI about it.
		expect(sim.count('GET', `/api/v1/task/${otherId}`)).toBe(0);
		expect(
			logs
				.slice(first)
				.map((line) => line.message)
				.join('\n'),
		).toContain(`a callback about task ${otherId} (completed) is not for this wait`);
	});

	it('resumes once when two final callbacks arrive at the same moment', async () => {
		// PiAPI's own final call is left out, so both copies can be sent together by hand.
		sim.setBehaviour(() => ({ webhookRepeat: 0, renderMs: 100 }));
		const waiting = await suspend();
		const taskId = [...sim.tasks.keys()][0];
		await until(() => sim.tasks.get(taskId)?.status === 'completed');
		const answers = await Promise.all([sim.deliver(taskId), sim.deliver(taskId)]);
		// As in real n8n, both webhook() calls run; the node resumes only with one, and both get 200.
		expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200]);
		const done = await server.finished(waiting.executionId);
		expect(done.output('DiffRhythm')).toHaveLength(1);
		expect(server.requests.filter((r) => r.resumed)).toHaveLength(1);
	});

	it('validates the input before anything is paid for', async () => {
		const result = await suspend({ ...SUSPEND, lyrics: '[verse]\nno timestamps' });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Lyrics: line 1/);
		expect(sim.posts()).toHaveLength(0);
	});

	it('warns that a loopback resume URL cannot be reached by PiAPI', async () => {
		const first = logs.length;
		const waiting = await suspend();
		await server.finished(waiting.executionId);
		const warned = logs.slice(first).filter((line) => line.level === 'warn');
		expect(warned.map((line) => line.message).join('\n')).toContain(
			'not reachable from the internet',
		);
		expect(warned.map((line) => line.message).join('\n')).not.toContain('signature=');
	});
});

describe('each item keeps its own download fields across a suspension', () => {
	/** Per-item expressions for Download Audio, Put Output File in Field and Max Audio Size. */
	const PER_ITEM = {
		...GENERATE_AND_WAIT,
		downloadAudio: '={{ $json.download }}',
		binaryPropertyName: '={{ $json.field }}',
		options: { maxAudioSizeMb: '={{ $json.maxMb }}' },
	};
	const withSuspend = { ...PER_ITEM, options: { ...PER_ITEM.options, ...SUSPEND.options } };

	/** What an item says about its song, field by field. */
	const view = (item: INodeExecutionData) => ({
		success: item.json.success,
		status: item.json.status,
		error: item.json.error === undefined ? undefined : 'error',
		binaryFields: Object.keys(item.binary ?? {}),
		mimeTypes: Object.values(item.binary ?? {}).map((binary) => binary.mimeType),
		pairedItem: item.pairedItem,
	});

	it.each([
		[
			'fields first, second, third (third: download off)',
			[
				{ download: true, field: 'first', maxMb: 200 },
				{ download: true, field: 'second', maxMb: 200 },
				{ download: false, field: 'third', maxMb: 200 },
			],
			[['first'], ['second'], []],
		],
		[
			"item 0's download off, the others on",
			[
				{ download: false, field: 'a', maxMb: 200 },
				{ download: true, field: 'b', maxMb: 200 },
				{ download: true, field: 'c', maxMb: 200 },
			],
			[[], ['b'], ['c']],
		],
		[
			"item 1's Max Audio Size (1 MB) too small for its 10 s song (1.7 MB)",
			[
				{ download: true, field: 'a', maxMb: 200 },
				{ download: true, field: 'b', maxMb: 1 },
			],
			[['a'], []],
		],
	])('%s: Suspend gives what Poll gives', async (_name, settings, fields) => {
		// Every second task (item 1 of each run) is a 10 s song.
		sim.setBehaviour((_input, index) => (index % 2 === 1 ? { audioSeconds: 10 } : {}));
		const input = settings.map((json) => ({ json }));
		const polled = (await runNode(sim, PER_ITEM, { items: input, continueOnFail: true })).output(
			'DiffRhythm',
		)!;
		const waiting = await suspend(withSuspend, input, { onError: 'continueRegularOutput' });
		expect(waiting.status).toBe('waiting');
		const resumed = (await server.finished(waiting.executionId)).output('DiffRhythm')!;
		expect(resumed.map((item) => Object.keys(item.binary ?? {}))).toEqual(fields);
		expect(resumed.map(view)).toEqual(polled.map(view));
	});
});

describe('Max Wait runs out with some songs done', () => {
	it('passes every item on as a failure with its own task id, saying the song may have finished (n8n runs no node code then)', async () => {
		sim.setBehaviour((_input, index) => (index === 1 ? { outcome: 'stuck' } : { renderMs: 100 }));
		const waiting = await suspend(SUSPEND, items(3));
		const ids = [...sim.tasks.keys()];
		// The two quick songs' final callbacks are answered and confirmed; the wait goes on.
		await until(
			() => sim.deliveries.filter((d) => d.kind === 'final' && d.statusCode === 200).length === 2,
		);
		const timedOut = await server.timeout(waiting.executionId);
		const output = timedOut.output('DiffRhythm')!;
		expect(output.map((item) => item.json.taskId)).toEqual(ids);
		expect(output.map((item) => item.json.success)).toEqual([false, false, false]);
		for (const [index, item] of output.entries()) {
			expect(String(item.json.error)).toContain(
				`DiffRhythm task ${ids[index]} was pending when the execution was suspended and may have finished since: use Get Task`,
			);
		}
		// Get Task on each item's taskId recovers the finished songs: the README's recovery.
		const recovered = await runNode(
			sim,
			{ operation: 'getTask', taskId: '={{ $json.taskId }}', downloadAudio: true },
			{ items: output.map((item) => ({ json: item.json })) },
		);
		expect(
			recovered.output('DiffRhythm')!.map((item) => [item.json.status, item.json.success]),
		).toEqual([
			['completed', true],
			['processing', true],
			['completed', true],
		]);
		expect(recovered.output('DiffRhythm')![0].binary?.data.mimeType).toBe('audio/wav');
	});
});

describe('a final callback that arrives before PiAPI’s own read says completed', () => {
	it('is answered 503, and the later repeat resumes the execution', async () => {
		sim.setBehaviour(() => ({ webhookIntermediate: false, renderMs: 600 }));
		const waiting = await suspend();
		const taskId = [...sim.tasks.keys()][0];
		const lagging = { ...sim.getTask(taskId)!, status: 'processing', output: null };
		sim.addFault({
			method: 'GET',
			path: `/api/v1/task/${taskId}`,
			kind: 'status',
			status: 200,
			body: { code: 200, message: 'success', data: lagging },
		});
		await until(
			() => sim.deliveries.filter((d) => d.taskId === taskId && d.kind === 'final').length >= 4,
		);
		expect(
			sim.deliveries
				.filter((d) => d.taskId === taskId && d.kind === 'final')
				.map((d) => d.statusCode),
		).toEqual([503, 503, 503, 503]);
		expect(sim.count('GET', '/api/v1/task/')).toBe(1);
		expect(server.executions.get(waiting.executionId)!.status).toBe('waiting');
		await sleep(3_100);
		expect((await sim.deliver(taskId)).statusCode).toBe(200);
		const done = await server.finished(waiting.executionId);
		expect(done.output('DiffRhythm')![0].json).toMatchObject({ task_id: taskId, success: true });
		expect(server.requests.filter((r) => r.resumed)).toHaveLength(1);
	});
});

describe('suspend mode on n8n 1.x (resume URL without a token)', () => {
	beforeAll(() => (resumeTokens = false));
	afterAll(() => (resumeTokens = true));

	it('uses the plain resume URL, guarded by the derived secret', async () => {
		stuck();
		const waiting = await suspend();
		const { endpoint, secret } = sim.posts()[0].body.config!.webhook_config!;
		expect(endpoint).toBe(`${server.url}/webhook-waiting/${waiting.executionId}`);
		const task = sim.getTask([...sim.tasks.keys()][0])!;
		const forged = await callBack(
			endpoint!,
			{ timestamp: 1, data: { ...task, status: 'completed' } },
			'guess',
		);
		expect(forged.status).toBe(401);
		expect(secret).toBe(expectedSecret(waiting.executionId));
		expect(server.executions.get(waiting.executionId)!.status).toBe('waiting');
	});
});

describe('examples/generate-song-suspend.workflow.json', () => {
	it('suspends and resumes with the song', async () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const example = require('../../examples/generate-song-suspend.workflow.json');
		const waiting = await server.run({ workflow: example });
		expect(waiting.status).toBe('waiting');
		expect(sim.posts()[0].body.config?.webhook_config?.endpoint).toContain('/webhook-waiting/');
		const done = await server.finished(waiting.executionId);
		expect(done.status).toBe('success');
		const [item] = done.output('DiffRhythm')!;
		expect(item.json.status).toBe('completed');
		expect(item.binary?.data.mimeType).toBe('audio/wav');
	});
});
