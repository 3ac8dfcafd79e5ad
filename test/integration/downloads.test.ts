/**
 * A download is a whole song or an error naming the task and the URL; hopeless redirects fail at
 * once; every wait on the network ends by a total deadline. Through the real engine, against the
 * simulator's faults.
 */
import type { IDataObject } from 'n8n-workflow';

import { diffRhythmWorkflow, runWorkflow, startN8nServer } from '../harness';
import { flacBuffer, m4aBuffer, mp3Buffer, oggBuffer, type FakeAudioName } from '../simulator';
import {
	credentialsFor,
	expectDownloadErrorItem,
	GENERATE_AND_WAIT,
	items,
	runNode,
	until,
	useSimulator,
} from './helpers';
import { FAKE_AUDIO_PROBLEMS } from '../unit/fakeAudioProblems';

const sim = useSimulator({ pendingMs: 50, renderMs: 300, audioSeconds: 2 });

// The built package's constants, as the engine loads them (a replaced one reaches the node).
/* eslint-disable @typescript-eslint/no-require-imports */
const constants = require('../../dist/nodes/shared/utils/constants');
/* eslint-enable @typescript-eslint/no-require-imports */

afterEach(() => jest.restoreAllMocks());

/** A song made by the node's Generate, completed at the simulator; its id. */
async function completedTask(): Promise<string> {
	const created = await runNode(sim, { ...GENERATE_AND_WAIT, operation: 'generate' });
	const taskId = String(created.output('DiffRhythm')![0].json.task_id);
	await until(() => sim.getTask(taskId)?.status === 'completed');
	return taskId;
}

const getTask = (taskId: string) => ({
	operation: 'getTask',
	taskId,
	downloadAudio: true,
	binaryPropertyName: 'data',
});

const downloads = () => sim.requests.filter((request) => request.path.startsWith('/files/'));

describe('a download that only starts like audio is an error naming the task and the URL', () => {
	it.each(FAKE_AUDIO_PROBLEMS)('Get Task with Download Audio, %s', async (audio, problem) => {
		const taskId = await completedTask();
		sim.addFault({ method: 'GET', path: '/files/', kind: 'fakeAudio', audio });
		const result = await runNode(sim, getTask(taskId));
		expect(result.error?.message).toBe(
			`Could not download the audio of task ${taskId} (${problem})`,
		);
		expect(result.error?.description).toContain(`Audio URL: ${sim.url}/files/${taskId}.wav`);
		// Judged as sent: not fetched again.
		expect(downloads()).toHaveLength(1);
	});

	it.each<[FakeAudioName, string]>([
		['wavHeaderHtml', 'the audio data holds 1 KB of text (an HTML or XML page), not sound'],
		['mpegHtml', 'the MPEG audio breaks off at byte 417, followed by text'],
	])(
		'Generate and Wait (Poll), %s: an item with the error, the task id and the URL',
		async (audio, problem) => {
			sim.addFault({ method: 'GET', path: '/files/', kind: 'fakeAudio', audio });
			await expectDownloadErrorItem(sim, GENERATE_AND_WAIT, problem);
			expect(downloads()).toHaveLength(1);
		},
	);

	it('in n8n’s filesystem binary mode (its default) too: the fake refused, the song stored', async () => {
		const taskId = await completedTask();
		const run = async () =>
			await runWorkflow({
				workflow: diffRhythmWorkflow(getTask(taskId) as never),
				credentials: credentialsFor(sim),
				binaryMode: 'filesystem',
			});
		sim.addFault({ method: 'GET', path: '/files/', kind: 'fakeAudio', audio: 'wavHeaderHtml' });
		const fake = await run();
		expect(fake.error?.message).toBe(
			`Could not download the audio of task ${taskId} (the audio data holds 1 KB of text (an HTML or XML page), not sound)`,
		);
		const song = await run();
		expect(song.status).toBe('success');
		expect(song.output('DiffRhythm')![0].binary?.data).toMatchObject({ mimeType: 'audio/wav' });
	});

	it('a body cut off before its Content-Length: an error, not a short song', async () => {
		const taskId = await completedTask();
		sim.addFault({
			method: 'GET',
			path: '/files/',
			kind: 'fakeAudio',
			audio: 'wavTruncated',
			contentLength: 160_044,
		});
		const result = await runNode(sim, getTask(taskId));
		expect(result.error?.message).toMatch(
			new RegExp(`^Could not download the audio of task ${taskId} \\(.+\\)$`),
		);
		expect(result.error?.description).toContain(`Audio URL: ${sim.url}/files/${taskId}.wav`);
	});

	it.each<[string, Buffer, string, string]>([
		['MP3', mp3Buffer({ seconds: 2, tags: true }), 'audio/mpeg', 'mp3'],
		['FLAC', flacBuffer({ seconds: 2 }), 'audio/flac', 'flac'],
		['Ogg', oggBuffer({ seconds: 2 }), 'audio/ogg', 'ogg'],
		['M4A', m4aBuffer({ seconds: 2 }), 'audio/mp4', 'm4a'],
	])('a whole %s is a song, stored byte for byte', async (_name, body, mimeType, extension) => {
		const taskId = await completedTask();
		sim.addFault({
			method: 'GET',
			path: '/files/',
			kind: 'status',
			status: 200,
			headers: { 'content-type': 'application/octet-stream' },
			rawBody: body,
		});
		const result = await runNode(sim, getTask(taskId));
		expect(result.status).toBe('success');
		const [item] = result.output('DiffRhythm')!;
		expect(item.binary?.data).toMatchObject({ mimeType, fileExtension: extension });
		expect((await result.binaryBuffer(item)).equals(body)).toBe(true);
	});
});

