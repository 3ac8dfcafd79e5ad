/**
 * Trigger throughput in a real n8n: `--deliveries` PiAPI webhook deliveries (one per finished
 * task, `--in-flight` at a time) to
 * - n8n's built-in Webhook node (starts an execution, nothing else),
 * - the PiAPI Trigger with its defaults (secret check, a confirming GET per delivery, the song
 *   downloaded into binary data),
 * - with `--with-bare`, the PiAPI Trigger with confirmation and download off (secret check only),
 * on one n8n, in `--runs` rounds (each round sends its share of the deliveries to each target in
 * turn), then `--forged` deliveries with a wrong secret to the trigger.
 *
 *   node bench/trigger.js [--deliveries 500] [--in-flight 10] [--forged 50] [--runs 3] [--with-bare]
 *                         [--version v2]
 *
 * Throughput of a round = its deliveries / (last execution's `stoppedAt` − first request). Each execution's
 * output is read back from n8n's database: every task must appear in exactly one execution.
 * Prints one JSON line.
 */
'use strict';

const { request, sleep } = require('../test/e2e/lib/util');
const { credentialFile, triggerNode, webhookNode, workflow } = require('../test/e2e/lib/workflows');
const { API_KEY, LYRICS, arg, log } = require('./lib');
const {
	FINAL,
	SimulatorProcess,
	dbTime,
	prepare,
	runScript,
	startN8n,
	tearDown,
} = require('./real-n8n');

const SECRET = 'bench-webhook-secret-5d2e';
/** Each target's workflow holds one node, so one node id serves them all. */
const NODE_ID = 'c1e2d1c0-0000-4000-8000-000000000001';

/** A receiver with its workflow id, webhook path, n8n node and where its output has the task id. */
function target(id, node, path, taskIdOf) {
	return { id, node: node.name, path, taskIdOf, workflow: workflow(id, `Bench: ${id}`, [node]) };
}

/** The PiAPI Trigger on `events` plus `parameters`; its production path is `<webhookId>/piapi`. */
function triggerTarget(id, webhookId, parameters) {
	const node = triggerNode(NODE_ID, webhookId, {
		events: ['completed', 'failed'],
		...parameters,
	});
	return target(id, node, `${webhookId}/piapi`, (json) => json.task_id);
}

const WEBHOOK_PATH = 'bench-webhook';
const TARGETS = {
	webhook: target(
		'benchWfWebhook01',
		webhookNode(NODE_ID, 'Webhook', WEBHOOK_PATH, 'c1e2d1c0-7f3b-4c2e-9a1d-0b0000000001'),
		WEBHOOK_PATH,
		(json) => json.body?.data?.task_id,
	),
	trigger: triggerTarget('benchWfTrigger01', 'c1e2d1c0-7f3b-4c2e-9a1d-0b0000000002', {}),
	triggerBare: triggerTarget('benchWfTrigger02', 'c1e2d1c0-7f3b-4c2e-9a1d-0b0000000003', {
		downloadAudio: false,
		options: { confirmWithPiApi: false },
	}),
};
if (!process.argv.includes('--with-bare')) delete TARGETS.triggerBare;

/** Runs `fn` over `items`, `limit` at a time. */
async function pool(items, limit, fn) {
	let next = 0;
	const results = new Array(items.length);
	await Promise.all(
		Array.from({ length: limit }, async () => {
			while (next < items.length) {
				const index = next++;
				results[index] = await fn(items[index], index);
			}
		}),
	);
	return results;
}

async function createTasks(sim, count) {
	await pool(Array.from({ length: count }), 20, async (_, i) => {
		const res = await request(`${sim.url}/api/v1/task`, {
			method: 'POST',
			headers: { 'x-api-key': API_KEY },
			body: {
				model: 'Qubico/diffrhythm',
				task_type: 'txt2audio-base',
				input: { lyrics: LYRICS, style_prompt: `bench trigger ${i}` },
			},
		});
		if (res.status !== 200) throw new Error(`create task: HTTP ${res.status}`);
	});
	for (;;) {
		const tasks = await sim.tasks();
		if (tasks.length >= count && tasks.every((t) => t.status === 'completed')) return tasks;
		await sleep(200);
	}
}

const deliver = (url, task, secret) =>
	request(url, {
		method: 'POST',
		headers: { 'x-webhook-secret': secret },
		body: { timestamp: Math.floor(Date.now() / 1000), data: task },
	});

async function executionsOf(n8n, workflowId) {
	return await n8n.executions.query(
		// Quoted names: Postgres (queue mode) folds unquoted ones to lower case; sqlite accepts both.
		`select e.id, e.status, e."startedAt", e."stoppedAt", d.data from execution_entity e
		 left join execution_data d on d."executionId" = e.id where e."workflowId" = ? order by e.id`,
		[workflowId],
		['data'],
	);
}

