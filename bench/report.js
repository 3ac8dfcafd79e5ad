/**
 * The benchmarks' tables: the main table (every benchmark but queue mode, then the targets) and
 * queue mode's own, written into docs/benchmarks.md between their markers.
 */
'use strict';

const fs = require('fs');
const path = require('path');

const { ROOT } = require('./lib');

/** The page the tables live in; each between `<!-- name:start -->` and `<!-- name:end -->`. */
const PAGE = path.join(ROOT, 'docs', 'benchmarks.md');

/**
 * The main table: when and where it was measured, each benchmark's part (in the order given), and
 * the targets. A partial run (--only) keeps the other benchmarks' figures from the run that
 * measured them, so the first line says which date and how many runs each part has.
 */
function mainTable(results, benchmarks) {
	const out = [];
	const m = results.machine;
	const parts = benchmarks
		.filter(({ name }) => results[name])
		.map(({ name }) => ({
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
	for (const benchmark of benchmarks) {
		if (results[benchmark.name]) out.push(...benchmark.table(results[benchmark.name]));
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

/** Every benchmark's targets, in the order given (a benchmark not run may still report one). */
function evaluate(results, benchmarks) {
	return benchmarks.flatMap((benchmark) => benchmark.targets(results[benchmark.name]));
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->` in docs/benchmarks.md. */
function refreshPage(name, table, file = PAGE) {
	const text = fs.readFileSync(file, 'utf8');
	const begin = `<!-- ${name}:start -->`;
	const end = `<!-- ${name}:end -->`;
	if (!text.includes(begin) || !text.includes(end)) {
		throw new Error(`${path.relative(ROOT, file)} has no ${begin} … ${end} markers`);
	}
	fs.writeFileSync(
		file,
		`${text.slice(0, text.indexOf(begin) + begin.length)}\n${table}\n${text.slice(text.indexOf(end))}`,
	);
}

module.exports = { PAGE, evaluate, mainTable, refreshPage };
