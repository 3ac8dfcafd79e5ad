/* eslint-disable @n8n/community-nodes/no-restricted-globals */
/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling: a loopback server */
/**
 * The PiAPI Trigger in n8n's engine: the harness n8n server registers its production webhook, the
 * simulator delivers PiAPI's webhooks to it (intermediate, final, repeated, forged), and every
 * call's HTTP answer, the executions it started and the requests PiAPI received are checked.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { DiffRhythm } from '../../nodes/DiffRhythm/DiffRhythm.node';
import { PiApiTrigger } from '../../nodes/PiApiTrigger/PiApiTrigger.node';
import {
	diffRhythmWorkflow,
	logs,
	PACKAGE_NAME,
	PACKAGE_ROOT,
	startN8nServer,
	type N8nServer,
	type RunResult,
	type ServerExecution,
	type TestWorkflow,
	type WorkflowNode,
} from '../harness';
import { parseWav, type BehaviourSpec } from '../simulator';
import { API_KEY, credentialsFor, LYRICS, until, useSimulator, WEBHOOK_SECRET } from './helpers';

const sim = useSimulator({ pendingMs: 50, renderMs: 400, audioSeconds: 1 });

let server: N8nServer;
beforeAll(async () => {
	server = await startN8nServer({ credentials: credentialsFor(sim) });
});
afterAll(async () => await server?.close());

const TASK_PATH = '/api/v1/task/';

/** A published workflow whose only node is a PiAPI Trigger with these parameters. */
async function listen(parameters: IDataObject = {}, on: N8nServer = server) {
	const name = `Receive ${randomUUID()}`;
	const { webhookUrl } = await on.activate({
		id: `wf-${randomUUID()}`,
		name,
		nodes: [
			{
				name: 'PiAPI Trigger',
				type: `${PACKAGE_NAME}.piApiTrigger`,
				webhookId: randomUUID(),
				parameters,
				credentials: { piApiApi: { id: 'cred-1', name: 'PiAPI' } },
			},
		],
	});
	const url = webhookUrl('PiAPI Trigger')!;
	const path = new URL(url).pathname;
	const executions = (): ServerExecution[] =>
		[...on.executions.values()].filter((e) => e.workflowName === name);
	return {
		url,
		executions,
		/** HTTP statuses the trigger's URL answered, in order. */
		answers: () => on.requests.filter((r) => r.path === path).map((r) => r.status),
		/** Waits for `count` executions and returns their finished runs, oldest first. */
		runs,
		/** Generates a song that calls back here; gives its task id and the first execution's item. */
		async song(behaviour?: BehaviourSpec) {
			const taskId = await generate(url, behaviour);
			await finalDelivered(taskId);
			const [run] = await runs(1);
			return { taskId, run, item: run.output('PiAPI Trigger')![0] };
		},
	};
	async function runs(count: number): Promise<RunResult[]> {
		await on.waitFor(() => executions().length >= count);
		return await Promise.all(executions().map((e) => e.done));
	}
}

/** Creates a song with DiffRhythm Generate whose callback URL is `url`; returns its task id. */
async function generate(url: string, behaviour?: BehaviourSpec): Promise<string> {
	if (behaviour) sim.setBehaviour(behaviour);
	const run = await server.run({
		workflow: diffRhythmWorkflow({
			operation: 'generate',
			taskType: 'txt2audio-base',
			lyrics: LYRICS,
			stylePrompt: 'pop',
			options: { callbackUrl: url },
		}),
	});
	expect(run.status).toBe('success');
	return String(run.output('DiffRhythm')![0].json.task_id);
}

const finalDelivered = (taskId: string, count = 1) =>
	until(
		() => sim.deliveries.filter((d) => d.taskId === taskId && d.kind === 'final').length >= count,
	);
const confirmGets = (taskId: string) => sim.count('GET', `${TASK_PATH}${taskId}`);

