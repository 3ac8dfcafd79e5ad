// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * CONTRIBUTING.md's table of promises stays true to the code: every file it names exists, every
 * function it names is in that file, and every test it names is in that test file. Moving or
 * renaming one of them fails here until the table follows. And the one promise a behaviour test
 * cannot see: webhook secrets are compared only through the constant-time function.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The promise table's rows: [promise, kept in, fails if broken]. */
function rows() {
	return read('CONTRIBUTING.md')
		.split('\n')
		.filter((line) => line.startsWith('| **'))
		.map((line) =>
			line
				.slice(1, -1)
				.split(' | ')
				.map((cell) => cell.trim()),
		);
}

/** `path` (`name`, …) parts of a cell: the repository paths and the names given with each. */
function references(cell) {
	return cell
		.replace(/\*\*[^*]+\*\*/g, '')
		.split(';')
		.map((part) => {
			const file = /`((?:nodes|credentials|test|bench|\.ci)\/[^`]*)`/.exec(part)?.[1];
			const afterFile = file ? part.slice(part.indexOf(file) + file.length) : '';
			return {
				file,
				symbols: [...afterFile.matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((m) => m[1]),
				tests: [...afterFile.matchAll(/\*([^*]+)\*/g)].map((m) => m[1]),
			};
		})
		.filter((ref) => ref.file);
}

/** Every source file under a folder. */
function sources(dir) {
	return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
		const file = `${dir}/${entry.name}`;
		if (entry.isDirectory()) return sources(file);
		return /\.ts$/.test(entry.name) ? [file] : [];
	});
}

describe("CONTRIBUTING.md's promises", () => {
	const table = rows();

	it('has a row per promise, each with where it is kept and what fails', () => {
		expect(table.length).toBeGreaterThanOrEqual(15);
		for (const [promise, kept, fails] of table) {
			expect([promise, references(kept).length]).not.toEqual([promise, 0]);
			expect([promise, references(fails).length]).not.toEqual([promise, 0]);
		}
	});

	it.each(table.map((row) => [row[0].replace(/\*\*(.*?)\*\*.*/, '$1'), row]))(
		'%s: the files, functions and tests it names exist',
		(_, [, kept, fails]) => {
			const problems = [];
			for (const { file, symbols, tests } of [...references(kept), ...references(fails)]) {
				if (!fs.existsSync(path.join(ROOT, file))) {
					problems.push(`no ${file}`);
					continue;
				}
				if (fs.statSync(path.join(ROOT, file)).isDirectory()) continue;
				const text = read(file);
				for (const symbol of symbols) {
					if (!new RegExp(`\\b${symbol.replace(/\$/g, '\\$')}\\b`).test(text)) {
						problems.push(`${file} has no ${symbol}`);
					}
				}
				for (const test of tests) {
					if (!text.includes(test)) problems.push(`${file} has no test "${test}"`);
				}
			}
			expect(problems).toEqual([]);
		},
	);

	it('sees a test name that is not there', () => {
		const [ref] = references('`test/unit/secret.test.ts` › *secretsMatch* and *no such test*');
		expect(ref.tests).toEqual(['secretsMatch', 'no such test']);
		expect(read(ref.file).includes(ref.tests[1])).toBe(false);
	});
});

describe('webhook secrets', () => {
	const files = [...sources('nodes'), ...sources('credentials')];

	it('compares webhook secrets only through one constant-time function', () => {
		const definitions = files.filter((file) => /export function secretsMatch\b/.test(read(file)));
		expect(definitions).toHaveLength(1);
		const body = read(definitions[0]).split('export function secretsMatch')[1].split('\n}')[0];
		expect(body).toContain('timingSafeEqual(');
		expect(body).toMatch(/createHash\('sha256'\)/);

		// Every read of the secret header, and of the secret PiAPI echoes, goes into secretsMatch.
		const reads = files.flatMap((file) =>
			read(file)
				.split('\n')
				.map((line, index) => ({ file, line: index + 1, text: line }))
				.filter(({ text }) => /\[['"]x-webhook-secret['"]\]|webhook_config\?\.secret\b/.test(text)),
		);
		expect(reads.length).toBeGreaterThanOrEqual(3);
		const unchecked = reads.filter(({ text }) => !text.includes('secretsMatch('));
		expect(unchecked.map((r) => `${r.file}:${r.line}`)).toEqual([]);
	});
});
