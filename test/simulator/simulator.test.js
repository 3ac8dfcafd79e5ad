// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * The simulator's own contract. Node tests, the demo, the benchmarks and the end-to-end suite
 * trust its shapes, timings, counts and faults, so each is checked here over plain HTTP.
 */
'use strict';

const { spawn } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');

const {
	startSimulator,
	parseWav,
	wavHeader,
	wavFileBytes,
	ZERO_TIME,
	fakeAudio,
	FAKE_AUDIO,
} = require('./index');

const KEY = 'test-key';
const FAST = { apiKey: KEY, pendingMs: 30, renderMs: 60, audioSeconds: 1 };
const BODY = {
	model: 'Qubico/diffrhythm',
	task_type: 'txt2audio-base',
	input: { lyrics: '[00:10.00] hello\n[00:15.00] world', style_prompt: 'pop', style_audio: '' },
};

// -- helpers ----------------------------------------------------------------------------------

const opened = [];

async function start(options = {}) {
	const sim = await startSimulator({ ...FAST, ...options });
	opened.push(sim);
	return sim;
}

afterEach(async () => {
	await Promise.all(opened.splice(0).map((closable) => closable.close()));
});

/** One HTTP request on a fresh connection (agent: false), so no pooled socket outlives a test. */
function call(base, method, route, { body, headers = {}, key = KEY, agent = false } = {}) {
	return new Promise((resolve, reject) => {
		const payload =
			body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
		const allHeaders = { ...headers };
		if (key !== null) allHeaders['x-api-key'] = key;
		if (payload !== undefined) allHeaders['content-type'] = 'application/json';
		const req = http.request(
			new URL(route, base),
			{ method, headers: allHeaders, agent },
			(res) => {
				const chunks = [];
				res.on('data', (chunk) => chunks.push(chunk));
				res.on('error', reject);
				res.on('end', () => {
					const buffer = Buffer.concat(chunks);
					const text = buffer.toString('utf8');
					let json;
					try {
						json = JSON.parse(text);
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode, headers: res.headers, buffer, text, json });
				});
			},
		);
		req.on('error', reject);
		req.end(payload);
	});
}

const api = (sim, method, route, options) => call(sim.url, method, route, options);
const create = (sim, overrides = {}, options) =>
	api(sim, 'POST', '/api/v1/task', { body: { ...BODY, ...overrides }, ...options });

async function waitFor(check, { timeout = 3000, interval = 10, what = 'condition' } = {}) {
	const deadline = Date.now() + timeout;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, interval));
	}
}

async function waitForStatus(sim, id, status, timeout) {
	return waitFor(
		async () => {
			const res = await api(sim, 'GET', `/api/v1/task/${id}`);
			return res.json.data.status === status ? res.json.data : null;
		},
		{ timeout, what: `task ${id} to be ${status}` },
	);
}

/** A loopback webhook receiver that answers with the next code of `codes` (then 200). */
async function startReceiver(codes = []) {
	const hits = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			let body;
			try {
				body = JSON.parse(text);
			} catch {
				body = text;
			}
			hits.push({ method: req.method, url: req.url, headers: req.headers, body, at: Date.now() });
			const code = codes.length ? codes.shift() : 200;
			res.writeHead(code, { 'content-type': 'text/plain' });
			res.end(`ack ${hits.length}`);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const receiver = {
		url: `http://127.0.0.1:${server.address().port}/hook`,
		hits,
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
	opened.push(receiver);
	return receiver;
}

// -- auth and account -------------------------------------------------------------------------

describe('auth and account', () => {
	test('401 without a key and with a wrong key, logged, nothing created', async () => {
		const sim = await start();
		const missing = await create(sim, {}, { key: null });
		expect(missing.status).toBe(401);
		expect(missing.json).toEqual({ code: 401, message: 'Unauthorized: invalid API key' });
		const wrong = await api(sim, 'GET', '/account/info', { key: 'nope' });
		expect(wrong.status).toBe(401);
		expect(wrong.json.code).toBe(401);
		expect(sim.tasks.size).toBe(0);
		expect(sim.requests.map((r) => [r.method, r.path, r.status])).toEqual([
			['POST', '/api/v1/task', 401],
			['GET', '/account/info', 401],
		]);
	});

	test('header name is case-insensitive; /account/info is free and creates nothing', async () => {
		const sim = await start({ concurrency: 3, credits: 10 });
		const res = await api(sim, 'GET', '/account/info', {
			key: null,
			headers: { 'X-API-Key': KEY },
		});
		expect(res.status).toBe(200);
		expect(res.json.code).toBe(200);
		expect(res.json.message).toBe('success');
		expect(res.json.data).toMatchObject({
			name: 'Simulator',
			plan: 'creator',
			max_concurrent_task_count: 3,
			equivalent_in_usd: 0.2,
			credit_pack_info: { available_credits: 10 * 200000, used_credits: 0 },
		});
		expect(typeof res.json.data.id).toBe('string');
		expect(sim.tasks.size).toBe(0);
		expect(sim.creditsLeft).toBe(10);
		expect(sim.requests[0].headers['x-api-key']).toBe(KEY);
	});

	test('files need no key; unknown routes and ids are 404', async () => {
		const sim = await start();
		expect(
			(await api(sim, 'GET', '/api/v1/task/00000000-0000-0000-0000-000000000000')).json,
		).toEqual({
			code: 404,
			message: 'task not found',
		});
		expect(
			(await api(sim, 'GET', '/files/00000000-0000-0000-0000-000000000000.wav', { key: null }))
				.status,
		).toBe(404);
		expect((await api(sim, 'GET', '/nope')).status).toBe(404);
	});
});

// -- create and validate ----------------------------------------------------------------------

describe('create task', () => {
	test('400 on bad model, bad task_type, invalid JSON, missing input; nothing created', async () => {
		const sim = await start();
		const badModel = await create(sim, { model: 'Qubico/ace-step' });
		expect(badModel.status).toBe(400);
		expect(badModel.json.code).toBe(400);
		expect(badModel.json.message).toMatch(/model/);
		const badType = await create(sim, { task_type: 'txt2audio' });
		expect(badType.status).toBe(400);
		expect(badType.json.message).toMatch(/task_type/);
		const badJson = await api(sim, 'POST', '/api/v1/task', { body: '{"model": ' });
		expect(badJson.status).toBe(400);
		expect(badJson.json.code).toBe(400);
		const noInput = await create(sim, { input: undefined });
		expect(noInput.status).toBe(400);
		expect(sim.tasks.size).toBe(0);
		// The log keeps what was sent: parsed JSON, or the raw text when it is not JSON.
		expect(sim.requests[0].body.model).toBe('Qubico/ace-step');
		expect(sim.requests[2].body).toBe('{"model": ');
	});

	test('pending → processing → completed, in PiAPI shape, with meta times', async () => {
		const sim = await start({ pendingMs: 80, renderMs: 120 });
		const config = { webhook_config: { endpoint: '', secret: 's3cret' }, service_mode: '' };
		const created = await create(sim, { config, input: { ...BODY.input, seed: 7 } });
		expect(created.status).toBe(200);
		expect(created.json.code).toBe(200);
		expect(created.json.message).toBe('success');
		const task = created.json.data;
		expect(task.task_id).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
		);
		expect(task).toEqual({
			task_id: task.task_id,
			model: 'Qubico/diffrhythm',
			task_type: 'txt2audio-base',
			status: 'pending',
			config: { service_mode: '', webhook_config: { endpoint: '', secret: 's3cret' } },
			input: { style_audio: '', style_prompt: 'pop', lyrics: BODY.input.lyrics },
			output: null,
			meta: {
				created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
				started_at: ZERO_TIME,
				ended_at: ZERO_TIME,
				usage: { type: 'llm', frozen: 0, consume: 200000 },
				is_using_private_pool: false,
			},
			detail: null,
			logs: [],
			error: { code: 0, raw_message: '', message: '', detail: null },
		});

		const processing = await waitForStatus(sim, task.task_id, 'processing');
		expect(processing.meta.started_at).not.toBe(ZERO_TIME);
		expect(processing.meta.ended_at).toBe(ZERO_TIME);
		expect(processing.output).toBeNull();

		const done = await waitForStatus(sim, task.task_id, 'completed');
		expect(done.output).toEqual({ audio_url: `${sim.url}/files/${task.task_id}.wav` });
		const created_at = Date.parse(done.meta.created_at);
		const started = Date.parse(done.meta.started_at);
		const ended = Date.parse(done.meta.ended_at);
		expect(started - created_at).toBe(80);
		expect(ended - started).toBe(120);
		expect(done.error.code).toBe(0);
		expect(sim.getTask(task.task_id)).toEqual(done);
	});

	test('the behaviour function sees the input and the task index', async () => {
		const seen = [];
		const sim = await start({
			behaviour: (input, index) => {
				seen.push([input.style_prompt, index]);
				return index === 1 ? { statusCase: 'title' } : undefined;
			},
		});
		await create(sim);
		const second = await create(sim, { input: { style_prompt: 'jazz' } });
		expect(seen).toEqual([
			['pop', 0],
			['jazz', 1],
		]);
		expect(second.json.data.status).toBe('Pending');
		expect(second.json.data.input).toEqual({ style_audio: '', style_prompt: 'jazz', lyrics: '' });
	});
});

