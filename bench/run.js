/**
 * `npm run bench`: runs every benchmark against the PiAPI simulator, each measurement in fresh
 * processes, and writes bench/results.json and bench/results.md (the README's table; a full run
 * also refreshes the README between its bench markers).
 *
 *   node bench/run.js [--quick] [--runs N] [--only latency,batch,memory,occupancy,trigger,queue]
 *
 * Order: worker occupancy (two real n8n) starts first; memory runs while they start; once they are
 * up, occupancy runs alongside the latency runs and then the batch runs (all mostly sleep); then
 * trigger throughput, which is CPU-bound, alone; then queue mode (four n8n processes, Postgres and
 * Redis) alone. Queue mode's table has its own README subsection (between the bench-queue markers).
 *
 * `--quick` (or BENCH_QUICK=1) is a smoke run with short durations and one run of each: it checks
 * that the benchmarks work; its figures mean nothing and go to bench/results.quick.json only.
 * Never a test: timings are reported, not asserted.
 */
'use strict';

const fs = require('fs');
const path = require('path');

const { SimulatorProcess } = require('../test/e2e/lib/sim');
const {
	QUICK,
	ROOT,
	API_KEY,
	arg,
	log,
	machine,
	median,
	percentile,
	round,
	runChild,
} = require('./lib');

const PLAN = QUICK
	? {
			runs: 1,
			latency: { seconds: [4, 8], tasks: 2, phase: 2, jitter: [8] },
			batch: { items: 20, concurrency: 10, seconds: 1 },
			memory: { songSeconds: 30 },
			occupancy: { songs: 4, seconds: 3, limit: 2, runs: 1 },
			trigger: { deliveries: 20, inFlight: 5, forged: 5, runs: 1, withBare: true },
			queue: { songs: 4, seconds: 3, workers: 2, deliveries: 20, inFlight: 5, forged: 5 },
		}
	: {
			runs: 3,
			latency: { seconds: [10, 30, 90], tasks: 6, phase: 10, jitter: [90] },
			batch: { items: 50, concurrency: 10, seconds: 3 },
			memory: { songSeconds: 595 },
			occupancy: { songs: 20, seconds: 10, limit: 2, runs: 3 },
			// `withBare` adds the trigger without confirmation and download (another 2 minutes).
			trigger: { deliveries: 500, inFlight: 10, forged: 50, runs: 3, withBare: false },
			// Runs: PLAN.runs (`--runs`), each variant once per run.
			queue: { songs: 20, seconds: 10, workers: 2, deliveries: 200, inFlight: 10, forged: 20 },
		};
PLAN.runs = Number(arg('runs', String(PLAN.runs)));
const ALL = ['latency', 'batch', 'memory', 'occupancy', 'trigger', 'queue'];
/** The benchmarks of the README's main table; queue mode has its own subsection. */
const MAIN = ALL.filter((name) => name !== 'queue');
const ONLY = arg('only', ALL.join(',')).split(',');

const TARGETS = {
	/** 90 s songs whose render varies ±10%, steady state. */
	steadyP50Seconds: 1.0,
	steadyP95Seconds: 2.5,
	steadyGets: 20,
	/** 90 s songs, the first wave after n8n starts and the very first song. */
	firstP50Seconds: 2.0,
	firstGets: 30,
	suspendP50Seconds: 0.3,
	suspendGets: 1,
	batchRatio: 1.1,
	memoryGrowthMB: 40,
};

// -- Latency --------------------------------------------------------------------------------------

