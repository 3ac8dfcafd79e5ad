// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * One headless n8n (a version installed by install.js) with a fresh user folder: the package
 * installed the way n8n installs community packages, sqlite, a fixed encryption key, loopback
 * only, ports chosen per run. CLI commands, `n8n start` with a readiness probe, the REST API
 * (owner, login cookie, credential test) and the executions in its database.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { ExecutionDb } = require('./db');
const { installDir, runtimeFor } = require('./install');
const { childEnv, request, runCommand, startProcess, stopProcess, tail, waitFor } = require('./util');

const PACKAGE_NAME = 'n8n-nodes-piapi-diffrhythm';
const ENCRYPTION_KEY = 'piapi-diffrhythm-e2e-fixed-key-01';
const OWNER = {
	email: 'owner@example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'Passw0rd-e2e!',
};

const VERSIONS = {
	v1: { label: 'n8n 1.123.81', expectedVersion: '1.123.81', node: 'system' },
	v2: { label: 'n8n 2.41.1', expectedVersion: '2.41.1', node: 'node24' },
};

/**
 * Unpacks the `npm pack` tarball as `<userFolder>/.n8n/nodes/node_modules/<package>`, where n8n
 * keeps installed community packages, so node types are `n8n-nodes-piapi-diffrhythm.<node>`.
 */
async function installPackage(tarball, userFolder, env) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.mkdirSync(target, { recursive: true });
	const result = await runCommand('tar', 'tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], { env });
	if (result.code !== 0) throw new Error(`could not unpack ${tarball}: ${result.output}`);
	const { version } = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8'));
	// What n8n's own installer leaves beside the package.
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		`${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: version } }, null, 2)}\n`,
	);
	return target;
}

class N8n {
	/**
	 * @param {object} o
	 * @param {'v1'|'v2'} o.version
	 * @param {string} o.runDir  fresh folder for this run (user folder, logs, input files)
	 * @param {number} o.port
	 * @param {number} [o.brokerPort]  task broker port (2.x)
	 * @param {Record<string,string>} [o.extraEnv]
	 * @param {string} [o.database]  Postgres URL the database reader uses when `extraEnv` points n8n
	 *   at Postgres (default: the user folder's sqlite file)
	 * @param {string} [o.name]  how logs and failures name this process (default: the version label)
	 */
	constructor({ version, runDir, port, brokerPort, extraEnv = {}, database, name }) {
		this.version = version;
		this.info = VERSIONS[version];
		this.runDir = runDir;
		this.userFolder = path.join(runDir, 'home');
		this.port = port;
		this.brokerPort = brokerPort;
		this.baseUrl = `http://127.0.0.1:${port}`;
		this.installDir = installDir(version);
		this.nodeBin = runtimeFor(this.info.node).node;
		this.n8nBin = path.join(this.installDir, 'node_modules', 'n8n', 'bin', 'n8n');
		this.dbFile = database || path.join(this.userFolder, '.n8n', 'database.sqlite');
		this.name = name || this.info.label;
		this.logFile = path.join(runDir, 'n8n.log');
		this.server = null;
		this.db = null;
		this.cookie = null;
		fs.mkdirSync(this.userFolder, { recursive: true });
		this.env = childEnv({
			PATH: `${path.dirname(this.nodeBin)}${path.delimiter}${process.env.PATH}`,
			// Always set: without it any n8n command writes ~/.n8n/config with a new key.
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			DB_TYPE: 'sqlite',
			N8N_HOST: '127.0.0.1',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_PORT: String(port),
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: `${this.baseUrl}/`,
			N8N_EDITOR_BASE_URL: `${this.baseUrl}/`,
			N8N_SECURE_COOKIE: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			// Community nodes' Tool variants (the AI Agent and MCP scenarios); n8n's default varies.
			N8N_COMMUNITY_PACKAGES_ALLOW_TOOL_USAGE: 'true',
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			...(version === 'v1'
				? {
						// 1.123 defaults to the isolated-vm expression engine, whose native module is not
						// built for Node.js 20 (installs skip scripts); the legacy engine needs none.
						N8N_EXPRESSION_ENGINE: 'legacy',
						N8N_RUNNERS_ENABLED: 'false',
					}
				: { N8N_RUNNERS_BROKER_PORT: String(brokerPort) }),
			...extraEnv,
		});
	}

	get label() {
		return this.info.label;
	}

	/** Runs an n8n CLI command; throws (with its output) when it exits non-zero unless `allowFailure`. */
	async cli(args, { allowFailure = false, timeoutMs = 180000 } = {}) {
		fs.appendFileSync(this.logFile, `\n$ n8n ${args.join(' ')}\n`);
		const result = await runCommand(`n8n ${args[0]}`, this.nodeBin, [this.n8nBin, ...args], {
			cwd: this.runDir,
			env: this.env,
			logFile: this.logFile,
			timeoutMs,
		});
		if (result.code !== 0 && !allowFailure) {
			throw new Error(`n8n ${args.join(' ')} failed (exit ${result.code}):\n${tail(result.output, 40)}`);
		}
		return result;
	}

	async installPackage(tarball) {
		return installPackage(tarball, this.userFolder, this.env);
	}

	async importCredentials(credentials) {
		const file = path.join(this.runDir, 'credentials.json');
		fs.writeFileSync(file, JSON.stringify(credentials, null, 2));
		await this.cli(['import:credentials', `--input=${file}`]);
	}

	async importWorkflows(workflows) {
		const dir = path.join(this.runDir, 'workflows');
		fs.mkdirSync(dir, { recursive: true });
		for (const workflow of workflows) {
			fs.writeFileSync(path.join(dir, `${workflow.id}.json`), JSON.stringify(workflow, null, 2));
		}
		await this.cli(['import:workflow', '--separate', `--input=${dir}`]);
	}

