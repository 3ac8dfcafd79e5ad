/* eslint-disable @n8n/community-nodes/no-restricted-globals */
/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling: loopback servers */
/**
 * The package's promises under attack and careless input: nothing is paid for before every field
 * and option is checked; after the create call no failure loses the task id; no wait spins; the
 * key goes only to the base URL's origin; a download is a song or an error; everything PiAPI says
 * is redacted. Each case ran the real engine against the simulator (and, for redirects, a second
 * loopback server standing for "another host").
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { diffRhythmWorkflow, logs, runWorkflow } from '../harness';
import { wavBuffer } from '../simulator';
import {
	API_KEY,
	credentialsFor,
	expectDownloadErrorItem,
	expectNoSecrets,
	GENERATE_AND_WAIT,
	items,
	runNode,
	until,
	useSimulator,
	WEBHOOK_SECRET,
} from './helpers';

const sim = useSimulator({ pendingMs: 50, renderMs: 400, audioSeconds: 2 });

// Modules of the built package, as the engine loads them (so a spy reaches the node's calls).
/* eslint-disable @typescript-eslint/no-require-imports */
const schedule = require('../../dist/nodes/DiffRhythm/wait/schedule');
const taskModule = require('../../dist/nodes/shared/model/task');
const constants = require('../../dist/nodes/shared/utils/constants');
const core = require('n8n-core');
/* eslint-enable @typescript-eslint/no-require-imports */

afterEach(() => jest.restoreAllMocks());

/** The next song download is answered with a redirect to `location`. */
const redirectDownloadsTo = (location: string) =>
	sim.addFault({
		method: 'GET',
		path: '/files/',
		kind: 'status',
		status: 302,
		headers: { location },
		rawBody: '',
	});

