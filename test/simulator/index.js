// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * A PiAPI simulator for DiffRhythm: a loopback HTTP server with PiAPI's routes, shapes and
 * documented behaviour (task lifecycle, staging over the concurrency limit, webhooks with the
 * `x-webhook-secret` header, a CDN file route), plus fault injection and logs so tests can see
 * exactly what a client sent and make the server misbehave on purpose. Nothing here needs a key,
 * the network or money, and webhooks are only ever delivered to loopback addresses.
 */
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');

const wav = require('./wav');
const songs = require('./songs');

const MODEL = 'Qubico/diffrhythm';
// DiffRhythm's two lengths: 1 min 35 s and 4 min 45 s.
const TASK_SECONDS = Object.freeze({ 'txt2audio-base': 95, 'txt2audio-full': 285 });
// PiAPI is written in Go: unset timestamps come back as Go's zero time.
const ZERO_TIME = '0001-01-01T00:00:00Z';
const USAGE_CONSUME = 200000;
const PRICE_USD = 0.02;
// Stand-ins for "unlimited", which JSON cannot express, in /account/info.
const UNLIMITED_CREDITS_REPORTED = 50000;
const UNLIMITED_CONCURRENCY_REPORTED = 1000;

const TICK_MS = 25;
const REPEAT_GAP_MS = 50;
const RETRY_GAP_MS = 200;
const MAX_RETRIES = 3;
const DELIVERY_TIMEOUT_MS = 5000;
// style_audio may be inline base64 (PiAPI allows it), so bodies can be large.
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const MALFORMED_BODY = '{"code":200,"data":{"task_id":"';

const STATUSES = ['staged', 'pending', 'processing', 'completed', 'failed'];
const OUTCOMES = ['completed', 'failed', 'stuck'];
const STATUS_CASES = ['lower', 'upper', 'title'];
const AUDIO_FIELDS = ['audio_url', 'url', 'nested'];
const FAULT_KINDS = [
	'status',
	'statusAfterCreate',
	'dropAfterCreate',
	'drop',
	'delay',
	'delayAnswer',
	'malformed',
	'emptyPage',
	'repeatPage',
	'fakeAudio',
	'redirect',
	'drip',
];
// GET /api/open/tasks/histories: PiAPI's documented largest page, and its default.
const HISTORY_MAX_PAGE_SIZE = 100;
const HISTORY_DEFAULT_PAGE_SIZE = 10;
const HISTORY_PATH = '/api/open/tasks/histories';
const BEHAVIOUR_KEYS = [
	'outcome',
	'renderMs',
	'pendingMs',
	'audioSeconds',
	'statusCase',
	'audioField',
	'audioContentType',
	'audioPathExtension',
	'webhookIntermediate',
	'webhookRepeat',
];

const DEFAULT_MESSAGES = {
	400: 'simulated bad request',
	401: 'simulated unauthorized',
	402: 'simulated insufficient credits',
	403: 'simulated forbidden',
	404: 'simulated not found',
	429: 'simulated rate limit: too many requests',
	500: 'simulated internal server error',
	502: 'simulated bad gateway',
	503: 'simulated service unavailable',
	504: 'simulated gateway timeout',
};

// ---------------------------------------------------------------------------------------------
// Small helpers

function iso(ms) {
	return ms === null || ms === undefined ? ZERO_TIME : new Date(ms).toISOString();
}

function spell(status, statusCase) {
	if (statusCase === 'upper') return status.toUpperCase();
	if (statusCase === 'title') return status.charAt(0).toUpperCase() + status.slice(1);
	return status;
}