// -- audio ------------------------------------------------------------------------------------

describe('audio file', () => {
	test('a completed task serves a valid WAV of the configured length, streamed', async () => {
		const sim = await start({ audioSeconds: 1.5, sampleRate: 22050, channels: 1 });
		const id = (await create(sim)).json.data.task_id;
		const early = await call(sim.url, 'GET', `/files/${id}.wav`, { key: null });
		expect(early.status).toBe(404);
		const done = await waitForStatus(sim, id, 'completed');
		const file = await call(done.output.audio_url, 'GET', done.output.audio_url, { key: null });
		expect(file.status).toBe(200);
		expect(file.headers['content-type']).toBe('audio/wav');
		expect(Number(file.headers['content-length'])).toBe(file.buffer.length);
		expect(file.buffer.length).toBe(wavFileBytes(1.5, 22050, 1));
		const info = parseWav(file.buffer);
		expect(info).toMatchObject({
			sampleRate: 22050,
			channels: 1,
			bitsPerSample: 16,
			durationSeconds: 1.5,
		});

		// Music, not silence and not noise: audible, and deterministic per task (same id, same bytes).
		const samples = [];
		for (let offset = info.dataOffset; offset < file.buffer.length; offset += 2)
			samples.push(file.buffer.readInt16LE(offset));
		const rms = Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length);
		let peak = 0;
		let jumps = 0;
		for (let i = 0; i < samples.length; i++) {
			peak = Math.max(peak, Math.abs(samples[i]));
			// Noise or clicks jump by large steps between neighbouring samples; smooth tones do not.
			if (i > 0 && Math.abs(samples[i] - samples[i - 1]) > 8000) jumps++;
		}
		expect(rms).toBeGreaterThan(1000);
		expect(peak).toBeLessThan(32767);
		expect(jumps).toBe(0);
		const again = await call(sim.url, 'GET', `/files/${id}.wav`, { key: null });
		expect(again.buffer.equals(file.buffer)).toBe(true);
		expect(sim.requests.filter((r) => r.path.startsWith('/files/')).map((r) => r.status)).toEqual([
			404, 200, 200,
		]);
	});

	test('default length follows the task type (95 s / 285 s); HEAD gives the size without the body', async () => {
		const sim = await start({ audioSeconds: undefined, pendingMs: 0, renderMs: 0 });
		const base = (await create(sim)).json.data.task_id;
		const full = (await create(sim, { task_type: 'txt2audio-full' })).json.data.task_id;
		await waitForStatus(sim, full, 'completed');
		const headBase = await call(sim.url, 'HEAD', `/files/${base}.wav`, { key: null });
		const headFull = await call(sim.url, 'HEAD', `/files/${full}.wav`, { key: null });
		expect(Number(headBase.headers['content-length'])).toBe(44 + 95 * 44100 * 4);
		expect(Number(headFull.headers['content-length'])).toBe(44 + 285 * 44100 * 4);
		expect(headFull.buffer.length).toBe(0);
	});

	test('content type, extension and output field follow the behaviour', async () => {
		const sim = await start({ pendingMs: 0, renderMs: 10 });
		sim.setBehaviour((input) =>
			input.style_prompt === 'mp3'
				? { audioContentType: 'audio/mpeg', audioPathExtension: '', audioField: 'url' }
				: { audioField: 'nested' },
		);
		const a = (await create(sim, { input: { style_prompt: 'mp3' } })).json.data.task_id;
		const b = (await create(sim)).json.data.task_id;
		const doneA = await waitForStatus(sim, a, 'completed');
		const doneB = await waitForStatus(sim, b, 'completed');
		expect(doneA.output).toEqual({ url: `${sim.url}/files/${a}` });
		expect(doneB.output).toEqual({ result: { files: [{ href: `${sim.url}/files/${b}.wav` }] } });
		const file = await call(sim.url, 'GET', doneA.output.url, { key: null });
		expect(file.headers['content-type']).toBe('audio/mpeg');
		expect(parseWav(file.buffer).durationSeconds).toBe(1);
	});

	test('parseWav rejects what is not a complete PCM WAV', () => {
		expect(() => parseWav(Buffer.from('hello world, not audio'))).toThrow(/RIFF/);
		const header = wavHeader({ dataBytes: 400, sampleRate: 8000, channels: 1 });
		expect(() => parseWav(header)).toThrow(/truncated/);
		expect(parseWav(Buffer.concat([header, Buffer.alloc(400)]))).toMatchObject({
			durationSeconds: 0.025,
			dataBytes: 400,
		});
	});
});