function summariseLatency(runs) {
	// runs: array over runs of array of latency.js results
	const groups = new Map();
	for (const runResults of runs) {
		for (const result of runResults) {
			const config = `${result.seconds}|${result.renderJitter}`;
			for (const [mode, tasks] of Object.entries(result.modes)) {
				const subsets =
					mode === 'poll'
						? {
								warm: tasks.filter((t) => t.wave === 'warm'),
								cold: tasks.filter((t) => t.wave === 'cold'),
								first: tasks.filter((t) => t.first),
							}
						: { all: tasks };
				for (const [wave, list] of Object.entries(subsets)) {
					const key = `${config}|${mode}|${wave}`;
					if (!groups.has(key))
						groups.set(key, {
							seconds: result.seconds,
							renderJitter: result.renderJitter,
							mode,
							wave,
							perRun: [],
						});
					const latency = list.map((t) => t.latencyMs / 1000);
					const gets = list.map((t) => t.gets);
					groups.get(key).perRun.push({
						tasks: list.length,
						p50: percentile(latency, 50),
						p95: percentile(latency, 95),
						getsMedian: median(gets),
						getsMax: Math.max(...gets),
						duplicatePosts: result.posts - result.expectedPosts,
					});
				}
			}
		}
	}
	return [...groups.values()].map((group) => ({
		seconds: group.seconds,
		renderJitter: group.renderJitter,
		mode: group.mode,
		wave: group.wave,
		runs: group.perRun.length,
		tasksPerRun: group.perRun[0].tasks,
		p50Seconds: round(median(group.perRun.map((r) => r.p50))),
		p95Seconds: round(median(group.perRun.map((r) => r.p95))),
		// The spread across runs: what a rerun may show.
		p50Range: [
			round(Math.min(...group.perRun.map((r) => r.p50))),
			round(Math.max(...group.perRun.map((r) => r.p50))),
		],
		p95Range: [
			round(Math.min(...group.perRun.map((r) => r.p95))),
			round(Math.max(...group.perRun.map((r) => r.p95))),
		],
		getsMedian: median(group.perRun.map((r) => r.getsMedian)),
		getsMax: Math.max(...group.perRun.map((r) => r.getsMax)),
		perRun: group.perRun.map((r) => ({ ...r, p50: round(r.p50), p95: round(r.p95) })),
	}));
}

async function latency() {
	const { seconds, tasks, phase, jitter } = PLAN.latency;
	const configs = [
		...seconds.map((s) => ({ seconds: s, jitter: 0, modes: 'poll,suspend,fixed5,loop10' })),
		...jitter.map((s) => ({ seconds: s, jitter: 0.1, modes: 'poll,fixed5' })),
	];
	// Every run of every configuration in its own process, all at once: they mostly sleep, and the
	// 90 s configuration needs two songs in a row (first wave, then steady state) per run.
	log(
		`latency: ${PLAN.runs} runs × (${configs.map((c) => `${c.seconds} s${c.jitter ? ` ±${c.jitter * 100}%` : ''}`).join(', ')}), all at once`,
	);
	// Every process loads n8n first (about a second of CPU each), then all start together.
	const startAt = Date.now() + 5_000 + 1_500 * PLAN.runs * configs.length;
	const runs = await Promise.all(
		Array.from({ length: PLAN.runs }, () =>
			Promise.all(
				configs.map((c) =>
					runChild('latency.js', [
						'--start-at',
						String(startAt),
						'--seconds',
						String(c.seconds),
						'--tasks',
						String(tasks),
						'--phase',
						String(phase),
						'--render-jitter',
						String(c.jitter),
						'--modes',
						c.modes,
					]),
				),
			),
		),
	);
	return { plan: PLAN.latency, rows: summariseLatency(runs), raw: runs };
}

// -- Batch ----------------------------------------------------------------------------------------

async function batch() {
	const { items, concurrency, seconds } = PLAN.batch;
	const runs = [];
	for (let run = 1; run <= PLAN.runs; run++) {
		log(
			`batch run ${run}/${PLAN.runs}: ${items} items, account concurrency ${concurrency}, ${seconds} s per song`,
		);
		runs.push(
			await runChild('batch.js', [
				'--items',
				String(items),
				'--concurrency',
				String(concurrency),
				'--seconds',
				String(seconds),
			]),
		);
	}
	const floorMs = runs[0].floorMs;
	return {
		plan: PLAN.batch,
		runs: runs.length,
		floorSeconds: floorMs / 1000,
		sequentialSeconds: items * seconds,
		node: {
			wallSeconds: round(median(runs.map((r) => r.node.wallMs / 1000))),
			ratio: round(median(runs.map((r) => r.node.ratio))),
			allCompleted: runs.every((r) => r.node.completed === items && r.node.itemsOut === items),
			duplicateTasks: Math.max(...runs.map((r) => r.node.tasksCreated - items)),
			distinctTaskIds: Math.min(...runs.map((r) => r.node.distinctTaskIds)),
			getsMedian: median(runs.map((r) => r.node.gets)),
		},
		fixed5: {
			wallSeconds: round(median(runs.map((r) => r.fixed5.wallMs / 1000))),
			ratio: round(median(runs.map((r) => r.fixed5.ratio))),
			duplicateTasks: Math.max(...runs.map((r) => r.fixed5.tasksCreated - items)),
			getsMedian: median(runs.map((r) => r.fixed5.gets)),
		},
		raw: runs,
	};
}