async function measure(n8n, t, tasks, inFlight, timeoutMs) {
	const url = `${n8n.baseUrl}/webhook/${t.path}`;
	const known = new Set((await n8n.executions.executions(t.id)).map((row) => row.id));
	const started = Date.now();
	const answers = await pool(
		tasks,
		inFlight,
		async (task) => (await deliver(url, task, SECRET)).status,
	);
	const answeredMs = Date.now() - started;
	const deadline = Date.now() + timeoutMs;
	let rows;
	for (;;) {
		rows = (await n8n.executions.executions(t.id)).filter((row) => !known.has(row.id));
		if (rows.length >= tasks.length && rows.every((row) => FINAL.has(row.status))) break;
		if (Date.now() > deadline) break;
		await sleep(250);
	}
	// Give a late duplicate the chance to show up before counting.
	await sleep(1000);
	const full = (await executionsOf(n8n, t.id)).filter((row) => !known.has(row.id));
	const perTask = new Map();
	for (const row of full) {
		const json = row.data?.resultData?.runData?.[t.node]?.[0]?.data?.main?.[0]?.[0]?.json ?? {};
		const id = t.taskIdOf(json);
		perTask.set(id, (perTask.get(id) ?? 0) + 1);
	}
	const lastStop = Math.max(...full.map((row) => dbTime(row.stoppedAt)));
	return {
		deliveries: tasks.length,
		answered200: answers.filter((s) => s === 200).length,
		answeredMs,
		processedMs: lastStop - started,
		perSecond: tasks.length / ((lastStop - started) / 1000),
		executions: full.length,
		succeeded: full.filter((row) => row.status === 'success').length,
		tasksWithExactlyOne: tasks.filter((task) => perTask.get(task.task_id) === 1).length,
	};
}

/** Deliveries of `tasks` with a wrong secret: how many were answered 401, how many executions started. */
async function measureForged(n8n, t, tasks, inFlight) {
	const before = (await n8n.executions.executions(t.id)).length;
	const answers = await pool(
		tasks,
		inFlight,
		async (task) =>
			(await deliver(`${n8n.baseUrl}/webhook/${t.path}`, task, 'forged-secret')).status,
	);
	await sleep(2000);
	const after = (await n8n.executions.executions(t.id)).length;
	return {
		deliveries: tasks.length,
		answered401: answers.filter((s) => s === 401).length,
		executions: after - before,
	};
}

async function main() {
	const deliveries = Number(arg('deliveries', '500'));
	const inFlight = Number(arg('in-flight', '10'));
	const forged = Number(arg('forged', '50'));
	const version = arg('version', 'v2');
	const runs = Number(arg('runs', '3'));
	const packed = await prepare(version);
	const { tarball } = packed;
	const sim = await SimulatorProcess.start({
		apiKey: API_KEY,
		renderMs: 100,
		pendingMs: 20,
		audioSeconds: 1,
	});
	let n8n;
	try {
		const tasks = await createTasks(sim, deliveries);
		const targets = Object.values(TARGETS);
		n8n = await startN8n({
			version,
			tarball,
			credentials: credentialFile({ apiKey: API_KEY, baseUrl: sim.url, webhookSecret: SECRET }),
			workflows: targets.map((t) => t.workflow),
			publish: targets.map((t) => t.id),
			webhookPaths: targets.map((t) => t.path),
		});
		const timeoutMs = 300_000;
		const results = { runs: [] };
		// The deliveries are split into `runs` rounds; each round sends its share to every target,
		// so every target gets each task exactly once and noise spreads over all three.
		for (let run = 0; run < runs; run++) {
			const share = tasks.slice(
				Math.round((run * deliveries) / runs),
				Math.round(((run + 1) * deliveries) / runs),
			);
			const round = {};
			for (const [name, t] of Object.entries(TARGETS)) {
				log(
					`trigger round ${run + 1}/${runs}: ${share.length} deliveries to ${name}, ${inFlight} in flight`,
				);
				round[name] = await measure(n8n, t, share, inFlight, timeoutMs);
			}
			results.runs.push(round);
		}
		log(`trigger: ${forged} forged deliveries`);
		results.forged = await measureForged(n8n, TARGETS.trigger, tasks.slice(0, forged), inFlight);
		process.stdout.write(`${JSON.stringify({ version, inFlight, ...results })}\n`);
	} finally {
		await tearDown({ instances: n8n ? [n8n] : [], sim, packed });
	}
}

// bench/queue.js reuses the receivers and the measurement on a queue-mode cluster.
if (require.main === module) runScript(main);

module.exports = { SECRET, TARGETS, createTasks, measure, measureForged };
