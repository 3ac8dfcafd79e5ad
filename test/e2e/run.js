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
const path = require('node:path');

const { CACHE_DIR, ensureAll } = require('./lib/install');
const { createReport, log, pack } = require('./lib/report');
const { runVersion } = require('./lib/scenarios');
const { installExitHandlers, seconds, stopAll } = require('./lib/util');

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

	const { check, finish } = createReport();

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

	log(`total ${seconds(Date.now() - started)} (of which checking or installing n8n: ${seconds(installMs)})`);
	process.exitCode = finish();
}

main().catch(async (error) => {
	process.stderr.write(`e2e: ${error.stack || error}\n`);
	await stopAll();
	process.stdout.write('0 passed, 1 failed\n');
	process.exitCode = 1;
});