	/** Activates a workflow for the next `n8n start` (1.x: active flag; 2.x: publish). */
	async publish(workflowId) {
		if (this.version === 'v1') await this.cli(['update:workflow', `--id=${workflowId}`, '--active=true']);
		else await this.cli(['publish:workflow', `--id=${workflowId}`]);
	}

	/**
	 * `n8n execute --rawOutput`: resolves with { code, run } where `run` is the execution JSON it
	 * printed (2.x prints log lines before it) or null.
	 */
	async execute(workflowId) {
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], { allowFailure: true });
		const lines = result.stdout.split('\n');
		const start = lines.findIndex((line) => line === '{');
		let run = null;
		if (start >= 0) {
			const end = lines.findIndex((line, index) => index > start && line === '}');
			if (end > start) {
				try {
					run = JSON.parse(lines.slice(start, end + 1).join('\n'));
				} catch {
					run = null;
				}
			}
		}
		return { code: result.code, run, output: result.output };
	}

	/**
	 * `n8n start` (or `command`: `webhook`, `worker` with its health server on `port`); resolves
	 * once it answers /healthz, the REST API answers (main) or /healthz/readiness does (worker:
	 * database and Redis connected), and every path in `webhookPaths` (production webhook paths,
	 * e.g. `my-hook` or `<webhookId>/piapi`) is registered. The probe is a CORS preflight: 204 once
	 * registered, 404 before; it starts no execution.
	 */
	async start(webhookPaths = [], { timeoutMs = 90000, command = 'start', args = [] } = {}) {
		fs.appendFileSync(this.logFile, `\n$ n8n ${[command, ...args].join(' ')}\n`);
		this.server = startProcess(`${this.name} (n8n ${command})`, this.nodeBin, [this.n8nBin, command, ...args], {
			cwd: this.runDir,
			env: this.env,
			logFile: this.logFile,
		});
		const deadline = Date.now() + timeoutMs;
		// Each wait fails early if n8n exited, and a failure shows n8n's last output.
		const until = (what, probe, intervalMs = 250) =>
			waitFor(
				what,
				async () => {
					if (this.server.done) throw new Error(`n8n exited while starting:\n${tail(this.server.output(), 40)}`);
					return probe();
				},
				{ timeoutMs: Math.max(1000, deadline - Date.now()), intervalMs },
			).catch((error) => {
				throw new Error(`${error.message}\n${tail(this.server.output(), 40)}`);
			});
		const get = (route) => request(`${this.baseUrl}${route}`, { timeoutMs: 2000 });
		await until(`${this.name} to answer /healthz`, async () => (await get('/healthz')).status === 200);
		if (command === 'worker') {
			await until(`${this.name} to be ready`, async () => (await get('/healthz/readiness')).status === 200);
		}
		if (command === 'start') {
			// Until n8n is fully up, its REST routes answer 200 "n8n is starting up. Please wait".
			await until(`${this.name}'s REST API`, async () => {
				const res = await get('/rest/settings');
				if (res.status !== 200) return null;
				try {
					return Boolean(JSON.parse(res.text).data);
				} catch {
					return null;
				}
			});
		}
		for (const webhookPath of webhookPaths) {
			await until(
				`the production webhook ${webhookPath} to be registered at ${this.name}`,
				async () => {
					const res = await request(`${this.baseUrl}/webhook/${webhookPath}`, {
						method: 'OPTIONS',
						headers: { origin: this.baseUrl, 'access-control-request-method': 'POST' },
						timeoutMs: 2000,
					});
					return res.status === 204 ? true : null;
				},
				200,
			);
		}
	}

	async stop() {
		if (this.server) await stopProcess(this.server, { graceMs: 20000 });
		if (this.db) await this.db.close();
		// A restarted n8n (n8n.start() again) opens a fresh reader on first use.
		this.db = undefined;
	}

	/** The executions database (opened on first use). */
	get executions() {
		if (!this.db) {
			this.db = new ExecutionDb({
				node: this.nodeBin,
				n8nDir: this.installDir,
				dbFile: this.dbFile,
				env: this.env,
				logFile: path.join(this.runDir, 'db-reader.log'),
			});
		}
		return this.db;
	}

	// -- REST (the editor's API) ------------------------------------------------------------

	async rest(method, route, body) {
		const headers = { 'browser-id': 'piapi-e2e-browser' };
		if (this.cookie) headers.cookie = this.cookie;
		const res = await request(`${this.baseUrl}/rest${route}`, { method, headers, body });
		const setCookie = res.headers['set-cookie'];
		if (setCookie) {
			const auth = setCookie.map((value) => value.split(';')[0]).find((value) => value.startsWith('n8n-auth='));
			if (auth) this.cookie = auth;
		}
		return res;
	}

	/** Sets up the instance owner (a fresh database has none) and keeps the login cookie. */
	async setupOwnerAndLogin(owner = OWNER) {
		const setup = await this.rest('POST', '/owner/setup', owner);
		if (setup.status !== 200) {
			throw new Error(`POST /rest/owner/setup answered ${setup.status}: ${setup.text.slice(0, 500)}`);
		}
		if (!this.cookie) {
			const login = await this.rest('POST', '/login', {
				email: owner.email,
				emailOrLdapLoginId: owner.email,
				password: owner.password,
			});
			if (login.status !== 200 || !this.cookie) {
				throw new Error(`POST /rest/login answered ${login.status}: ${login.text.slice(0, 500)}`);
			}
		}
	}
}

module.exports = { ENCRYPTION_KEY, N8n, OWNER, PACKAGE_NAME, VERSIONS, installPackage };
