// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * Process, port and HTTP helpers for the end-to-end suite. Every child process is started in
 * its own process group and remembered by PID, so the suite can stop exactly what it started
 * (the group also holds n8n 2.x's task-runner child), and nothing else.
 */
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');

/** pid -> { name, child, exited } for every process started and not yet gone. */
const running = new Map();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What `npm run` adds to the environment that must not reach the npm commands run in the cache
 * folder: this project's .npmrc (npm_config_ignore_scripts would turn `npm rebuild sqlite3` into a
 * no-op), its prefix (npm would install there) and its script metadata. Other npm settings
 * (cache, registry, proxy, CA file) pass through.
 */
const NPM_RUN_ONLY =
	/^npm_(lifecycle_|package_|command$|execpath$|node_execpath$|config_(ignore_scripts|local_prefix|prefix|global_prefix|nodedir|call|user_agent|npm_version|node_gyp)$)/i;

/**
 * The environment for child processes: the caller's, without NPM_RUN_ONLY and without any n8n
 * setting of the person running the suite, plus `extra`.
 */
function childEnv(extra = {}) {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (NPM_RUN_ONLY.test(key)) continue;
		if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|INIT_CWD$)/i.test(key)) continue;
		env[key] = value;
	}
	return { ...env, ...extra };
}

/**
 * Starts a long-running process in its own process group. Output goes to `logFile` (appended) and
 * the last 256 kB are kept in memory for `output()`.
 */
function startProcess(name, command, args, { cwd, env, logFile, stdin = 'ignore', uid, gid } = {}) {
	const child = spawn(command, args, {
		cwd,
		env,
		detached: true,
		stdio: [stdin, 'pipe', 'pipe'],
		// Postgres refuses to run as root: the suite runs it as an unprivileged user.
		...(uid === undefined ? {} : { uid, gid }),
	});
	const log = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
	let buffered = '';
	const listeners = new Set();
	const onData = (chunk) => {
		if (log) log.write(chunk);
		buffered += chunk.toString('utf8');
		if (buffered.length > 262144) buffered = buffered.slice(-262144);
		for (const listener of listeners) listener(buffered);
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	// 'exit' can come before the last output is read: wait for both pipes to end, but not for
	// long (a grandchild that kept them open must not hold the caller).
	const ended = Promise.all(
		[child.stdout, child.stderr].map((stream) => new Promise((resolve) => stream.once('end', resolve))),
	);
	const exited = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			running.delete(child.pid);
			Promise.race([ended, sleep(2000)]).then(() => resolve({ code, signal }));
		});
		child.on('error', (error) => {
			running.delete(child.pid);
			onData(Buffer.from(`\n[${name}] failed to start: ${error.message}\n`));
			resolve({ code: null, signal: null, error });
		});
	});
	exited.then(() => {
		if (log) log.end();
	});
	const proc = {
		name,
		pid: child.pid,
		child,
		exited,
		done: false,
		output: () => buffered,
		/** Resolves with the output once `pattern` appears in it; rejects on exit or timeout. */
		waitForOutput(pattern, timeoutMs) {
			return new Promise((resolve, reject) => {
				const check = (text) => {
					if (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) {
						finish();
						resolve(text);
					}
				};
				const timer = setTimeout(() => {
					finish();
					reject(new Error(`${name}: no "${pattern}" in its output after ${timeoutMs} ms`));
				}, timeoutMs);
				const finish = () => {
					clearTimeout(timer);
					listeners.delete(check);
				};
				listeners.add(check);
				exited.then(({ code, signal }) => {
					if (!listeners.has(check)) return;
					finish();
					reject(new Error(`${name} exited (code ${code}, signal ${signal}) before "${pattern}"`));
				});
				check(buffered);
			});
		},
	};
	exited.then(() => {
		proc.done = true;
	});
	if (child.pid) running.set(child.pid, proc);
	return proc;
}

/** Runs a command to completion; resolves with { code, output } (stdout and stderr interleaved in `output`, stdout alone in `stdout`). */
function runCommand(name, command, args, { cwd, env, logFile, timeoutMs = 600000, uid, gid } = {}) {
	const proc = startProcess(name, command, args, { cwd, env, logFile, uid, gid });
	let stdout = '';
	proc.child.stdout.on('data', (chunk) => {
		stdout += chunk.toString('utf8');
	});
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		stopProcess(proc, { graceMs: 2000 });
	}, timeoutMs);
	return proc.exited.then(({ code, signal, error }) => {
		clearTimeout(timer);
		return { code, signal, error, timedOut, stdout, output: proc.output() };
	});
}

function signalGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		try {
			process.kill(pid, signal);
			return true;
		} catch {
			return false;
		}
	}
}

