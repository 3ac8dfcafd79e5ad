/**
 * Runs this package's built nodes (dist/) in the real n8n engine, in process: n8n-core loads the
 * package the way n8n does (PackageDirectoryLoader reads the "n8n" section of package.json) and
 * WorkflowExecute runs the workflow. Used by the integration tests, the demo and the benchmarks.
 *
 * What a full n8n server adds and this harness stands in for: decrypted credentials and their
 * generic `authenticate` (CredentialsHelper lives in n8n's CLI package), and the Manual Trigger
 * (n8n-nodes-base is not a dependency). Both stand-ins are small and below.
 */
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

// n8n-core reads its settings from these at load time; never touch the user's own ~/.n8n.
// Under jest, inside the run's own temporary folder (see jest-setup.js); elsewhere (the demo) it is
// removed when the process ends ('exit' runs synchronous work only).
const userFolder = fs.mkdtempSync(
	path.join(process.env.PIAPI_HARNESS_TMP ?? os.tmpdir(), 'piapi-n8n-'),
);
process.env.N8N_USER_FOLDER ??= userFolder;
process.on('exit', () => fs.rmSync(userFolder, { recursive: true, force: true }));
process.env.N8N_ENCRYPTION_KEY ??= 'piapi-diffrhythm-test-key';

require('reflect-metadata');
const core = require('n8n-core');
const wf = require('n8n-workflow');

// n8n's packages are installed in several versions (lint tooling pulls its own); take the ones
// n8n-core itself resolves, or its dependency-injection container would not know them.
const coreDir = path.dirname(require.resolve('n8n-core/package.json'));
const fromCore = (name) => require(require.resolve(name, { paths: [coreDir] }));
const { Container } = fromCore('@n8n/di');

const { Logger } = fromCore('@n8n/backend-common');

/**
 * n8n's logger, captured: the nodes' progress and warnings land in `logs` (tests assert on them,
 * e.g. that no secret is logged) and are printed only with PIAPI_HARNESS_VERBOSE=1.
 */
const logs = [];
const captureLogger = {
	scoped() {
		return captureLogger;
	},
};
for (const level of ['error', 'warn', 'info', 'debug']) {
	captureLogger[level] = (message, meta) => {
		logs.push({ level, message: String(message), meta });
		if (process.env.PIAPI_HARNESS_VERBOSE === '1') console.log(`[${level}] ${message}`);
	};
}
Container.set(Logger, captureLogger);
wf.LoggerProxy.init(captureLogger);

const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require(path.join(PACKAGE_ROOT, 'package.json')).name;

/** Stand-in for n8n-nodes-base's Manual Trigger: passes the items it is started with. */
class ManualTrigger {
	constructor() {
		this.description = {
			displayName: 'Manual Trigger',
			name: 'manualTrigger',
			group: ['trigger'],
			version: 1,
			description: 'Starts the workflow',
			defaults: { name: 'When clicking Execute workflow' },
			inputs: [],
			outputs: ['main'],
			properties: [],
		};
	}
	async execute() {
		return [this.getInputData()];
	}
}

let loaded;
/** Loads the built package once, as n8n does. */
async function loadPackage() {
	if (!loaded) {
		if (!fs.existsSync(path.join(PACKAGE_ROOT, 'dist'))) {
			throw new Error('dist/ is missing: run `npm run build` first');
		}
		const loader = new core.PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		loaded = loader;
	}
	return loaded;
}

function nodeTypesOf(loader) {
	const byName = (type) => {
		if (type === 'n8n-nodes-base.manualTrigger') return new ManualTrigger();
		const [pkg, name] = type.split('.');
		if (pkg !== PACKAGE_NAME || !loader.nodeTypes[name]) throw new Error(`Unknown node type ${type}`);
		return loader.nodeTypes[name].type;
	};
	return {
		getByName: byName,
		getByNameAndVersion: (type, version) => wf.NodeHelpers.getVersionedNodeType(byName(type), version),
		getKnownTypes: () => ({}),
	};
}

/** `={{$credentials.x}}` → the credential's value; anything else in an expression is refused. */
function resolveCredentialExpression(value, credentials) {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	const expression = value.slice(1);
	const whole = /^\{\{\s*\$credentials\??\.(\w+)\s*\}\}$/.exec(expression);
	if (whole) return credentials[whole[1]];
	return expression.replace(/\{\{\s*\$credentials\??\.(\w+)\s*\}\}/g, (_, key) => String(credentials[key] ?? ''));
}

