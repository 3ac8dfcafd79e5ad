/**
 * Batch (bench/batch.js): one Generate and Wait execution with many items against an account whose
 * concurrency limit holds the rest back, beside the fixed 5 s poller model; one run after another.
 */
'use strict';

const { log, median, round, runChild, seconds: s } = require('../lib');

const name = 'batch';

const plan = {
	quick: { items: 20, concurrency: 10, seconds: 1 },
	full: { items: 50, concurrency: 10, seconds: 3 },
};

/** Wall time may exceed the account's floor by this factor. */
const MAX_RATIO = 1.1;

async function run(plan, runCount) {
	const { items, concurrency, seconds } = plan;
	const runs = [];
	for (let run = 1; run <= runCount; run++) {
		log(
			`batch run ${run}/${runCount}: ${items} items, account concurrency ${concurrency}, ${seconds} s per song`,
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
		plan,
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

function targets(b) {
	if (!b) return [];
	return [
		{
			what: `Batch of ${b.plan.items}: within ${MAX_RATIO}× the floor, no duplicate task`,
			measured: `${b.node.ratio}× (${s(b.node.wallSeconds)} vs ${b.floorSeconds} s), ${b.node.duplicateTasks} duplicates`,
			met: b.node.ratio <= MAX_RATIO && b.node.duplicateTasks === 0 && b.node.allCompleted,
		},
	];
}

function table(b) {
	return [
		`**Batch**: ${b.plan.items} songs, account concurrency ${b.plan.concurrency} (the rest \`staged\`), ${b.plan.seconds} s per song:`,
		'',
		'| | Wall time | × floor | Tasks created per item | Status checks |',
		'|---|---|---|---|---|',
		`| This package, Generate and Wait, one execution | ${s(b.node.wallSeconds)} | ${b.node.ratio} | ${b.node.duplicateTasks === 0 ? '1' : `up to ${1 + b.node.duplicateTasks / b.plan.items}`} | ${b.node.getsMedian} |`,
		`| Fixed 5 s poller, all submitted at once (model) | ${s(b.fixed5.wallSeconds)} | ${b.fixed5.ratio} | ${b.fixed5.duplicateTasks === 0 ? '1' : 'more'} | ${b.fixed5.getsMedian} |`,
		`| Floor: ceil(${b.plan.items}/${b.plan.concurrency}) × ${b.plan.seconds} s | ${b.floorSeconds.toFixed(2)} s | 1 | | |`,
		`| One song after another (arithmetic, not run) | ≥ ${b.sequentialSeconds} s | ≥ ${round(b.sequentialSeconds / b.floorSeconds, 1)} | | |`,
		'',
	];
}

module.exports = { name, plan, run, table, targets };
