// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * `npm run test:queue`: the package on n8n 2.x in queue mode (1 main, 2 workers, 1 webhook process,
 * Postgres and Redis from Debian's packages) against the PiAPI simulator. See README, "End-to-end
 * tests".
 *
 * Environment:
 *   PIAPI_E2E_CACHE     where n8n and Node.js 24 are installed (shared with npm run test:e2e)
 *   PIAPI_E2E_KEEP=1    keep the run's folders (logs, user folders, Postgres data) even when everything passed
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { CACHE_DIR, ensureAll } = require('./lib/install');
const { runQueue } = require('./lib/queue-scenarios');
const { createReport, log, pack } = require('./lib/report');
const { installExitHandlers, seconds, stopAll } = require('./lib/util');

async function main() {
	const started = Date.now();
	installExitHandlers();
	log(`cache: ${CACHE_DIR}`);
	const installs = await ensureAll(['v2'], log);
	const installMs = Date.now() - started;
	log(`installs: ${installs.v2.cached ? 'cached' : `installed (${seconds(installs.v2.ms)})`}`);
	const packed = await pack();
	log(`packed ${path.basename(packed.tarball)}`);
	const { check, finish } = createReport();
	try {
		await runQueue('v2', { tarball: packed.tarball, check, keep: process.env.PIAPI_E2E_KEEP === '1', log });
	} finally {
		await stopAll();
		fs.rmSync(packed.dir, { recursive: true, force: true });
	}
	log(`total ${seconds(Date.now() - started)} (of which checking or installing n8n: ${seconds(installMs)})`);
	process.exitCode = finish();
}

main().catch(async (error) => {
	process.stderr.write(`queue e2e: ${error.stack || error}\n`);
	await stopAll();
	process.stdout.write('0 passed, 1 failed\n');
	process.exitCode = 1;
});