// -- behaviours -------------------------------------------------------------------------------

describe('behaviours', () => {
	test('statusCase upper spells every status in capitals', async () => {
		const sim = await start({ behaviour: () => ({ statusCase: 'upper' }) });
		const created = await create(sim);
		expect(created.json.data.status).toBe('PENDING');
		await waitForStatus(sim, created.json.data.task_id, 'PROCESSING');
		const done = await waitForStatus(sim, created.json.data.task_id, 'COMPLETED');
		expect(done.output.audio_url).toMatch(/\.wav$/);
	});

	test('failed: error filled, no output; stuck: stays processing', async () => {
		const sim = await start({
			behaviour: (input) => ({ outcome: input.style_prompt === 'fail' ? 'failed' : 'stuck' }),
		});
		const failing = (await create(sim, { input: { style_prompt: 'fail' } })).json.data.task_id;
		const stuck = (await create(sim, { input: { style_prompt: 'stuck' } })).json.data.task_id;
		const failed = await waitForStatus(sim, failing, 'failed');
		expect(failed.output).toBeNull();
		expect(failed.error).toMatchObject({
			code: 10000,
			message: 'simulated generation failure',
			detail: null,
		});
		expect(failed.error.raw_message).toMatch(/simulated/);
		expect(failed.meta.ended_at).not.toBe(ZERO_TIME);
		expect((await call(sim.url, 'GET', `/files/${failing}.wav`, { key: null })).status).toBe(404);
		await new Promise((resolve) => setTimeout(resolve, 250));
		const still = sim.getTask(stuck);
		expect(still.status).toBe('processing');
		expect(still.meta.ended_at).toBe(ZERO_TIME);
	});

	test('concurrency 2 with 5 tasks: 3 staged, promoted in creation order, all finish', async () => {
		const sim = await start({ concurrency: 2, pendingMs: 20, renderMs: 50 });
		const statuses = [];
		const ids = [];
		for (let i = 0; i < 5; i++) {
			const res = await create(sim);
			statuses.push(res.json.data.status);
			ids.push(res.json.data.task_id);
		}
		expect(statuses).toEqual(['pending', 'pending', 'staged', 'staged', 'staged']);
		const info = await api(sim, 'GET', '/account/info');
		expect(info.json.data.max_concurrent_task_count).toBe(2);
		await waitFor(() => ids.every((id) => sim.getTask(id).status === 'completed'), {
			what: 'all tasks completed',
		});
		const records = ids.map((id) => sim.tasks.get(id));
		const starts = records.map((r) => r.startedAt);
		expect([...starts].sort((x, y) => x - y)).toEqual(starts);
		// At no instant do more than 2 tasks hold a slot.
		for (const r of records) {
			const overlapping = records.filter((o) => o.slotAt <= r.slotAt && o.endedAt > r.slotAt);
			expect(overlapping.length).toBeLessThanOrEqual(2);
		}
		// A staged task gets its slot exactly when an earlier one ends.
		expect(records.map((r) => r.endedAt)).toContain(records[2].slotAt);
	});

	test('credits: after the last paid task POST answers 402 and creates nothing', async () => {
		const sim = await start({ credits: 2 });
		expect((await create(sim)).status).toBe(200);
		expect((await create(sim)).status).toBe(200);
		const refused = await create(sim);
		expect(refused.status).toBe(402);
		expect(refused.json.code).toBe(402);
		expect(refused.json.message).toMatch(/^Insufficient credits: /);
		expect(sim.tasks.size).toBe(2);
		expect(sim.creditsLeft).toBe(0);
		const info = await api(sim, 'GET', '/account/info');
		expect(info.json.data.credit_pack_info.available_credits).toBe(0);
		expect(info.json.data.equivalent_in_usd).toBe(0);
	});
});

// -- faults -----------------------------------------------------------------------------------