/** Applies the credential type's defaults, the way n8n hands decrypted credentials to nodes. */
function withDefaults(loader, type, data) {
	const properties = loader.credentialTypes[type]?.type.properties ?? [];
	const out = {};
	for (const property of properties) out[property.name] = property.default;
	return { ...out, ...data };
}

/** Stand-in for n8n's CredentialsHelper: test credentials in plain text, generic auth applied. */
class TestCredentialsHelper extends wf.ICredentialsHelper {
	constructor(loader, credentials) {
		super();
		this.loader = loader;
		this.credentials = credentials;
	}
	getParentTypes() {
		return [];
	}
	isCredentialUsableByNode() {
		return true;
	}
	async authenticate(credentials, typeName, requestOptions) {
		const authenticate = this.loader.credentialTypes[typeName]?.type.authenticate;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!authenticate || authenticate.type !== 'generic') return requestOptions;
		const out = { ...requestOptions };
		for (const section of ['headers', 'qs', 'body']) {
			const values = authenticate.properties[section];
			if (!values) continue;
			out[section] = { ...(out[section] ?? {}) };
			for (const [key, value] of Object.entries(values)) {
				out[section][key] = resolveCredentialExpression(value, credentials);
			}
		}
		return out;
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	async getCredentials() {
		throw new Error('not used by these nodes');
	}
	async getDecrypted(_additionalData, _nodeCredentials, type) {
		if (!this.credentials[type]) throw new Error(`No test credentials of type ${type}`);
		return withDefaults(this.loader, type, this.credentials[type]);
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getCredentialsProperties(type) {
		return this.loader.credentialTypes[type].type.properties;
	}
}

const initialisedModes = new Set();
/** Binary data as n8n keeps it: 'default' (in memory, tests) or 'filesystem' (n8n's default). */
async function initBinaryData(mode) {
	const config = Container.get(core.BinaryDataConfig);
	config.mode = mode;
	const service = Container.get(core.BinaryDataService);
	if (!initialisedModes.has(mode)) {
		await service.init();
		initialisedModes.add(mode);
	}
	service.mode = mode === 'filesystem' ? 'filesystem-v2' : mode;
	return service;
}

let executionCounter = 0;

const LOCAL_BASE = 'http://127.0.0.1:5678';

/** n8n's instance URLs as the engine sees them; a harness server replaces the base with its own. */
function additionalDataFor({ executionId, loader, credentials, hooks, baseUrl = LOCAL_BASE }) {
	return {
		executionId,
		credentialsHelper: new TestCredentialsHelper(loader, credentials ?? {}),
		hooks,
		restApiUrl: `${baseUrl}/rest`,
		instanceBaseUrl: `${baseUrl}/`,
		webhookBaseUrl: `${baseUrl}/webhook`,
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		formWaitingBaseUrl: `${baseUrl}/form-waiting`,
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		variables: {},
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
		getRunExecutionData: async () => undefined,
		executeWorkflow: async () => {
			throw new Error('sub-workflows are not used');
		},
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('task runners are not used');
		},
	};
}

/** A `Workflow` instance of the test workflow, with the package's node types. */
function workflowInstance(loader, workflow) {
	const nodes = workflow.nodes.map((node) => ({
		parameters: {},
		typeVersion: 1,
		position: [0, 0],
		...node,
		id: node.id ?? `node-${node.name}`,
	}));
	const instance = new wf.Workflow({
		id: workflow.id ?? 'test-workflow',
		name: workflow.name ?? 'Test workflow',
		nodes,
		connections: workflow.connections ?? {},
		active: false,
		nodeTypes: nodeTypesOf(loader),
		staticData: {},
		settings: { executionOrder: 'v1' },
	});
	return { instance, nodes };
}

/**
 * Runs (or continues) an execution until it finishes or parks itself (`waiting`), the way n8n's
 * WorkflowRunner does: lifecycle hooks around `WorkflowExecute.processRunExecutionData`.
 */
