// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * `npm run test:e2e`: the package in a real headless n8n, 2.41.1 on Node.js 24 and 1.123.81 on
 * Node.js 20, against the PiAPI simulator. See README, "End-to-end tests".
 *
 * Environment:
 *   PIAPI_E2E_VERSIONS  which n8n versions to run, comma-separated: v2,v1 (default both)
 *   PIAPI_E2E_CACHE     where n8n and Node.js 24 are installed (default ~/.cache/n8n-nodes-piapi-diffrhythm/e2e)
 *   PIAPI_E2E_KEEP=1    keep each run's folder (n8n user folder, logs) even when everything passed
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { CACHE_DIR, ROOT, ensureAll } = require('./lib/install');
const { runVersion } = require('./lib/scenarios');
const { childEnv, installExitHandlers, runCommand, seconds, stopAll, tail } = require('./lib/util');

const log = (message) => process.stdout.write(`# ${message}\n`);

async function pack() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'piapi-e2e-pack-'));
	const result = await runCommand('npm pack', 'npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], {
		cwd: ROOT,
		env: childEnv(),
	});
	if (result.code !== 0) throw new Error(`npm pack failed:\n${tail(result.output)}`);
	const [report] = JSON.parse(result.stdout);
	return { dir, tarball: path.join(dir, report.filename) };
}

async function main() {
	const started = Date.now();
	installExitHandlers();
	const versions = (process.env.PIAPI_E2E_VERSIONS || 'v2,v1')
		.split(',')
		.map((v) => v.trim())
		.filter(Boolean);
	for (const version of versions) {
		if (!['v1', 'v2'].includes(version)) throw new Error(`PIAPI_E2E_VERSIONS: unknown version "${version}" (v1, v2)`);
	}
	if (!fs.existsSync(path.join(ROOT, 'dist', 'nodes', 'DiffRhythm', 'DiffRhythm.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first (npm run test:e2e does)');
	}

	log(`cache: ${CACHE_DIR}`);
	const installs = await ensureAll(versions, log);
	const installMs = Date.now() - started;
	log(
		`installs: ${Object.entries(installs)
			.map(([name, result]) => `${name} ${result.cached ? 'cached' : `installed (${seconds(result.ms)})`}`)
			.join(', ')}; ${seconds(Date.now() - started)}`,
	);

	const packed = await pack();
	log(`packed ${path.basename(packed.tarball)}`);

	const results = [];
	const check = async (title, fn) => {
		const t0 = Date.now();
		try {
			const detail = await fn();
			const ms = Date.now() - t0;
			results.push({ title, ok: true, ms });
			process.stdout.write(`ok ${results.length} - ${title} (${seconds(ms)})${detail ? `\n#   ${detail}` : ''}\n`);
			return true;
		} catch (error) {
			const ms = Date.now() - t0;
			results.push({ title, ok: false, ms, error });
			process.stdout.write(`not ok ${results.length} - ${title} (${seconds(ms)})\n`);
			process.stdout.write(`${String(error && error.stack ? (error.name === 'Error' || !error.message ? error.stack : error.message) : error)
				.split('\n')
				.map((line) => `#   ${line}`)
				.join('\n')}\n`);
			return false;
		}
	};

	try {
		for (const version of versions) {
			const t0 = Date.now();
			await runVersion(version, { tarball: packed.tarball, check, keep: process.env.PIAPI_E2E_KEEP === '1', log });
			log(`${version} took ${seconds(Date.now() - t0)}`);
		}
	} finally {
		await stopAll();
		fs.rmSync(packed.dir, { recursive: true, force: true });
	}

	const passed = results.filter((r) => r.ok).length;
	const failed = results.length - passed;
	log(`total ${seconds(Date.now() - started)} (of which checking or installing n8n: ${seconds(installMs)})`);
	process.stdout.write(`${passed} passed, ${failed} failed\n`);
	process.exitCode = failed ? 1 : 0;
}

main().catch(async (error) => {
	process.stderr.write(`e2e: ${error.stack || error}\n`);
	await stopAll();
	process.stdout.write('0 passed, 1 failed\n');
	process.exitCode = 1;
});
