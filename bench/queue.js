/**
 * Queue mode in a real n8n 2.41: one main, one webhook process and `--workers` workers at
 * concurrency 1 (`n8n worker --concurrency=1`), Postgres and Redis (the queue suite's
 * QueueCluster and services), one simulator. `--songs` songs of `--seconds` s, started through
 * production webhooks at the webhook process, in three variants:
 * - poll: one execution per song, Generate and Wait in Poll mode;
 * - suspend: one execution per song, Suspend mode;
 * - batch: one execution for all songs (Webhook → Split Out → Generate and Wait in Suspend mode:
 *   every task created up front, resumed once when the last song is done).
 * The variants run one after another on the same cluster (run at once, they would queue for the
 * same two workers), in an order that rotates from run to run; then PiAPI Trigger throughput
 * through the webhook process (bench/trigger.js's receiver and measurement).
 *
 *   node bench/queue.js [--songs 20] [--seconds 10] [--workers 2] [--runs 1]
 *                       [--deliveries 200] [--in-flight 10] [--forged 20] [--keep]
 *                       [--variants poll,suspend,batch] [--repeat 1] [--retries 3]
 *                       [--retry-gap-ms 200] [--concurrency N] [--webhook-env K=V,K=V]
 *
 * `--variants` runs only the named variants; `--deliveries 0` skips the trigger measurement.
 * `--songs 50,100,200` measures each size in turn on the same cluster (smallest first).
 * The simulator's webhooks: `--repeat` final callbacks per song (50 ms apart), `--retries` more
 * attempts after a failed one (timeout 5 s, or not 2xx), `--retry-gap-ms` apart; PiAPI's pattern
 * as the issue describes it is `--repeat 2 --retries 3 --retry-gap-ms 5000`. `--concurrency N`
 * is the account's `max_concurrent_task_count`: the simulator renders at most N tasks at once and
 * stages the rest, so completions spread. `--webhook-env` sets n8n settings on the webhook
 * process only (e.g. DB_POSTGRESDB_POOL_SIZE=10,N8N_EXPRESSION_ENGINE_POOL_SIZE=4).
 * `--keep` keeps the run's folder (every process's log, the simulator's, and per variant the
 * simulator's request and delivery logs as JSON) instead of removing it; BENCH_N8N_LOG_LEVEL=debug
 * makes the n8n processes log at debug level.
 *
 * Wall time = from the first webhook request to the last execution's `stoppedAt` in Postgres.
 * Worker-seconds = the sum, over the Bull jobs of the variant's executions, of the time between
 * the worker's "Worker started execution <id> (job <n>)" and "Worker finished execution <id> (job
 * <n>)" log lines (n8n's JSON log format, with its own timestamps); a suspended execution has two
 * jobs, the start up to the wait and the resume. A song counts when its item has the completed task
 * and its audio is byte for byte the simulator's file for that task.
 * The wait for a variant's executions is real-n8n.js's waitForExecutions: a late resume is waited
 * for; what was still waiting when it gave up is listed in `waitingIds` and `outcome` says why.
 * `lastSongToOutputMs` = from the last song's end at the simulator to the last execution's
 * `stoppedAt`; `allDoneToEndMs` = from the node's "all N tasks are done … resuming" log line
 * (Suspend; Poll: the execution's last song end) to that execution's `stoppedAt`. `callbacks`
 * counts every webhook attempt by kind and answer (status code or error); `load` is the machine's
 * 1-minute load average before and after (other processes share the cores).
 * Prints one JSON line.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { QueueCluster } = require('../test/e2e/lib/queue-cluster');
const qwf = require('../test/e2e/lib/queue-workflows');
const { AUDIO_SECONDS, assertSong, nodeOutput } = require('../test/e2e/lib/scenarios');
const { Postgres, Redis, ensureServerPackages } = require('../test/e2e/lib/services');
const { request, sleep, stopAll } = require('../test/e2e/lib/util');
const wf = require('../test/e2e/lib/workflows');
const { API_KEY, arg, log, median, round } = require('./lib');
const realN8n = require('./real-n8n');
const trigger = require('./trigger');

const { FINAL, dbTime, lastActivity } = realN8n;

/** The three variants: the queue suite's Poll, Suspend and several-items (Split Out) workflows. */
function variants() {
	const suite = qwf.workflows({ triggerUrl: '' });
	const pick = (id) => suite.find((w) => w.id === id);
	return [
		{ name: 'poll', id: qwf.IDS.poll, path: qwf.PATHS.poll, definition: pick(qwf.IDS.poll) },
		{
			name: 'suspend',
			id: qwf.IDS.suspend,
			path: qwf.PATHS.suspend,
			definition: pick(qwf.IDS.suspend),
		},
		{
			name: 'batch',
			id: qwf.IDS.batch,
			path: qwf.PATHS.batch,
			batch: true,
			definition: pick(qwf.IDS.batch),
		},
	];
}

