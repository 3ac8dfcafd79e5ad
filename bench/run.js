/**
 * `npm run bench`: runs the benchmarks of bench/benchmarks/ against the PiAPI simulator, each
 * measurement in fresh processes, writes every figure to bench/results.json and the tables into
 * docs/benchmarks.md. Timings are reported, never asserted: this is not a test.
 */
'use strict';

const fs = require('fs');
const path = require('path');

const { QUICK, ROOT, arg, log, machine } = require('./lib');

const USAGE = `Usage: node bench/run.js [--quick] [--runs N] [--only NAMES] [--with-bare]
       (npm run bench -- … builds the package first; run.js uses dist/ as it is)

Runs the benchmarks and writes bench/results.json; the tables go into docs/benchmarks.md.

  --only NAMES  comma-separated, of: latency, batch, memory, occupancy, trigger, queue (default:
                all). The others keep their figures from bench/results.json, and the table says
                which date and how many runs each part has.
  --runs N      runs of latency, batch, memory and queue (default 3, 1 with --quick);
                occupancy and trigger have their own counts (3, 1 with --quick)
  --quick       a smoke run of a few minutes (BENCH_QUICK=1 too): checks that the benchmarks work;
                its figures mean nothing and go to bench/results.quick.json only
  --with-bare   the trigger benchmark also measures the trigger without confirmation and download
  --help        this text

Order: occupancy (two real n8n) starts first; memory runs while they start; once they are up,
occupancy runs beside the latency runs and then the batch runs (all mostly sleep); then trigger
throughput, which is CPU-bound, alone; then queue mode (four n8n processes, Postgres and Redis)
alone. The main table is rewritten when every benchmark but queue has figures; queue mode's table
after each run that measured it.`;

/** In the order of the tables; queue mode has its own. */
const BENCHMARKS = ['latency', 'batch', 'memory', 'occupancy', 'trigger', 'queue'].map((name) =>
	require(`./benchmarks/${name}`),
);
const MAIN = BENCHMARKS.filter(({ name }) => name !== 'queue');
const byName = Object.fromEntries(BENCHMARKS.map((benchmark) => [benchmark.name, benchmark]));

async function main() {
	if (process.argv.includes('--help') || process.argv.includes('-h')) {
		process.stdout.write(`${USAGE}\n`);
		return;
	}
	const { evaluate, mainTable, refreshPage } = require('./report');
	const all = BENCHMARKS.map(({ name }) => name);
	const only = arg('only', all.join(',')).split(',');
	const unknown = only.filter((name) => !all.includes(name));
	if (unknown.length) throw new Error(`--only: no benchmark ${unknown.join(', ')}\n\n${USAGE}`);
	const runs = Number(arg('runs', QUICK ? '1' : '3'));
	const plan = (name) => byName[name].plan[QUICK ? 'quick' : 'full'];
	const selected = (name) => only.includes(name);

	const started = Date.now();
	const date = new Date().toISOString().slice(0, 10);
	const results = { date, quick: QUICK, runs, machine: machine() };
	const jsonFile = path.join(__dirname, QUICK ? 'results.quick.json' : 'results.json');
	// `--only` reruns some benchmarks and keeps the others' last figures (each part says when).
	const partial = !all.every(selected);
	if (partial && !QUICK && fs.existsSync(jsonFile)) {
		const previous = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
		for (const name of all) {
			if (!selected(name) && previous[name])
				results[name] = { date: previous.date, runs: previous.runs, ...previous[name] };
		}
	}
	// Peak memory does not mind the CPU that starting two n8n instances takes; timings do.
	const occupancy = selected('occupancy') ? byName.occupancy.start(plan('occupancy')) : undefined;
	if (selected('memory'))
		results.memory = { date, runs, ...(await byName.memory.run(plan('memory'), runs)) };
	if (occupancy) await occupancy.ready;
	if (selected('latency'))
		results.latency = { date, runs, ...(await byName.latency.run(plan('latency'), runs)) };
	if (selected('batch')) results.batch = { date, ...(await byName.batch.run(plan('batch'), runs)) };
	if (occupancy) results.occupancy = { date, ...(await occupancy.done) };
	if (selected('trigger'))
		results.trigger = { date, ...(await byName.trigger.run(plan('trigger'))) };
	if (selected('queue')) results.queue = { date, ...(await byName.queue.run(plan('queue'), runs)) };
	results.targets = evaluate(results, MAIN);
	results.durationSeconds = Math.round((Date.now() - started) / 1000);

	// A queue-only run has nothing for the main table.
	const table = MAIN.some(({ name }) => results[name]) ? mainTable(results, MAIN) : '';
	const queueTable = results.queue ? byName.queue.table(results.queue, results.machine) : '';
	fs.writeFileSync(jsonFile, `${JSON.stringify(results, null, '\t')}\n`);
	if (!QUICK && all.every((name) => results[name])) refreshPage('bench', table);
	if (!QUICK && selected('queue') && !results.queue.error) refreshPage('bench-queue', queueTable);
	process.stdout.write(`${table}\n${queueTable}\n`);
	log(`done in ${results.durationSeconds} s; wrote ${path.relative(ROOT, jsonFile)}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