/** A loopback server standing for another host; it records every request it gets. */
async function otherHost(
	handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) =>
		res.end('{}'),
) {
	const seen: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];
	const server = http.createServer((req, res) => {
		seen.push({ url: String(req.url), headers: req.headers });
		handler(req, res);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return { url, seen, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('checked before paying: every option, with its name, its value and the item', () => {
	const poll = (options: IDataObject) => ({ ...GENERATE_AND_WAIT, options });
	const suspend = (options: IDataObject) => poll({ waitMode: 'suspend', ...options });

	it.each([
		['a text', 'abc', 'is the text "abc"'],
		['NaN', Number.NaN, 'is NaN (not a number)'],
		['NaN from an expression on an item without the field', '={{ $json.minutes * 60 }}', 'is NaN'],
		['1e13', 1e13, 'is 10000000000000'],
		['an object', '={{ { "seconds": 60 } }}', 'is a JSON object'],
		['nothing', '={{ $json.missing }}', 'is empty (the expression produced nothing)'],
		['an empty text', '', 'is an empty text'],
	])(
		'Max Wait that is %s: an error, 0 requests, in Poll and in Suspend',
		async (_name, value, shown) => {
			for (const parameters of [
				poll({ maxWaitSeconds: value }),
				suspend({ maxWaitSeconds: value }),
			]) {
				const result = await runNode(sim, parameters, { items: [{ json: { song: 1 } }] });
				expect(result.status).toBe('error');
				expect(result.error?.message).toContain(`Max Wait (Seconds): ${shown}`);
				expect(result.error?.message).toContain('it must be a number from 1 to 7200');
				expect(result.error?.description).toBe(
					'Nothing was sent to PiAPI and nothing was charged.',
				);
				expect((result.error as { context?: IDataObject })?.context?.itemIndex).toBe(0);
			}
			expect(sim.requests).toHaveLength(0);
		},
	);

	it.each([
		[{ concurrency: 'x' }, 'Concurrency: is the text "x"; it must be a whole number from 1 to 20'],
		[{ concurrency: 2.5 }, 'Concurrency: is 2.5; it must be a whole number from 1 to 20'],
		[{ concurrency: 0 }, 'Concurrency: is 0; it must be a whole number from 1 to 20'],
		[
			{ pollIntervalSeconds: -1 },
			'Poll Interval (Seconds): is -1; it must be a number from 0 to 300',
		],
		[
			{ waitMode: 'sometimes' },
			'Wait Mode: is the text "sometimes"; it must be one of "poll", "suspend"',
		],
		[{ maxAudioSizeMb: 0 }, 'Max Audio Size (MB): is 0; it must be a number from 1 to 2048'],
	])('Generate and Wait option %j: an error naming it, 0 requests', async (options, message) => {
		const result = await runNode(sim, poll(options));
		expect(result.error?.message).toBe(message);
		expect(sim.requests).toHaveLength(0);
	});

	it('checks the wait options of every item, and that they agree, before the first create call', async () => {
		const nan = await runNode(
			sim,
			{ ...GENERATE_AND_WAIT, options: { maxWaitSeconds: '={{ $json.minutes * 60 }}' } },
			{ items: [{ json: { minutes: 2 } }, { json: { minutes: 2 } }, { json: {} }] },
		);
		expect(nan.error?.message).toBe(
			'Max Wait (Seconds): is NaN (not a number); it must be a number from 1 to 7200',
		);
		expect((nan.error as { context?: IDataObject })?.context?.itemIndex).toBe(2);
		const mixed = await runNode(
			sim,
			{ ...GENERATE_AND_WAIT, options: { waitMode: '={{ $json.mode }}' } },
			{ items: [{ json: { mode: 'poll' } }, { json: { mode: 'suspend' } }] },
		);
		expect(mixed.error?.message).toBe(
			'Wait Mode: is the text "suspend" for item 1 but the text "poll" for item 0; it applies to the whole wait, so it must be the same for every item',
		);
		expect((mixed.error as { context?: IDataObject })?.context?.itemIndex).toBe(1);
		expect(sim.requests).toHaveLength(0);
	});

	it('checks the download fields of every item before the first create call', async () => {
		const second = await runNode(
			sim,
			{ ...GENERATE_AND_WAIT, binaryPropertyName: '={{ $json.field }}' },
			{ items: [{ json: { field: 'song' } }, { json: {} }] },
		);
		expect(second.error?.message).toBe(
			'Put Output File in Field: is empty (the expression produced nothing); it must be a name of 1 to 100 characters',
		);
		expect((second.error as { context?: IDataObject })?.context?.itemIndex).toBe(1);
		const download = await runNode(sim, { ...GENERATE_AND_WAIT, downloadAudio: 'yes' });
		expect(download.error?.message).toBe(
			'Download Audio: is the text "yes"; it must be true or false',
		);
		expect(sim.requests).toHaveLength(0);
	});

	it.each([
		['a number', '={{ 42 }}', 'Lyrics: must be text, not 42'],
		['an object', '={{ { "line": 1 } }}', 'Lyrics: must be text, not a JSON object'],
		[
			'nothing',
			'={{ $json.lyrics }}',
			'Lyrics: is empty (the expression produced nothing); use an empty text for an instrumental',
		],
	])('Lyrics from an expression that gives %s', async (_name, lyrics, message) => {
		const result = await runNode(sim, { ...GENERATE_AND_WAIT, lyrics });
		expect(result.error?.message).toBe(message);
		expect(sim.requests).toHaveLength(0);
	});

	it('refuses input no song can use: a 1 MB line, 9,000 lines 0.01 s apart, a 1 MB style prompt', async () => {
		const longLine = await runNode(sim, {
			...GENERATE_AND_WAIT,
			lyrics: `[00:10.00] ${'la '.repeat(5000)}`,
		});
		expect(longLine.error?.message).toBe(
			'Lyrics: line 1: its text has 14999 characters, more than 300; split it into several timed lines',
		);
		const dense = Array.from({ length: 9000 }, (_, i) => {
			const cs = 1000 + i;
			const ss = String(Math.floor(cs / 100) % 60).padStart(2, '0');
			const mm = String(Math.floor(cs / 6000)).padStart(2, '0');
			return `[${mm}:${ss}.${String(cs % 100).padStart(2, '0')}] la`;
		}).join('\n');
		const crowded = await runNode(sim, { ...GENERATE_AND_WAIT, lyrics: dense });
		expect(crowded.error?.message).toMatch(
			/^Lyrics: have more than 20000 characters; a Full song \(4:45\) sings far fewer/,
		);
		const few = dense.split('\n').slice(0, 3).join('\n');
		const close = await runNode(sim, { ...GENERATE_AND_WAIT, lyrics: few });
		expect(close.error?.message).toMatch(
			/^Lyrics: line 2: \[00:10\.01\] is less than 0\.5 s after line 1; DiffRhythm skips words/,
		);
		const prompt = await runNode(sim, {
			...GENERATE_AND_WAIT,
			stylePrompt: 'pop, '.repeat(200_000),
		});
		expect(prompt.error?.message).toBe(
			'Style Prompt: has more than 1000 characters; use a few comma-separated descriptors',
		);
		expect(sim.requests).toHaveLength(0);
	});

	it('names a timestamp in fullwidth digits as such, not as a section tag', async () => {
		const result = await runNode(sim, {
			...GENERATE_AND_WAIT,
			lyrics: '［００：１０．００］ hello',
		});
		expect(result.error?.message).toContain('has a timestamp in fullwidth characters');
		expect(result.error?.message).not.toContain('section tag');
		expect(sim.requests).toHaveLength(0);
	});

	it.each([['.'], ['..'], ['../../account/info'], ['a/b'], ['%2e%2e'], [' ']])(
		'Get Task with the task id %j: an error, and no request with the key',
		async (taskId) => {
			const result = await runNode(sim, { operation: 'getTask', taskId });
			expect(result.error?.message).toMatch(/^Task ID: must be a PiAPI task id/);
			expect(sim.requests).toHaveLength(0);
		},
	);

	it.each([
		['ftp://api.piapi.test', 'must start with https:// (or http:// for a local test server)'],
		['https://alice:s3cr3t-pass@api.piapi.test', 'must not contain a user name or password'],
		['https://api.piapi.test/?x=1', 'must not contain a query (?) or fragment (#)'],
		['not a url', 'is not a URL'],
	])('a base URL of %j is refused before anything is sent', async (baseUrl, problem) => {
		const result = await runWorkflow({
			workflow: diffRhythmWorkflow(GENERATE_AND_WAIT),
			credentials: { piApiApi: { apiKey: API_KEY, baseUrl, webhookSecret: WEBHOOK_SECRET } },
		});
		expect(result.error?.message).toBe(`PiAPI API credential: Base URL ${problem}`);
		expect(JSON.stringify(result.run)).not.toContain('s3cr3t-pass');
		expect(JSON.stringify(result.run)).not.toContain('alice');
		expect(sim.requests).toHaveLength(0);
	});
});

describe('after the create call, the task id is never lost', () => {
	/** Asserts the run ended with the one created task's id in its error or its output. */
	function expectTaskKept(result: Awaited<ReturnType<typeof runNode>>) {
		const [taskId] = [...sim.tasks.keys()];
		expect(sim.posts()).toHaveLength(1);
		const where =
			result.status === 'error'
				? `${result.error?.message} ${result.error?.description}`
				: JSON.stringify(result.output('DiffRhythm'));
		expect(where).toContain(taskId);
		return taskId;
	}

	it('when the poll schedule fails', async () => {
		jest.spyOn(schedule, 'nextCheckAt').mockImplementation(() => {
			throw new Error('schedule broke');
		});
		const result = await runNode(sim, GENERATE_AND_WAIT);
		expect(result.error?.message).toBe('schedule broke');
		expectTaskKept(result);
	});

	it('when n8n cannot park the execution (Suspend)', async () => {
		jest
			.spyOn(core.ExecuteContext.prototype, 'putExecutionToWait')
			.mockRejectedValueOnce(new Error('database unavailable'));
		const result = await runNode(sim, { ...GENERATE_AND_WAIT, options: { waitMode: 'suspend' } });
		expect(result.error?.message).toBe('database unavailable');
		expectTaskKept(result);
	});

	it('when PiAPI cannot be asked about the task any more (Poll)', async () => {
		sim.addFault({ method: 'GET', path: '/api/v1/task/', kind: 'status', status: 500, times: 99 });
		const result = await runNode(sim, GENERATE_AND_WAIT);
		expect(result.error?.message).toMatch(/^PiAPI server error \(HTTP 500\)/);
		expectTaskKept(result);
	});

	it('when the song cannot be downloaded', async () => {
		sim.addFault({ method: 'GET', path: '/files/', kind: 'status', status: 404, times: 99 });
		const result = await runNode(sim, GENERATE_AND_WAIT, { continueOnFail: true });
		const taskId = expectTaskKept(result);
		const [item] = result.output('DiffRhythm')!;
		expect(item.json).toMatchObject({ taskId, status: 'completed' });
		expect(String(item.json.description)).toContain(`Audio URL: ${sim.url}/files/${taskId}.wav`);
	});

	it('when building the output item fails', async () => {
		jest.spyOn(taskModule, 'toOutputJson').mockImplementationOnce(() => {
			throw new Error('item broke');
		});
		const result = await runNode(sim, GENERATE_AND_WAIT);
		expect(result.error?.message).toBe('item broke');
		expectTaskKept(result);
	});
});

describe('no wait can spin', () => {
	it('sleeps on every pass even when the schedule says NaN, and ends at Max Wait with the task id', async () => {
		sim.setBehaviour(() => ({ outcome: 'stuck' }));
		jest.spyOn(schedule, 'nextCheckAt').mockReturnValue(Number.NaN);
		const first = logs.length;
		const started = Date.now();
		const result = await runNode(sim, { ...GENERATE_AND_WAIT, options: { maxWaitSeconds: 2 } });
		expect(result.error?.message).toMatch(/^DiffRhythm task .+ did not finish within [23] s/);
		expect(Date.now() - started).toBeLessThan(10_000);
		const summary = logs
			.slice(first)
			.map((line) => line.message)
			.find((message) => message.startsWith('DiffRhythm: poll ended after'));
		const [passes, bound] = (summary?.match(/\d+/g) ?? []).map(Number);
		// Each pass slept at least 10 ms (or made a request): 2 s allow some 200 passes, not millions.
		expect(passes).toBeLessThanOrEqual(250);
		expect(passes).toBeLessThanOrEqual(bound);
		expect(sim.posts()).toHaveLength(1);
	});
});

describe('the API key goes only to the base URL’s origin', () => {
	it.each([
		['GET', 302],
		['GET', 307],
		['POST', 307],
		['POST', 301],
	])(
		'a %s answered %i towards another host is not followed, and the error names the host',
		async (method, status) => {
			const other = await otherHost();
			try {
				sim.addFault({
					method,
					path: '/api/v1/task',
					kind: 'status',
					status,
					headers: { location: `${other.url}/steal?from=piapi` },
					rawBody: '',
					times: 99,
				});
				const result =
					method === 'POST'
						? await runNode(sim, GENERATE_AND_WAIT)
						: await runNode(sim, {
								operation: 'getTask',
								taskId: '3c1e8a96-0b66-4d8b-91ed-2b7cfc914869',
							});
				expect(result.error?.message).toBe(
					`PiAPI's address answered with a redirect (HTTP ${status}) to ${other.url}, which was not followed`,
				);
				expect(result.error?.description).toContain(`The API key is sent only to ${sim.url}`);
				expect(other.seen).toHaveLength(0);
				expect(sim.requests).toHaveLength(1);
				expectNoSecrets(result);
			} finally {
				await other.close();
			}
		},
	);

	it('follows a redirect of the audio download, without the key', async () => {
		const song = wavBuffer({ seconds: 1, sampleRate: 8000, channels: 1 });
		const cdn = await otherHost((_req, res) => {
			res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': song.length });
			res.end(song);
		});
		try {
			redirectDownloadsTo(`${cdn.url}/song.wav`);
			const result = await runNode(sim, GENERATE_AND_WAIT);
			expect(result.status).toBe('success');
			const [item] = result.output('DiffRhythm')!;
			expect((await result.binaryBuffer(item)).equals(song)).toBe(true);
			expect(cdn.seen).toHaveLength(1);
			expect(cdn.seen[0].headers['x-api-key']).toBeUndefined();
			expect(JSON.stringify(cdn.seen[0].headers)).not.toContain(API_KEY);
		} finally {
			await cdn.close();
		}
	});
});

describe('a download is a song or an error', () => {
	it.each([
		['an empty body', '', 'audio/wav', 'the file is empty'],
		[
			'an HTML page with 200',
			'<!doctype html><title>Error</title>',
			'text/html',
			'the file is an HTML or XML page, not audio',
		],
		[
			'JSON labelled audio/mpeg',
			'{"code":404,"message":"expired"}',
			'audio/mpeg',
			'the file is JSON, not audio',
		],
		[
			'random bytes',
			Buffer.from([7, 1, 9, 3, 0, 0, 4, 2, 8, 8, 1, 0]),
			'audio/mpeg',
			'the file is not a known audio format, not audio',
		],
		[
			'a 200-byte stub with audio magic',
			wavBuffer({ seconds: 0.01, sampleRate: 8000, channels: 1 }).subarray(0, 200),
			'audio/wav',
			'the file has only 200 bytes, too few for a song',
		],
	])('%s: an error with the task id and the audio URL', async (_name, body, type, problem) => {
		sim.addFault({
			method: 'GET',
			path: '/files/',
			kind: 'status',
			status: 200,
			headers: { 'content-type': type },
			rawBody: body,
		});
		await expectDownloadErrorItem(sim, GENERATE_AND_WAIT, problem);
	});

	it('refuses a song above Max Audio Size, announced or not', async () => {
		sim.setBehaviour(() => ({ audioSeconds: 7 }));
		const big = await runNode(sim, { ...GENERATE_AND_WAIT, options: { maxAudioSizeMb: 1 } });
		expect(big.error?.message).toMatch(
			/^Could not download the audio of task .+ \(1\.2 MB, more than Max Audio Size \(1 MB\)\)$/,
		);
		// Without a Content-Length the stream is counted as it arrives.
		const song = wavBuffer({ seconds: 7, sampleRate: 44100, channels: 2 });
		const cdn = await otherHost((_req, res) => {
			res.writeHead(200, { 'content-type': 'audio/wav' });
			res.write(song.subarray(0, 100_000));
			res.end(song.subarray(100_000));
		});
		try {
			redirectDownloadsTo(`${cdn.url}/song.wav`);
			const chunked = await runNode(sim, { ...GENERATE_AND_WAIT, options: { maxAudioSizeMb: 1 } });
			expect(chunked.error?.message).toMatch(/\(more than Max Audio Size \(1 MB\)\)$/);
			expect(chunked.error?.description).toContain('Audio URL:');
		} finally {
			await cdn.close();
		}
	});

	it('gives up on a download that never ends, at the total deadline', async () => {
		jest.replaceProperty(constants, 'DOWNLOAD_TIMEOUT_MS', 1500);
		const song = wavBuffer({ seconds: 2, sampleRate: 8000, channels: 1 });
		let sent = 0;
		const slow = await otherHost((_req, res) => {
			res.writeHead(200, { 'content-type': 'audio/wav' });
			res.write(song.subarray(0, 8192));
			// A byte now and then: never idle for long, never done.
			const drip = setInterval(() => {
				if (res.destroyed || sent > 200) return clearInterval(drip);
				res.write(song.subarray(8192 + sent, 8193 + sent));
				sent++;
			}, 50);
		});
		try {
			redirectDownloadsTo(`${slow.url}/song.wav`);
			const started = Date.now();
			const result = await runNode(sim, GENERATE_AND_WAIT);
			expect(result.error?.message).toMatch(/\(not finished within 1\.5 s\)$/);
			expect(Date.now() - started).toBeLessThan(8_000);
		} finally {
			await slow.close();
		}
	});
});

describe('one redaction for everything PiAPI says', () => {
	/** From now on every task read answers with this task, as PiAPI would. */
	const piApiSays = (data: IDataObject) =>
		sim.addFault({
			method: 'GET',
			path: '/api/v1/task/',
			kind: 'status',
			status: 200,
			body: { code: 200, message: 'success', data },
			times: 99,
		});

	it('keeps the key out of a failed task’s error text, in the error and in the log', async () => {
		sim.setBehaviour(() => ({ outcome: 'stuck' }));
		const first = logs.length;
		const created = await runNode(sim, { ...GENERATE_AND_WAIT, operation: 'generate' });
		const task = sim.getTask(String(created.output('DiffRhythm')![0].json.task_id))!;
		piApiSays({
			...task,
			status: 'failed',
			error: { code: 500, message: `upstream rejected key ${API_KEY} (secret ${WEBHOOK_SECRET})` },
		});
		const result = await runNode(sim, { operation: 'getTask', taskId: task.task_id });
		const json = result.output('DiffRhythm')![0].json as {
			error?: string;
			piapiError?: { message?: string };
		};
		expect(json.piapiError?.message).toBe('upstream rejected key *** (secret ***)');
		expect(json.error).toBe(
			`DiffRhythm task ${task.task_id} failed: upstream rejected key *** (secret ***)`,
		);
		expectNoSecrets(result);
		expect(
			logs
				.slice(first)
				.map((line) => line.message)
				.join('\n'),
		).not.toContain(API_KEY);
	});

	it('in Generate and Wait’s error for a failed task', async () => {
		sim.setBehaviour(() => ({ outcome: 'stuck' }));
		const running = runNode(sim, GENERATE_AND_WAIT);
		// About the task created (an answer about another task is refused), before the first check.
		await until(() => sim.tasks.size === 1);
		const [taskId] = [...sim.tasks.keys()];
		piApiSays({ task_id: taskId, status: 'failed', error: { message: `bad key ${API_KEY}` } });
		const result = await running;
		expect(result.error?.message).toBe(`DiffRhythm task ${taskId} failed: bad key ***`);
		expectNoSecrets(result);
	});
});

describe('Retry-After never makes retries fire at once', () => {
	it.each([['-1'], ['0'], ['Tue, 01 Jan 2019 00:00:00 GMT']])(
		'Retry-After %j: the backoff still spaces the attempts',
		async (retryAfter) => {
			sim.addFault({
				method: 'POST',
				path: '/api/v1/task',
				kind: 'status',
				status: 429,
				retryAfter,
				times: 2,
			});
			const result = await runNode(sim, { ...GENERATE_AND_WAIT, downloadAudio: false });
			expect(result.status).toBe('success');
			const posts = sim.posts();
			expect(posts).toHaveLength(3);
			// 500 ms, then 1 s, each less at most 25 % jitter.
			expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(370);
			expect(posts[2].at - posts[1].at).toBeGreaterThanOrEqual(745);
		},
	);
});

describe('Generate and Wait with several items keeps every task id', () => {
	it('names the other items’ task ids when one item fails after the create calls', async () => {
		sim.setBehaviour((_input, index) => (index === 1 ? { outcome: 'failed' } : {}));
		const result = await runNode(sim, GENERATE_AND_WAIT, {
			items: items(3) as INodeExecutionData[],
		});
		const ids = [...sim.tasks.keys()];
		expect(result.status).toBe('error');
		for (const id of ids)
			expect(`${result.error?.message} ${result.error?.description}`).toContain(id);
		expect(sim.posts()).toHaveLength(3);
	});

	it('uses credentials whose secrets never appear', async () => {
		const result = await runNode(sim, GENERATE_AND_WAIT);
		expect(result.status).toBe('success');
		expect(credentialsFor(sim).piApiApi.apiKey).toBe(API_KEY);
		expectNoSecrets(result);
	});
});