// -- Memory ---------------------------------------------------------------------------------------

async function memory() {
	const { songSeconds } = PLAN.memory;
	const sim = await SimulatorProcess.start({
		apiKey: API_KEY,
		pendingMs: 50,
		renderMs: 200,
		audioSeconds: songSeconds,
	});
	const variants = ['streamed', 'buffered', 'inMemoryMode'];
	const raw = [];
	try {
		for (let run = 1; run <= PLAN.runs; run++) {
			log(`memory run ${run}/${PLAN.runs}: ${variants.join(', ')}`);
			for (const variant of variants) {
				raw.push(
					await runChild(
						'memory.js',
						['--sim-url', sim.url, '--variant', variant, '--song-seconds', String(songSeconds)],
						{
							nodeArgs: ['--expose-gc'],
						},
					),
				);
			}
		}
	} finally {
		await sim.stop();
	}
	const byVariant = {};
	for (const variant of variants) {
		const list = raw.filter((r) => r.variant === variant);
		byVariant[variant] = {
			runs: list.length,
			fileMB: round(list[0].fileBytes / 2 ** 20, 1),
			growthMB: round(median(list.map((r) => r.growthMB)), 1),
			growthMBMax: round(Math.max(...list.map((r) => r.growthMB)), 1),
			peakMark: list[0].peakMark,
		};
	}
	return { plan: PLAN.memory, variants: byVariant, raw };
}

// -- Real n8n -------------------------------------------------------------------------------------

/** Starts the occupancy benchmark; `ready` resolves once its n8n instances are up (or it failed). */
function occupancy() {
	const { songs, seconds, limit, runs } = PLAN.occupancy;
	log(
		`occupancy: ${songs} songs of ${seconds} s on two real n8n (production concurrency ${limit}), ${runs} runs`,
	);
	let markReady;
	const ready = new Promise((resolve) => (markReady = resolve));
	const done = runChild(
		'occupancy.js',
		[
			'--songs',
			String(songs),
			'--seconds',
			String(seconds),
			'--limit',
			String(limit),
			'--runs',
			String(runs),
		],
		{ onLine: (line) => line.includes('"ready":true') && markReady() },
	)
		.then((raw) => {
			const per = (mode) => raw.runs.map((r) => r[mode]);
			const summary = (mode) => {
				const list = per(mode);
				const complete = list.filter((r) => r.complete);
				return {
					wallSeconds: complete.length ? round(median(complete.map((r) => r.wallMs / 1000))) : null,
					completeRuns: complete.length,
					songsDelivered: list.map((r) => r.songsDelivered),
					stillWaiting: list.map((r) => r.stillWaiting),
					givenUpAfterSeconds: Math.round(
						Math.max(...list.map((r) => (r.givenUpAfterMs ?? 0) / 1000)),
					),
					allSucceeded: list.every((r) => r.complete),
					tasksCreated: list.at(-1).tasksSoFar,
				};
			};
			const both = raw.runs.filter((r) => r.poll.complete && r.suspend.complete);
			return {
				plan: PLAN.occupancy,
				n8n: raw.version === 'v2' ? '2.41.1' : '1.123.81',
				runs: raw.runs.length,
				poll: summary('poll'),
				suspend: summary('suspend'),
				ratio: both.length
					? round(median(both.map((r) => r.poll.wallMs / r.suspend.wallMs)))
					: null,
				raw,
			};
		})
		.catch((error) => ({ error: error.message }))
		.finally(() => markReady());
	return { ready, done };
}