/** A song that finishes at once, without an in-progress call. */
const QUICK: BehaviourSpec = { webhookIntermediate: false, renderMs: 50 };

/** A completed task whose own calls went nowhere: its body is then resent or forged by hand. */
async function finishedTask(): Promise<string> {
	const taskId = await generate(`${server.url}/webhook/nobody/piapi`, QUICK);
	await finalDelivered(taskId);
	return taskId;
}

async function post(url: string, body: string, headers: Record<string, string>) {
	const response = await fetch(url, { method: 'POST', body, headers });
	return { status: response.status, body: await response.text() };
}

/** Gives the engine a moment, so that "no execution" is not just "not yet". */
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

function expectNoSecretsIn(...values: unknown[]): void {
	const text = JSON.stringify(values);
	expect(text).not.toContain(API_KEY);
	expect(text).not.toContain(WEBHOOK_SECRET);
}

describe('Generate → PiAPI → Trigger', () => {
	it('ends with the song as binary in the trigger’s output, from the confirmed final call only', async () => {
		const firstLog = logs.length;
		const trigger = await listen();
		const { taskId, run, item } = await trigger.song();
		expect(sim.posts()[0].body.config?.webhook_config).toEqual({
			endpoint: trigger.url,
			secret: WEBHOOK_SECRET,
		});

		expect(sim.deliveries.map((d) => [d.kind, d.status, d.statusCode])).toEqual([
			['intermediate', 'processing', 200],
			['final', 'completed', 200],
		]);
		expect(trigger.answers()).toEqual([200, 200]);
		expect(trigger.executions()).toHaveLength(1);
		expect(trigger.executions()[0].mode).toBe('webhook');
		expect(run.status).toBe('success');

		const delivered = sim.deliveries.find((d) => d.kind === 'final')!;
		expect(item.json).toMatchObject({
			task_id: taskId,
			model: 'Qubico/diffrhythm',
			status: 'completed',
			event: 'completed',
			dedupeKey: `${taskId}:completed`,
			audioUrl: `${sim.url}/files/${taskId}.wav`,
		});
		expect(item.json.timestamp).toBe(Math.floor(sim.tasks.get(taskId)!.endedAt! / 1000));
		expect(Math.abs(Number(item.json.timestamp) - delivered.at / 1000)).toBeLessThan(2);
		expect(item.binary?.data).toMatchObject({
			mimeType: 'audio/wav',
			fileExtension: 'wav',
			fileName: `diffrhythm-${taskId}.wav`,
		});
		const wav = parseWav(await run.binaryBuffer(item, 'data'));
		expect(wav.durationSeconds).toBeCloseTo(1, 1);

		// One confirming GET (for the final call; the intermediate one was not wanted) and one download.
		expect(confirmGets(taskId)).toBe(1);
		expect(sim.count('GET', '/files/')).toBe(1);
		expect(sim.posts()).toHaveLength(1);
		expectNoSecretsIn(run.run, logs.slice(firstLog));
	});

	it('starts an execution for In Progress too when selected, without audio', async () => {
		const trigger = await listen({ events: ['processing', 'completed'] });
		const taskId = await generate(trigger.url);
		await finalDelivered(taskId);
		const runs = await trigger.runs(2);
		const items = runs.map((run) => run.output('PiAPI Trigger')![0]);
		expect(items.map((item) => item.json.event)).toEqual(['processing', 'completed']);
		expect(items.map((item) => item.json.dedupeKey)).toEqual([
			`${taskId}:processing`,
			`${taskId}:completed`,
		]);
		expect(items[0].binary).toBeUndefined();
		expect(items[1].binary?.data.mimeType).toBe('audio/wav');
	});

	it('emits a failed task with PiAPI’s error and downloads nothing', async () => {
		const { taskId, item } = await (await listen()).song({ outcome: 'failed' });
		expect(item.json).toMatchObject({
			success: false,
			event: 'failed',
			status: 'failed',
			dedupeKey: `${taskId}:failed`,
			error: `DiffRhythm task ${taskId} failed: simulated generation failure`,
			piapiError: { message: 'simulated generation failure' },
		});
		expect(item.binary).toBeUndefined();
		expect(sim.count('GET', '/files/')).toBe(0);
	});

	it('reads upper-case statuses as the same events', async () => {
		const trigger = await listen();
		const { taskId, item } = await trigger.song({ statusCase: 'upper' });
		expect(item.json).toMatchObject({
			status: 'completed',
			piapiStatus: 'COMPLETED',
			event: 'completed',
		});
		expect(item.json.dedupeKey).toBe(`${taskId}:completed`);
		expect(item.binary?.data.mimeType).toBe('audio/wav');
		expect(trigger.executions()).toHaveLength(1);
	});

	it('starts one execution for a repeated delivery, with the dedupe key and timestamp', async () => {
		const trigger = await listen({ downloadAudio: false });
		const taskId = await generate(trigger.url, { webhookRepeat: 3 });
		await finalDelivered(taskId, 3);
		const [run] = await trigger.runs(1);
		const json = run.output('PiAPI Trigger')![0].json;
		expect(json.dedupeKey).toBe(`${taskId}:completed`);
		expect(typeof json.timestamp).toBe('number');
		// Every copy is acknowledged (PiAPI must not retry), only the first starts anything.
		expect(trigger.answers()).toEqual([200, 200, 200, 200]);
		expect(trigger.executions()).toHaveLength(1);
		expect(confirmGets(taskId)).toBe(1);
		expect(run.status).toBe('success');
	});

	it('starts one execution when two copies of a delivery arrive at the same moment', async () => {
		const trigger = await listen({ downloadAudio: false });
		const taskId = await finishedTask();
		const answers = await Promise.all([
			sim.deliver(taskId, { url: trigger.url }),
			sim.deliver(taskId, { url: trigger.url }),
		]);
		expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200]);
		await trigger.runs(1);
		expect(trigger.executions()).toHaveLength(1);
	});
});

