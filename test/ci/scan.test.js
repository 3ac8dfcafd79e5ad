// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * .ci/scan.mjs is what CI runs (n8n's scanner on the source tree and on the `npm pack` output). Its
 * clean pass on this repository is the CI step itself; these show that it fails, on each leg, when
 * node code does what n8n's verification forbids, and that it cannot pass by scanning nothing.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

function copyPackage(into) {
	for (const entry of ['package.json', 'nodes', 'credentials', 'icons', 'dist']) {
		fs.cpSync(path.join(ROOT, entry), path.join(into, entry), { recursive: true });
	}
}

describe('.ci/scan.mjs (n8n scanner, offline)', () => {
	let dir;

	beforeAll(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'piapi-scan-test-'));
		copyPackage(dir);
	});

	afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

	it('fails on console in a node source file and on process.env in the packed JavaScript', () => {
		fs.appendFileSync(
			path.join(dir, 'nodes/DiffRhythm/DiffRhythm.node.ts'),
			"\nconsole.log('planted');\n",
		);
		fs.appendFileSync(
			path.join(dir, 'dist/nodes/PiApiTrigger/PiApiTrigger.node.js'),
			'\nexports.planted = process.env.HOME;\n',
		);

		const run = spawnSync(process.execPath, [path.join(ROOT, '.ci/scan.mjs'), dir], {
			encoding: 'utf8',
		});

		expect(run.status).toBe(1);
		const [source, packed] = run.stderr.split(/^(?=scanner \(npm pack\))/m);
		expect(source).toMatch(/^scanner \(source\): ESLint violations found/);
		expect(source).toMatch(/nodes\/DiffRhythm\/DiffRhythm\.node\.ts\n.*error.*no-console/);
		expect(packed).toMatch(/^scanner \(npm pack\): ESLint violations found/);
		expect(packed).toMatch(
			/dist\/nodes\/PiApiTrigger\/PiApiTrigger\.node\.js\n.*error.*@n8n\/community-nodes\/no-restricted-globals/,
		);
		// Only the planted lines are reported: the rest of the copy is this repository as it is.
		const reportedFiles = run.stderr.split('\n').filter((line) => line.startsWith(path.sep));
		expect(reportedFiles).toHaveLength(2);
		expect(run.stderr.match(/^\s+\d+:\d+\s+error/gm)).toHaveLength(2);
	});

	it('fails on a package without code instead of passing it', () => {
		const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'piapi-scan-empty-'));
		try {
			fs.writeFileSync(
				path.join(empty, 'package.json'),
				JSON.stringify({ name: 'n8n-nodes-empty', version: '0.0.0', files: ['dist'] }),
			);
			const run = spawnSync(process.execPath, [path.join(ROOT, '.ci/scan.mjs'), empty], {
				encoding: 'utf8',
			});
			expect(run.status).toBe(1);
			expect(run.stderr).toMatch(
				/scanner \(npm pack\): no code matched \*\*\/\*\.js, package\.json/,
			);
		} finally {
			fs.rmSync(empty, { recursive: true, force: true });
		}
	});
});