describe('faults', () => {
	test('status 429 with Retry-After, once, then normal', async () => {
		const sim = await start();
		sim.addFault({
			method: 'POST',
			path: '/api/v1/task',
			kind: 'status',
			status: 429,
			retryAfter: 7,
		});
		const limited = await create(sim);
		expect(limited.status).toBe(429);
		expect(limited.headers['retry-after']).toBe('7');
		expect(limited.json).toEqual({ code: 429, message: expect.stringMatching(/simulated/) });
		expect(sim.tasks.size).toBe(0);
		expect((await create(sim)).status).toBe(200);
		expect(sim.posts().map((p) => [p.status, p.fault])).toEqual([
			[429, 'status'],
			[200, null],
		]);
		expect(sim.faults).toEqual([]);
	});

	test('status with extra headers and a raw body (a redirect, an HTML page as a file)', async () => {
		const sim = await start();
		sim.addFault({
			method: 'GET',
			path: '/api/v1/task',
			kind: 'status',
			status: 302,
			headers: { location: 'http://127.0.0.1:9/elsewhere' },
			rawBody: '',
		});
		const redirect = await api(sim, 'GET', '/api/v1/task/x');
		expect(redirect.status).toBe(302);
		expect(redirect.headers.location).toBe('http://127.0.0.1:9/elsewhere');
		expect(redirect.buffer.length).toBe(0);
		sim.addFault({
			path: '/files/',
			kind: 'status',
			status: 200,
			headers: { 'content-type': 'audio/mpeg' },
			rawBody: '<html>gone</html>',
		});
		const page = await api(sim, 'GET', '/files/3c1e8a96-0b66-4d8b-91ed-2b7cfc914869.wav');
		expect([page.status, page.headers['content-type'], page.text]).toEqual([
			200,
			'audio/mpeg',
			'<html>gone</html>',
		]);
		expect(() => sim.addFault({ kind: 'status', headers: { a: 1 } })).toThrow(
			/headers must be an object of strings/,
		);
		expect(() => sim.addFault({ kind: 'status', rawBody: 5 })).toThrow(
			/rawBody must be a string or a Buffer/,
		);
	});

	test('status 500 by path prefix, RegExp, method filter and times', async () => {
		const sim = await start();
		const id = (await create(sim)).json.data.task_id;
		sim.addFault({ method: 'GET', path: '/api/v1/task', kind: 'status', status: 500, times: 2 });
		expect((await api(sim, 'GET', `/api/v1/task/${id}`)).status).toBe(500);
		expect((await create(sim)).status).toBe(200);
		expect((await api(sim, 'GET', `/api/v1/task/${id}`)).json).toEqual({
			code: 500,
			message: 'simulated internal server error',
		});
		expect((await api(sim, 'GET', `/api/v1/task/${id}`)).status).toBe(200);
		sim.addFault({
			path: /^\/account\//,
			kind: 'status',
			status: 503,
			body: { code: 503, message: 'maintenance' },
		});
		expect((await api(sim, 'GET', '/account/info')).json).toEqual({
			code: 503,
			message: 'maintenance',
		});
		sim.addFault({ kind: 'status', status: 502, times: Infinity });
		expect(sim.faults).toHaveLength(1);
		sim.clearFaults();
		expect((await api(sim, 'GET', '/account/info')).status).toBe(200);
		expect(sim.count('GET', '/api/v1/task/')).toBe(3);
		expect(sim.count(null, '/account')).toBe(2);
	});

	test('statusAfterCreate: 500 answered, exactly one task created and running', async () => {
		const sim = await start();
		sim.addFault({ method: 'POST', path: '/api/v1/task', kind: 'statusAfterCreate', status: 500 });
		const res = await create(sim);
		expect(res.status).toBe(500);
		expect(res.json.code).toBe(500);
		expect(sim.tasks.size).toBe(1);
		const [record] = sim.tasks.values();
		await waitForStatus(sim, record.id, 'completed');
		expect(sim.posts()).toHaveLength(1);
		expect(sim.posts()[0]).toMatchObject({ status: 500, fault: 'statusAfterCreate' });
	});

	test('drop creates nothing; dropAfterCreate creates the task; both leave the client without answer', async () => {
		const sim = await start();
		sim.addFault({ method: 'POST', path: '/api/v1/task', kind: 'drop' });
		await expect(create(sim)).rejects.toThrow(/socket hang up|ECONNRESET/);
		expect(sim.tasks.size).toBe(0);
		sim.addFault({ method: 'POST', path: '/api/v1/task', kind: 'dropAfterCreate' });
		await expect(create(sim)).rejects.toThrow(/socket hang up|ECONNRESET/);
		expect(sim.tasks.size).toBe(1);
		expect(sim.posts().map((p) => [p.status, p.fault])).toEqual([
			[null, 'drop'],
			[null, 'dropAfterCreate'],
		]);
		expect(sim.posts()[1].body).toEqual(BODY);
	});

	test('delay answers normally, late', async () => {
		const sim = await start();
		sim.addFault({ kind: 'delay', delayMs: 200, path: '/account/info' });
		const t0 = Date.now();
		const res = await api(sim, 'GET', '/account/info');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
		expect(res.status).toBe(200);
		expect(sim.requests[0]).toMatchObject({ fault: 'delay', status: 200 });
	});

	test('delayAnswer: the answer is the state at arrival, sent late', async () => {
		const sim = await start({ pendingMs: 0, renderMs: 150 });
		const created = await create(sim);
		const id = created.json.data.task_id;
		sim.addFault({ kind: 'delayAnswer', delayMs: 400, method: 'GET', path: `/api/v1/task/${id}` });
		const t0 = Date.now();
		const late = await api(sim, 'GET', `/api/v1/task/${id}`);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
		// Read at arrival, while rendering; by the time it arrived the task had completed.
		expect(late.json.data.status).toBe('processing');
		const now = await api(sim, 'GET', `/api/v1/task/${id}`);
		expect(now.json.data.status).toBe('completed');
		expect(sim.requests.map((r) => r.fault)).toEqual([null, 'delayAnswer', null]);
	});

	test('malformed: 200 with truncated JSON, nothing created', async () => {
		const sim = await start();
		sim.addFault({ kind: 'malformed', method: 'POST' });
		const res = await create(sim);
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toMatch(/^application\/json/);
		expect(res.json).toBeUndefined();
		expect(() => JSON.parse(res.text)).toThrow();
		expect(sim.tasks.size).toBe(0);
		expect(sim.posts()[0]).toMatchObject({ status: 200, fault: 'malformed' });
	});

	test('invalid faults are rejected up front', async () => {
		const sim = await start();
		expect(() => sim.addFault({ kind: 'explode' })).toThrow(/kind/);
		expect(() => sim.addFault({ kind: 'status', status: 42 })).toThrow(/status/);
		expect(() => sim.addFault({ kind: 'drop', times: 0 })).toThrow(/times/);
	});
});

// -- webhooks ---------------------------------------------------------------------------------

