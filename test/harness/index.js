/**
 * Runs this package's built nodes (dist/) in the real n8n engine, in process: n8n-core loads the
 * package the way n8n does (PackageDirectoryLoader reads the "n8n" section of package.json) and
 * WorkflowExecute runs the workflow. Used by the integration tests, the demo and the benchmarks.
 *
 * What a full n8n server adds and this harness stands in for: decrypted credentials and their
 * generic `authenticate` (CredentialsHelper lives in n8n's CLI package), and the Manual Trigger
 * (n8n-nodes-base is not a dependency). Both stand-ins are small and below.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

// n8n-core reads its settings from these at load time; never touch the user's own ~/.n8n.
const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'piapi-n8n-'));
process.env.N8N_USER_FOLDER ??= userFolder;
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

/**
 * Runs a workflow like n8n's "Execute workflow" does.
 * @param {object} options
 * @param {object} options.workflow `{ nodes, connections }` as in an exported n8n workflow JSON.
 * @param {object} options.credentials plain credential data by type, e.g. `{ piApiApi: { apiKey, baseUrl } }`.
 * @param {Array} [options.items] items the Manual Trigger (first node) starts with; default `[{ json: {} }]`.
 * @param {string} [options.binaryMode] 'default' (in memory) or 'filesystem'.
 * @param {(cancel: () => void) => void} [options.onStart] receives a function that cancels the execution.
 * @returns {Promise<{ status, run, error, output(nodeName): Array, binaryBuffer(item, key): Promise<Buffer> }>}
 */
async function runWorkflow({ workflow, credentials, items, binaryMode = 'default', onStart }) {
	const loader = await loadPackage();
	const binaryService = await initBinaryData(binaryMode);
	const nodeTypes = nodeTypesOf(loader);
	const executionId = String(++executionCounter);
	const nodes = workflow.nodes.map((node) => ({ parameters: {}, typeVersion: 1, position: [0, 0], ...node, id: node.id ?? `node-${node.name}` }));
	const instance = new wf.Workflow({
		id: workflow.id ?? 'test-workflow',
		name: workflow.name ?? 'Test workflow',
		nodes,
		connections: workflow.connections ?? {},
		active: false,
		nodeTypes,
		staticData: {},
		settings: { executionOrder: 'v1' },
	});
	const start = nodes[0];
	const hooks = new core.ExecutionLifecycleHooks('manual', executionId, { id: instance.id, name: instance.name, nodes, connections: instance.connectionsBySourceNode, active: false, settings: {} });
	let finish;
	const finished = new Promise((resolve) => (finish = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => finish(run));

	const additionalData = {
		executionId,
		credentialsHelper: new TestCredentialsHelper(loader, credentials ?? {}),
		hooks,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
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
	const runExecutionData = {
		startData: {},
		resultData: { runData: {}, pinData: {} },
		executionData: {
			contextData: {},
			nodeExecutionStack: [{ node: start, data: { main: [items ?? [{ json: {} }]] }, source: null }],
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	};
	const execution = new core.WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(instance);
	if (onStart) onStart(() => execution.cancel());
	const returned = await Promise.race([execution, finished]);
	const run = returned ?? (await finished);
	const runData = run.data.resultData.runData;
	return {
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

module.exports = { logs, runWorkflow, diffRhythmWorkflow, loadPackage, resolveCredentialExpression, PACKAGE_NAME, PACKAGE_ROOT };