/**
 * The Bull jobs of `executionIds` from the workers' JSON log lines: { worker, executionId, job,
 * startedAt, finishedAt } (finishedAt undefined while a job runs).
 */
function workerJobs(cluster, executionIds) {
	const wanted = new Set(executionIds.map(String));
	const jobs = new Map();
	for (const worker of cluster.workers) {
		if (!fs.existsSync(worker.logFile)) continue;
		for (const line of fs.readFileSync(worker.logFile, 'utf8').split('\n')) {
			const match = /"message":"Worker (started|finished) execution (\d+) \(job (\d+)\)"/.exec(
				line,
			);
			if (!match || !wanted.has(match[2])) continue;
			const entry = JSON.parse(line);
			const at = Date.parse(entry.timestamp ?? entry.metadata?.timestamp);
			const key = `${worker.name}|${match[3]}`;
			const job = jobs.get(key) ?? { worker: worker.name, executionId: match[2], job: match[3] };
			job[match[1] === 'started' ? 'startedAt' : 'finishedAt'] = at;
			jobs.set(key, job);
		}
	}
	return [...jobs.values()];
}

/** Every item of a finished execution that holds a completed song, checked against the simulator. */
async function songsOf(cluster, sim, execution) {
	const songs = [];
	let items = [];
	try {
		items = nodeOutput(execution, 'DiffRhythm');
	} catch (error) {
		return { items: 0, songs, failures: [error.message] };
	}
	const failures = [];
	for (const item of items) {
		if (item.json?.status !== 'completed') {
			failures.push(`execution ${execution.id}: item status ${item.json?.status}`);
			continue;
		}
		try {
			const { bytes } = await assertSong(cluster.main, sim, item, item.json.task_id);
			songs.push({ taskId: item.json.task_id, bytes });
		} catch (error) {
			failures.push(`execution ${execution.id}, task ${item.json.task_id}: ${error.message}`);
		}
	}
	return { items: items.length, songs, failures };
}