async function trigger() {
	const { deliveries, inFlight, forged, runs, withBare } = PLAN.trigger;
	log(`trigger: ${deliveries} deliveries per target, ${runs} runs, on a real n8n`);
	try {
		const raw = await runChild('trigger.js', [
			'--deliveries',
			String(deliveries),
			'--in-flight',
			String(inFlight),
			'--forged',
			String(forged),
			'--runs',
			String(runs),
			...(withBare || process.argv.includes('--with-bare') ? ['--with-bare'] : []),
		]);
		const targets = Object.keys(raw.runs[0]);
		const byTarget = {};
		for (const name of targets) {
			const list = raw.runs.map((r) => r[name]);
			byTarget[name] = {
				perSecond: round(median(list.map((r) => r.perSecond)), 1),
				deliveries: list.reduce((sum, r) => sum + r.deliveries, 0),
				exactlyOneExecutionPerDelivery: list.every(
					(r) => r.tasksWithExactlyOne === r.deliveries && r.executions === r.deliveries,
				),
				allSucceeded: list.every((r) => r.succeeded === r.deliveries),
				answered200: list.every((r) => r.answered200 === r.deliveries),
			};
		}
		const ratio = (name) =>
			raw.runs[0][name]
				? round(median(raw.runs.map((r) => r[name].perSecond / r.webhook.perSecond)))
				: undefined;
		return {
			plan: PLAN.trigger,
			runs: raw.runs.length,
			targets: byTarget,
			ratio: { trigger: ratio('trigger'), triggerBare: ratio('triggerBare') },
			forged: raw.forged,
			raw,
		};
	} catch (error) {
		return { error: error.message };
	}
}

