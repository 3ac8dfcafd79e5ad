/**
 * A PiAPI simulator: a loopback HTTP server with PiAPI's routes and shapes (see the API notes in
 * the README), used by the tests, the demo and the benchmarks so that nothing needs a key, the
 * network or money. It keeps a request log so tests can count calls, and injects faults.
 */
const crypto = require('crypto');
const http = require('http');

const { dataBytesFor, songChunks, parseWav, wavHeader } = require('./wav');

const TASK_SECONDS = { 'txt2audio-base': 95, 'txt2audio-full': 285 };
const ZERO_TIME = '0001-01-01T00:00:00Z';
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)$/i;

const DEFAULT_BEHAVIOUR = {
	outcome: 'completed',
	statusCase: 'lower',
	audioField: 'audio_url',
	audioContentType: 'audio/wav',
	audioPathExtension: '.wav',
	webhookIntermediate: true,
	webhookRepeat: 1,
};

function casing(status, statusCase) {
	if (statusCase === 'upper') return status.toUpperCase();
	if (statusCase === 'title') return status[0].toUpperCase() + status.slice(1);
	return status;
}

function iso(ms) {
	return ms === undefined ? ZERO_TIME : new Date(ms).toISOString();
}

function readBody(req) {
	return new Promise((resolve) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', () => resolve(''));
	});
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts the simulator. Options: apiKey, host, port, pendingMs, renderMs, concurrency,
 * audioSeconds, sampleRate, channels, credits, behaviour(input, index) → per-task overrides.
 */