describe('hopeless redirects fail at once', () => {
	it('a 30-hop chain: stopped after 10 redirects, one attempt, no retries', async () => {
		const taskId = await completedTask();
		sim.addFault({ method: 'GET', path: '/files/', kind: 'redirect', times: 30 });
		const result = await runNode(sim, getTask(taskId));
		expect(result.error?.message).toBe(
			`Could not download the audio of task ${taskId} (more than 10 redirects, not followed further)`,
		);
		expect(result.error?.description).toContain(`Audio URL: ${sim.url}/files/${taskId}.wav`);
		// The first request and 10 hops.
		expect(downloads()).toHaveLength(11);
	});

	it.each([
		['file:', 'file:///etc/passwd'],
		['data:', 'data:audio/wav;base64,UklGRiQAAABXQVZF'],
		['ftp:', 'ftp://files.example.test/song.wav'],
	])('a redirect to a %s address: one request, a clear reason', async (scheme, location) => {
		const taskId = await completedTask();
		sim.addFault({ method: 'GET', path: '/files/', kind: 'redirect', location, times: 99 });
		const result = await runNode(sim, getTask(taskId));
		expect(result.error?.message).toBe(
			`Could not download the audio of task ${taskId} (a redirect to a ${scheme} address, which is never downloaded (only http and https are))`,
		);
		expect(result.error?.description).toContain(`Audio URL: ${sim.url}/files/${taskId}.wav`);
		expect(downloads()).toHaveLength(1);
	});

	it('Generate and Wait (Poll) with a redirect loop: one attempt, the task id in the item', async () => {
		sim.addFault({ method: 'GET', path: '/files/', kind: 'redirect', times: 99 });
		const result = await runNode(sim, GENERATE_AND_WAIT, { continueOnFail: true });
		const [taskId] = [...sim.tasks.keys()];
		expect(result.output('DiffRhythm')![0].json).toMatchObject({
			error: `Could not download the audio of task ${taskId} (more than 10 redirects, not followed further)`,
			taskId,
		});
		expect(downloads()).toHaveLength(11);
	});
});

describe('every wait on PiAPI ends by a total deadline', () => {
	it('a create answer that drips in: the timeout error, the create not sent again', async () => {
		jest.replaceProperty(constants, 'REQUEST_TIMEOUT_MS', 400);
		// 64 bytes every 100 ms: never idle for long, done only after several seconds.
		sim.addFault({
			method: 'POST',
			path: '/api/v1/task',
			kind: 'drip',
			delayMs: 100,
			chunkBytes: 64,
		});
		const result = await runNode(sim, { ...GENERATE_AND_WAIT, operation: 'generate' });
		expect(result.error?.message).toBe('PiAPI did not answer in time');
		expect(sim.posts()).toHaveLength(1);
	});

	it('a task read that drips in: the timeout error after the retries', async () => {
		const taskId = await completedTask();
		jest.replaceProperty(constants, 'REQUEST_TIMEOUT_MS', 300);
		jest.replaceProperty(constants, 'RETRY', {
			...constants.RETRY,
			baseDelayMs: 10,
			maxDelayMs: 20,
		});
		sim.addFault({
			method: 'GET',
			path: '/api/v1/task/',
			kind: 'drip',
			delayMs: 100,
			chunkBytes: 64,
			times: 99,
		});
		const result = await runNode(sim, { operation: 'getTask', taskId });
		expect(result.error?.message).toBe('PiAPI did not answer in time (after 5 attempts)');
		expect(sim.count('GET', '/api/v1/task/')).toBe(5);
	});
});

