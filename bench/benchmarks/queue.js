/**
 * Queue mode (bench/queue.js): the three ways to wait for many songs on a real n8n in queue mode
 * (main, webhook process, workers, Postgres, Redis), then PiAPI Trigger throughput through the
 * webhook process. Four n8n processes, then CPU-bound deliveries: it runs alone, last, and has its
 * own table.
 */
'use strict';

const { log, median, round, runChild, seconds: s } = require('../lib');

const name = 'queue';

const plan = {
	quick: { songs: 4, seconds: 3, workers: 2, deliveries: 20, inFlight: 5, forged: 5 },
	// Runs: `--runs`, each variant once per run.
	full: { songs: 20, seconds: 10, workers: 2, deliveries: 200, inFlight: 10, forged: 20 },
};

async function run(plan, runCount) {
	const { songs, seconds, workers, deliveries, inFlight } = plan;
	log(
		`queue: ${songs} songs of ${seconds} s, ${workers} workers at concurrency 1, ${runCount} runs; ${deliveries} trigger deliveries`,
	);
	try {
		const raw = await runChild('queue.js', [
			...['songs', 'seconds', 'workers', 'deliveries', 'forged'].flatMap((option) => [
				`--${option}`,
				String(plan[option]),
			]),
			'--in-flight',
			String(inFlight),
			'--runs',
			String(runCount),
		]);
		const figures = (list, key, scale = 1000) => {
			const values = list.filter((r) => r[key] !== null).map((r) => r[key] / scale);
			return values.length
				? { median: round(median(values)), range: [Math.min(...values), Math.max(...values)] }
				: { median: null, range: null };
		};
		const summary = (variant) => {
			const list = raw.runs.map((r) => r[variant]);
			const complete = list.filter((r) => r.complete);
			return {
				executions: list.map((r) => r.executions),
				wall: figures(complete, 'wallMs'),
				workerSeconds: figures(list, 'workerMs'),
				workerShare: round(median(list.map((r) => r.workerShare))),
				jobs: list.map((r) => r.jobs),
				songsDelivered: list.map((r) => r.songsDelivered),
				ownTasks: list.map((r) => Math.min(r.songsOwnTasks, r.distinctTaskIds)),
				posts: list.map((r) => r.posts),
				getsMedian: median(list.map((r) => r.gets)),
				completeRuns: complete.length,
				allComplete: complete.length === list.length,
				stillWaiting: list.map((r) => r.stillWaiting),
				failures: list.flatMap((r) => r.failures).slice(0, 5),
			};
		};
		const variants = Object.fromEntries(
			['poll', 'suspend', 'batch'].map((variant) => [variant, summary(variant)]),
		);
		// Per run, both complete: the ratio of the figures measured in that run.
		const ratio = (a, b, key) => {
			const pairs = raw.runs.filter((r) => r[a].complete && r[b].complete && r[b][key] > 0);
			return pairs.length ? round(median(pairs.map((r) => r[a][key] / r[b][key])), 1) : null;
		};
		const t = raw.trigger;
		return {
			plan,
			n8n: '2.41.1',
			runs: raw.runs.length,
			variants,
			ratios: {
				wallPollVsBatch: ratio('poll', 'batch', 'wallMs'),
				wallSuspendVsBatch: ratio('suspend', 'batch', 'wallMs'),
				workerPollVsSuspend: ratio('poll', 'suspend', 'workerMs'),
				workerPollVsBatch: ratio('poll', 'batch', 'workerMs'),
			},
			trigger: {
				deliveries: t.deliveries,
				answeredPerSecond: round(t.answeredPerSecond, 1),
				processedPerSecond: round(t.perSecond, 1),
				answered200: t.answered200,
				executions: t.executions,
				succeeded: t.succeeded,
				tasksWithExactlyOne: t.tasksWithExactlyOne,
				workerSeconds: round(t.workerMs / 1000),
				forged: t.forged,
			},
			raw,
		};
	} catch (error) {
		return { error: error.message };
	}
}

/** No targets: the queue table states what it measured. */
const targets = () => [];

/** Its own section of docs/benchmarks.md ("Queue mode", between the bench-queue markers). */
function table(q, m) {
	if (q.error) return `**Queue mode**: not measured (${q.error.split('\n')[0]}).\n`;
	const { songs, seconds, workers } = q.plan;
	const spread = (f) =>
		f.median === null
			? '–'
			: `${s(f.median)}${q.runs > 1 ? ` (${f.range.map((v) => v.toFixed(1)).join('-')})` : ''}`;
	const perRun = (list) => list.join(', ');
	const row = (label, v) =>
		`| ${label} | ${perRun(v.executions)} | ${spread(v.wall)} | ${spread(v.workerSeconds)} | ${v.workerShare ?? '–'} | ${perRun(v.songsDelivered)} (${perRun(v.ownTasks)}) | ${perRun(v.posts)} | ${v.getsMedian} |`;
	const t = q.trigger;
	const x = (value) => (value === null ? '– (incomplete)' : `${value}×`);
	const out = [
		`Measured on ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB (${q.date}), real n8n ${q.n8n} in queue mode (main, webhook process, ${workers} workers at concurrency 1, Postgres, Redis), ${songs} songs of ${seconds} s, ${q.runs} run${q.runs === 1 ? '' : 's'} (median${q.runs > 1 ? ', lowest-highest run' : ''}):`,
		'',
		`| | Executions | Wall time, first request to last song | Worker-seconds held | Share of ${workers} workers × wall time | Songs delivered, byte-checked (with their own task) | POSTs | GETs |`,
		'|---|---|---|---|---|---|---|---|',
		row('Poll, one song per execution', q.variants.poll),
		row('Suspend, one song per execution', q.variants.suspend),
		row(`Suspend, one execution for all ${songs}`, q.variants.batch),
		'',
		`Wall time: Poll ${x(q.ratios.wallPollVsBatch)} and Suspend per song ${x(q.ratios.wallSuspendVsBatch)} the one execution for all; worker-seconds: Poll ${x(q.ratios.workerPollVsSuspend)} Suspend per song, ${x(q.ratios.workerPollVsBatch)} the one execution for all.`,
		'',
		`**PiAPI Trigger through the webhook process**: ${t.deliveries} deliveries of distinct completed tasks, ${q.plan.inFlight} in flight: answered at ${t.answeredPerSecond} per second (${t.answered200} × 200), all executions done at ${t.processedPerSecond} per second; ${t.executions} executions started, ${t.succeeded} succeeded, ${t.tasksWithExactlyOne} tasks in exactly one; ${t.workerSeconds} worker-seconds. Forged (wrong secret): ${t.forged.deliveries} sent, ${t.forged.answered401} answered 401, ${t.forged.executions} executions.`,
		'',
	];
	const incomplete = Object.entries(q.variants).filter(([, v]) => !v.allComplete);
	if (incomplete.length) {
		out.push(
			`Incomplete runs: ${incomplete.map(([name, v]) => `${name} ${v.completeRuns}/${q.runs} complete, still waiting ${perRun(v.stillWaiting)}${v.failures.length ? `; ${v.failures[0]}` : ''}`).join('; ')}.`,
			'',
		);
	}
	return out.join('\n');
}

module.exports = { name, plan, run, table, targets };