async function startSimulator(options = {}) {
	const config = {
		apiKey: 'sim-key',
		host: '127.0.0.1',
		port: 0,
		pendingMs: 300,
		renderMs: 3000,
		concurrency: Infinity,
		audioSeconds: undefined,
		sampleRate: 44100,
		channels: 2,
		credits: Infinity,
		...options,
	};
	const state = {
		tasks: new Map(),
		requests: [],
		deliveries: [],
		faults: [],
		behaviour: config.behaviour,
		fixedBehaviour: {},
		byStylePrompt: {},
		credits: config.credits,
		created: 0,
	};
	const sockets = new Set();
	let url = '';

	function behaviourFor(input, index) {
		const custom = state.behaviour ? state.behaviour(input, index) || {} : {};
		const byPrompt = state.byStylePrompt[input?.style_prompt] || {};
		return {
			...DEFAULT_BEHAVIOUR,
			pendingMs: config.pendingMs,
			renderMs: config.renderMs,
			audioSeconds: config.audioSeconds,
			...state.fixedBehaviour,
			...byPrompt,
			...custom,
		};
	}

	/** Gives waiting (staged) tasks a slot, oldest first, while the account has capacity. */
	function schedule(now) {
		let active = 0;
		for (const task of state.tasks.values()) {
			if (task.slotAt !== undefined && phaseAt(task, now).status !== 'completed' && phaseAt(task, now).status !== 'failed') active++;
		}
		for (const task of state.tasks.values()) {
			if (active >= config.concurrency) break;
			if (task.slotAt === undefined) {
				task.slotAt = now;
				active++;
			}
		}
	}

	function phaseAt(task, now) {
		const b = task.behaviour;
		if (task.slotAt === undefined) return { status: 'staged' };
		const startedAt = task.slotAt + b.pendingMs;
		if (now < startedAt) return { status: 'pending' };
		const endedAt = startedAt + b.renderMs;
		if (b.outcome === 'stuck' || now < endedAt) return { status: 'processing', startedAt };
		return { status: b.outcome === 'failed' ? 'failed' : 'completed', startedAt, endedAt };
	}

	function audioUrl(task) {
		return `${url}/files/${task.id}${task.behaviour.audioPathExtension}`;
	}

	function view(task, now = Date.now()) {
		schedule(now);
		const phase = phaseAt(task, now);
		const b = task.behaviour;
		let output = null;
		if (phase.status === 'completed') {
			const link = audioUrl(task);
			if (b.audioField === 'url') output = { url: link };
			else if (b.audioField === 'nested') output = { result: { files: [{ href: link }] } };
			else output = { audio_url: link };
		}
		const failed = phase.status === 'failed';
		return {
			task_id: task.id,
			model: task.body.model,
			task_type: task.body.task_type,
			status: casing(phase.status, b.statusCase),
			config: {
				service_mode: task.body.config?.service_mode ?? '',
				webhook_config: {
					endpoint: task.body.config?.webhook_config?.endpoint ?? '',
					secret: task.body.config?.webhook_config?.secret ?? '',
				},
			},
			input: {
				lyrics: task.body.input?.lyrics ?? '',
				style_prompt: task.body.input?.style_prompt ?? '',
				style_audio: task.body.input?.style_audio ?? '',
			},
			output,
			meta: {
				created_at: iso(task.createdAt),
				started_at: iso(phase.startedAt),
				ended_at: iso(phase.endedAt),
				usage: { type: 'llm', frozen: 0, consume: 200000 },
				is_using_private_pool: false,
			},
			detail: null,
			logs: [],
			error: failed
				? { code: 10000, raw_message: 'simulated generation failure (raw)', message: 'simulated generation failure', detail: null }
				: { code: 0, raw_message: '', message: '', detail: null },
		};
	}

	function createTask(body) {
		const id = crypto.randomUUID();
		const task = {
			id,
			index: state.created++,
			body,
			createdAt: Date.now(),
			slotAt: undefined,
			behaviour: behaviourFor(body.input ?? {}, state.created - 1),
			delivered: new Map(),
		};
		state.tasks.set(id, task);
		schedule(Date.now());
		return task;
	}

	async function postJson(target, body, secret) {
		const endpoint = new URL(target);
		if (!LOOPBACK.test(endpoint.hostname) || !/^https?:$/.test(endpoint.protocol)) {
			return { refused: true };
		}
		const payload = JSON.stringify(body);
		const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
		if (secret) headers['x-webhook-secret'] = secret;
		return await new Promise((resolve) => {
			const req = http.request(endpoint, { method: 'POST', headers, agent: false }, (res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => resolve({ statusCode: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
			});
			req.on('error', (error) => resolve({ error: error.code || error.message }));
			req.setTimeout(10000, () => req.destroy(new Error('timeout')));
			req.end(payload);
		});
	}

	/** One webhook delivery as PiAPI makes it, retried up to 3 times on failure. */
	async function deliver(task, { status, secret, body, url: target } = {}) {
		const data = view(task);
		if (status) data.status = status;
		const endpoint = target ?? task.body.config?.webhook_config?.endpoint;
		const headerSecret = secret !== undefined ? secret : task.body.config?.webhook_config?.secret;
		const payload = body ?? { timestamp: Math.floor(Date.now() / 1000), data };
		let last;
		for (let attempt = 0; attempt < 4; attempt++) {
			const result = await postJson(endpoint, payload, headerSecret);
			const record = { taskId: task.id, status: data.status, url: endpoint, at: Date.now(), attempt };
			if (result.refused) {
				state.deliveries.push({ ...record, error: 'refused: not a loopback address' });
				return { refused: true };
			}
			state.deliveries.push({ ...record, statusCode: result.statusCode ?? null, error: result.error ?? null });
			last = result;
			if (result.statusCode >= 200 && result.statusCode < 300) break;
			if (closed) break;
			await sleep(200);
		}
		return last;
	}

	/** Sends the webhooks PiAPI would send for the status changes since the last tick. */
	function tick() {
		const now = Date.now();
		schedule(now);
		for (const task of state.tasks.values()) {
			if (!task.body.config?.webhook_config?.endpoint) continue;
			const { status } = phaseAt(task, now);
			const b = task.behaviour;
			const wanted = status === 'processing' ? b.webhookIntermediate : status === 'completed' || status === 'failed';
			if (!wanted || task.delivered.has(status)) continue;
			const repeats = status === 'processing' ? 1 : b.webhookRepeat;
			task.delivered.set(status, repeats);
			void (async () => {
				for (let i = 0; i < repeats && !closed; i++) {
					if (i > 0) await sleep(50);
					await deliver(task);
				}
			})();
		}
	}

	function takeFault(method, path) {
		const index = state.faults.findIndex((fault) => {
			if (fault.method && fault.method !== method) return false;
			if (fault.path instanceof RegExp) return fault.path.test(path);
			if (typeof fault.path === 'string') return fault.path === path;
			return true;
		});
		if (index < 0) return undefined;
		const fault = state.faults[index];
		fault.times = (fault.times ?? 1) - 1;
		if (fault.times <= 0) state.faults.splice(index, 1);
		return fault;
	}

	function send(res, entry, status, body, headers = {}) {
		entry.status = status;
		entry.doneAt = Date.now();
		const text = typeof body === 'string' ? body : JSON.stringify(body);
		res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
		res.end(text);
	}

	function drop(req, entry) {
		entry.status = null;
		entry.doneAt = Date.now();
		req.socket.destroy();
	}

	async function streamAudio(res, entry, task) {
		const b = task.behaviour;
		const seconds = b.audioSeconds ?? TASK_SECONDS[task.body.task_type] ?? 95;
		entry.status = 200;
		entry.doneAt = Date.now();
		res.writeHead(200, {
			'content-type': b.audioContentType,
			'content-length': 44 + dataBytesFor(seconds, config.sampleRate, config.channels),
		});
		for (const chunk of songChunks({ seconds, sampleRate: config.sampleRate, channels: config.channels, seed: task.id })) {
			if (res.destroyed) return;
			if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
		}
		res.end();
	}

	async function control(req, res, path, raw) {
		const body = raw ? JSON.parse(raw) : {};
		const reply = (value) => {
			const text = JSON.stringify(value);
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(text);
		};
		if (path === '/__sim/requests') return reply(state.requests);
		if (path === '/__sim/deliveries') return reply(state.deliveries);
		if (path === '/__sim/tasks') return reply([...state.tasks.values()].map((task) => view(task)));
		if (path === '/__sim/reset') {
			simulator.reset();
			return reply({ ok: true });
		}
		if (path === '/__sim/faults') {
			simulator.addFault({ ...body, path: body.pathRegex ? new RegExp(body.pathRegex) : body.path });
			return reply({ ok: true });
		}
		if (path === '/__sim/behaviour') {
			if (body.byStylePrompt) state.byStylePrompt = body.byStylePrompt;
			else state.fixedBehaviour = body;
			return reply({ ok: true });
		}
		if (path === '/__sim/deliver') {
			const task = state.tasks.get(body.taskId);
			if (!task) return reply({ error: 'no such task' });
			return reply(await deliver(task, body));
		}
		res.writeHead(404).end();
	}

	async function handle(req, res) {
		const parsed = new URL(req.url, 'http://simulator');
		const path = parsed.pathname;
		const raw = await readBody(req);
		if (path.startsWith('/__sim/')) return await control(req, res, path, raw);

		let body = raw;
		try {
			body = raw ? JSON.parse(raw) : undefined;
		} catch {
			// Logged as the raw string; the route answers 400 below.
		}
		const entry = {
			method: req.method,
			path,
			query: Object.fromEntries(parsed.searchParams),
			headers: req.headers,
			body,
			status: null,
			fault: null,
			at: Date.now(),
			doneAt: null,
		};
		state.requests.push(entry);

		const fault = takeFault(req.method, path);
		if (fault) {
			entry.fault = fault.kind;
			if (fault.kind === 'delay') await sleep(fault.delayMs ?? 1000);
			else if (fault.kind === 'drop') return drop(req, entry);
			else if (fault.kind === 'malformed') return send(res, entry, 200, '{"code":200,"data":{"task_id":');
			else if (fault.kind === 'status') {
				const headers = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
				return send(res, entry, fault.status, fault.body ?? { code: fault.status, message: `simulated HTTP ${fault.status}` }, headers);
			}
		}

		const fileMatch = /^\/files\/([0-9a-f-]{36})(\.[a-z0-9]+)?$/.exec(path);
		if (req.method === 'GET' && fileMatch) {
			const task = state.tasks.get(fileMatch[1]);
			if (!task || phaseAt(task, Date.now()).status !== 'completed') {
				return send(res, entry, 404, { code: 404, message: 'file not found' });
			}
			return await streamAudio(res, entry, task);
		}

		if (req.headers['x-api-key'] !== config.apiKey) {
			return send(res, entry, 401, { code: 401, message: 'Unauthorized: invalid API key' });
		}

		if (req.method === 'GET' && path === '/account/info') {
			return send(res, entry, 200, {
				code: 200,
				data: {
					id: 'sim-account',
					name: 'Simulator',
					plan: 'creator',
					type: 'user',
					is_enable: true,
					equivalent_in_usd: Number.isFinite(state.credits) ? state.credits * 0.02 : 100,
					credit_pack_info: { available_credits: Number.isFinite(state.credits) ? state.credits : 5000 },
					max_concurrent_task_count: Number.isFinite(config.concurrency) ? config.concurrency : 100,
				},
				message: 'success',
			});
		}

		if (req.method === 'POST' && path === '/api/v1/task') {
			if (!body || typeof body !== 'object') return send(res, entry, 400, { code: 400, message: 'invalid request body' });
			if (body.model !== 'Qubico/diffrhythm') return send(res, entry, 400, { code: 400, message: `unsupported model ${body.model}` });
			if (!TASK_SECONDS[body.task_type]) return send(res, entry, 400, { code: 400, message: `unsupported task_type ${body.task_type}` });
			if (state.credits <= 0) {
				return send(res, entry, 402, { code: 402, message: 'Insufficient credits: please top up your account' });
			}
			state.credits--;
			const task = createTask(body);
			if (fault?.kind === 'statusAfterCreate') {
				return send(res, entry, fault.status ?? 500, { code: fault.status ?? 500, message: 'simulated server error' });
			}
			if (fault?.kind === 'dropAfterCreate') return drop(req, entry);
			return send(res, entry, 200, { code: 200, data: view(task), message: 'success' });
		}

		const taskMatch = /^\/api\/v1\/task\/([^/]+)$/.exec(path);
		if (req.method === 'GET' && taskMatch) {
			const task = state.tasks.get(decodeURIComponent(taskMatch[1]));
			if (!task) return send(res, entry, 404, { code: 404, message: 'task not found' });
			return send(res, entry, 200, { code: 200, data: view(task), message: 'success' });
		}
		return send(res, entry, 404, { code: 404, message: 'not found' });
	}

	let closed = false;
	const server = http.createServer((req, res) => {
		handle(req, res).catch((error) => {
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ code: 500, message: String(error?.message ?? error) }));
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise((resolve) => server.listen(config.port, config.host, resolve));
	const { port } = server.address();
	url = `http://${config.host}:${port}`;
	const timer = setInterval(tick, 25);
	timer.unref();

	const simulator = {
		url,
		port,
		requests: state.requests,
		deliveries: state.deliveries,
		tasks: state.tasks,
		/** Requests with this method whose path starts with `prefix`. */
		count(method, prefix = '') {
			return state.requests.filter((r) => r.method === method && r.path.startsWith(prefix)).length;
		},
		/** The most requests matching `filter` that were being answered at the same moment. */
		maxInFlight(filter = () => true) {
			const edges = [];
			for (const r of state.requests.filter(filter)) {
				edges.push([r.at, 1], [r.doneAt ?? Infinity, -1]);
			}
			edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
			let current = 0;
			let max = 0;
			for (const [, step] of edges) max = Math.max(max, (current += step));
			return max;
		},
		/** The create-task requests. */
		posts() {
			return state.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/task');
		},
		getTask(id) {
			const task = state.tasks.get(id);
			return task ? view(task) : undefined;
		},
		addFault(fault) {
			state.faults.push({ times: 1, ...fault });
		},
		clearFaults() {
			state.faults.length = 0;
		},
		setBehaviour(fn) {
			state.behaviour = fn;
		},
		async deliver(taskId, overrides = {}) {
			const task = state.tasks.get(taskId);
			if (!task) throw new Error(`no task ${taskId}`);
			return await deliver(task, overrides);
		},
		reset() {
			state.tasks.clear();
			state.requests.length = 0;
			state.deliveries.length = 0;
			state.faults.length = 0;
			state.behaviour = config.behaviour;
			state.fixedBehaviour = {};
			state.byStylePrompt = {};
			state.credits = config.credits;
			state.created = 0;
		},
		async close() {
			closed = true;
			clearInterval(timer);
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(() => resolve()));
		},
	};
	return simulator;
}

module.exports = { startSimulator, parseWav, songChunks, wavHeader, dataBytesFor, TASK_SECONDS };