describe('faults for downloads and slow answers', () => {
	const fileOf = async (sim) => {
		const { json } = await create(sim);
		await waitForStatus(sim, json.data.task_id, 'completed');
		return `/files/${json.data.task_id}.wav`;
	};

	test.each(FAKE_AUDIO)('fakeAudio %s: those bytes, with their length, as a 200', async (name) => {
		const sim = await start();
		const file = await fileOf(sim);
		sim.addFault({ method: 'GET', path: '/files/', kind: 'fakeAudio', audio: name });
		const res = await api(sim, 'GET', file);
		expect(res.status).toBe(200);
		expect(res.buffer.equals(fakeAudio(name))).toBe(true);
		expect(Number(res.headers['content-length'])).toBe(res.buffer.length);
		expect(sim.requests.at(-1)).toMatchObject({ fault: 'fakeAudio', status: 200 });
		// The fault is used up: the next download is the real file.
		expect(parseWav((await api(sim, 'GET', file)).buffer).durationSeconds).toBeCloseTo(1, 3);
	});

	test('fakeAudio with a Content-Length above its size: the connection is cut after the bytes', async () => {
		const sim = await start();
		const file = await fileOf(sim);
		sim.addFault({
			method: 'GET',
			path: '/files/',
			kind: 'fakeAudio',
			audio: 'wavTruncated',
			contentLength: 160_044,
		});
		await expect(api(sim, 'GET', file)).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
		expect(() => sim.addFault({ kind: 'fakeAudio', audio: 'nope' })).toThrow(/fault audio/);
	});

	test('redirect: a chain of `times` hops to the same path, or to any location', async () => {
		const sim = await start();
		const file = await fileOf(sim);
		sim.addFault({ method: 'GET', path: '/files/', kind: 'redirect', times: 3 });
		let route = file;
		const statuses = [];
		for (;;) {
			const res = await api(sim, 'GET', route);
			statuses.push(res.status);
			if (res.status !== 302) break;
			route = res.headers.location;
		}
		expect(statuses).toEqual([302, 302, 302, 200]);
		expect(route).toBe(`${file}?hop=3`);
		sim.addFault({
			method: 'GET',
			path: '/files/',
			kind: 'redirect',
			location: 'file:///etc/passwd',
		});
		const away = await api(sim, 'GET', file);
		expect([away.status, away.headers.location]).toEqual([302, 'file:///etc/passwd']);
		expect(() => sim.addFault({ kind: 'redirect', status: 200 })).toThrow(/redirect fault status/);
	});

	test('drip: the normal answer, a few bytes at a time', async () => {
		const sim = await start();
		sim.addFault({
			method: 'POST',
			path: '/api/v1/task',
			kind: 'drip',
			delayMs: 1,
			chunkBytes: 64,
		});
		const pieces = [];
		const res = await new Promise((resolve, reject) => {
			const req = http.request(
				new URL('/api/v1/task', sim.url),
				{
					method: 'POST',
					agent: false,
					headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
				},
				(answer) => {
					answer.on('data', (chunk) => pieces.push(chunk));
					answer.on('end', () => resolve(answer));
					answer.on('error', reject);
				},
			);
			req.on('error', reject);
			req.end(JSON.stringify(BODY));
		});
		expect(res.statusCode).toBe(200);
		const json = JSON.parse(Buffer.concat(pieces).toString('utf8'));
		expect(json.data.task_id).toBe([...sim.tasks.keys()][0]);
		expect(pieces.length).toBeGreaterThan(5);
		expect(sim.posts()[0].fault).toBe('drip');
	});
});

