// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * .ci/check-lockfile.sh, run by CI after `npm ci`: it fails when `npm install` would rewrite
 * package-lock.json, and leaves the lockfile as it found it. Runs on a copy of this repository's
 * package.json, lockfile and .npmrc (npm resolves from the lockfile; no install).
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

describe('.ci/check-lockfile.sh', () => {
	let dir;

	beforeEach(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'piapi-lockfile-'));
		for (const file of ['package.json', 'package-lock.json', '.npmrc']) {
			fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
		}
	});

	afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

	const check = () =>
		spawnSync('bash', [path.join(ROOT, '.ci/check-lockfile.sh'), dir], { encoding: 'utf8' });

	it("passes this repository's lockfile", () => {
		const run = check();
		expect(run.stderr).not.toContain('is not what');
		expect(run.status).toBe(0);
		expect(run.stdout).toContain("package-lock.json is what 'npm install' writes");
	});

	it('fails on an entry npm install would drop, and leaves the lockfile as it was', () => {
		const lockfile = path.join(dir, 'package-lock.json');
		const lock = JSON.parse(fs.readFileSync(lockfile, 'utf8'));
		lock.packages['node_modules/@aws-sdk/client-s3'] = {
			version: '3.1175.0',
			extraneous: true,
			license: 'Apache-2.0',
		};
		const stale = `${JSON.stringify(lock, null, 2)}\n`;
		fs.writeFileSync(lockfile, stale);

		const run = check();

		expect(run.status).toBe(1);
		expect(run.stderr).toContain(
			"package-lock.json is not what 'npm install' writes (5 lines dropped, 0 added)",
		);
		expect(run.stderr).toContain('-    "node_modules/@aws-sdk/client-s3": {');
		expect(fs.readFileSync(lockfile, 'utf8')).toBe(stale);
	});
});