/** Queue mode (bench/queue.js): the three ways to wait for songs, then trigger throughput. */
async function queue() {
	const { songs, seconds, workers, deliveries, inFlight, forged } = PLAN.queue;
	log(
		`queue: ${songs} songs of ${seconds} s, ${workers} workers at concurrency 1, ${PLAN.runs} runs; ${deliveries} trigger deliveries`,
	);
	try {
		const raw = await runChild('queue.js', [
			...['songs', 'seconds', 'workers', 'deliveries', 'forged'].flatMap((name) => [
				`--${name}`,
				String(PLAN.queue[name]),
			]),
			'--in-flight',
			String(inFlight),
			'--runs',
			String(PLAN.runs),
		]);
		const figures = (list, key, scale = 1000) => {
			const values = list.filter((r) => r[key] !== null).map((r) => r[key] / scale);
			return values.length
				? { median: round(median(values)), range: [Math.min(...values), Math.max(...values)] }
				: { median: null, range: null };
		};
		const summary = (name) => {
			const list = raw.runs.map((r) => r[name]);
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
			['poll', 'suspend', 'batch'].map((name) => [name, summary(name)]),
		);
		// Per run, both complete: the ratio of the figures measured in that run.
		const ratio = (a, b, key) => {
			const pairs = raw.runs.filter((r) => r[a].complete && r[b].complete && r[b][key] > 0);
			return pairs.length ? round(median(pairs.map((r) => r[a][key] / r[b][key])), 1) : null;
		};
		const t = raw.trigger;
		return {
			plan: PLAN.queue,
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

// -- Report ---------------------------------------------------------------------------------------

const MODE_LABELS = {
	'poll|warm': 'This package, Poll (adaptive), steady state',
	'poll|cold': 'This package, Poll (adaptive), first songs after n8n starts',
	'poll|first': 'This package, Poll (adaptive), the very first song',
	'fixed5|all': 'Fixed 5 s poller, 60 checks max (model of existing PiAPI nodes)',
	'loop10|all': 'HTTP Request → Wait 10 s → IF loop (model)',
	'suspend|all': 'This package, suspend (webhook resume)',
};

const s = (value) => (value === undefined || value === null ? '–' : `${value.toFixed(2)} s`);
const range = (pair) => (pair ? pair.map((v) => v.toFixed(2)).join('-') : '–');

/**
 * Poll rows of 10 s and 30 s songs before the schedule of issue 14 (full run of 2026-11-25, medians
 * of 3 runs): the new schedule must not do worse (within the noise of 0.1 s and one GET).
 */
const BEFORE = {
	'10|warm': { p50: 0.32, gets: 4 },
	'10|cold': { p50: 0.33, gets: 4.5 },
	'30|warm': { p50: 0.35, gets: 4 },
	'30|cold': { p50: 1.57, gets: 10 },
};

/** One latency row: p50 (range over runs), p95 and GETs as the targets quote them. */
const rowFigures = (r, p95 = true) =>
	`p50 ${s(r.p50Seconds)} (runs ${r.p50Range.map((v) => v.toFixed(2)).join('-')})` +
	`${p95 ? `, p95 ${s(r.p95Seconds)}` : ''}, GETs ${r.getsMedian} (max ${r.getsMax})`;

function evaluate(results) {
	const checks = [];
	const lat = results.latency?.rows ?? [];
	const find = (seconds, jitter, mode, wave) =>
		lat.find(
			(r) =>
				r.seconds === seconds && r.renderJitter === jitter && r.mode === mode && r.wave === wave,
		);
	const steady = find(90, 0.1, 'poll', 'warm');
	if (steady) {
		const fixed = find(90, 0.1, 'fixed5', 'all');
		checks.push({
			what: `Poll mode, 90 s song, render ±10%, steady state: p50 ≤ ${TARGETS.steadyP50Seconds} s, p95 ≤ ${TARGETS.steadyP95Seconds} s, ≤ ${TARGETS.steadyGets} GETs`,
			measured: `${rowFigures(steady)}${fixed ? `; fixed 5 s poller p50 ${s(fixed.p50Seconds)}, GETs ${fixed.getsMedian}` : ''}`,
			met:
				steady.p50Seconds <= TARGETS.steadyP50Seconds &&
				steady.p95Seconds <= TARGETS.steadyP95Seconds &&
				steady.getsMedian <= TARGETS.steadyGets,
		});
	}
	for (const jitter of [0, 0.1]) {
		for (const [wave, label] of [
			['cold', 'first songs after n8n starts'],
			['first', 'the very first song of a process (one per run)'],
		]) {
			const row = find(90, jitter, 'poll', wave);
			if (!row) continue;
			checks.push({
				what: `Poll mode, 90 s song${jitter ? ', render ±10%' : ''}, ${label}: p50 ≤ ${TARGETS.firstP50Seconds} s, ≤ ${TARGETS.firstGets} GETs`,
				measured: rowFigures(row, wave !== 'first'),
				met: row.p50Seconds <= TARGETS.firstP50Seconds && row.getsMedian <= TARGETS.firstGets,
			});
		}
	}
	const shorter = Object.entries(BEFORE).map(([key, before]) => {
		const [seconds, wave] = key.split('|');
		return { row: find(Number(seconds), 0, 'poll', wave), before, seconds, wave };
	});
	if (shorter.every((x) => x.row)) {
		checks.push({
			what: 'Poll mode, 10 s and 30 s songs, steady state and first songs: no worse than before (2026-11-25: p50 + 0.1 s, GETs + 1)',
			measured: shorter
				.map(
					(x) =>
						`${x.seconds} s ${x.wave === 'warm' ? 'steady' : 'first songs'}: p50 ${s(x.row.p50Seconds)} (was ${s(x.before.p50)}), GETs ${x.row.getsMedian} (was ${x.before.gets})`,
				)
				.join('; '),
			met: shorter.every(
				(x) => x.row.p50Seconds <= x.before.p50 + 0.1 && x.row.getsMedian <= x.before.gets + 1,
			),
		});
	}
	const suspend = lat.filter((r) => r.mode === 'suspend');
	checks.push(
		suspend.length
			? {
					what: 'Suspend mode: p50 ≤ 0.3 s, ≤ 1 confirming GET',
					measured: suspend
						.map((r) => `${r.seconds} s: p50 ${s(r.p50Seconds)}, GETs ${r.getsMax}`)
						.join('; '),
					met: suspend.every(
						(r) => r.p50Seconds <= TARGETS.suspendP50Seconds && r.getsMax <= TARGETS.suspendGets,
					),
				}
			: {
					what: 'Suspend mode: p50 ≤ 0.3 s, ≤ 1 confirming GET',
					measured: 'not measured',
					met: null,
				},
	);
	if (results.batch) {
		const b = results.batch;
		checks.push({
			what: `Batch of ${b.plan.items}: within ${TARGETS.batchRatio}× the floor, no duplicate task`,
			measured: `${b.node.ratio}× (${s(b.node.wallSeconds)} vs ${b.floorSeconds} s), ${b.node.duplicateTasks} duplicates`,
			met: b.node.ratio <= TARGETS.batchRatio && b.node.duplicateTasks === 0 && b.node.allCompleted,
		});
	}
	if (results.memory) {
		const m = results.memory.variants.streamed;
		checks.push({
			what: `Download of a ${m.fileMB} MiB WAV: peak RSS growth < 40 MB`,
			measured: `${m.growthMB} MB (max ${m.growthMBMax})`,
			met: m.growthMBMax < TARGETS.memoryGrowthMB,
		});
	}
	if (results.occupancy) {
		const o = results.occupancy;
		checks.push(
			o.error
				? {
						what: 'Worker occupancy, Poll vs suspend (no numeric target)',
						measured: 'not measured',
						met: null,
					}
				: {
						what: `Worker occupancy: ${o.plan.songs} × ${o.plan.seconds} s songs, limit ${o.plan.limit}: every song delivered (no time target)`,
						measured: `Poll ${o.poll.wallSeconds === null ? 'incomplete' : s(o.poll.wallSeconds)} (${o.poll.completeRuns}/${o.runs} runs complete), suspend ${o.suspend.wallSeconds === null ? 'incomplete' : s(o.suspend.wallSeconds)} (${o.suspend.completeRuns}/${o.runs} runs complete)`,
						met: o.poll.allSucceeded && o.suspend.allSucceeded,
					},
		);
	}
	if (results.trigger) {
		const t = results.trigger;
		checks.push(
			t.error
				? {
						what: 'Trigger: every delivery exactly one execution, every forged one none',
						measured: 'not measured',
						met: null,
					}
				: {
						what: 'Trigger: every delivery exactly one execution, every forged one none',
						measured: `${t.ratio.trigger}× the Webhook node's throughput${t.ratio.triggerBare ? ` (${t.ratio.triggerBare}× without confirmation and download)` : ''}; forged: ${t.forged.answered401}/${t.forged.deliveries} refused, ${t.forged.executions} executions`,
						met:
							Object.values(t.targets).every(
								(x) => x.exactlyOneExecutionPerDelivery && x.allSucceeded,
							) &&
							t.forged.executions === 0 &&
							t.forged.answered401 === t.forged.deliveries,
					},
		);
	}
	return checks;
}

function markdown(results) {
	const out = [];
	const m = results.machine;
	// A partial run (--only) keeps the other benchmarks' figures from the run that measured them.
	const parts = MAIN.filter((name) => results[name]).map((name) => ({
		name,
		date: results[name].date ?? results.date,
		runs: results[name].runs ?? results[name].raw?.length ?? results.runs,
	}));
	const when = [...new Set(parts.map((p) => `${p.date}|${p.runs}`))].map((key) => {
		const [date, runs] = key.split('|');
		const names = parts.filter((p) => `${p.date}|${p.runs}` === key).map((p) => p.name);
		return `${names.join(', ')}: ${date}, ${runs} runs`;
	});
	out.push(
		`Measured on ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node.js ${m.node} (${when.join('; ')}); ` +
			`medians over runs${results.quick ? ' (QUICK SMOKE RUN: figures mean nothing)' : ''}.`,
		'',
	);
	if (results.latency) {
		out.push(
			"**Completion-to-output latency** (simulated generation time; added latency = output in hand − task completed, median over runs of each run's p50 and p95, with the lowest and highest run; GETs per task):",
			'',
			'| Song | Mode | p50 added (runs) | p95 added (runs) | GETs per task (median / max) |',
			'|---|---|---|---|---|',
		);
		const order = [
			'poll|warm',
			'poll|cold',
			'poll|first',
			'suspend|all',
			'fixed5|all',
			'loop10|all',
		];
		const rows = [...results.latency.rows].sort(
			(a, b) =>
				a.renderJitter - b.renderJitter ||
				a.seconds - b.seconds ||
				order.indexOf(`${a.mode}|${a.wave}`) - order.indexOf(`${b.mode}|${b.wave}`),
		);
		for (const r of rows) {
			const song = `${r.seconds} s${r.renderJitter ? ` (render ±${r.renderJitter * 100}%)` : ''}`;
			out.push(
				`| ${song} | ${MODE_LABELS[`${r.mode}|${r.wave}`]} | ${s(r.p50Seconds)} (${range(r.p50Range)}) | ${r.wave === 'first' ? '–' : `${s(r.p95Seconds)} (${range(r.p95Range)})`} | ${r.getsMedian} / ${r.getsMax} |`,
			);
		}
		out.push('');
	}
	if (results.batch) {
		const b = results.batch;
		out.push(
			`**Batch**: ${b.plan.items} songs, account concurrency ${b.plan.concurrency} (the rest \`staged\`), ${b.plan.seconds} s per song:`,
			'',
			'| | Wall time | × floor | Tasks created per item | Status checks |',
			'|---|---|---|---|---|',
			`| This package, Generate and Wait, one execution | ${s(b.node.wallSeconds)} | ${b.node.ratio} | ${b.node.duplicateTasks === 0 ? '1' : `up to ${1 + b.node.duplicateTasks / b.plan.items}`} | ${b.node.getsMedian} |`,
			`| Fixed 5 s poller, all submitted at once (model) | ${s(b.fixed5.wallSeconds)} | ${b.fixed5.ratio} | ${b.fixed5.duplicateTasks === 0 ? '1' : 'more'} | ${b.fixed5.getsMedian} |`,
			`| Floor: ceil(${b.plan.items}/${b.plan.concurrency}) × ${b.plan.seconds} s | ${b.floorSeconds.toFixed(2)} s | 1 | | |`,
			`| One song after another (arithmetic, not run) | ≥ ${b.sequentialSeconds} s | ≥ ${round(b.sequentialSeconds / b.floorSeconds, 1)} | | |`,
			'',
		);
	}
	if (results.memory) {
		const v = results.memory.variants;
		out.push(
			`**Memory**: one ${v.streamed.fileMB} MiB WAV into n8n binary data; peak RSS growth of the n8n process (median / max):`,
			'',
			'| | Peak RSS growth |',
			'|---|---|',
			`| This package, filesystem binary mode (streamed) | ${v.streamed.growthMB} / ${v.streamed.growthMBMax} MB |`,
			`| Whole file buffered, then stored, filesystem mode (model) | ${v.buffered.growthMB} / ${v.buffered.growthMBMax} MB |`,
			`| This package, n8n's in-memory binary mode (n8n holds the file) | ${v.inMemoryMode.growthMB} / ${v.inMemoryMode.growthMBMax} MB |`,
			'',
		);
	}
	if (results.occupancy && !results.occupancy.error) {
		const o = results.occupancy;
		const row = (label, x) =>
			`| ${label} | ${x.wallSeconds === null ? '–' : s(x.wallSeconds)} | ${x.completeRuns} of ${o.runs} | ${x.songsDelivered.join(', ')} |`;
		out.push(
			`**Worker occupancy** (real n8n ${o.n8n}, production concurrency limit ${o.plan.limit}): ${o.plan.songs} songs of ${o.plan.seconds} s started at once:`,
			'',
			`| | Wall time until all finished (median of complete runs) | Runs complete | Songs delivered per run (of ${o.plan.songs}) |`,
			'|---|---|---|---|',
			row('Poll', o.poll),
			row('Suspend (webhook resume)', o.suspend),
			'',
		);
		if (o.ratio !== null) out.push(`Poll / suspend wall time: ${o.ratio}×.`, '');
		if (!o.suspend.allSucceeded || !o.poll.allSucceeded) {
			out.push(
				`Incomplete runs were given up after ${Math.max(o.poll.givenUpAfterSeconds, o.suspend.givenUpAfterSeconds)} s (still waiting per run: Poll ${o.poll.stillWaiting.join(', ')}; suspend ${o.suspend.stillWaiting.join(', ')}); see the notes below.`,
				'',
			);
		}
	} else if (results.occupancy) {
		out.push(`**Worker occupancy**: not measured (${results.occupancy.error.split('\n')[0]}).`, '');
	}
	if (results.trigger && !results.trigger.error) {
		const t = results.trigger;
		const row = (label, x, ratio) =>
			`| ${label} | ${x.perSecond} | ${ratio} | ${x.exactlyOneExecutionPerDelivery && x.allSucceeded ? 'yes' : 'NO'} |`;
		out.push(
			`**Trigger throughput** (real n8n): ${t.plan.deliveries} deliveries, ${t.plan.inFlight} in flight:`,
			'',
			'| Receiver | Deliveries per second | vs Webhook node | Exactly one successful execution per delivery |',
			'|---|---|---|---|',
			row("n8n's Webhook node", t.targets.webhook, '1'),
			row(
				'PiAPI Trigger, defaults (secret check, confirming GET, song downloaded)',
				t.targets.trigger,
				`${t.ratio.trigger}×`,
			),
			...(t.targets.triggerBare
				? [
						row(
							'PiAPI Trigger, secret check only (no confirmation, no download)',
							t.targets.triggerBare,
							`${t.ratio.triggerBare}×`,
						),
					]
				: []),
			'',
			`Forged deliveries (wrong secret): ${t.forged.deliveries} sent, ${t.forged.answered401} answered 401, ${t.forged.executions} executions.`,
			'',
		);
	} else if (results.trigger) {
		out.push(`**Trigger throughput**: not measured (${results.trigger.error.split('\n')[0]}).`, '');
	}
	out.push('**Targets**:', '', '| Target | Measured | Met |', '|---|---|---|');
	for (const check of results.targets) {
		const met =
			check.met === null ? 'not measured' : check.met === 'n/a' ? '–' : check.met ? 'yes' : 'no';
		out.push(`| ${check.what} | ${check.measured} | ${met} |`);
	}
	out.push('');
	return out.join('\n');
}

/** Queue mode's table: README "Benchmarks → Queue mode", between the bench-queue markers. */
function queueMarkdown(q, m) {
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

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->` in README.md. */
function refreshReadme(name, table) {
	const readme = path.join(ROOT, 'README.md');
	const text = fs.readFileSync(readme, 'utf8');
	const begin = `<!-- ${name}:start -->`;
	const end = `<!-- ${name}:end -->`;
	if (!text.includes(begin) || !text.includes(end)) return;
	fs.writeFileSync(
		readme,
		`${text.slice(0, text.indexOf(begin) + begin.length)}\n${table}\n${text.slice(text.indexOf(end))}`,
	);
}

async function main() {
	const started = Date.now();
	const date = new Date().toISOString().slice(0, 10);
	const results = {
		date,
		quick: QUICK,
		runs: PLAN.runs,
		machine: machine(),
	};
	const jsonFile = path.join(__dirname, QUICK ? 'results.quick.json' : 'results.json');
	// `--only` reruns some benchmarks and keeps the others' last figures (each part says when).
	const partial = !ALL.every((name) => ONLY.includes(name));
	if (partial && !QUICK && fs.existsSync(jsonFile)) {
		const previous = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
		for (const name of ALL) {
			if (!ONLY.includes(name) && previous[name])
				results[name] = { date: previous.date, runs: previous.runs, ...previous[name] };
		}
	}
	// Peak memory does not mind the CPU that starting two n8n instances takes; timings do.
	const occupancyRun = ONLY.includes('occupancy') ? occupancy() : undefined;
	if (ONLY.includes('memory')) results.memory = { date, runs: PLAN.runs, ...(await memory()) };
	if (occupancyRun) await occupancyRun.ready;
	if (ONLY.includes('latency')) results.latency = { date, runs: PLAN.runs, ...(await latency()) };
	if (ONLY.includes('batch')) results.batch = { date, ...(await batch()) };
	if (occupancyRun) results.occupancy = { date, ...(await occupancyRun.done) };
	if (ONLY.includes('trigger')) results.trigger = { date, ...(await trigger()) };
	// Four n8n processes starting, then CPU-bound deliveries: alone, last.
	if (ONLY.includes('queue')) results.queue = { date, ...(await queue()) };
	results.targets = evaluate(results);
	results.durationSeconds = Math.round((Date.now() - started) / 1000);

	// A queue-only run has nothing for the main table.
	const table = MAIN.some((name) => results[name]) ? markdown(results) : '';
	const queueTable = results.queue ? queueMarkdown(results.queue, results.machine) : '';
	fs.writeFileSync(jsonFile, `${JSON.stringify(results, null, '\t')}\n`);
	if (!QUICK && ALL.every((name) => results[name])) {
		fs.writeFileSync(
			path.join(__dirname, 'results.md'),
			`${table}${queueTable ? `\n**Queue mode**\n\n${queueTable}` : ''}`,
		);
		refreshReadme('bench', table);
	}
	// Queue mode's subsection follows its own measurement.
	if (!QUICK && ONLY.includes('queue') && !results.queue.error)
		refreshReadme('bench-queue', queueTable);
	process.stdout.write(`${table}\n${queueTable}\n`);
	log(`done in ${results.durationSeconds} s; wrote ${path.relative(ROOT, jsonFile)}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