async function measure({ cluster, sim, workers, keepDir, repeat }, variant, songs, timeoutMs) {
	await sim.reset();
	// The final callbacks are delivered `repeat` times (reset() forgets the behaviour).
	if (repeat !== 1) await sim.behaviour({ webhookRepeat: repeat });
	const main = cluster.main;
	const before = new Set((await main.executions.executions(variant.id)).map((row) => row.id));
	const style = `bench queue ${variant.name}`;
	const list = Array.from({ length: songs }, (_, n) => ({ style, n }));
	const bodies = variant.batch ? [{ songs: list }] : list;
	const url = `${cluster.webhook.baseUrl}/webhook/${variant.path}`;
	const started = Date.now();
	const answers = await Promise.all(
		bodies.map((body) =>
			request(url, { method: 'POST', body, timeoutMs: 60_000 }).catch((error) => ({
				status: error.message,
			})),
		),
	);
	const loadBefore = os.loadavg()[0];
	const waited = await realN8n.waitForExecutions({
		rows: async () =>
			(await main.executions.executions(variant.id)).filter((row) => !before.has(row.id)),
		expected: bodies.length,
		started,
		timeoutMs,
		settled: async () => {
			const tasks = await sim.tasks();
			return (
				tasks.length >= songs && tasks.every((t) => ['completed', 'failed'].includes(t.status))
			);
		},
		activity: async () => lastActivity(await sim.tasks(), await sim.deliveries()),
		// The node said "resuming" more often than executions have finished: one is on its way.
		resuming: async (current) =>
			allDoneLines(cluster, started).length > current.filter((row) => FINAL.has(row.status)).length,
	});
	const rows = waited.rows;
	const finished = rows.filter((row) => FINAL.has(row.status));
	const ids = rows.map((row) => row.id);
	// A worker logs "finished" just after it saved the execution: give the line a moment.
	let jobs = workerJobs(cluster, ids);
	for (let i = 0; i < 20 && jobs.some((job) => job.finishedAt === undefined); i++) {
		await sleep(250);
		jobs = workerJobs(cluster, ids);
	}
	// What PiAPI saw, before the checks below download the simulator's files themselves.
	const requests = await sim.requests();
	const deliveries = await sim.deliveries();
	const delivered = [];
	const failures = [];
	let items = 0;
	// The execution each delivered task ended up in, to match the node's "all done" lines.
	const executionOf = new Map();
	for (const row of finished) {
		const result = await songsOf(cluster, sim, await main.executions.execution(row.id));
		items += result.items;
		delivered.push(...result.songs);
		failures.push(...result.failures);
		for (const song of result.songs) executionOf.set(song.taskId, row);
	}
	const tasks = await sim.tasks();
	const endOf = (task) => dbTime(task.meta?.ended_at);
	const songEnds = tasks.map(endOf).filter((t) => t > 0);
	const lastSongEnd = songEnds.length ? Math.max(...songEnds) : null;
	// From "all done" to the resumed execution's end: the node's log line (Suspend), else the
	// execution's last song end (Poll has no such line).
	const lines = allDoneLines(cluster, started);
	const allDoneToEnd = [];
	for (const row of finished) {
		const line = lines.find((l) => executionOf.get(l.taskId)?.id === row.id);
		const own = tasks.filter((t) => executionOf.get(t.task_id)?.id === row.id).map(endOf);
		const doneAt = line ? line.at : own.length ? Math.max(...own) : undefined;
		if (doneAt !== undefined) allDoneToEnd.push(dbTime(row.stoppedAt) - doneAt);
	}
	const finals = deliveries.filter((d) => d.kind === 'final');
	if (keepDir) {
		// What PiAPI saw and sent, for reading next to the kept process logs.
		const file = path.join(keepDir, `simulator-${variant.name}-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify({ started, requests, deliveries }, null, 1));
	}
	const closed = jobs.filter((job) => job.finishedAt !== undefined);
	const lastStop = finished.length
		? Math.max(...finished.map((row) => dbTime(row.stoppedAt)))
		: null;
	const wallMs = lastStop === null ? null : lastStop - started;
	const workerMs = closed.reduce((sum, job) => sum + (job.finishedAt - job.startedAt), 0);
	return {
		variant: variant.name,
		songs,
		requests: bodies.length,
		refusedRequests: answers.filter((a) => a.status !== 200).length,
		executions: rows.length,
		finished: finished.length,
		succeeded: finished.filter((row) => row.status === 'success').length,
		stillWaiting: rows.filter((row) => row.status === 'waiting').length,
		// Why the wait ended ('done', 'stalled': quiet for 30 s after the last song and callback,
		// 'timeout'), and the executions not final then (they wait for Max Wait).
		outcome: waited.outcome,
		waitingIds: waited.waiting,
		waitedMs: waited.waitedMs,
		complete: delivered.length === songs && finished.length === bodies.length,
		wallMs,
		workerMs,
		// Both workers busy for the whole wall time would be workers × wall.
		workerShare: wallMs ? workerMs / (workers * wallMs) : null,
		jobs: jobs.length,
		openJobs: jobs.length - closed.length,
		jobsPerWorker: Object.fromEntries(
			cluster.workers.map((w) => [w.name, jobs.filter((job) => job.worker === w.name).length]),
		),
		// Poll holds its worker from start to stop: the database's view of the same figure.
		executionSpanMs: finished.reduce(
			(sum, row) => sum + (dbTime(row.stoppedAt) - dbTime(row.startedAt)),
			0,
		),
		items,
		songsDelivered: delivered.length,
		distinctTaskIds: new Set(delivered.map((song) => song.taskId)).size,
		songsOwnTasks: delivered.filter((song) => tasks.some((t) => t.task_id === song.taskId)).length,
		bytes: delivered.reduce((sum, song) => sum + song.bytes, 0),
		failures: failures.slice(0, 5),
		tasksCreated: tasks.length,
		posts: requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/task').length,
		gets: requests.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/task/')).length,
		// PiAPI's final callbacks (Suspend) by the receiver's answer (or the simulator's error).
		callbacks: finals.reduce((counts, d) => {
			const key = String(d.statusCode ?? d.error ?? 'none');
			counts[key] = (counts[key] ?? 0) + 1;
			return counts;
		}, {}),
		// Every attempt, progress ('intermediate') and final, by answer.
		callbackAttempts: deliveries.reduce((counts, d) => {
			const key = `${d.kind} ${d.statusCode ?? d.error ?? 'none'}`;
			counts[key] = (counts[key] ?? 0) + 1;
			return counts;
		}, {}),
		// Songs whose final callback got a 2xx at least once.
		finalsAnswered: new Set(
			finals.filter((d) => d.statusCode >= 200 && d.statusCode < 300).map((d) => d.taskId),
		).size,
		downloads: requests.filter((r) => r.method === 'GET' && r.path.startsWith('/files/')).length,
		songEndSpreadMs: songEnds.length ? lastSongEnd - Math.min(...songEnds) : null,
		lastSongAfterStartMs: lastSongEnd === null ? null : lastSongEnd - started,
		lastSongToOutputMs: lastStop === null || lastSongEnd === null ? null : lastStop - lastSongEnd,
		allDoneLines: lines.length,
		allDoneToEndMs: allDoneToEnd.length ? Math.max(...allDoneToEnd) : null,
		allDoneToEndMedianMs: allDoneToEnd.length ? median(allDoneToEnd) : null,
		webhookLog: webhookLogCounts(cluster, started),
		load: { before: round(loadBefore), after: round(os.loadavg()[0]) },
	};
}

/** The lines of `n8n`'s JSON log written since `since`: { at (n8n's timestamp), line }. */
function logLinesSince(n8n, since) {
	if (!fs.existsSync(n8n.logFile)) return [];
	const lines = [];
	for (const line of fs.readFileSync(n8n.logFile, 'utf8').split('\n')) {
		let at;
		try {
			const entry = JSON.parse(line);
			at = Date.parse(entry.timestamp ?? entry.metadata?.timestamp);
		} catch {
			continue;
		}
		if (at >= since) lines.push({ at, line });
	}
	return lines;
}

/**
 * The node's "all N tasks are done (last: <task id>); resuming the execution" lines logged since
 * `since` by any process: { at, count, taskId }.
 */
function allDoneLines(cluster, since) {
	const found = [];
	for (const n8n of cluster.all) {
		for (const { at, line } of logLinesSince(n8n, since)) {
			const match = /DiffRhythm: all (\d+) tasks? (?:is|are) done \(last: ([^)]+)\); resuming/.exec(
				line,
			);
			if (match) found.push({ at, count: Number(match[1]), taskId: match[2] });
		}
	}
	return found.sort((a, b) => a.at - b.at);
}

/** How often the webhook process logged the overload messages seen in the issue, since `since`. */
function webhookLogCounts(cluster, since) {
	const patterns = {
		bodyAborted: 'Request body stream was aborted',
		databaseNotReady: 'Database is not ready',
		errors: '"level":"error"',
		warnings: '"level":"warn"',
	};
	const counts = Object.fromEntries(Object.keys(patterns).map((key) => [key, 0]));
	for (const { line } of logLinesSince(cluster.webhook, since))
		for (const [key, text] of Object.entries(patterns)) if (line.includes(text)) counts[key]++;
	return counts;
}

/** The figures of one measurement worth seeing while the benchmark runs. */
function summary(r) {
	return {
		variant: r.variant,
		songs: r.songs,
		outcome: r.outcome,
		delivered: r.songsDelivered,
		waiting: r.waitingIds.length,
		lastSongToOutputMs: r.lastSongToOutputMs,
		allDoneToEndMs: r.allDoneToEndMs,
		callbacks: r.callbackAttempts,
		gets: r.gets,
		load: r.load,
	};
}

/** PiAPI Trigger deliveries to the webhook process, as bench/trigger.js sends them to one n8n. */
async function triggerThroughput({ cluster, sim }, deliveries, inFlight, forged) {
	await sim.reset();
	log(`queue: ${deliveries} completed tasks for the trigger`);
	const tasks = await trigger.createTasks(sim, deliveries);
	// The webhook process receives; the executions are read from Postgres through main.
	const receiver = { baseUrl: cluster.webhook.baseUrl, executions: cluster.main.executions };
	log(`queue: ${deliveries} deliveries to the webhook process, ${inFlight} in flight`);
	const result = await trigger.measure(receiver, trigger.TARGETS.trigger, tasks, inFlight, 600_000);
	log(`queue: ${forged} forged deliveries`);
	const refused = await trigger.measureForged(
		receiver,
		trigger.TARGETS.trigger,
		tasks.slice(0, forged),
		inFlight,
	);
	const jobs = workerJobs(
		cluster,
		(await cluster.main.executions.executions(trigger.TARGETS.trigger.id)).map((row) => row.id),
	);
	return {
		...result,
		answeredPerSecond: deliveries / (result.answeredMs / 1000),
		workerMs: jobs.reduce(
			(sum, job) => sum + ((job.finishedAt ?? job.startedAt) - job.startedAt),
			0,
		),
		forged: refused,
	};
}

async function main() {
	// One size or several (`50,100,200`), measured smallest first on the same cluster.
	const sizes = arg('songs', '20')
		.split(',')
		.map(Number)
		.sort((a, b) => a - b);
	const repeat = Number(arg('repeat', '1'));
	const retries = arg('retries', undefined);
	const retryGapMs = arg('retry-gap-ms', undefined);
	const concurrency = arg('concurrency', undefined);
	const webhookEnv = Object.fromEntries(
		arg('webhook-env', '')
			.split(',')
			.filter(Boolean)
			.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
	);
	const seconds = Number(arg('seconds', '10'));
	const workers = Number(arg('workers', '2'));
	const runs = Number(arg('runs', '1'));
	const deliveries = Number(arg('deliveries', '200'));
	const inFlight = Number(arg('in-flight', '10'));
	const forged = Number(arg('forged', '20'));
	const packed = await realN8n.prepare('v2');
	const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'piapi-bench-queue-'));
	const started = { postgres: null, redis: null, sim: null, cluster: null };
	try {
		await ensureServerPackages(log);
		started.postgres = await Postgres.start({ log });
		started.redis = await Redis.start({ dir: path.join(runDir, 'redis'), log });
		// `seconds` from creation to completion, as in bench/occupancy.js; the queue suite's 3 s WAV.
		started.sim = await realN8n.SimulatorProcess.start({
			apiKey: API_KEY,
			renderMs: seconds * 1000 - 300,
			pendingMs: 300,
			audioSeconds: AUDIO_SECONDS,
			concurrency: concurrency === undefined ? undefined : Number(concurrency),
			webhookRetries: retries === undefined ? undefined : Number(retries),
			webhookRetryGapMs: retryGapMs === undefined ? undefined : Number(retryGapMs),
			logFile: path.join(runDir, 'simulator.log'),
		});
		const cluster = await QueueCluster.create({
			version: 'v2',
			runDir,
			postgres: started.postgres,
			redis: started.redis,
			workers,
			concurrency: 1,
			// Every log line with n8n's own timestamp: the workers' job lines are the measurement.
			extraEnv: {
				N8N_LOG_FORMAT: 'json',
				N8N_LOG_LEVEL: process.env.BENCH_N8N_LOG_LEVEL ?? 'info',
			},
		});
		started.cluster = cluster;
		// Settings tried for bursts of callbacks: the webhook process only.
		Object.assign(cluster.webhook.env, webhookEnv);
		const picked = arg('variants', '').split(',').filter(Boolean);
		const list = variants().filter((v) => !picked.length || picked.includes(v.name));
		await cluster.installPackage(packed.tarball);
		await cluster.main.importCredentials(
			wf.credentialFile({
				apiKey: API_KEY,
				baseUrl: started.sim.url,
				webhookSecret: trigger.SECRET,
			}),
		);
		await cluster.main.importWorkflows([
			...list.map((v) => v.definition),
			trigger.TARGETS.trigger.workflow,
		]);
		for (const id of [...list.map((v) => v.id), trigger.TARGETS.trigger.id])
			await cluster.main.publish(id);
		log(`queue: starting main, webhook process and ${workers} workers (concurrency 1)`);
		await cluster.start([...list.map((v) => v.path), trigger.TARGETS.trigger.path]);
		const keepDir = process.argv.includes('--keep') ? runDir : null;
		const ctx = { cluster, sim: started.sim, workers, keepDir, repeat };
		const results = [];
		for (const songs of sizes) {
			// Twice what Poll needs (or the account's limit lets through), plus a minute.
			const slots = Math.min(workers, concurrency === undefined ? Infinity : Number(concurrency));
			const timeoutMs = (Math.ceil(songs / slots) * seconds * 2 + 60) * 1000;
			for (let run = 0; run < runs; run++) {
				const order = list.map((_, i) => list[(i + run) % list.length]);
				const turn = {};
				for (const variant of order) {
					log(
						`queue run ${run + 1}/${runs}: ${variant.name}, ${songs} songs of ${seconds} s, ${workers} workers at concurrency 1 (load ${os.loadavg()[0].toFixed(2)})`,
					);
					turn[variant.name] = await measure(ctx, variant, songs, timeoutMs);
					log(`queue: ${JSON.stringify(summary(turn[variant.name]))}`);
				}
				results.push(turn);
			}
		}
		const triggerResult =
			deliveries > 0 ? await triggerThroughput(ctx, deliveries, inFlight, forged) : null;
		process.stdout.write(
			`${JSON.stringify({
				version: 'v2',
				songs: sizes.length === 1 ? sizes[0] : sizes,
				seconds,
				workers,
				delivery: { repeat, retries, retryGapMs, concurrency },
				webhookEnv,
				runs: results,
				trigger: triggerResult,
			})}\n`,
		);
	} finally {
		if (started.cluster) await started.cluster.stop();
		for (const service of [started.sim, started.redis, started.postgres])
			if (service) await service.stop();
		await stopAll();
		if (!process.argv.includes('--keep')) fs.rmSync(runDir, { recursive: true, force: true });
		else log(`queue: logs kept in ${runDir}`);
		if (started.postgres) fs.rmSync(started.postgres.dir, { recursive: true, force: true });
		fs.rmSync(packed.dir, { recursive: true, force: true });
	}
}

realN8n.runScript(main);