describe('an answer is about the task asked, or an error naming it', () => {
	it('Generate and Wait (Poll): a read that answers about another task names the created one', async () => {
		const other = await completedTask();
		sim.setBehaviour(() => ({ outcome: 'stuck' }));
		const running = runNode(sim, GENERATE_AND_WAIT, { continueOnFail: true });
		await until(() => sim.tasks.size === 2);
		const created = [...sim.tasks.keys()][1];
		sim.addFault({
			method: 'GET',
			path: `/api/v1/task/${created}`,
			kind: 'status',
			status: 200,
			body: { code: 200, message: 'success', data: sim.getTask(other) },
			times: 99,
		});
		const result = await running;
		const [item] = result.output('DiffRhythm')!;
		expect(item.json.error).toBe(
			`PiAPI's answer to get task ${created} was about another task ("${other}")`,
		);
		expect(item.json.taskId).toBe(created);
		expect(item.binary).toBeUndefined();
		expect(JSON.stringify(item.json)).not.toContain(`/files/${other}`);
	});

	it('Get Task: an answer about another task is an error naming the asked id', async () => {
		const asked = await completedTask();
		const other = await completedTask();
		sim.addFault({
			method: 'GET',
			path: '/api/v1/task/',
			kind: 'status',
			status: 200,
			body: { code: 200, message: 'success', data: sim.getTask(other) },
		});
		const result = await runNode(sim, getTask(asked));
		expect(result.error?.message).toBe(
			`PiAPI's answer to get task ${asked} was about another task ("${other}")`,
		);
		expect(result.error?.description).toContain(`Task id: ${asked}`);
	});

	it('a create answered with envelope code 500 and a task id: the id is shown', async () => {
		const taskId = '5d0c2a4e-1f7b-4c39-9a51-0e6f2b8d7c13';
		sim.addFault({
			method: 'POST',
			path: '/api/v1/task',
			kind: 'status',
			status: 200,
			body: { code: 500, message: 'internal error', data: { task_id: taskId, status: 'pending' } },
		});
		const result = await runNode(
			sim,
			{ ...GENERATE_AND_WAIT, operation: 'generate' },
			{
				continueOnFail: true,
				items: items(1),
			},
		);
		const [item] = result.output('DiffRhythm')!;
		expect(String(item.json.error)).toContain(`the answer named task ${taskId}`);
		expect(item.json.taskId).toBe(taskId);
		expect(String((item.json as IDataObject).description)).toContain(`Task id: ${taskId}`);
		expect(sim.posts()).toHaveLength(1);
	});
});

describe('downloads in a webhook share one total deadline', () => {
	it('a resumed Suspend whose two downloads never come: both items end with the timeout error', async () => {
		// Set, not replaced: on a build without the setting, the test must fail on its outcome.
		const saved = constants.WEBHOOK_DOWNLOADS_TIMEOUT_MS;
		constants.WEBHOOK_DOWNLOADS_TIMEOUT_MS = 1500;
		// The CDN holds both downloads without answering (a webhook has no cancel signal to stop them).
		sim.addFault({ method: 'GET', path: '/files/', kind: 'delay', delayMs: 20_000, times: 2 });
		const server = await startN8nServer({ credentials: credentialsFor(sim) });
		try {
			const waiting = await server.run({
				workflow: diffRhythmWorkflow({
					...GENERATE_AND_WAIT,
					options: { waitMode: 'suspend', maxWaitSeconds: 600 },
				} as never),
				items: items(2),
			});
			expect(waiting.status).toBe('waiting');
			const done = await server.finished(waiting.executionId);
			const ids = [...sim.tasks.keys()];
			const output = done.output('DiffRhythm')!;
			expect(output.map((item) => item.json.error)).toEqual(
				ids.map((id) => `Could not download the audio of task ${id} (not finished within 1.5 s)`),
			);
			expect(output.map((item) => item.json.taskId)).toEqual(ids);
		} finally {
			constants.WEBHOOK_DOWNLOADS_TIMEOUT_MS = saved;
			await server.close();
		}
	});
});