describe('hostile calls: the HTTP answer, and no execution', () => {
	/** A task that reached `processing` and stays there; its intermediate call was acknowledged. */
	async function processingTask(trigger: Awaited<ReturnType<typeof listen>>) {
		const taskId = await generate(trigger.url, { outcome: 'stuck' });
		await until(() => sim.deliveries.some((d) => d.taskId === taskId));
		return taskId;
	}

	it.each([
		['a wrong secret', 'whsec-test-91ab27cd5X'],
		['no secret header', ''],
	])('%s: 401, nothing asked of PiAPI', async (_, secret) => {
		const trigger = await listen();
		const { taskId } = await trigger.song(QUICK);
		const gets = confirmGets(taskId);

		const answer = await sim.deliver(taskId, { secret });
		expect(answer.statusCode).toBe(401);
		expect(JSON.parse(answer.body)).toEqual({
			message: 'Invalid or missing x-webhook-secret header',
		});
		await settle();
		expect(trigger.executions()).toHaveLength(1);
		expect(confirmGets(taskId)).toBe(gets);
	});

	it('a forged "completed" for a task PiAPI reports as processing: 503 so PiAPI would deliver again, one GET for many calls, nothing started', async () => {
		const trigger = await listen();
		const taskId = await processingTask(trigger);
		const answer = await sim.deliver(taskId, { status: 'completed' });
		expect(answer.statusCode).toBe(503);
		expect(JSON.parse(answer.body)).toEqual({
			message: `PiAPI does not report task ${taskId} as finished yet; please deliver this call again`,
		});
		// More of the same right after: answered alike, without asking PiAPI again.
		for (let i = 0; i < 20; i++) {
			expect((await sim.deliver(taskId, { status: 'completed' })).statusCode).toBe(503);
		}
		await settle();
		expect(trigger.executions()).toHaveLength(0);
		expect(confirmGets(taskId)).toBe(1);
		expect(sim.count('GET', '/files/')).toBe(0);
	});

	it('a forged "Completed" for a task PiAPI reports as failed, with On Unconfirmed set to error item: one item with both statuses and no task data', async () => {
		const trigger = await listen({
			events: ['completed'],
			options: { onUnconfirmed: 'errorItem' },
		});
		const taskId = await generate(trigger.url, { ...QUICK, outcome: 'failed' });
		await finalDelivered(taskId);
		expect((await sim.deliver(taskId, { status: 'Completed' })).statusCode).toBe(200);
		const [run] = await trigger.runs(1);
		const items = run.output('PiAPI Trigger')!;
		expect(items).toHaveLength(1);
		expect(items[0].json).toEqual({
			success: false,
			error: 'PiAPI does not confirm this call: PiAPI reports the task as "failed"',
			taskId,
			claimedStatus: 'Completed',
			confirmedStatus: 'failed',
			timestamp: expect.any(Number),
		});
		expect(items[0].binary).toBeUndefined();
	});

	it('a call about a task PiAPI does not have: 200, PiAPI answered 404, nothing started', async () => {
		const trigger = await listen();
		const { taskId } = await trigger.song(QUICK);
		const forgedId = randomUUID();
		const data = { ...sim.getTask(taskId)!, task_id: forgedId };
		const answer = await sim.deliver(forgedId, {
			url: trigger.url,
			secret: WEBHOOK_SECRET,
			body: { timestamp: 1, data },
		});
		expect(answer.statusCode).toBe(200);
		await settle();
		expect(trigger.executions()).toHaveLength(1);
		const confirm = sim.requests.find((r) => r.path === `${TASK_PATH}${forgedId}`);
		expect(confirm?.status).toBe(404);
	});

	it('a replayed final call with an injected audio URL: the song PiAPI reports, the injected URL never fetched', async () => {
		const contacted: string[] = [];
		const evil = http.createServer((req, res) => {
			contacted.push(String(req.url));
			res.end('not a song');
		});
		await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
		try {
			const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/song.wav`;
			const trigger = await listen();
			const taskId = await finishedTask();
			const forged = { ...sim.getTask(taskId)!, output: { audio_url: evilUrl } };
			const answer = await sim.deliver(taskId, {
				url: trigger.url,
				body: { timestamp: 1, data: forged },
			});
			expect(answer.statusCode).toBe(200);
			const runs = await trigger.runs(1);
			const [item] = runs[0].output('PiAPI Trigger')!;
			expect(item.json.audioUrl).toBe(`${sim.url}/files/${taskId}.wav`);
			expect(JSON.stringify(item.json)).not.toContain(evilUrl);
			parseWav(await runs[0].binaryBuffer(item, 'data'));
			expect(contacted).toEqual([]);
		} finally {
			await new Promise((resolve) => evil.close(resolve));
		}
	});

	it('a call about another model: 200, nothing asked, nothing started; Model Any lets it through', async () => {
		const diffRhythmOnly = await listen();
		const anyModel = await listen({ options: { model: 'any' } });
		const { taskId } = await diffRhythmOnly.song(QUICK);
		const gets = confirmGets(taskId);
		const otherModel = {
			timestamp: 1,
			data: { ...sim.getTask(taskId)!, model: 'Qubico/ace-step' },
		};

		expect((await sim.deliver(taskId, { body: otherModel })).statusCode).toBe(200);
		await settle();
		expect(diffRhythmOnly.executions()).toHaveLength(1);
		expect(confirmGets(taskId)).toBe(gets);

		// With Model Any the call passes the filter, and the task PiAPI confirms is emitted.
		expect((await sim.deliver(taskId, { url: anyModel.url, body: otherModel })).statusCode).toBe(
			200,
		);
		const [run] = await anyModel.runs(1);
		expect(run.output('PiAPI Trigger')![0].json.model).toBe('Qubico/diffrhythm');
	});

	it('an event not selected: 200, nothing asked, nothing started', async () => {
		const trigger = await listen({ events: ['failed'] });
		const taskId = await generate(trigger.url);
		await finalDelivered(taskId);
		await settle();
		expect(trigger.answers()).toEqual([200, 200]);
		expect(trigger.executions()).toHaveLength(0);
		expect(confirmGets(taskId)).toBe(0);
	});

	it('bodies n8n or the trigger cannot read: 422 for broken JSON, 400 for the rest', async () => {
		const trigger = await listen();
		const headers = (type: string) => ({
			'content-type': type,
			'x-webhook-secret': WEBHOOK_SECRET,
		});
		const answers = [
			await post(trigger.url, '{"timestamp": 1, "data": {', headers('application/json')),
			await post(trigger.url, 'hello', headers('text/plain')),
			await post(trigger.url, '[1, 2]', headers('application/json')),
			await post(trigger.url, '"text"', headers('application/json')),
			await post(trigger.url, '{"timestamp": 1}', headers('application/json')),
			await post(trigger.url, '{"data": {"status": "completed"}}', headers('application/json')),
			await post(trigger.url, '{"data": {"task_id": "abc"}}', headers('application/json')),
		];
		expect(answers.map((a) => a.status)).toEqual([422, 400, 400, 400, 400, 400, 400]);
		expect(JSON.parse(answers[1].body)).toEqual({ message: 'The body is not a JSON object' });
		expect(JSON.parse(answers[6].body)).toEqual({
			message: '"data.status" is missing or not a task status',
		});
		await settle();
		expect(trigger.executions()).toHaveLength(0);
		expect(sim.count('GET')).toBe(0);
	});

	it('a genuine call sent as text/plain is still read', async () => {
		const trigger = await listen({ downloadAudio: false });
		const taskId = await finishedTask();
		const body = JSON.stringify({ timestamp: 9, data: sim.getTask(taskId) });
		const answer = await post(trigger.url, body, {
			'content-type': 'text/plain;charset=UTF-8',
			'x-webhook-secret': WEBHOOK_SECRET,
		});
		expect(answer.status).toBe(200);
		const [run] = await trigger.runs(1);
		expect(run.output('PiAPI Trigger')![0].json).toMatchObject({ task_id: taskId, timestamp: 9 });
	});

	it('huge bodies: refused above n8n’s payload limit; below it, only the confirmed task is emitted', async () => {
		const small = await startN8nServer({
			credentials: credentialsFor(sim),
			payloadMaxBytes: 1024 * 1024,
		});
		try {
			const trigger = await listen({ downloadAudio: false }, small);
			const taskId = await finishedTask();
			const padded = (bytes: number) => ({
				timestamp: 1,
				data: { ...sim.getTask(taskId)!, input: { lyrics: 'la '.repeat(bytes / 3) } },
			});

			// Refused before the node runs, as n8n answers above N8N_PAYLOAD_SIZE_MAX.
			const tooLarge = await sim.deliver(taskId, { url: trigger.url, body: padded(2_000_000) });
			expect(tooLarge.statusCode).toBe(413);
			const large = await sim.deliver(taskId, { url: trigger.url, body: padded(900_000) });
			expect(large.statusCode).toBe(200);
			const wrongSecret = await sim.deliver(taskId, {
				url: trigger.url,
				body: padded(900_000),
				secret: 'nope',
			});
			expect(wrongSecret.statusCode).toBe(401);

			const [run] = await trigger.runs(1);
			const json = run.output('PiAPI Trigger')![0].json;
			expect(json.input).toEqual(sim.getTask(taskId)!.input);
			await settle();
			expect(trigger.executions()).toHaveLength(1);
		} finally {
			await small.close();
		}
	});
});

describe('failures after the call was accepted', () => {
	it('PiAPI cannot confirm the call: 503 and nothing started; PiAPI’s next delivery goes through', async () => {
		const firstLog = logs.length;
		const trigger = await listen();
		sim.addFault({ method: 'GET', path: '/api/v1/task/', kind: 'status', status: 401, times: 1 });
		const taskId = await generate(trigger.url, QUICK);
		await finalDelivered(taskId);
		expect(sim.deliveries.find((d) => d.taskId === taskId)?.statusCode).toBe(503);
		const errors = logs.slice(firstLog).filter((line) => line.level === 'error');
		expect(errors.map((line) => line.message).join('\n')).toContain(
			`PiAPI rejected the API key (HTTP 401). Task id: ${taskId}`,
		);
		expect(JSON.stringify(errors)).not.toContain(API_KEY);
		expect(trigger.executions()).toHaveLength(0);

		// PiAPI's next attempt goes through.
		await until(() => sim.deliveries.some((d) => d.taskId === taskId && d.statusCode === 200));
		const [run] = await trigger.runs(1);
		expect(run.output('PiAPI Trigger')![0].binary?.data.mimeType).toBe('audio/wav');
	});

	it('the song cannot be downloaded: the workflow starts with an error item naming the task', async () => {
		const trigger = await listen();
		sim.addFault({ method: 'GET', path: '/files/', kind: 'status', status: 404, times: 1 });
		const taskId = await generate(trigger.url, QUICK);
		const [run] = await trigger.runs(1);
		const [item] = run.output('PiAPI Trigger')!;
		expect(item.json).toMatchObject({
			success: false,
			taskId,
			status: 'completed',
			event: 'completed',
		});
		expect(String(item.json.error)).toContain(`Could not download the audio of task ${taskId}`);
		expect(item.json.dedupeKey).toBe(`${taskId}:completed`);
		expect(item.binary).toBeUndefined();
		expectNoSecretsIn(item.json);
		await until(() =>
			sim.deliveries.some(
				(d) => d.taskId === taskId && d.status === 'completed' && d.statusCode === 200,
			),
		);
	});
});

describe('the trigger’s download is a whole song, within the call’s deadline', () => {
	it('a file that only starts like audio: an error item naming the task, the reason and the URL', async () => {
		const trigger = await listen();
		sim.addFault({ method: 'GET', path: '/files/', kind: 'fakeAudio', audio: 'mpegHtml' });
		const taskId = await generate(trigger.url, QUICK);
		const [run] = await trigger.runs(1);
		const [item] = run.output('PiAPI Trigger')!;
		expect(item.json).toMatchObject({
			taskId,
			error: `Could not download the audio of task ${taskId} (the MPEG audio breaks off at byte 417, followed by text)`,
		});
		expect(String(item.json.description)).toContain(`Audio URL: ${sim.url}/files/${taskId}.wav`);
		expect(item.binary).toBeUndefined();
	});

	it('a download that never comes ends at the webhook call’s download deadline', async () => {
		// The built package's constants, as the server loads them; set, not replaced, so that a build
		// without the setting fails on the outcome.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const constants = require('../../dist/nodes/shared/utils/constants');
		const saved = constants.WEBHOOK_DOWNLOADS_TIMEOUT_MS;
		constants.WEBHOOK_DOWNLOADS_TIMEOUT_MS = 1500;
		try {
			const trigger = await listen();
			sim.addFault({ method: 'GET', path: '/files/', kind: 'delay', delayMs: 20_000 });
			const taskId = await generate(trigger.url, QUICK);
			const [run] = await trigger.runs(1);
			expect(run.output('PiAPI Trigger')![0].json.error).toBe(
				`Could not download the audio of task ${taskId} (not finished within 1.5 s)`,
			);
		} finally {
			constants.WEBHOOK_DOWNLOADS_TIMEOUT_MS = saved;
		}
	});
});

describe('a credential without a webhook secret', () => {
	it('accepts calls it cannot verify and warns on each', async () => {
		const open = await startN8nServer({
			credentials: { piApiApi: { apiKey: API_KEY, baseUrl: sim.url } },
		});
		try {
			const firstLog = logs.length;
			const trigger = await listen({ downloadAudio: false }, open);
			const taskId = await finishedTask();
			const answer = await sim.deliver(taskId, { url: trigger.url, secret: '' });
			expect(answer.statusCode).toBe(200);
			await trigger.runs(1);
			const warnings = logs
				.slice(firstLog)
				.filter((line) => line.level === 'warn' && /no webhook secret/.test(line.message));
			expect(warnings).toHaveLength(1);
		} finally {
			await open.close();
		}
	});
});

describe('the example pair', () => {
	const read = (name: string): TestWorkflow =>
		JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'examples', name), 'utf8')) as TestWorkflow;
	const ofType = (workflow: TestWorkflow, type: string): WorkflowNode =>
		workflow.nodes.find((node) => node.type === type)!;
	const propertyNames = (type: { description: { properties: Array<{ name: string }> } }) =>
		new Set(type.description.properties.map((property) => property.name));

	it('generates with the receiving trigger’s URL; the receiver drops repeats on dedupeKey and gets the song', async () => {
		const generating = read('piapi-trigger-generate.workflow.json');
		const receiving = read('piapi-trigger-receive.workflow.json');
		const trigger = ofType(receiving, `${PACKAGE_NAME}.piApiTrigger`);
		const diffRhythm = ofType(generating, `${PACKAGE_NAME}.diffRhythm`);
		const dedupe = ofType(receiving, 'n8n-nodes-base.removeDuplicates');

		// Only parameters the nodes have, and the trigger feeds Remove Duplicates keyed on dedupeKey.
		const triggerNames = propertyNames(new PiApiTrigger());
		const diffRhythmNames = propertyNames(new DiffRhythm());
		expect(Object.keys(trigger.parameters!).every((name) => triggerNames.has(name))).toBe(true);
		expect(Object.keys(diffRhythm.parameters!).every((name) => diffRhythmNames.has(name))).toBe(
			true,
		);
		expect(dedupe.parameters).toMatchObject({
			operation: 'removeItemsSeenInPreviousExecutions',
			logic: 'removeItemsWithAlreadySeenKeyValues',
			dedupeValue: '={{ $json.dedupeKey }}',
		});
		const connections = receiving.connections as Record<
			string,
			{ main: Array<Array<{ node: string }>> }
		>;
		expect(connections[trigger.name].main[0][0].node).toBe(dedupe.name);
		const options = diffRhythm.parameters!.options as IDataObject;
		const callback = new URL(String(options.callbackUrl));
		expect(callback.pathname).toBe(`/webhook/${String(trigger.webhookId)}/piapi`);

		// The harness knows no n8n-nodes-base node but the Manual Trigger: the receiver runs its
		// trigger alone, and the generator without its sticky note.
		const { webhookUrl } = await server.activate({
			...receiving,
			id: 'example-receive',
			nodes: [trigger],
			connections: {},
		});
		const url = webhookUrl(trigger.name)!;
		expect(new URL(url).pathname).toBe(callback.pathname);
		options.callbackUrl = url;
		const run = await server.run({
			workflow: {
				...generating,
				nodes: generating.nodes.filter((node) => node.type !== 'n8n-nodes-base.stickyNote'),
			},
		});
		expect(run.status).toBe('success');
		const taskId = String(run.output(diffRhythm.name)![0].json.task_id);
		await finalDelivered(taskId);
		const received = await server.waitFor(() =>
			[...server.executions.values()].find((e) => e.workflowName === receiving.name),
		);
		const [item] = (await received!.done).output(trigger.name)!;
		expect(item.json).toMatchObject({ task_id: taskId, dedupeKey: `${taskId}:completed` });
		expect(item.binary?.data.fileName).toBe(`diffrhythm-${taskId}.wav`);
	});
});

describe('a genuine final call that arrives before PiAPI’s own read says completed', () => {
	it('is answered 503, and the later repeat starts exactly one execution', async () => {
		const trigger = await listen();
		const taskId = await generate(trigger.url, { webhookIntermediate: false, renderMs: 600 });
		// PiAPI's first read still says processing when its final call arrives.
		const lagging = { ...sim.getTask(taskId)!, status: 'processing', output: null };
		sim.addFault({
			method: 'GET',
			path: `${TASK_PATH}${taskId}`,
			kind: 'status',
			status: 200,
			body: { code: 200, message: 'success', data: lagging },
		});
		// PiAPI's call and its retries: all answered 503 (one GET), so PiAPI would deliver again.
		await until(
			() => sim.deliveries.filter((d) => d.taskId === taskId && d.kind === 'final').length >= 4,
		);
		const finals = sim.deliveries.filter((d) => d.taskId === taskId && d.kind === 'final');
		expect(finals.map((d) => d.statusCode)).toEqual([503, 503, 503, 503]);
		expect(confirmGets(taskId)).toBe(1);
		expect(trigger.executions()).toHaveLength(0);
		// PiAPI delivers again a few seconds later; its read now says completed.
		await sleep(3_100);
		expect((await sim.deliver(taskId)).statusCode).toBe(200);
		const [run] = await trigger.runs(1);
		expect(run.output('PiAPI Trigger')![0].json).toMatchObject({ task_id: taskId, success: true });
		expect(run.output('PiAPI Trigger')![0].binary?.data.mimeType).toBe('audio/wav');
		expect(confirmGets(taskId)).toBe(2);
		// Once more: a duplicate, acknowledged and dropped.
		expect((await sim.deliver(taskId)).statusCode).toBe(200);
		await settle();
		expect(trigger.executions()).toHaveLength(1);
	});
});

describe('trigger options set by an expression to a value no field may have', () => {
	it.each([
		[
			'Verify Secret = {{ null }} and Confirm With PiAPI = {{ null }}',
			{ options: { verifySecret: '={{ null }}', confirmWithPiApi: '={{ null }}' } },
			'Verify Secret: is empty',
		],
		[
			'Verify Secret = {{ "" }}',
			{ options: { verifySecret: '={{ "" }}' } },
			'Verify Secret: is an empty text',
		],
		[
			'Verify Secret = {{ "false" }}',
			{ options: { verifySecret: '={{ "false" }}' } },
			'Verify Secret: is the text "false"',
		],
		['Events = {{ 5 }}', { events: '={{ 5 }}' }, 'Events: is 5'],
		['Model = {{ null }}', { options: { model: '={{ null }}' } }, 'Model: is empty'],
	])(
		'%s: a forged call without the secret about a made-up task gets 500, costs no GET and starts nothing',
		async (_name, parameters, logged) => {
			const firstLog = logs.length;
			const trigger = await listen(parameters as IDataObject);
			const forgedId = randomUUID();
			const answer = await post(
				trigger.url,
				JSON.stringify({
					timestamp: 1,
					data: {
						task_id: forgedId,
						model: 'Qubico/diffrhythm',
						status: 'completed',
						output: { audio_url: `${sim.url}/files/${forgedId}.wav` },
					},
				}),
				{ 'content-type': 'application/json' },
			);
			expect(answer.status).toBe(500);
			await settle();
			expect(trigger.executions()).toHaveLength(0);
			expect(sim.count('GET', TASK_PATH)).toBe(0);
			expect(sim.count('GET', '/files/')).toBe(0);
			const errors = logs.slice(firstLog).filter((line) => line.level === 'error');
			expect(errors.map((line) => line.message).join('\n')).toContain(logged);
		},
	);
});