async function processExecution({ instance, additionalData, mode, runExecutionData, onStart }) {
	const hooks = new core.ExecutionLifecycleHooks(mode, additionalData.executionId, {
		id: instance.id,
		name: instance.name,
		nodes: Object.values(instance.nodes),
		connections: instance.connectionsBySourceNode,
		active: false,
		settings: {},
	});
	let finish;
	const finished = new Promise((resolve) => (finish = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => finish(run));
	additionalData.hooks = hooks;
	const execution = new core.WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(instance);
	if (onStart) onStart(() => execution.cancel());
	const returned = await Promise.race([execution, finished]);
	return returned ?? (await finished);
}

/** The test-facing view of one finished (or waiting) run. */
function runResultOf(run, binaryService, executionId) {
	const runData = run.data.resultData.runData;
	return {
		executionId,
		status: run.status,
		run,
		error: run.data.resultData.error,
		waitTill: run.waitTill,
		/** Items of the node's first output in its last run. */
		output(nodeName) {
			const runs = runData[nodeName];
			if (!runs || runs.length === 0) return undefined;
			return runs[runs.length - 1].data?.main?.[0] ?? [];
		},
		/** The node's error in its last run, if it failed. */
		nodeError(nodeName) {
			const runs = runData[nodeName];
			return runs?.[runs.length - 1]?.error;
		},
		async binaryBuffer(item, key = 'data') {
			const binary = item.binary?.[key];
			if (!binary) throw new Error(`item has no binary "${key}"`);
			if (binary.id) return await binaryService.getAsBuffer(binary);
			return Buffer.from(binary.data, 'base64');
		},
	};
}

function startRunData(node, items, extra = {}) {
	return {
		startData: {},
		resultData: { runData: {}, pinData: {} },
		executionData: {
			contextData: {},
			nodeExecutionStack: [{ node, data: { main: [items] }, source: null }],
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: {},
		},
		...extra,
	};
}

/**
 * Runs a workflow like n8n's "Execute workflow" does.
 * @param {object} options
 * @param {object} options.workflow `{ nodes, connections }` as in an exported n8n workflow JSON.
 * @param {object} options.credentials plain credential data by type, e.g. `{ piApiApi: { apiKey, baseUrl } }`.
 * @param {Array} [options.items] items the Manual Trigger (first node) starts with; default `[{ json: {} }]`.
 * @param {string} [options.binaryMode] 'default' (in memory) or 'filesystem'.
 * @param {(cancel: () => void) => void} [options.onStart] receives a function that cancels the execution.
 * @param {object} [options.server] a harness n8n server (startN8nServer): URLs point at it, and a
 *   run that ends `waiting` can be resumed through it.
 * @returns {Promise<{ status, run, error, output(nodeName): Array, binaryBuffer(item, key): Promise<Buffer> }>}
 */
async function runWorkflow({ workflow, credentials, items, binaryMode = 'default', onStart, server }) {
	if (server) return await server.run({ workflow, items, onStart });
	const loader = await loadPackage();
	const binaryService = await initBinaryData(binaryMode);
	const executionId = String(++executionCounter);
	const { instance, nodes } = workflowInstance(loader, workflow);
	const additionalData = additionalDataFor({ executionId, loader, credentials });
	const run = await processExecution({
		instance,
		additionalData,
		mode: 'manual',
		runExecutionData: startRunData(nodes[0], items ?? [{ json: {} }]),
		onStart,
	});
	return runResultOf(run, binaryService, executionId);
}

// -- a stand-in for n8n's webhook HTTP routes ---------------------------------------------------

/** Just enough of Express's request for `IWebhookFunctions` (body, headers, query, raw body). */
function requestAdapter(req, parsedUrl, rawBody) {
	const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	const request = {
		method: req.method,
		url: req.url,
		path: parsedUrl.pathname,
		headers: req.headers,
		query: Object.fromEntries(parsedUrl.searchParams),
		params: {},
		rawBody,
		contentType,
		body: {},
		readRawBody: async () => {},
	};
	// As n8n's body parser: JSON that does not parse is refused before any node sees it (422).
	if (rawBody.length) {
		if (contentType === 'application/json') {
			try {
				request.body = JSON.parse(rawBody.toString('utf8'));
			} catch (error) {
				const problem = new Error('Failed to parse request body');
				problem.statusCode = 422;
				throw problem;
			}
		} else if (contentType === 'text/plain') {
			request.body = rawBody.toString('utf8');
		}
	}
	request.body ??= {};
	return request;
}

/** Just enough of Express's response: status(), json(), send(), end(), set/setHeader. */
function responseAdapter(res) {
	const adapter = {
		statusCode: 200,
		get headersSent() {
			return res.headersSent;
		},
		status(code) {
			adapter.statusCode = code;
			return adapter;
		},
		setHeader(name, value) {
			res.setHeader(name, value);
			return adapter;
		},
		set(name, value) {
			res.setHeader(name, value);
			return adapter;
		},
		json(body) {
			if (res.headersSent) return adapter;
			const text = JSON.stringify(body);
			res.writeHead(adapter.statusCode, { 'content-type': 'application/json; charset=utf-8' });
			res.end(text);
			return adapter;
		},
		send(body) {
			if (res.headersSent) return adapter;
			if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) return adapter.json(body);
			res.writeHead(adapter.statusCode);
			res.end(body === undefined ? undefined : body);
			return adapter;
		},
		end(body) {
			if (!res.headersSent) res.writeHead(adapter.statusCode);
			res.end(body);
			return adapter;
		},
	};
	return adapter;
}

