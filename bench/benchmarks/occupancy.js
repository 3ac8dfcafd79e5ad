/**
 * Worker occupancy (bench/occupancy.js): two real n8n instances with a production concurrency
 * limit, one waiting in Poll mode and one in Suspend mode, songs started at once. It starts first
 * and runs beside the latency and batch runs once its n8n instances are up.
 */
'use strict';

const { log, median, round, runChild, seconds: s } = require('../lib');

const name = 'occupancy';

const plan = {
	quick: { songs: 4, seconds: 3, limit: 2, runs: 1 },
	full: { songs: 20, seconds: 10, limit: 2, runs: 3 },
};

/** Starts the benchmark; `ready` resolves once its n8n instances are up (or it failed). */
function start(plan) {
	const { songs, seconds, limit, runs } = plan;
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
				plan,
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

function targets(o) {
	if (!o) return [];
	return [
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
	];
}

function table(o) {
	if (o.error) return [`**Worker occupancy**: not measured (${o.error.split('\n')[0]}).`, ''];
	const out = [];
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
	return out;
}

module.exports = { name, plan, start, table, targets };
