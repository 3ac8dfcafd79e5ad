// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * The benchmark tables in docs/benchmarks.md are what `npm run bench` measured: regenerated from
 * bench/results.json by the benchmark modules, they are the text between the page's markers, so a
 * figure edited by hand (or a table module that no longer renders the stored figures) fails here.
 * Nothing is measured: timings are never asserted in tests.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const { PAGE, evaluate, mainTable, refreshPage } = require('../../bench/report');

const MAIN = ['latency', 'batch', 'memory', 'occupancy', 'trigger'].map((name) =>
	require(`../../bench/benchmarks/${name}`),
);
const queue = require('../../bench/benchmarks/queue');

const between = (text, name) =>
	text.split(`<!-- ${name}:start -->\n`)[1]?.split(`\n<!-- ${name}:end -->`)[0];

describe('docs/benchmarks.md', () => {
	const page = fs.readFileSync(PAGE, 'utf8');
	const results = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench/results.json'), 'utf8'));

	it('shows the main table bench/results.json gives', () => {
		expect(evaluate(results, MAIN)).toEqual(results.targets);
		expect(between(page, 'bench')).toBe(mainTable(results, MAIN));
	});

	it("shows queue mode's table bench/results.json gives", () => {
		expect(between(page, 'bench-queue')).toBe(queue.table(results.queue, results.machine));
	});

	it('is rewritten only between its markers, and refuses a page without them', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'piapi-bench-page-'));
		try {
			const file = path.join(dir, 'page.md');
			fs.writeFileSync(file, 'before\n<!-- bench:start -->\nold\n<!-- bench:end -->\nafter\n');
			refreshPage('bench', 'new table', file);
			expect(fs.readFileSync(file, 'utf8')).toBe(
				'before\n<!-- bench:start -->\nnew table\n<!-- bench:end -->\nafter\n',
			);
			expect(() => refreshPage('bench-queue', 'x', file)).toThrow(
				'has no <!-- bench-queue:start -->',
			);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('node bench/run.js', () => {
	const run = (...args) =>
		spawnSync(process.execPath, [path.join(ROOT, 'bench/run.js'), ...args], { encoding: 'utf8' });

	it('--help says how to run it and runs nothing', () => {
		const before = fs.statSync(path.join(ROOT, 'bench/results.json')).mtimeMs;
		const help = run('--help');
		expect(help.status).toBe(0);
		expect(help.stdout).toContain('Usage: node bench/run.js');
		expect(help.stdout).toContain('latency, batch, memory, occupancy, trigger, queue');
		expect(help.stderr).toBe('');
		expect(fs.statSync(path.join(ROOT, 'bench/results.json')).mtimeMs).toBe(before);
	});

	it('refuses a benchmark it does not have, before running any', () => {
		const wrong = run('--only', 'latency,speed');
		expect(wrong.status).toBe(1);
		expect(wrong.stderr).toContain('--only: no benchmark speed');
		expect(wrong.stderr).not.toContain('[bench]');
	});
});
