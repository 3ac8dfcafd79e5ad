/**
 * Real n8n for the benchmarks, through the end-to-end suite's tooling (test/e2e/lib): n8n installed
 * into its cache from the committed lockfiles, the package installed from `npm pack`, sqlite,
 * loopback only. Every process is started and stopped by PID.
 */
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const { ensureAll } = require('../test/e2e/lib/install');
const { N8n } = require('../test/e2e/lib/n8n');
const { pack } = require('../test/e2e/lib/report');
const { SimulatorProcess } = require('../test/e2e/lib/sim');
const { freePort, sleep, stopAll } = require('../test/e2e/lib/util');
const { ROOT, log } = require('./lib');

/** Installs (or finds in the cache) the n8n version, then packs this package as the e2e suite does. */
async function prepare(version) {
	await ensureAll([version], log);
	return await pack();
}

/**
 * Starts one n8n with the package, the credential and the workflows imported, `publish` ids
 * published, and resolves once the production webhooks at `webhookPaths` answer.
 */
async function startN8n({
	version,
	tarball,
	extraEnv = {},
	credentials,
	workflows,
	publish = [],
	webhookPaths = [],
}) {
	const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `piapi-bench-${version}-`));
	const port = await freePort();
	let brokerPort = await freePort();
	while (brokerPort === port) brokerPort = await freePort();
	const n8n = new N8n({ version, runDir, port, brokerPort, extraEnv });
	await n8n.installPackage(tarball);
	if (credentials) await n8n.importCredentials(credentials);
	await n8n.importWorkflows(workflows);
	for (const id of publish) await n8n.publish(id);
	await n8n.start(webhookPaths, { timeoutMs: 180_000 });
	n8n.benchRunDir = runDir;
	return n8n;
}

async function stopN8n(n8n) {
	await n8n.stop();
	fs.rmSync(n8n.benchRunDir, { recursive: true, force: true });
}

/** sqlite's `YYYY-MM-DD HH:MM:SS.sss` (UTC) or an ISO string, as ms since the epoch. */
function dbTime(value) {
	if (value === null || value === undefined) return undefined;
	if (typeof value === 'number') return value;
	const text = String(value);
	return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

const FINAL = new Set(['success', 'error', 'crashed', 'canceled']);

const STALL_MS = 30_000;

/**
 * The last moment the simulator saw anything happen for a measurement: the latest song end
 * (`meta.ended_at`) of `tasks` and the latest webhook attempt that got an answer or an error
 * (`at + ms` of `deliveries`). Undefined before any song has ended.
 */
function lastActivity(tasks, deliveries) {
	const times = [
		...tasks.map((task) => dbTime(task.meta?.ended_at)).filter((t) => t > 0),
		...deliveries.map((d) => d.at + (d.ms ?? 0)),
	];
	return times.length ? Math.max(...times) : undefined;
}

/**
 * Waits for a measurement's executions and says how the wait ended. Reads `rows()` every 250 ms
 * until `expected` executions exist and all are final, or `timeoutMs` have passed since `started`,
 * or the run has stalled: every song has ended (`settled()`), nothing has happened for `stallMs`
 * (30 s) since the later of the last song end and the last callback answered (`activity()`, ms since
 * the epoch; see lastActivity) and since the last execution finished, and no execution is being
 * resumed (`resuming(rows)`: true while the node has logged "all … done; resuming" for an
 * execution that is not final yet). A late resume is a late resume: it is waited for (up to `timeoutMs`), not
 * counted as a failure. The simulator gives up on a callback once its retries are spent (4
 * attempts, each up to 5 s, by default 200 ms apart), so an execution still waiting after a quiet
 * `stallMs` waits for its Max Wait: it is listed in `waiting` rather than waited for.
 * Resolves with { rows (the last read), outcome: 'done' | 'stalled' | 'timeout', waiting (ids of
 * executions not final when the wait ended), waitedMs }.
 */
async function waitForExecutions({
	rows,
	expected,
	started,
	timeoutMs,
	settled,
	activity = async () => undefined,
	resuming = async () => false,
	stallMs = STALL_MS,
}) {
	let finishedSoFar = 0;
	let lastFinished = started;
	const end = (current, outcome) => ({
		rows: current,
		outcome,
		waiting: current.filter((row) => !FINAL.has(row.status)).map((row) => row.id),
		waitedMs: Date.now() - started,
	});
	for (;;) {
		const current = await rows();
		const finishedNow = current.filter((row) => FINAL.has(row.status)).length;
		if (finishedNow > finishedSoFar) {
			finishedSoFar = finishedNow;
			lastFinished = Date.now();
		}
		if (current.length >= expected && finishedNow === current.length) return end(current, 'done');
		if (Date.now() - started > timeoutMs) return end(current, 'timeout');
		if (Date.now() - lastFinished > stallMs && (await settled())) {
			const quietSince = Math.max(lastFinished, (await activity()) ?? started);
			if (Date.now() - quietSince > stallMs && !(await resuming(current)))
				return end(current, 'stalled');
		}
		await sleep(250);
	}
}

/**
 * Stops what a real-n8n benchmark started (its n8n instances, the simulator, any other process
 * it started) and removes the packed package.
 */
async function tearDown({ instances, sim, packed }) {
	await Promise.all(instances.map((n8n) => stopN8n(n8n)));
	await sim.stop();
	await stopAll();
	fs.rmSync(packed.dir, { recursive: true, force: true });
}

/** Runs a benchmark script's `main`; on failure stops every process it started and exits 1. */
function runScript(main) {
	main().catch(async (error) => {
		console.error(error);
		await stopAll();
		process.exit(1);
	});
}

module.exports = { FINAL, SimulatorProcess, dbTime, prepare, runScript, startN8n, tearDown };
// The wait that bench/occupancy.js and bench/queue.js share.
module.exports.waitForExecutions = waitForExecutions;
module.exports.lastActivity = lastActivity;