/** Reads the body; past `limit` the rest is drained and discarded, then 413, as n8n answers. */
function readRequest(req, limit) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let length = 0;
		req.on('data', (chunk) => {
			length += chunk.length;
			if (length <= limit) chunks.push(chunk);
		});
		req.on('end', () => {
			if (length <= limit) return resolve(Buffer.concat(chunks));
			const error = new Error('request entity too large');
			error.statusCode = 413;
			reject(error);
		});
		req.on('error', reject);
	});
}

/**
 * A small stand-in for a running n8n instance: an HTTP server on loopback with n8n's two webhook
 * routes, wired to the real engine.
 * - `POST /webhook/<webhookId>/<path>`: production webhooks of the workflows given to `activate()`.
 *   The trigger node's `webhook()` runs in n8n-core's WebhookContext; when it returns
 *   `workflowData`, an execution starts (mode `webhook`) as n8n's webhook helpers do.
 * - `POST /webhook-waiting/<executionId>[?signature=<resumeToken>]`: resumes an execution parked by
 *   `putExecutionToWait`, through the waiting node's restart webhook, like n8n's WaitingWebhooks:
 *   401 on a wrong signature (2.x), 409 once the execution has resumed or finished, and the
 *   node's output is exactly its `workflowData` (it reruns disabled). Calls arriving together run
 *   `webhook()` side by side, as in n8n; a second resume is counted, not run.
 * `resumeTokens: false` gives 1.x's unsigned resume URLs. `timeout(id)` does what n8n's
 * WaitTracker does when `waitTill` passes: the node reruns disabled and passes its input on.
 */