describe('webhooks', () => {
	test('intermediate + final (repeated) to a loopback receiver, with the secret header', async () => {
		const receiver = await startReceiver();
		const sim = await start({ behaviour: () => ({ webhookRepeat: 2 }) });
		const config = { webhook_config: { endpoint: receiver.url, secret: 'hook-secret' } };
		const id = (await create(sim, { config })).json.data.task_id;
		await waitFor(() => receiver.hits.length === 3 && sim.deliveries.length === 3, {
			what: '3 webhooks',
		});
		expect(receiver.hits.map((h) => h.body.data.status)).toEqual([
			'processing',
			'completed',
			'completed',
		]);
		for (const hit of receiver.hits) {
			expect(hit.method).toBe('POST');
			expect(hit.url).toBe('/hook');
			expect(hit.headers['content-type']).toBe('application/json');
			expect(hit.headers['x-webhook-secret']).toBe('hook-secret');
			expect(Object.keys(hit.body).sort()).toEqual(['data', 'timestamp']);
			expect(Number.isInteger(hit.body.timestamp)).toBe(true);
			expect(Math.abs(hit.body.timestamp - Date.now() / 1000)).toBeLessThan(5);
			expect(hit.body.data.task_id).toBe(id);
			expect(hit.body.data.config.webhook_config).toEqual({
				endpoint: receiver.url,
				secret: 'hook-secret',
			});
		}
		const final = receiver.hits[2].body.data;
		expect(final).toEqual(sim.getTask(id));
		expect(receiver.hits[2].at - receiver.hits[1].at).toBeGreaterThanOrEqual(40);
		// Repeats of one event carry the same timestamp, so receivers can deduplicate.
		expect(receiver.hits[1].body.timestamp).toBe(receiver.hits[2].body.timestamp);
		expect(sim.deliveries.map((d) => [d.taskId, d.status, d.kind, d.statusCode, d.url])).toEqual([
			[id, 'processing', 'intermediate', 200, receiver.url],
			[id, 'completed', 'final', 200, receiver.url],
			[id, 'completed', 'final', 200, receiver.url],
		]);
		// Webhooks are not API requests.
		expect(sim.requests).toHaveLength(1);
	});

	test('no intermediate when disabled; no secret header when the secret is empty; failed tasks notify', async () => {
		const receiver = await startReceiver();
		const sim = await start({
			behaviour: () => ({ webhookIntermediate: false, outcome: 'failed', statusCase: 'title' }),
		});
		const id = (
			await create(sim, { config: { webhook_config: { endpoint: receiver.url, secret: '' } } })
		).json.data.task_id;
		await waitForStatus(sim, id, 'Failed');
		await waitFor(() => sim.deliveries.length === 1, { what: 'one delivery' });
		await new Promise((resolve) => setTimeout(resolve, 80));
		expect(receiver.hits).toHaveLength(1);
		expect(receiver.hits[0].headers['x-webhook-secret']).toBeUndefined();
		expect(receiver.hits[0].body.data.status).toBe('Failed');
		expect(receiver.hits[0].body.data.error.code).toBe(10000);
	});

	test('a failing receiver is retried 3 times, 200 ms apart, each status code recorded', async () => {
		const receiver = await startReceiver([500, 503, 502, 500]);
		const sim = await start({ behaviour: () => ({ webhookIntermediate: false }) });
		await create(sim, { config: { webhook_config: { endpoint: receiver.url } } });
		await waitFor(() => sim.deliveries.length === 4, { what: '4 attempts' });
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(sim.deliveries.map((d) => [d.attempt, d.statusCode])).toEqual([
			[1, 500],
			[2, 503],
			[3, 502],
			[4, 500],
		]);
		const gaps = sim.deliveries.slice(1).map((d, i) => d.at - sim.deliveries[i].at);
		for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(190);
		expect(receiver.hits).toHaveLength(4);
	});

	test('webhookRetries and webhookRetryGapMs set how often and how far apart a failed webhook is retried', async () => {
		const receiver = await startReceiver([503, 503, 503, 503]);
		const sim = await start({
			webhookRetries: 1,
			webhookRetryGapMs: 600,
			behaviour: () => ({ webhookIntermediate: false }),
		});
		await create(sim, { config: { webhook_config: { endpoint: receiver.url } } });
		await waitFor(() => sim.deliveries.length === 2, { what: '2 attempts' });
		await new Promise((resolve) => setTimeout(resolve, 900));
		// One retry only, then the simulator gives up (the receiver would have answered 503 again).
		expect(sim.deliveries.map((d) => [d.attempt, d.statusCode])).toEqual([
			[1, 503],
			[2, 503],
		]);
		expect(sim.deliveries[1].at - sim.deliveries[0].at).toBeGreaterThanOrEqual(590);
		await expect(start({ webhookRetries: -1 })).rejects.toThrow(/webhookRetries/);
		await expect(start({ webhookRetryGapMs: Infinity })).rejects.toThrow(/webhookRetryGapMs/);
	});

	test('a retry that succeeds stops the retries; a refused connection is recorded as an error', async () => {
		const receiver = await startReceiver([500]);
		const sim = await start({ behaviour: () => ({ webhookIntermediate: false }) });
		await create(sim, { config: { webhook_config: { endpoint: receiver.url } } });
		await waitFor(() => sim.deliveries.length === 2, { what: '2 attempts' });
		expect(sim.deliveries.map((d) => d.statusCode)).toEqual([500, 200]);

		const closedPort = await startReceiver();
		const deadUrl = closedPort.url;
		await closedPort.close();
		sim.reset();
		sim.setBehaviour({ webhookIntermediate: false, renderMs: 10 });
		await create(sim, { config: { webhook_config: { endpoint: deadUrl } } });
		await waitFor(() => sim.deliveries.length >= 1, { what: 'a failed attempt' });
		expect(sim.deliveries[0].error).toBe('ECONNREFUSED');
		expect(sim.deliveries[0].statusCode).toBeUndefined();
	});

	test('non-loopback endpoints are refused and never contacted', async () => {
		const sim = await start({
			pendingMs: 0,
			renderMs: 10,
			behaviour: () => ({ webhookIntermediate: false }),
		});
		const endpoints = [
			'http://example.com/hook',
			'http://10.0.0.1:5678/hook',
			'http://127.0.0.1.nip.io/hook',
			'ftp://127.0.0.1/x',
		];
		for (const endpoint of endpoints)
			await create(sim, { config: { webhook_config: { endpoint, secret: 'x' } } });
		await waitFor(() => sim.deliveries.length === endpoints.length, { what: 'refusals' });
		await new Promise((resolve) => setTimeout(resolve, 250));
		expect(sim.deliveries).toHaveLength(endpoints.length);
		for (const delivery of sim.deliveries) {
			expect(delivery.refused).toBe(true);
			expect(delivery.error).toMatch(/^refused: /);
			expect(delivery.statusCode).toBeUndefined();
		}
		expect(sim.deliveries.map((d) => d.url).sort()).toEqual([...endpoints].sort());
		await expect(sim.deliver([...sim.tasks.keys()][0])).rejects.toThrow(/refused/);
	});

	test('localhost endpoints are delivered; loopback detection covers 127/8 and ::1 only', async () => {
		const receiver = await startReceiver();
		const sim = await start({
			pendingMs: 0,
			renderMs: 10,
			behaviour: () => ({ webhookIntermediate: false }),
		});
		const viaLocalhost = receiver.url.replace('127.0.0.1', 'localhost');
		await create(sim, { config: { webhook_config: { endpoint: viaLocalhost } } });
		await waitFor(() => sim.deliveries.length === 1, { what: 'delivery' });
		expect(sim.deliveries[0].statusCode).toBe(200);
		expect(require('./index').isLoopbackHostname('[::1]')).toBe(true);
		expect(require('./index').isLoopbackHostname('127.8.9.10')).toBe(true);
		expect(require('./index').isLoopbackHostname('[::ffff:10.0.0.1]')).toBe(false);
	});

	test('deliver() sends forged or repeated webhooks by hand', async () => {
		const receiver = await startReceiver([200, 401]);
		const sim = await start({ pendingMs: 10_000 });
		const id = (
			await create(sim, { config: { webhook_config: { endpoint: receiver.url, secret: 'real' } } })
		).json.data.task_id;
		const forged = await sim.deliver(id, { status: 'completed', secret: 'forged' });
		expect(forged).toEqual({ statusCode: 200, body: 'ack 1' });
		const rejected = await sim.deliver(id, { body: 'not json', secret: '' });
		expect(rejected.statusCode).toBe(401);
		expect(receiver.hits[0].headers['x-webhook-secret']).toBe('forged');
		expect(receiver.hits[0].body.data).toMatchObject({ task_id: id, status: 'completed' });
		expect(receiver.hits[1].body).toBe('not json');
		expect(receiver.hits[1].headers['x-webhook-secret']).toBeUndefined();
		expect(sim.deliveries.map((d) => [d.kind, d.statusCode])).toEqual([
			['manual', 200],
			['manual', 401],
		]);
		await expect(sim.deliver('no-such-task')).rejects.toThrow(/unknown task/);
	});
});

// -- control API, reset, close, CLI -------------------------------------------------------------