function isPlainObject(value) {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseLoggedBody(raw) {
	if (raw === '') return null;
	try {
		return JSON.parse(raw);
	} catch {
		return raw;
	}
}

/**
 * Webhooks go to loopback only: a test that misconfigures an endpoint must never make the
 * simulator contact a real host. Hostnames other than `localhost` are refused rather than
 * resolved, so DNS cannot point a "local looking" name elsewhere.
 */
function isLoopbackHostname(hostname) {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (host === 'localhost') return true;
	if (net.isIPv4(host)) return host.split('.')[0] === '127';
	if (net.isIPv6(host)) return host === '::1';
	return false;
}

function validateBehaviour(behaviour, where) {
	const problem = (message) =>
		new TypeError(`invalid simulator behaviour${where ? ` (${where})` : ''}: ${message}`);
	for (const key of Object.keys(behaviour)) {
		if (!BEHAVIOUR_KEYS.includes(key)) throw problem(`unknown field "${key}"`);
	}
	const b = behaviour;
	if (b.outcome !== undefined && !OUTCOMES.includes(b.outcome))
		throw problem(`outcome "${b.outcome}"`);
	if (b.statusCase !== undefined && !STATUS_CASES.includes(b.statusCase)) {
		throw problem(`statusCase "${b.statusCase}"`);
	}
	if (b.audioField !== undefined && !AUDIO_FIELDS.includes(b.audioField)) {
		throw problem(`audioField "${b.audioField}"`);
	}
	for (const key of ['renderMs', 'pendingMs']) {
		if (
			b[key] !== undefined &&
			!(typeof b[key] === 'number' && b[key] >= 0 && Number.isFinite(b[key]))
		) {
			throw problem(`${key} must be a finite number >= 0`);
		}
	}
	if (
		b.audioSeconds !== undefined &&
		!(typeof b.audioSeconds === 'number' && b.audioSeconds >= 0)
	) {
		throw problem('audioSeconds must be a number >= 0');
	}
	if (
		b.webhookRepeat !== undefined &&
		!(Number.isInteger(b.webhookRepeat) && b.webhookRepeat >= 0)
	) {
		throw problem('webhookRepeat must be an integer >= 0');
	}
	if (b.webhookIntermediate !== undefined && typeof b.webhookIntermediate !== 'boolean') {
		throw problem('webhookIntermediate must be a boolean');
	}
	if (b.audioContentType !== undefined && typeof b.audioContentType !== 'string') {
		throw problem('audioContentType must be a string');
	}
	if (b.audioPathExtension !== undefined && !/^(\.[A-Za-z0-9]+)?$/.test(b.audioPathExtension)) {
		throw problem('audioPathExtension must be "" or like ".wav"');
	}
}

/** Turns the JSON form of a behaviour (HTTP control API) into a behaviour function. */
function behaviourFromJson(spec) {
	if (!isPlainObject(spec)) throw new TypeError('behaviour must be a JSON object');
	const { byStylePrompt, ...common } = spec;
	validateBehaviour(common, 'common fields');
	if (byStylePrompt !== undefined) {
		if (!isPlainObject(byStylePrompt)) throw new TypeError('byStylePrompt must be an object');
		for (const [prompt, overrides] of Object.entries(byStylePrompt)) {
			if (!isPlainObject(overrides))
				throw new TypeError(`byStylePrompt["${prompt}"] must be an object`);
			validateBehaviour(overrides, `byStylePrompt["${prompt}"]`);
		}
	}
	return (input) => {
		const prompt = input && typeof input.style_prompt === 'string' ? input.style_prompt : undefined;
		const specific =
			byStylePrompt &&
			prompt !== undefined &&
			Object.prototype.hasOwnProperty.call(byStylePrompt, prompt)
				? byStylePrompt[prompt]
				: {};
		return { ...common, ...specific };
	};
}

function normaliseFault(fault) {
	if (!isPlainObject(fault)) throw new TypeError('a fault must be an object');
	if (!FAULT_KINDS.includes(fault.kind)) {
		throw new TypeError(`fault kind must be one of ${FAULT_KINDS.join(', ')}; got ${fault.kind}`);
	}
	let path = fault.path;
	if (fault.pathPattern !== undefined) path = new RegExp(fault.pathPattern);
	if (path !== undefined && typeof path !== 'string' && !(path instanceof RegExp)) {
		throw new TypeError('fault path must be a string or a RegExp');
	}
	let times = fault.times;
	if (times === undefined) times = 1;
	else if (times === null || times === -1 || times === Infinity) times = Infinity;
	else if (!Number.isInteger(times) || times < 1)
		throw new TypeError('fault times must be an integer >= 1, -1 or Infinity');
	const normalised = {
		kind: fault.kind,
		method: fault.method ? String(fault.method).toUpperCase() : undefined,
		path,
		times,
		remaining: times,
	};
	if (fault.kind === 'status' || fault.kind === 'statusAfterCreate') {
		const status = fault.status === undefined ? 500 : fault.status;
		if (!Number.isInteger(status) || status < 100 || status > 599) {
			throw new TypeError(`fault status must be an HTTP status code, got ${status}`);
		}
		normalised.status = status;
		if (fault.body !== undefined) normalised.body = fault.body;
		if (fault.retryAfter !== undefined) normalised.retryAfter = fault.retryAfter;
		if (fault.headers !== undefined) {
			if (
				!isPlainObject(fault.headers) ||
				!Object.values(fault.headers).every((v) => typeof v === 'string')
			) {
				throw new TypeError('fault headers must be an object of strings');
			}
			normalised.headers = { ...fault.headers };
		}
		if (fault.rawBody !== undefined) {
			if (typeof fault.rawBody !== 'string' && !Buffer.isBuffer(fault.rawBody)) {
				throw new TypeError('fault rawBody must be a string or a Buffer');
			}
			normalised.rawBody = fault.rawBody;
		}
	}
	if (fault.kind === 'fakeAudio') {
		if (!songs.FAKE_AUDIO.includes(fault.audio)) {
			throw new TypeError(`fault audio must be one of ${songs.FAKE_AUDIO.join(', ')}`);
		}
		normalised.audio = fault.audio;
		if (fault.contentLength !== undefined) {
			if (!Number.isInteger(fault.contentLength) || fault.contentLength < 0) {
				throw new TypeError('fault contentLength must be an integer >= 0');
			}
			normalised.contentLength = fault.contentLength;
		}
	}
	if (fault.kind === 'redirect') {
		const status = fault.status === undefined ? 302 : fault.status;
		if (![301, 302, 303, 307, 308].includes(status)) {
			throw new TypeError(`redirect fault status must be 301, 302, 303, 307 or 308, got ${status}`);
		}
		normalised.status = status;
		if (fault.location !== undefined) {
			if (typeof fault.location !== 'string')
				throw new TypeError('fault location must be a string');
			normalised.location = fault.location;
		}
	}
	if (fault.kind === 'drip') {
		const chunkBytes = fault.chunkBytes === undefined ? 1 : fault.chunkBytes;
		if (!Number.isInteger(chunkBytes) || chunkBytes < 1) {
			throw new TypeError('fault chunkBytes must be an integer >= 1');
		}
		normalised.chunkBytes = chunkBytes;
	}
	if (fault.kind === 'delay' || fault.kind === 'delayAnswer' || fault.kind === 'drip') {
		const delayMs = fault.delayMs === undefined ? 1000 : fault.delayMs;
		if (typeof delayMs !== 'number' || !(delayMs >= 0))
			throw new TypeError('fault delayMs must be >= 0');
		normalised.delayMs = delayMs;
	}
	return normalised;
}

function faultMatches(fault, method, path) {
	if (fault.method && fault.method !== method) return false;
	if (fault.path === undefined) return true;
	if (fault.path instanceof RegExp) {
		fault.path.lastIndex = 0;
		return fault.path.test(path);
	}
	// A string matches the path itself and anything below it ("/api/v1/task" covers
	// "/api/v1/task/<id>"), but not a sibling such as "/api/v1/tasks".
	const prefix = fault.path.endsWith('/') ? fault.path : `${fault.path}/`;
	return path === fault.path || path.startsWith(prefix);
}

function faultForJson(fault) {
	return { ...fault, path: fault.path instanceof RegExp ? String(fault.path) : fault.path };
}

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				reject(Object.assign(new Error('request body too large'), { tooLarge: true }));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

// ---------------------------------------------------------------------------------------------

/**
 * Starts a simulator and resolves once it is listening. See index.d.ts for every option.
 */
async function startSimulator(options = {}) {
	const settings = {
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
		behaviour: undefined,
		// PiAPI's history docs list both `diffrhythm` and the misspelt `diffrythm`; which one its
		// records carry is unknown, so the simulator files DiffRhythm under the less obvious one.
		historyModel: 'diffrythm',
		// Webhook retries after a failed attempt (no answer, or not 2xx), and the pause before each.
		webhookRetries: MAX_RETRIES,
		webhookRetryGapMs: RETRY_GAP_MS,
	};
	for (const [key, value] of Object.entries(options || {})) {
		if (!(key in settings)) throw new TypeError(`unknown simulator option "${key}"`);
		if (value !== undefined) settings[key] = value;
	}
	if (!(settings.concurrency >= 1)) throw new TypeError('concurrency must be >= 1');
	if (!(settings.credits >= 0)) throw new TypeError('credits must be >= 0');
	if (!(Number.isInteger(settings.webhookRetries) && settings.webhookRetries >= 0))
		throw new TypeError('webhookRetries must be an integer >= 0');
	if (!(settings.webhookRetryGapMs >= 0 && settings.webhookRetryGapMs < Infinity))
		throw new TypeError('webhookRetryGapMs must be a finite number >= 0');
	if (settings.behaviour !== undefined && typeof settings.behaviour !== 'function') {
		throw new TypeError(
			'behaviour must be a function (input, taskIndex) => Partial<TaskBehaviour>',
		);
	}
	validateBehaviour({
		pendingMs: settings.pendingMs,
		renderMs: settings.renderMs,
		audioSeconds: settings.audioSeconds,
	});
	// Fail at start, not at the first download, if the format or length cannot be a WAV file.
	wav.wavDataBytes(
		settings.audioSeconds === undefined ? 1 : settings.audioSeconds,
		settings.sampleRate,
		settings.channels,
	);

	const tasks = new Map();
	const requests = [];
	const deliveries = [];
	let faults = [];
	let behaviourFn = settings.behaviour;
	let creditsLeft = settings.credits;
	let taskCounter = 0;
	// Tasks holding a concurrency slot (pending or processing), in creation order; and the queue.
	const active = new Set();
	const staged = [];
	// Timers and outgoing requests for webhooks; cleared on reset() and close().
	const timers = new Set();
	const outgoing = new Set();
	const sockets = new Set();
	let generation = 0;
	let closed = false;
	let closing = null;

	function later(ms, fn) {
		const timer = setTimeout(() => {
			timers.delete(timer);
			fn();
		}, ms);
		timer.unref();
		timers.add(timer);
		return timer;
	}

	function sleep(ms) {
		return new Promise((resolve) => later(ms, resolve));
	}

	// A delayed answer must survive reset() (the client is still waiting for it); close()
	// destroys its socket anyway.
	const requestTimers = new Set();
	function delayRequest(ms) {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				requestTimers.delete(timer);
				resolve();
			}, ms);
			requestTimers.add(timer);
		});
	}

	// -- Tasks --------------------------------------------------------------------------------

	function resolveBehaviour(input, index, taskType) {
		const defaults = {
			outcome: 'completed',
			renderMs: settings.renderMs,
			pendingMs: settings.pendingMs,
			audioSeconds:
				settings.audioSeconds === undefined ? TASK_SECONDS[taskType] : settings.audioSeconds,
			statusCase: 'lower',
			audioField: 'audio_url',
			audioContentType: 'audio/wav',
			audioPathExtension: '.wav',
			webhookIntermediate: true,
			webhookRepeat: 1,
		};
		const overrides = behaviourFn ? behaviourFn(input, index) : undefined;
		if (overrides === undefined || overrides === null) return defaults;
		if (!isPlainObject(overrides))
			throw new TypeError('the behaviour function must return an object');
		const defined = {};
		for (const [key, value] of Object.entries(overrides))
			if (value !== undefined) defined[key] = value;
		validateBehaviour(defined, `task ${index}`);
		const behaviour = { ...defaults, ...defined };
		wav.wavDataBytes(behaviour.audioSeconds, settings.sampleRate, settings.channels);
		return behaviour;
	}

	function audioUrl(record) {
		return `${simulator.url}/files/${record.id}${record.behaviour.audioPathExtension}`;
	}

	function outputOf(record) {
		if (record.status !== 'completed') return null;
		const url = audioUrl(record);
		if (record.behaviour.audioField === 'url') return { url };
		if (record.behaviour.audioField === 'nested') return { result: { files: [{ href: url }] } };
		return { audio_url: url };
	}

	/** The task object exactly as GET /api/v1/task/:id returns it in `data` (a fresh copy). */
	function view(record) {
		const failed = record.status === 'failed';
		return {
			task_id: record.id,
			model: record.model,
			task_type: record.taskType,
			status: spell(record.status, record.behaviour.statusCase),
			config: {
				service_mode: record.config.service_mode,
				webhook_config: {
					endpoint: record.config.webhook_config.endpoint,
					secret: record.config.webhook_config.secret,
				},
			},
			input: { ...record.input },
			output: outputOf(record),
			meta: {
				created_at: iso(record.createdAt),
				started_at: iso(record.startedAt),
				ended_at: iso(record.endedAt),
				usage: { type: 'llm', frozen: 0, consume: USAGE_CONSUME },
				is_using_private_pool: false,
			},
			detail: null,
			logs: [],
			error: failed
				? {
						code: 10000,
						raw_message: 'simulated generation failure: the model returned no audio',
						message: 'simulated generation failure',
						detail: null,
					}
				: { code: 0, raw_message: '', message: '', detail: null },
		};
	}

	function dueAt(record) {
		if (record.status === 'pending') return record.slotAt + record.behaviour.pendingMs;
		if (record.status === 'processing') {
			return record.behaviour.outcome === 'stuck'
				? Infinity
				: record.startedAt + record.behaviour.renderMs;
		}
		return Infinity;
	}

	/**
	 * Applies every transition due by `now`, in time order, stamping each with the time it was
	 * due rather than the time it was noticed: the timestamps and the order in which staged
	 * tasks are promoted are then the same whether the tick or a request got here first.
	 */
	function advance(now) {
		for (;;) {
			let next = null;
			let nextAt = Infinity;
			for (const record of active) {
				const at = dueAt(record);
				if (at < nextAt) {
					nextAt = at;
					next = record;
				}
			}
			if (!next || nextAt > now) return;
			transition(next, nextAt);
		}
	}

	function transition(record, at) {
		if (record.status === 'pending') {
			record.status = 'processing';
			record.startedAt = at;
			if (record.behaviour.webhookIntermediate) notify(record, 'intermediate', 1, at);
			return;
		}
		record.status = record.behaviour.outcome === 'failed' ? 'failed' : 'completed';
		record.endedAt = at;
		active.delete(record);
		notify(record, 'final', record.behaviour.webhookRepeat, at);
		while (staged.length && active.size < settings.concurrency) {
			const promoted = staged.shift();
			promoted.status = 'pending';
			promoted.slotAt = at;
			active.add(promoted);
		}
	}

	function createTask(body, now) {
		const input = {
			style_audio: body.input.style_audio === undefined ? '' : body.input.style_audio,
			style_prompt: body.input.style_prompt === undefined ? '' : body.input.style_prompt,
			lyrics: body.input.lyrics === undefined ? '' : body.input.lyrics,
		};
		const config = isPlainObject(body.config) ? body.config : {};
		const webhook = isPlainObject(config.webhook_config) ? config.webhook_config : {};
		const index = taskCounter;
		const behaviour = resolveBehaviour({ ...body.input }, index, body.task_type);
		taskCounter++;
		creditsLeft--;
		const record = {
			id: crypto.randomUUID(),
			index,
			model: body.model,
			taskType: body.task_type,
			input,
			config: {
				service_mode: typeof config.service_mode === 'string' ? config.service_mode : '',
				webhook_config: {
					endpoint: typeof webhook.endpoint === 'string' ? webhook.endpoint : '',
					secret: typeof webhook.secret === 'string' ? webhook.secret : '',
				},
			},
			behaviour,
			status: 'staged',
			createdAt: now,
			slotAt: null,
			startedAt: null,
			endedAt: null,
			deliveryChain: Promise.resolve(),
		};
		if (active.size < settings.concurrency) {
			record.status = 'pending';
			record.slotAt = now;
			active.add(record);
		} else {
			staged.push(record);
		}
		tasks.set(record.id, record);
		return record;
	}

	// -- Webhooks -----------------------------------------------------------------------------

	function notify(record, kind, count, at) {
		const url = record.config.webhook_config.endpoint;
		if (!url || count < 1) return;
		// Snapshot now: a webhook describes the status it announces, even if it is sent later.
		const payload = JSON.stringify({ timestamp: Math.floor(at / 1000), data: view(record) });
		const status = record.status;
		const secret = record.config.webhook_config.secret;
		const gen = generation;
		// One chain per task keeps "processing" ahead of "completed" at the receiver.
		record.deliveryChain = record.deliveryChain.then(async () => {
			for (let i = 0; i < count; i++) {
				if (gen !== generation || closed) return;
				if (i > 0) await sleep(REPEAT_GAP_MS);
				if (gen !== generation || closed) return;
				await deliverWithRetries({ taskId: record.id, status, url, secret, payload, kind, gen });
			}
		});
	}

	async function deliverWithRetries(job) {
		const first = await attempt({ ...job, attempt: 1 });
		if (first.ok || first.refused) return;
		// Retries run on their own timers so a failing receiver does not hold back later webhooks.
		const retry = (n) => {
			later(settings.webhookRetryGapMs, async () => {
				if (job.gen !== generation || closed) return;
				const result = await attempt({ ...job, attempt: n });
				if (!result.ok && !result.refused && n <= settings.webhookRetries) retry(n + 1);
			});
		};
		if (settings.webhookRetries > 0) retry(2);
	}

	/** One POST to a webhook receiver; records it in `deliveries` once its outcome is known. */
	function attempt({ taskId, status, url, secret, payload, kind, attempt: n }) {
		const at = Date.now();
		const record = (fields) => {
			if (!closed)
				deliveries.push({
					taskId,
					status,
					url,
					kind,
					attempt: n,
					at,
					ms: Date.now() - at,
					...fields,
				});
		};
		let target;
		try {
			target = new URL(url);
		} catch {
			record({ error: 'invalid webhook URL', refused: true });
			return Promise.resolve({ refused: true, error: 'invalid webhook URL' });
		}
		if (
			(target.protocol !== 'http:' && target.protocol !== 'https:') ||
			!isLoopbackHostname(target.hostname)
		) {
			const error = `refused: ${target.protocol}//${target.host} is not a loopback http(s) address (the simulator only delivers to 127.0.0.0/8, localhost and [::1])`;
			record({ error, refused: true });
			return Promise.resolve({ refused: true, error });
		}
		const body = Buffer.from(payload, 'utf8');
		const headers = {
			'content-type': 'application/json',
			'content-length': body.length,
			'user-agent': 'piapi-simulator-webhook',
			connection: 'close',
		};
		if (secret) headers['x-webhook-secret'] = secret;
		const transport = target.protocol === 'https:' ? https : http;
		return new Promise((resolve) => {
			let settled = false;
			const finish = (result, fields) => {
				if (settled) return;
				settled = true;
				outgoing.delete(req);
				record(fields);
				resolve(result);
			};
			const req = transport.request(
				target,
				{ method: 'POST', headers, agent: false, timeout: DELIVERY_TIMEOUT_MS },
				(res) => {
					const chunks = [];
					res.on('data', (chunk) => chunks.push(chunk));
					res.on('end', () => {
						const text = Buffer.concat(chunks).toString('utf8');
						const ok = res.statusCode >= 200 && res.statusCode < 300;
						finish({ ok, statusCode: res.statusCode, body: text }, { statusCode: res.statusCode });
					});
					res.on('error', (error) =>
						finish({ ok: false, error: error.message }, { error: error.code || error.message }),
					);
				},
			);
			outgoing.add(req);
			req.on('timeout', () =>
				req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
			);
			req.on('error', (error) =>
				finish(
					{ ok: false, error: error.code || error.message },
					{ error: error.code || error.message },
				),
			);
			req.end(body);
		});
	}

	async function deliverByHand(taskId, options = {}) {
		if (closed) throw new Error('simulator is closed');
		const record = tasks.get(taskId);
		if (!record && (options.body === undefined || !options.url)) {
			throw new Error(`unknown task ${taskId} (give both url and body to deliver without a task)`);
		}
		const url = options.url !== undefined ? options.url : record.config.webhook_config.endpoint;
		if (!url) throw new Error(`task ${taskId} has no webhook endpoint; pass options.url`);
		const secret =
			options.secret !== undefined
				? options.secret
				: record
					? record.config.webhook_config.secret
					: '';
		let payload;
		if (options.body !== undefined) {
			payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
		} else {
			if (record) advance(Date.now());
			const data = view(record);
			if (options.status !== undefined) data.status = options.status;
			payload = JSON.stringify({ timestamp: Math.floor(Date.now() / 1000), data });
		}
		const status = options.status !== undefined ? options.status : record ? record.status : null;
		const result = await attempt({
			taskId,
			status,
			url,
			secret,
			payload,
			kind: 'manual',
			attempt: 1,
		});
		if (result.statusCode === undefined)
			throw new Error(`webhook delivery failed: ${result.error}`);
		return { statusCode: result.statusCode, body: result.body };
	}

	// -- Faults -------------------------------------------------------------------------------

	function takeFault(method, path) {
		const fault = faults.find((candidate) => faultMatches(candidate, method, path));
		if (!fault) return null;
		fault.remaining--;
		if (fault.remaining <= 0) faults = faults.filter((candidate) => candidate !== fault);
		return fault;
	}

	// -- HTTP ---------------------------------------------------------------------------------

	function envelopeError(status, message) {
		return { status, json: { code: status, message } };
	}

	function authorised(headers) {
		return headers['x-api-key'] === settings.apiKey;
	}

	/** One history entry, in the shape a third-party connector shows (PiAPI documents none). */
	function historyEntry(record) {
		const done = record.status === 'completed';
		return {
			id: record.index + 1,
			account_id: 'sim-account',
			api_key_id: 'sim-key-id',
			action: 'create',
			task_id: record.id,
			task_model: settings.historyModel,
			status: spell(record.status, record.behaviour.statusCase),
			created_at: iso(record.createdAt),
			updated_at: iso(record.endedAt || record.startedAt || record.createdAt),
			usage: done ? USAGE_CONSUME : 0,
			usage_type: 'llm',
			fixed: false,
			service_mode: record.config.service_mode,
			detail: { model: record.model, task_id: record.id, workflow_type: record.taskType },
		};
	}

	/**
	 * `GET /api/open/tasks/histories`: `page` from 1, `page_size` up to 100 (more is an error, as
	 * PiAPI documents), `model` compared with `historyModel`, `start_time`/`end_time` in Unix
	 * seconds (inclusive), newest first. Faults `emptyPage` and `repeatPage` answer the page as
	 * empty, or as the page before it.
	 */
	function history(query, fault) {
		const number = (name, fallback) => {
			const raw = query.get(name);
			if (raw === null || raw === '') return fallback;
			return /^-?\d+$/.test(raw) ? Number(raw) : NaN;
		};
		const page = number('page', 1);
		const size = number('page_size', HISTORY_DEFAULT_PAGE_SIZE);
		if (!(page >= 1)) return envelopeError(400, 'Invalid request parameters: page must be >= 1');
		if (!(size >= 1) || size > HISTORY_MAX_PAGE_SIZE) {
			return envelopeError(
				400,
				`Invalid request parameters: page_size must be between 1 and ${HISTORY_MAX_PAGE_SIZE}`,
			);
		}
		const start = number('start_time', 0);
		const end = number('end_time', Infinity);
		if (Number.isNaN(start) || Number.isNaN(end)) {
			return envelopeError(400, 'Invalid request parameters: start_time and end_time are Unix seconds');
		}
		const model = query.get('model');
		const matching = [...tasks.values()]
			.filter((record) => !model || model.toLowerCase() === settings.historyModel.toLowerCase())
			.filter((record) => record.createdAt >= start * 1000 && record.createdAt <= end * 1000)
			.sort((a, b) => b.createdAt - a.createdAt || b.index - a.index);
		const served = fault && fault.kind === 'repeatPage' ? Math.max(1, page - 1) : page;
		const list =
			fault && fault.kind === 'emptyPage'
				? []
				: matching.slice((served - 1) * size, served * size).map(historyEntry);
		return {
			status: 200,
			json: { code: 200, data: { list, page, size, total: matching.length }, message: 'success' },
		};
	}

	/**
	 * A finished task put straight into the account's history (no POST, no credit): for tests that
	 * need many tasks, or tasks created long ago. Its file and GET work like any other task's.
	 */
	function addPastTask(options = {}) {
		const status = options.status === undefined ? 'completed' : options.status;
		if (status !== 'completed' && status !== 'failed') {
			throw new TypeError('a past task is completed or failed');
		}
		const taskType = options.taskType === undefined ? 'txt2audio-base' : options.taskType;
		if (!Object.prototype.hasOwnProperty.call(TASK_SECONDS, taskType)) {
			throw new TypeError(`unknown task type ${taskType}`);
		}
		const createdAt = options.createdAt === undefined ? Date.now() : options.createdAt;
		if (!Number.isFinite(createdAt)) throw new TypeError('createdAt must be ms since the epoch');
		const index = taskCounter++;
		const behaviour = resolveBehaviour({}, index, taskType);
		behaviour.outcome = status;
		const record = {
			id: crypto.randomUUID(),
			index,
			model: MODEL,
			taskType,
			input: { style_audio: '', style_prompt: 'pop', lyrics: '' },
			config: { service_mode: '', webhook_config: { endpoint: '', secret: '' } },
			behaviour,
			status,
			createdAt,
			slotAt: createdAt,
			startedAt: createdAt + 1000,
			endedAt: createdAt + 2000,
			deliveryChain: Promise.resolve(),
		};
		tasks.set(record.id, record);
		return record.id;
	}

	/** The API proper. Returns what to answer; the caller decides whether a fault replaces it. */
	function route(method, path, raw, headers, query, fault) {
		const needsKey = path.startsWith('/api/') || path.startsWith('/account/');
		if (needsKey && !authorised(headers))
			return envelopeError(401, 'Unauthorized: invalid API key');

		if (path === '/api/v1/task') {
			if (method !== 'POST') return envelopeError(405, 'method not allowed');
			let body;
			try {
				body = JSON.parse(raw);
			} catch (error) {
				return envelopeError(400, `Invalid request body: ${error.message}`);
			}
			if (!isPlainObject(body))
				return envelopeError(400, 'Invalid request body: expected a JSON object');
			if (body.model !== MODEL)
				return envelopeError(400, `Invalid model "${body.model}": expected "${MODEL}"`);
			if (!Object.prototype.hasOwnProperty.call(TASK_SECONDS, body.task_type)) {
				return envelopeError(
					400,
					`Invalid task_type "${body.task_type}": expected txt2audio-base or txt2audio-full`,
				);
			}
			if (!isPlainObject(body.input))
				return envelopeError(400, 'Invalid request parameters: input must be an object');
			if (body.config !== undefined && body.config !== null && !isPlainObject(body.config)) {
				return envelopeError(400, 'Invalid request parameters: config must be an object');
			}
			if (!(creditsLeft >= 1)) {
				return envelopeError(
					402,
					'Insufficient credits: the account balance cannot pay for this task',
				);
			}
			const record = createTask(body, Date.now());
			return { status: 200, json: { code: 200, data: view(record), message: 'success' } };
		}

		const taskMatch = /^\/api\/v1\/task\/([^/]+)$/.exec(path);
		if (taskMatch) {
			if (method !== 'GET') return envelopeError(405, 'method not allowed');
			const record = tasks.get(decodeURIComponent(taskMatch[1]));
			if (!record) return envelopeError(404, 'task not found');
			return { status: 200, json: { code: 200, data: view(record), message: 'success' } };
		}

		if (path === HISTORY_PATH) {
			if (method !== 'GET') return envelopeError(405, 'method not allowed');
			return history(query || new URLSearchParams(), fault);
		}

		if (path === '/account/info') {
			if (method !== 'GET') return envelopeError(405, 'method not allowed');
			const unlimited = creditsLeft === Infinity;
			const available = unlimited ? UNLIMITED_CREDITS_REPORTED : Math.max(0, creditsLeft);
			const total = unlimited ? UNLIMITED_CREDITS_REPORTED + taskCounter : settings.credits;
			return {
				status: 200,
				json: {
					code: 200,
					data: {
						id: 'sim-account',
						name: 'Simulator',
						plan: 'creator',
						type: 'user',
						is_enable: true,
						equivalent_in_usd: Math.round(available * PRICE_USD * 100) / 100,
						credit_pack_info: {
							available_credits: available * USAGE_CONSUME,
							used_credits: taskCounter * USAGE_CONSUME,
							total_credits: total * USAGE_CONSUME,
							frozen_credits: 0,
							expired_credits: 0,
							inactive_credits: 0,
						},
						max_concurrent_task_count:
							settings.concurrency === Infinity
								? UNLIMITED_CONCURRENCY_REPORTED
								: settings.concurrency,
					},
					message: 'success',
				},
			};
		}

		const fileMatch = /^\/files\/([0-9a-fA-F-]{36})(\.[A-Za-z0-9]+)?$/.exec(path);
		if (fileMatch) {
			if (method !== 'GET' && method !== 'HEAD') return envelopeError(405, 'method not allowed');
			const record = tasks.get(fileMatch[1].toLowerCase());
			if (!record || record.status !== 'completed') return envelopeError(404, 'file not found');
			const seconds = record.behaviour.audioSeconds;
			return {
				status: 200,
				headers: {
					'content-type': record.behaviour.audioContentType,
					'content-length': wav.wavFileBytes(seconds, settings.sampleRate, settings.channels),
					'cache-control': 'public, max-age=86400',
				},
				stream: () =>
					wav.createWavStream({
						seconds,
						sampleRate: settings.sampleRate,
						channels: settings.channels,
						seed: record.id,
					}),
			};
		}

		return envelopeError(404, 'not found');
	}

	function writeJson(res, status, json, headers = {}) {
		const body = Buffer.from(JSON.stringify(json), 'utf8');
		res.writeHead(status, {
			'content-type': 'application/json; charset=utf-8',
			'content-length': body.length,
			...headers,
		});
		res.end(body);
	}

	function drop(req, entry) {
		entry.status = null;
		req.socket.destroy();
	}

	async function handleApi(req, res, parsed) {
		const path = parsed.pathname;
		const entry = {
			method: req.method,
			path,
			query: Object.fromEntries(parsed.searchParams),
			headers: { ...req.headers },
			body: null,
			status: null,
			fault: null,
			at: Date.now(),
			doneAt: null,
		};
		requests.push(entry);
		// When the server finished answering, for maxInFlight(). Recorded at res.end() rather than on
		// 'close': 'close' can fire after the client has already read the answer and sent its next
		// request, which made back-to-back requests look concurrent on a busy machine. 'close'
		// remains the fallback for dropped sockets, which never call end().
		const end = res.end.bind(res);
		res.end = (...args) => {
			if (entry.doneAt === null) entry.doneAt = Date.now();
			return end(...args);
		};
		res.on('close', () => {
			if (entry.doneAt === null) entry.doneAt = Date.now();
		});
		let raw;
		try {
			raw = await readBody(req);
		} catch (error) {
			if (error.tooLarge && !res.headersSent) {
				entry.status = 413;
				writeJson(
					res,
					413,
					{ code: 413, message: 'request body too large' },
					{ connection: 'close' },
				);
			}
			return;
		}
		entry.body = parseLoggedBody(raw);
		const fault = takeFault(req.method, path);
		if (fault) entry.fault = fault.kind;

		if (fault && fault.kind === 'drop') return drop(req, entry);
		if (fault && fault.kind === 'status') {
			entry.status = fault.status;
			const headers = {
				...(fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}),
				...(fault.headers ?? {}),
			};
			if (fault.rawBody !== undefined) {
				// Bytes as given (an HTML page, a stub file, nothing at all), with the given headers.
				const raw = Buffer.isBuffer(fault.rawBody)
					? fault.rawBody
					: Buffer.from(fault.rawBody, 'utf8');
				res.writeHead(fault.status, { 'content-length': raw.length, ...headers });
				return res.end(raw);
			}
			const body =
				fault.body !== undefined
					? fault.body
					: {
							code: fault.status,
							message: DEFAULT_MESSAGES[fault.status] || `simulated HTTP ${fault.status}`,
						};
			return writeJson(res, fault.status, body, headers);
		}
		if (fault && fault.kind === 'fakeAudio') {
			// A file that starts like audio and is not a song; with a Content-Length larger than the
			// bytes, the connection is cut after them (a transfer that broke off).
			const body = songs.fakeAudio(fault.audio);
			const declared = fault.contentLength === undefined ? body.length : fault.contentLength;
			entry.status = 200;
			res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': declared });
			if (declared <= body.length) return res.end(body.subarray(0, declared));
			return res.write(body, () => req.socket.destroy());
		}
		if (fault && fault.kind === 'redirect') {
			// To `location`, or back to the same path one hop further (`?hop=n`): each matching request
			// is one hop, so `times` is the length of the chain.
			const hop = Number(parsed.searchParams.get('hop') || 0);
			entry.status = fault.status;
			res.writeHead(fault.status, {
				location: fault.location === undefined ? `${path}?hop=${hop + 1}` : fault.location,
				'content-length': 0,
			});
			return res.end();
		}
		if (fault && fault.kind === 'malformed') {
			entry.status = 200;
			res.writeHead(200, {
				'content-type': 'application/json; charset=utf-8',
				'content-length': Buffer.byteLength(MALFORMED_BODY),
			});
			return res.end(MALFORMED_BODY);
		}
		if (fault && fault.kind === 'delay') {
			await delayRequest(fault.delayMs);
			if (closed || req.socket.destroyed) return;
		}

		advance(Date.now());
		let result;
		try {
			result = route(req.method, path, raw, req.headers, parsed.searchParams, fault);
		} catch (error) {
			result = envelopeError(500, `simulator error: ${error.message}`);
		}

		if (fault && fault.kind === 'dropAfterCreate') return drop(req, entry);
		if (fault && fault.kind === 'statusAfterCreate') {
			entry.status = fault.status;
			const body =
				fault.body !== undefined
					? fault.body
					: {
							code: fault.status,
							message: DEFAULT_MESSAGES[fault.status] || `simulated HTTP ${fault.status}`,
						};
			return writeJson(res, fault.status, body);
		}

		// The answer reflects the state at arrival but reaches the client late (a slow network).
		if (fault && fault.kind === 'delayAnswer') {
			await delayRequest(fault.delayMs);
			if (closed || req.socket.destroyed) return;
		}
		entry.status = result.status;
		if (fault && fault.kind === 'drip' && !result.stream) {
			// The answer as it is, `chunkBytes` at a time every `delayMs`: never idle, never quick.
			const body = Buffer.from(JSON.stringify(result.json), 'utf8');
			res.writeHead(result.status, {
				'content-type': 'application/json; charset=utf-8',
				'content-length': body.length,
			});
			for (let at = 0; at < body.length; at += fault.chunkBytes) {
				if (closed || req.socket.destroyed) return;
				res.write(body.subarray(at, at + fault.chunkBytes));
				await delayRequest(fault.delayMs);
			}
			return res.end();
		}
		if (!result.stream) return writeJson(res, result.status, result.json, result.headers);
		res.writeHead(result.status, result.headers);
		if (req.method === 'HEAD') return res.end();
		const stream = result.stream();
		res.on('close', () => stream.destroy());
		stream.on('error', () => res.destroy());
		stream.pipe(res);
	}

	async function handleControl(req, res, path) {
		let raw;
		try {
			raw = await readBody(req);
		} catch {
			return;
		}
		let body = null;
		if (raw !== '') {
			try {
				body = JSON.parse(raw);
			} catch (error) {
				return writeJson(res, 400, { error: `invalid JSON: ${error.message}` });
			}
		}
		const key = `${req.method} ${path}`;
		try {
			switch (key) {
				case 'GET /__sim/requests':
					return writeJson(res, 200, requests);
				case 'GET /__sim/deliveries':
					return writeJson(res, 200, deliveries);
				case 'GET /__sim/tasks':
					advance(Date.now());
					return writeJson(res, 200, [...tasks.values()].map(view));
				case 'GET /__sim/faults':
					return writeJson(res, 200, faults.map(faultForJson));
				case 'POST /__sim/reset':
					simulator.reset();
					return writeJson(res, 200, { ok: true });
				case 'POST /__sim/faults':
					simulator.addFault(body);
					return writeJson(res, 200, { ok: true, faults: faults.map(faultForJson) });
				case 'DELETE /__sim/faults':
					simulator.clearFaults();
					return writeJson(res, 200, { ok: true });
				case 'POST /__sim/behaviour':
					simulator.setBehaviour(body === null ? null : behaviourFromJson(body));
					return writeJson(res, 200, { ok: true });
				case 'POST /__sim/deliver': {
					if (!isPlainObject(body) || typeof body.taskId !== 'string') {
						return writeJson(res, 400, {
							error: 'expected { taskId, status?, secret?, url?, body? }',
						});
					}
					const { taskId, ...rest } = body;
					try {
						return writeJson(res, 200, await simulator.deliver(taskId, rest));
					} catch (error) {
						return writeJson(res, 502, { error: error.message });
					}
				}
				default:
					return writeJson(res, 404, { error: `no control route ${key}` });
			}
		} catch (error) {
			return writeJson(res, 400, { error: error.message });
		}
	}

	const server = http.createServer((req, res) => {
		let parsed;
		try {
			parsed = new URL(req.url, 'http://simulator.invalid');
		} catch {
			return writeJson(res, 400, { code: 400, message: 'bad request URL' });
		}
		const handler =
			parsed.pathname === '/__sim' || parsed.pathname.startsWith('/__sim/')
				? handleControl(req, res, parsed.pathname)
				: handleApi(req, res, parsed);
		handler.catch((error) => {
			if (!res.headersSent)
				writeJson(res, 500, { code: 500, message: `simulator error: ${error.message}` });
			else res.destroy();
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.on('clientError', (error, socket) => socket.destroy());

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(settings.port, settings.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = server.address().port;
	let urlHost = settings.host;
	if (urlHost === '0.0.0.0' || urlHost === '::' || urlHost === '') urlHost = '127.0.0.1';
	if (net.isIPv6(urlHost)) urlHost = `[${urlHost}]`;

	// Webhooks must fire without anyone polling, so a tick drives the lifecycle; unref'd so an
	// idle simulator never keeps a process alive on its own.
	const ticker = setInterval(() => advance(Date.now()), TICK_MS);
	ticker.unref();

	function clearScheduled() {
		generation++;
		for (const timer of timers) clearTimeout(timer);
		timers.clear();
		for (const req of outgoing) req.destroy();
		outgoing.clear();
	}

	const simulator = {
		url: `http://${urlHost}:${port}`,
		port,
		server,
		requests,
		deliveries,
		tasks,
		get faults() {
			return faults.slice();
		},
		get creditsLeft() {
			return creditsLeft;
		},
		getTask(id) {
			advance(Date.now());
			const record = tasks.get(id);
			return record ? view(record) : undefined;
		},
		count(method, pathPrefix) {
			const wanted = method ? String(method).toUpperCase() : undefined;
			return requests.filter(
				(entry) =>
					(!wanted || entry.method === wanted) &&
					(pathPrefix === undefined || entry.path.startsWith(pathPrefix)),
			).length;
		},
		posts() {
			return requests.filter((entry) => entry.method === 'POST' && entry.path === '/api/v1/task');
		},
		maxInFlight(filter = () => true) {
			// At each arrival, count the matching requests that arrived earlier (log order, not the
			// millisecond clock: a later request can share the arrival millisecond) and are still
			// open. An answer ended in the arrival's millisecond counts as closed, so back-to-back
			// requests are not concurrent.
			const chosen = requests.filter(filter);
			let max = 0;
			chosen.forEach((entry, index) => {
				const open = chosen
					.slice(0, index)
					.filter((other) => other.doneAt === null || other.doneAt > entry.at).length;
				max = Math.max(max, open + 1);
			});
			return max;
		},
		addFault(fault) {
			faults.push(normaliseFault(fault));
		},
		clearFaults() {
			faults = [];
		},
		setBehaviour(behaviour) {
			if (behaviour === null || behaviour === undefined) behaviourFn = settings.behaviour;
			else if (typeof behaviour === 'function') behaviourFn = behaviour;
			else if (isPlainObject(behaviour)) behaviourFn = behaviourFromJson(behaviour);
			else throw new TypeError('setBehaviour expects a function, a behaviour object or null');
		},
		deliver: deliverByHand,
		addPastTask,
		advance() {
			advance(Date.now());
		},
		reset() {
			clearScheduled();
			tasks.clear();
			active.clear();
			staged.length = 0;
			requests.length = 0;
			deliveries.length = 0;
			faults = [];
			behaviourFn = settings.behaviour;
			creditsLeft = settings.credits;
			taskCounter = 0;
		},
		close() {
			if (closing) return closing;
			closed = true;
			clearInterval(ticker);
			clearScheduled();
			for (const timer of requestTimers) clearTimeout(timer);
			requestTimers.clear();
			closing = new Promise((resolve) => {
				server.close(() => resolve());
				// Keep-alive sockets (ours and the clients') would otherwise hold server.close() open.
				if (typeof server.closeAllConnections === 'function') server.closeAllConnections();
				for (const socket of sockets) socket.destroy();
			});
			return closing;
		},
	};
	return simulator;
}

module.exports = {
	startSimulator,
	MODEL,
	TASK_SECONDS,
	ZERO_TIME,
	STATUSES,
	isLoopbackHostname,
	...wav,
	...songs,
};
