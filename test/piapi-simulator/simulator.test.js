// The simulator's own contract: the integration tests trust its counts and shapes, so they are
// checked here against plain HTTP, without n8n.
const http = require('http');

const { parseWav, startSimulator } = require('./index');

const KEY = 'sim-test-key';
const call = async (sim, method, path, body, key = KEY) => {
	const response = await fetch(`${sim.url}${path}`, {
		method,
		headers: { 'x-api-key': key, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
};
const create = (sim, extra = {}) =>
	call(sim, 'POST', '/api/v1/task', {
		model: 'Qubico/diffrhythm',
		task_type: 'txt2audio-base',
		input: { lyrics: '', style_prompt: 'pop', style_audio: '' },
		...extra,
	});
const until = async (condition, timeoutMs = 5000) => {
	const end = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > end) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
};

/** A loopback webhook receiver that records what PiAPI would deliver. */
async function receiver(status = 200) {
	const received = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			received.push({ headers: req.headers, body: JSON.parse(body) });
			res.writeHead(status).end('{}');
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${server.address().port}/hook`, received, close: () => new Promise((r) => server.close(r)) };
}

describe('PiAPI simulator', () => {
	let sim;
	beforeEach(async () => {
		sim = await startSimulator({ apiKey: KEY, pendingMs: 40, renderMs: 120, audioSeconds: 1 });
	});
	afterEach(async () => await sim.close());

	it('checks the API key and answers in PiAPI\'s envelope', async () => {
		expect((await call(sim, 'GET', '/account/info', undefined, 'wrong')).json).toEqual({
			code: 401,
			message: 'Unauthorized: invalid API key',
		});
		const info = await call(sim, 'GET', '/account/info');
		expect(info.json).toMatchObject({ code: 200, message: 'success', data: { name: 'Simulator' } });
		expect(sim.tasks.size).toBe(0);
	});

	it('moves a task from pending through processing to completed, with a playable WAV', async () => {
		const created = await create(sim);
		expect(created.json.data).toMatchObject({ status: 'pending', output: null, meta: { started_at: '0001-01-01T00:00:00Z' } });
		const id = created.json.data.task_id;
		await until(() => sim.getTask(id).status === 'processing');
		await until(() => sim.getTask(id).status === 'completed');
		const task = (await call(sim, 'GET', `/api/v1/task/${id}`)).json.data;
		expect(task.meta.ended_at).not.toBe('0001-01-01T00:00:00Z');
		const file = await fetch(task.output.audio_url);
		expect(file.headers.get('content-type')).toBe('audio/wav');
		const wav = parseWav(Buffer.from(await file.arrayBuffer()));
		expect(wav).toMatchObject({ channels: 2, sampleRate: 44100, bitsPerSample: 16, durationSeconds: 1 });
	});

	it('stages tasks over the account concurrency and finishes them all', async () => {
		const limited = await startSimulator({ apiKey: KEY, pendingMs: 20, renderMs: 80, concurrency: 2 });
		try {
			const ids = [];
			for (let i = 0; i < 5; i++) ids.push((await create(limited)).json.data.task_id);
			expect(ids.map((id) => limited.getTask(id).status)).toEqual(['pending', 'pending', 'staged', 'staged', 'staged']);
			await until(() => ids.every((id) => limited.getTask(id).status === 'completed'));
		} finally {
			await limited.close();
		}
	});

	it('spells statuses as told, and fails or sticks tasks on request', async () => {
		sim.setBehaviour((input) => ({ upper: { statusCase: 'upper' }, fail: { outcome: 'failed' }, stuck: { outcome: 'stuck' } })[input.style_prompt] ?? {});
		const ids = {};
		for (const prompt of ['upper', 'fail', 'stuck']) {
			ids[prompt] = (await create(sim, { input: { style_prompt: prompt } })).json.data.task_id;
		}
		await until(() => sim.getTask(ids.upper).status === 'COMPLETED');
		expect(sim.getTask(ids.fail)).toMatchObject({ status: 'failed', error: { code: 10000, message: 'simulated generation failure' } });
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(sim.getTask(ids.stuck).status).toBe('processing');
	});

	it('refuses tasks once the credits are gone, creating nothing', async () => {
		const poor = await startSimulator({ apiKey: KEY, credits: 1 });
		try {
			expect((await create(poor)).status).toBe(200);
			const refused = await create(poor);
			expect(refused.status).toBe(402);
			expect(refused.json.message).toMatch(/^Insufficient credits/);
			expect(poor.tasks.size).toBe(1);
		} finally {
			await poor.close();
		}
	});

	it('injects each fault once and logs it', async () => {
		sim.addFault({ method: 'POST', path: '/api/v1/task', kind: 'status', status: 429, retryAfter: 2 });
		const limited = await create(sim);
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('2');
		expect(sim.tasks.size).toBe(0);

		sim.addFault({ method: 'POST', path: '/api/v1/task', kind: 'statusAfterCreate', status: 500 });
		expect((await create(sim)).status).toBe(500);
		expect(sim.tasks.size).toBe(1);

		sim.addFault({ method: 'POST', kind: 'dropAfterCreate' });
		await expect(create(sim)).rejects.toThrow();
		expect(sim.tasks.size).toBe(2);

		sim.addFault({ kind: 'drop' });
		await expect(call(sim, 'GET', '/account/info')).rejects.toThrow();

		sim.addFault({ kind: 'malformed' });
		const broken = await call(sim, 'GET', '/account/info');
		expect(broken.json).toBeUndefined();

		sim.addFault({ kind: 'delay', delayMs: 300 });
		const started = Date.now();
		expect((await call(sim, 'GET', '/account/info')).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(280);

		expect(sim.requests.map((r) => r.fault)).toEqual(['status', 'statusAfterCreate', 'dropAfterCreate', 'drop', 'malformed', 'delay']);
		expect(sim.requests.map((r) => r.status)).toEqual([429, 500, null, null, 200, 200]);
		expect(sim.posts()).toHaveLength(3);
	});

	it('delivers webhooks with the secret: intermediate, final and repeats', async () => {
		const hook = await receiver();
		try {
			sim.setBehaviour(() => ({ webhookRepeat: 2 }));
			const { task_id: id } = (await create(sim, { config: { webhook_config: { endpoint: hook.url, secret: 's3cret' } } })).json.data;
			await until(() => hook.received.length === 3);
			expect(hook.received.map((r) => r.body.data.status)).toEqual(['processing', 'completed', 'completed']);
			for (const { headers, body } of hook.received) {
				expect(headers['x-webhook-secret']).toBe('s3cret');
				expect(body.data.task_id).toBe(id);
				expect(typeof body.timestamp).toBe('number');
			}
			expect(hook.received[1].body.data.output.audio_url).toContain(`/files/${id}.wav`);

			const forged = await sim.deliver(id, { secret: 'wrong' });
			expect(forged.statusCode).toBe(200);
			expect(hook.received[3].headers['x-webhook-secret']).toBe('wrong');
		} finally {
			await hook.close();
		}
	});

	it('retries failed deliveries and never contacts a non-loopback address', async () => {
		const hook = await receiver(500);
		try {
			await create(sim, { config: { webhook_config: { endpoint: hook.url, secret: '' } } });
			await until(() => sim.deliveries.filter((d) => d.status === 'completed').length === 4);
			expect(hook.received[0].headers['x-webhook-secret']).toBeUndefined();
			await create(sim, { config: { webhook_config: { endpoint: 'https://example.com/hook', secret: '' } } });
			await until(() => sim.deliveries.some((d) => d.url === 'https://example.com/hook'));
			expect(sim.deliveries.find((d) => d.url === 'https://example.com/hook').error).toBe('refused: not a loopback address');
		} finally {
			await hook.close();
		}
	});

	it('is controllable over HTTP by another process', async () => {
		await fetch(`${sim.url}/__sim/behaviour`, { method: 'POST', body: JSON.stringify({ outcome: 'failed' }) });
		await fetch(`${sim.url}/__sim/faults`, { method: 'POST', body: JSON.stringify({ method: 'GET', path: '/account/info', kind: 'status', status: 503 }) });
		expect((await call(sim, 'GET', '/account/info')).status).toBe(503);
		const { task_id: id } = (await create(sim)).json.data;
		await until(() => sim.getTask(id).status === 'failed');
		const logged = await (await fetch(`${sim.url}/__sim/requests`)).json();
		expect(logged.map((r) => r.path)).toEqual(['/account/info', '/api/v1/task']);
		await fetch(`${sim.url}/__sim/reset`, { method: 'POST' });
		expect(sim.requests).toHaveLength(0);
		expect(sim.tasks.size).toBe(0);
	});
});