describe('control', () => {
	test('HTTP control API: faults, behaviour by style prompt, requests, deliveries, deliver, reset', async () => {
		const receiver = await startReceiver();
		const sim = await start({ pendingMs: 0, renderMs: 20 });
		const control = (method, route, body) => call(sim.url, method, route, { body, key: null });

		expect(
			(
				await control('POST', '/__sim/faults', {
					kind: 'status',
					status: 503,
					method: 'POST',
					path: '/api/v1/task',
				})
			).status,
		).toBe(200);
		expect((await control('GET', '/__sim/faults')).json).toEqual([
			expect.objectContaining({ kind: 'status', status: 503, path: '/api/v1/task', remaining: 1 }),
		]);
		expect((await create(sim)).status).toBe(503);
		expect((await control('POST', '/__sim/faults', { kind: 'nope' })).status).toBe(400);
		expect(
			(
				await control('POST', '/__sim/faults', {
					kind: 'status',
					status: 500,
					pathPattern: '^/account/',
				})
			).status,
		).toBe(200);
		expect((await api(sim, 'GET', '/account/info')).status).toBe(500);

		const behaviour = { statusCase: 'upper', byStylePrompt: { 'fail me': { outcome: 'failed' } } };
		expect((await control('POST', '/__sim/behaviour', behaviour)).status).toBe(200);
		expect((await control('POST', '/__sim/behaviour', { outcome: 'exploded' })).status).toBe(400);
		const ok = (
			await create(sim, { config: { webhook_config: { endpoint: receiver.url, secret: 'k' } } })
		).json.data;
		const bad = (await create(sim, { input: { style_prompt: 'fail me' } })).json.data;
		expect(ok.status).toBe('PENDING');
		await waitForStatus(sim, ok.task_id, 'COMPLETED');
		await waitForStatus(sim, bad.task_id, 'FAILED');

		const requests = (await control('GET', '/__sim/requests')).json;
		expect(requests.map((r) => [r.method, r.path, r.status, r.fault]).slice(0, 3)).toEqual([
			['POST', '/api/v1/task', 503, 'status'],
			['GET', '/account/info', 500, 'status'],
			['POST', '/api/v1/task', 200, null],
		]);
		expect(requests.some((r) => r.path.startsWith('/__sim'))).toBe(false);

		await waitFor(() => sim.deliveries.length === 2, { what: 'webhooks' });
		const deliveries = (await control('GET', '/__sim/deliveries')).json;
		expect(deliveries.map((d) => [d.status, d.statusCode])).toEqual([
			['processing', 200],
			['completed', 200],
		]);
		const manual = await control('POST', '/__sim/deliver', {
			taskId: ok.task_id,
			status: 'completed',
			secret: 'forged',
		});
		expect(manual.json).toEqual({ statusCode: 200, body: 'ack 3' });
		expect(receiver.hits[2].headers['x-webhook-secret']).toBe('forged');
		expect((await control('POST', '/__sim/deliver', { taskId: 'missing' })).status).toBe(502);
		expect((await control('GET', '/__sim/tasks')).json).toHaveLength(2);

		expect((await control('POST', '/__sim/reset')).json).toEqual({ ok: true });
		expect(sim.tasks.size).toBe(0);
		expect(sim.requests).toHaveLength(0);
		expect(sim.deliveries).toHaveLength(0);
		expect((await create(sim)).json.data.status).toBe('pending');
	});

	test('request log records method, path, query, headers, body, status, fault, time', async () => {
		const sim = await start();
		const before = Date.now();
		await api(sim, 'GET', '/account/info?verbose=1&x=y', { headers: { 'X-Trace': 'abc' } });
		await create(sim);
		const [info, post] = sim.requests;
		expect(info).toEqual({
			method: 'GET',
			path: '/account/info',
			query: { verbose: '1', x: 'y' },
			headers: expect.objectContaining({ 'x-trace': 'abc', 'x-api-key': KEY }),
			body: null,
			status: 200,
			fault: null,
			at: expect.any(Number),
			doneAt: expect.any(Number),
		});
		expect(info.at).toBeGreaterThanOrEqual(before);
		expect(info.doneAt).toBeGreaterThanOrEqual(info.at);
		expect(post.body).toEqual(BODY);
		expect(sim.count('POST')).toBe(1);
		expect(sim.count()).toBe(2);
		expect(sim.posts()).toEqual([post]);
	});

	test('maxInFlight counts requests open at the same time', async () => {
		const sim = await start();
		sim.addFault({ kind: 'delay', delayMs: 200, method: 'GET', times: 3 });
		await Promise.all([1, 2, 3].map(() => api(sim, 'GET', '/account/info')));
		await api(sim, 'GET', '/account/info');
		await api(sim, 'GET', '/account/info');
		expect(sim.maxInFlight()).toBe(3);
		expect(sim.maxInFlight((entry) => entry.fault === null)).toBe(1);
	});

	test('maxInFlight counts back-to-back requests as one, even within one millisecond', async () => {
		// Regression: requests that arrive in the millisecond the previous one ended used to be
		// counted as concurrent (about one in a thousand), which broke the concurrency tests.
		const sim = await start();
		for (let i = 0; i < 1500; i++) await api(sim, 'GET', '/account/info');
		expect(sim.maxInFlight()).toBe(1);

		// The same-millisecond case spelled out: B arrives in the millisecond A ended and ends a
		// millisecond later; C overlaps B.
		sim.requests.length = 0;
		sim.requests.push(
			{ at: 10, doneAt: 10 },
			{ at: 10, doneAt: 11 },
			{ at: 11, doneAt: 12 },
			{ at: 11, doneAt: 13 },
		);
		expect(sim.maxInFlight()).toBe(2);
		sim.requests.splice(3, 1);
		expect(sim.maxInFlight()).toBe(1);
	});

	test('reset() clears state and restores options', async () => {
		const sim = await start({ credits: 1 });
		sim.setBehaviour(() => ({ statusCase: 'upper' }));
		sim.addFault({ kind: 'status', status: 500, path: '/nothing' });
		await create(sim);
		expect((await create(sim)).status).toBe(402);
		sim.reset();
		expect(sim.tasks.size).toBe(0);
		expect(sim.requests).toHaveLength(0);
		expect(sim.faults).toHaveLength(0);
		expect(sim.creditsLeft).toBe(1);
		const again = await create(sim);
		expect(again.status).toBe(200);
		expect(again.json.data.status).toBe('pending');
	});

	test('close() ends keep-alive connections and stops listening', async () => {
		const sim = await startSimulator(FAST);
		const agent = new http.Agent({ keepAlive: true });
		const res = await call(sim.url, 'GET', '/account/info', { agent });
		expect(res.status).toBe(200);
		const socketsBefore = Object.values(agent.freeSockets).flat();
		expect(socketsBefore).toHaveLength(1);
		const socketClosed = new Promise((resolve) => socketsBefore[0].once('close', resolve));
		const t0 = Date.now();
		await sim.close();
		await socketClosed;
		expect(Date.now() - t0).toBeLessThan(1000);
		await expect(call(sim.url, 'GET', '/account/info')).rejects.toThrow(/ECONNREFUSED/);
		await sim.close();
		agent.destroy();
	});

	test('cli.js prints its URL and stops on SIGTERM', async () => {
		const child = spawn(
			process.execPath,
			[
				path.join(__dirname, 'cli.js'),
				'--port',
				'0',
				'--api-key',
				'cli-key',
				'--render-ms',
				'20',
				'--pending-ms',
				'0',
				'--audio-seconds',
				'1',
				'--concurrency',
				'1',
			],
			{
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		try {
			const line = await new Promise((resolve, reject) => {
				let out = '';
				child.stdout.on('data', (chunk) => {
					out += chunk;
					if (out.includes('\n')) resolve(out.split('\n')[0]);
				});
				child.once('exit', (code) => reject(new Error(`cli exited with ${code}`)));
			});
			const { url, pid } = JSON.parse(line);
			expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			expect(pid).toBe(child.pid);
			const info = await call(url, 'GET', '/account/info', { key: 'cli-key' });
			expect(info.json.data.max_concurrent_task_count).toBe(1);
			const id = (await call(url, 'POST', '/api/v1/task', { key: 'cli-key', body: BODY })).json.data
				.task_id;
			await waitFor(
				async () =>
					(await call(url, 'GET', `/api/v1/task/${id}`, { key: 'cli-key' })).json.data.status ===
					'completed',
			);
			const file = await call(url, 'GET', `/files/${id}.wav`, { key: null });
			expect(parseWav(file.buffer).durationSeconds).toBe(1);
			const exited = new Promise((resolve) =>
				child.once('exit', (code, signal) => resolve({ code, signal })),
			);
			child.kill('SIGTERM');
			expect(await exited).toEqual({ code: 0, signal: null });
		} finally {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		}
	});
});

// -- task history -----------------------------------------------------------------------------

describe('task history (GET /api/open/tasks/histories)', () => {
	const HISTORY = '/api/open/tasks/histories';
	const now = () => Math.floor(Date.now() / 1000);

	test('pages newest first, filed under diffrythm, with page, size and total', async () => {
		const sim = await start();
		const ids = [];
		for (let i = 0; i < 5; i++) ids.push(sim.addPastTask({ createdAt: Date.now() - (5 - i) * 1000 }));
		const first = await api(sim, 'GET', `${HISTORY}?page=1&page_size=2&model=diffrythm`);
		expect(first.status).toBe(200);
		expect(first.json.code).toBe(200);
		expect(first.json.data).toMatchObject({ page: 1, size: 2, total: 5 });
		expect(first.json.data.list.map((e) => e.task_id)).toEqual([ids[4], ids[3]]);
		expect(first.json.data.list[0]).toMatchObject({
			task_model: 'diffrythm',
			status: 'completed',
			usage: 200000,
			detail: { model: 'Qubico/diffrhythm', task_id: ids[4], workflow_type: 'txt2audio-base' },
		});
		const last = await api(sim, 'GET', `${HISTORY}?page=3&page_size=2`);
		expect(last.json.data.list.map((e) => e.task_id)).toEqual([ids[0]]);
		// The other spelling finds nothing here; the default page size is 10.
		const other = await api(sim, 'GET', `${HISTORY}?model=diffrhythm`);
		expect(other.json.data).toMatchObject({ list: [], total: 0, size: 10 });
		const spelled = await start({ historyModel: 'diffrhythm' });
		spelled.addPastTask();
		expect((await api(spelled, 'GET', `${HISTORY}?model=DiffRhythm`)).json.data.total).toBe(1);
		// Past tasks are real tasks: GET and the file route serve them.
		expect((await api(sim, 'GET', `/api/v1/task/${ids[0]}`)).json.data.status).toBe('completed');
		expect(parseWav((await api(sim, 'GET', `/files/${ids[0]}.wav`, { key: null })).buffer).durationSeconds).toBe(1);
	});

	test('filters by start_time and end_time (Unix seconds, inclusive)', async () => {
		const sim = await start();
		const old = sim.addPastTask({ createdAt: Date.now() - 2 * 86400_000, status: 'failed' });
		const recent = sim.addPastTask({ createdAt: Date.now() - 60_000 });
		const day = await api(sim, 'GET', `${HISTORY}?start_time=${now() - 86400}&end_time=${now()}`);
		expect(day.json.data.list.map((e) => e.task_id)).toEqual([recent]);
		const before = await api(sim, 'GET', `${HISTORY}?end_time=${now() - 86400}`);
		expect(before.json.data.list.map((e) => [e.task_id, e.status, e.usage])).toEqual([[old, 'failed', 0]]);
	});

	test('page_size above 100, below 1, or a page below 1 is an error', async () => {
		const sim = await start();
		for (const query of ['page_size=101', 'page_size=0', 'page=0', 'page_size=abc']) {
			const res = await api(sim, 'GET', `${HISTORY}?${query}`);
			expect(res.status).toBe(400);
			expect(res.json.code).toBe(400);
			expect(res.json.message).toMatch(/^Invalid request parameters/);
		}
		expect((await api(sim, 'GET', `${HISTORY}?page_size=100`)).status).toBe(200);
		expect((await api(sim, 'GET', HISTORY, { key: 'nope' })).status).toBe(401);
	});

	test('faults: an empty page, and a page repeating the one before', async () => {
		const sim = await start();
		for (let i = 0; i < 4; i++) sim.addPastTask({ createdAt: Date.now() - i * 1000 });
		sim.addFault({ kind: 'emptyPage', path: HISTORY });
		expect((await api(sim, 'GET', `${HISTORY}?page_size=2`)).json.data).toMatchObject({ list: [], total: 4 });
		const one = await api(sim, 'GET', `${HISTORY}?page=1&page_size=2`);
		sim.addFault({ kind: 'repeatPage', path: HISTORY });
		const repeated = await api(sim, 'GET', `${HISTORY}?page=2&page_size=2`);
		expect(repeated.json.data.page).toBe(2);
		expect(repeated.json.data.list).toEqual(one.json.data.list);
		const two = await api(sim, 'GET', `${HISTORY}?page=2&page_size=2`);
		expect(two.json.data.list).not.toEqual(one.json.data.list);
		expect(sim.requests.map((r) => r.fault)).toEqual(['emptyPage', null, 'repeatPage', null]);
	});
});