/**
 * `signal` (SIGTERM unless the process asked for another, e.g. Postgres's fast shutdown SIGINT)
 * to the process group, SIGKILL after `graceMs` if it is still there.
 */
async function stopProcess(proc, { graceMs = 15000, signal = proc && proc.stopSignal } = {}) {
	if (!proc || proc.done) return proc ? proc.exited : undefined;
	signalGroup(proc.pid, signal || 'SIGTERM');
	const timer = new Promise((resolve) => setTimeout(() => resolve('timeout'), graceMs));
	if ((await Promise.race([proc.exited, timer])) === 'timeout') {
		signalGroup(proc.pid, 'SIGKILL');
		await proc.exited;
	}
	// The group may still hold a child (n8n's task runner) after its leader left.
	signalGroup(proc.pid, 'SIGKILL');
	return proc.exited;
}

/** Stops every process this suite started that is still running (graceful first). */
async function stopAll() {
	await Promise.all([...running.values()].map((proc) => stopProcess(proc, { graceMs: 10000 })));
}

/** Last resort on exit: synchronous SIGKILL to every group still known. */
function killAllNow() {
	for (const pid of running.keys()) signalGroup(pid, 'SIGKILL');
	running.clear();
}

/**
 * Installs the exit handling once: on Ctrl-C / SIGTERM every started process is stopped by its
 * PID, then `onSignal` runs; on any exit whatever is still running is killed.
 */
function installExitHandlers(onSignal) {
	let stopping = false;
	const handle = (signal) => {
		if (stopping) {
			killAllNow();
			process.exit(130);
		}
		stopping = true;
		process.stderr.write(`\n${signal}: stopping everything this script started...\n`);
		stopAll()
			.catch(() => {})
			.then(() => (onSignal ? onSignal(signal) : undefined))
			.finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
	};
	process.on('SIGINT', handle);
	process.on('SIGTERM', handle);
	process.on('SIGHUP', handle);
	process.on('exit', killAllNow);
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** True when something accepts connections on 127.0.0.1:port. */
function isListening(port) {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		socket.setTimeout(1000);
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('timeout', () => {
			socket.destroy();
			resolve(false);
		});
		socket.once('error', () => resolve(false));
	});
}

/**
 * One HTTP request; resolves with { status, headers, text, body (the raw bytes), json() }, never
 * rejects on a status.
 */
function request(url, { method = 'GET', headers = {}, body, timeoutMs = 30000 } = {}) {
	return new Promise((resolve, reject) => {
		let payload;
		const allHeaders = { ...headers };
		if (body !== undefined) {
			payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
			if (!Object.keys(allHeaders).some((key) => key.toLowerCase() === 'content-type')) {
				allHeaders['content-type'] = 'application/json';
			}
			allHeaders['content-length'] = payload.length;
		}
		const req = http.request(url, { method, headers: allHeaders, agent: false }, (res) => {
			const chunks = [];
			res.on('data', (chunk) => chunks.push(chunk));
			res.on('end', () => {
				const raw = Buffer.concat(chunks);
				const text = raw.toString('utf8');
				resolve({
					status: res.statusCode,
					headers: res.headers,
					text,
					body: raw,
					json() {
						try {
							return JSON.parse(text);
						} catch {
							throw new Error(`${method} ${url}: not JSON (${res.statusCode}): ${text.slice(0, 300)}`);
						}
					},
				});
			});
			res.on('error', reject);
		});
		req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer in ${timeoutMs} ms`)));
		req.on('error', reject);
		req.end(payload);
	});
}

/**
 * Polls `probe` until it returns a truthy value (which is returned). On timeout throws with
 * `describe(lastValue)` so the failure says what was seen.
 */
async function waitFor(what, probe, { timeoutMs = 30000, intervalMs = 250, describe } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last;
	let lastError;
	for (;;) {
		try {
			last = await probe();
			lastError = undefined;
			if (last) return last;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() >= deadline) {
			const seen = lastError
				? `last error: ${lastError.message}`
				: `last seen: ${describe ? describe(last) : JSON.stringify(last)}`;
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${seen}`);
		}
		await sleep(intervalMs);
	}
}

/** The last `lines` lines of a text, for failure reports. */
function tail(text, lines = 40) {
	return String(text || '')
		.split('\n')
		.slice(-lines)
		.join('\n');
}

function seconds(ms) {
	return `${(ms / 1000).toFixed(1)} s`;
}

module.exports = {
	childEnv,
	signalGroup,
	freePort,
	installExitHandlers,
	isListening,
	killAllNow,
	request,
	runCommand,
	running,
	seconds,
	sleep,
	startProcess,
	stopAll,
	stopProcess,
	tail,
	waitFor,
};