async function startN8nServer({ credentials, binaryMode = 'default', resumeTokens = true, payloadMaxBytes = 16 * 1024 * 1024 } = {}) {
	const loader = await loadPackage();
	const binaryService = await initBinaryData(binaryMode);
	const triggers = new Map();
	/** Every execution started through this server, by id. */
	const executions = new Map();
	const requests = [];
	let listeners = [];
	const notify = () => {
		const pending = listeners;
		listeners = [];
		for (const listener of pending) listener();
	};

	const server = http.createServer((req, res) => {
		handle(req, res).catch((error) => {
			if (!res.headersSent) {
				res.writeHead(error.statusCode ?? 500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ message: error.statusCode ? error.message : `harness error: ${error.message}` }));
			}
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const baseUrl = `http://127.0.0.1:${server.address().port}`;

	function record(exec, run) {
		exec.result = runResultOf(run, binaryService, exec.id);
		exec.status = run.status;
		exec.runs.push(exec.result);
		if (run.status !== 'waiting') exec.resolve(exec.result);
		notify();
		return exec.result;
	}

	async function startExecution({ instance, mode, runExecutionData, onStart }) {
		const id = String(++executionCounter);
		let resolve;
		const done = new Promise((r) => (resolve = r));
		const exec = { id, mode, status: 'running', instance, runExecutionData, runs: [], done, resolve, workflowName: instance.name };
		if (resumeTokens) runExecutionData.resumeToken = crypto.randomBytes(32).toString('hex');
		executions.set(id, exec);
		notify();
		const additionalData = additionalDataFor({ executionId: id, loader, credentials, baseUrl });
		exec.additionalData = additionalData;
		const run = await processExecution({ instance, additionalData, mode, runExecutionData, onStart });
		exec.runExecutionData = run.data;
		return record(exec, run);
	}

	async function continueExecution(exec) {
		exec.status = 'running';
		const additionalData = additionalDataFor({ executionId: exec.id, loader, credentials, baseUrl });
		const run = await processExecution({
			instance: exec.instance,
			additionalData,
			mode: exec.mode,
			runExecutionData: exec.runExecutionData,
		});
		exec.runExecutionData = run.data;
		return record(exec, run);
	}

	/** Calls a node's `webhook()` in n8n-core's WebhookContext with this request. */
	async function callWebhook({ instance, node, description, mode, request, response, runExecutionData, executionId }) {
		const nodeType = instance.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const additionalData = additionalDataFor({ executionId, loader, credentials, baseUrl });
		additionalData.httpRequest = request;
		additionalData.httpResponse = response;
		const webhookData = {
			httpMethod: description.httpMethod,
			node: node.name,
			path: description.path,
			webhookDescription: description,
			workflowId: instance.id,
			workflowExecuteAdditionalData: additionalData,
		};
		const context = new core.WebhookContext(instance, node, additionalData, mode, webhookData, [], runExecutionData ?? null);
		return await nodeType.webhook.call(context);
	}

	/** The HTTP answer n8n gives for a webhook result (responseMode onReceived). */
	function answer(res, response, result, started) {
		if (result.noWebhookResponse) {
			if (!res.headersSent) res.end();
			return;
		}
		const body = result.webhookResponse !== undefined ? result.webhookResponse : { message: started ? 'Workflow was started' : 'Webhook call received' };
		response.status(200).json(body);
	}

	async function handle(req, res) {
		const parsedUrl = new URL(req.url, baseUrl);
		const entry = { method: req.method, path: parsedUrl.pathname, at: Date.now(), status: null };
		requests.push(entry);
		res.on('finish', () => {
			entry.status = res.statusCode;
			entry.answeredAt = Date.now();
		});
		const raw = await readRequest(req, payloadMaxBytes);
		const request = requestAdapter(req, parsedUrl, raw);
		const response = responseAdapter(res);
		const [, root, ...rest] = parsedUrl.pathname.split('/');

		if (root === 'webhook') {
			const trigger = triggers.get(`${req.method} ${rest.join('/')}`);
			if (!trigger) {
				return response.status(404).json({ code: 404, message: `The requested webhook "${req.method} ${rest.join('/')}" is not registered.` });
			}
			let result;
			try {
				result = await callWebhook({ ...trigger, mode: 'webhook', request, response });
			} catch (error) {
				entry.error = error.message;
				return response.status(500).json({ code: 0, message: 'Error in workflow' });
			}
			entry.started = result.workflowData !== undefined;
			answer(res, response, result, entry.started);
			if (result.workflowData === undefined) return;
			const runExecutionData = startRunData(trigger.node, undefined);
			runExecutionData.executionData.nodeExecutionStack[0].data.main = result.workflowData;
			void startExecution({ instance: trigger.instance, mode: 'webhook', runExecutionData });
			return;
		}

		if (root === 'webhook-waiting') {
			const exec = executions.get(rest[0]);
			if (!exec) return response.status(404).json({ code: 404, message: `The execution "${rest[0]}" does not exist.` });
			if (exec.runExecutionData.resumeToken && request.query.signature !== exec.runExecutionData.resumeToken) {
				return response.status(401).json({ error: 'Invalid token' });
			}
			if (exec.status === 'running') return response.status(409).json({ code: 409, message: `The execution "${exec.id}" is running already.` });
			if (exec.status !== 'waiting') return response.status(409).json({ code: 409, message: `The execution "${exec.id}" has finished already.` });
			const lastNode = exec.instance.getNode(exec.runExecutionData.resultData.lastNodeExecuted);
			const nodeType = exec.instance.nodeTypes.getByNameAndVersion(lastNode.type, lastNode.typeVersion);
			const suffix = rest.slice(1).join('/');
			const description = (nodeType.description.webhooks ?? []).find(
				(w) => w.restartWebhook === true && w.httpMethod === req.method && (w.path ?? '') === suffix,
			);
			if (!description) return response.status(404).json({ code: 404, message: 'The execution is not waiting for this webhook.' });
			// As in n8n, the execution stays `waiting` while webhook() runs: calls arriving together
			// all run it, and only a call that returns workflowData resumes the execution.
			let result;
			try {
				result = await callWebhook({
					instance: exec.instance,
					node: lastNode,
					description,
					mode: exec.mode,
					request,
					response,
					runExecutionData: exec.runExecutionData,
					executionId: exec.id,
				});
			} catch (error) {
				entry.error = error.message;
				return response.status(500).json({ code: 0, message: 'Error in workflow' });
			}
			answer(res, response, result, result.workflowData !== undefined);
			if (result.workflowData === undefined) return;
			entry.resumed = true;
			// A second resume of the same wait: n8n would run the rest of the workflow twice. Counted
			// (two `resumed` requests), not run again.
			if (exec.status !== 'waiting') return;
			exec.status = 'running';
			// As n8n's prepareExecutionData: the webhook's data becomes the waiting node's output.
			const resuming = exec.runExecutionData.executionData.nodeExecutionStack[0];
			resuming.data.main = result.workflowData;
			resuming.metadata = { ...resuming.metadata, forwardAllOutputs: true };
			void continueExecution(exec);
			return;
		}
		return response.status(404).json({ code: 404, message: 'not found' });
	}

	const api = {
		url: baseUrl,
		/** Requests the server answered: method, path, status, and whether they started/resumed a run. */
		requests,
		/** Executions by id: `{ id, mode, status, result, runs, done }`. */
		executions,
		/** Registers the workflow's production webhooks, as publishing it in n8n does. */
		async activate(workflow) {
			const { instance } = workflowInstance(loader, workflow);
			const urls = {};
			for (const node of Object.values(instance.nodes)) {
				const nodeType = instance.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
				for (const description of nodeType.description.webhooks ?? []) {
					if (description.restartWebhook) continue;
					const path = wf.NodeHelpers.getNodeWebhookPath(instance.id, node, description.path, description.isFullPath);
					triggers.set(`${description.httpMethod} ${path}`, { instance, node, description });
					urls[node.name] = `${baseUrl}/webhook/${path}`;
				}
			}
			return { webhookUrl: (nodeName) => urls[nodeName] };
		},
		/** Starts a manual execution (first node = Manual Trigger); resolves when it finishes or waits. */
		async run({ workflow, items, onStart }) {
			const { instance, nodes } = workflowInstance(loader, workflow);
			return await startExecution({
				instance,
				mode: 'manual',
				runExecutionData: startRunData(nodes[0], items ?? [{ json: {} }]),
				onStart,
			});
		},
		/** Resolves with the run of that execution once it has finished (not waiting). */
		finished(executionId) {
			const exec = executions.get(String(executionId));
			if (!exec) throw new Error(`no execution ${executionId}`);
			return exec.done;
		},
		/** Max Wait elapsed: continues the waiting execution without webhook data, as WaitTracker does. */
		async timeout(executionId) {
			const exec = executions.get(String(executionId));
			if (!exec || exec.status !== 'waiting') throw new Error(`execution ${executionId} is not waiting`);
			return await continueExecution(exec);
		},
		/** Resolves once `condition()` holds (checked on every change), or rejects after `timeoutMs`. */
		waitFor(condition, timeoutMs = 15_000) {
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error('harness server: condition not met in time')), timeoutMs);
				const check = () => {
					let value;
					try {
						value = condition();
					} catch (error) {
						clearTimeout(timer);
						reject(error);
						return;
					}
					if (value) {
						clearTimeout(timer);
						resolve(value);
					} else listeners.push(check);
				};
				check();
			});
		},
		async close() {
			if (typeof server.closeAllConnections === 'function') server.closeAllConnections();
			await new Promise((resolve) => server.close(() => resolve()));
		},
	};
	return api;
}

/**
 * A workflow of Manual Trigger → DiffRhythm with the given parameters (credential `piApiApi`).
 */
function diffRhythmWorkflow(parameters, extra = {}) {
	return {
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', parameters: {} },
			{
				name: 'DiffRhythm',
				type: `${PACKAGE_NAME}.diffRhythm`,
				parameters,
				credentials: { piApiApi: { id: 'cred-1', name: 'PiAPI' } },
				...extra,
			},
		],
		connections: { Start: { main: [[{ node: 'DiffRhythm', type: 'main', index: 0 }]] } },
	};
}

module.exports = { logs, runWorkflow, startN8nServer, diffRhythmWorkflow, loadPackage, resolveCredentialExpression, PACKAGE_NAME, PACKAGE_ROOT };
