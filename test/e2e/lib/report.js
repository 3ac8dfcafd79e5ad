// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * What both end-to-end entry points (run.js, queue.js) share: n8n installed in the cache, the
 * package packed as users get it, the `ok` / `not ok` lines with a closing `N passed, N failed`,
 * and every started process stopped at the end.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { CACHE_DIR, ROOT, ensureAll } = require('./install');
const { childEnv, installExitHandlers, runCommand, seconds, stopAll, tail } = require('./util');

const log = (message) => process.stdout.write(`# ${message}\n`);

/** `npm pack` into a fresh temp folder; resolves with { dir, tarball }. */
async function pack() {
	if (!fs.existsSync(path.join(ROOT, 'dist', 'nodes', 'DiffRhythm', 'DiffRhythm.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first (the npm scripts do)');
	}
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'piapi-e2e-pack-'));
	const result = await runCommand(
		'npm pack',
		'npm',
		['pack', '--json', '--ignore-scripts', '--pack-destination', dir],
		{
			cwd: ROOT,
			env: childEnv(),
		},
	);
	if (result.code !== 0) throw new Error(`npm pack failed:\n${tail(result.output)}`);
	const [report] = JSON.parse(result.stdout);
	return { dir, tarball: path.join(dir, report.filename) };
}

/** Collects results: `check(title, fn)` runs one, prints its line, resolves true when it passed. */
function createReport() {
	const results = [];
	const check = async (title, fn) => {
		const t0 = Date.now();
		try {
			const detail = await fn();
			const ms = Date.now() - t0;
			results.push({ title, ok: true, ms });
			process.stdout.write(
				`ok ${results.length} - ${title} (${seconds(ms)})${detail ? `\n#   ${detail}` : ''}\n`,
			);
			return true;
		} catch (error) {
			const ms = Date.now() - t0;
			results.push({ title, ok: false, ms, error });
			process.stdout.write(`not ok ${results.length} - ${title} (${seconds(ms)})\n`);
			process.stdout.write(
				`${String(
					error && error.stack
						? error.name === 'Error' || !error.message
							? error.stack
							: error.message
						: error,
				)
					.split('\n')
					.map((line) => `#   ${line}`)
					.join('\n')}\n`,
			);
			return false;
		}
	};
	/** Prints the closing line; resolves with the exit code. */
	const finish = () => {
		const passed = results.filter((r) => r.ok).length;
		const failed = results.length - passed;
		process.stdout.write(`${passed} passed, ${failed} failed\n`);
		return failed ? 1 : 0;
	};
	return { check, finish, results };
}

/**
 * An entry point: installs `versions` (v1, v2) if needed, packs the package, then
 * `run({ tarball, check, keep, log })`; stops whatever is still running, prints the totals and the
 * closing line, and sets the exit code. A crash outside the checks counts as one failure.
 */
function runSuite(name, versions, run) {
	const main = async () => {
		const started = Date.now();
		installExitHandlers();
		log(`cache: ${CACHE_DIR}`);
		const installs = await ensureAll(versions, log);
		const installMs = Date.now() - started;
		log(
			`installs: ${Object.entries(installs)
				.map(
					([target, result]) =>
						`${target} ${result.cached ? 'cached' : `installed (${seconds(result.ms)})`}`,
				)
				.join(', ')}; ${seconds(installMs)}`,
		);
		const packed = await pack();
		log(`packed ${path.basename(packed.tarball)}`);
		const { check, finish } = createReport();
		try {
			await run({ tarball: packed.tarball, check, keep: process.env.PIAPI_E2E_KEEP === '1', log });
		} finally {
			await stopAll();
			fs.rmSync(packed.dir, { recursive: true, force: true });
		}
		log(
			`total ${seconds(Date.now() - started)} (of which checking or installing n8n: ${seconds(installMs)})`,
		);
		process.exitCode = finish();
	};
	main().catch(async (error) => {
		process.stderr.write(`${name}: ${error.stack || error}\n`);
		await stopAll();
		process.stdout.write('0 passed, 1 failed\n');
		process.exitCode = 1;
	});
}

/**
 * runSuite over the n8n versions in PIAPI_E2E_VERSIONS (v2,v1 by default), one after the other:
 * `runVersion(version, options)` for each.
 */
function runVersions(name, runVersion) {
	const versions = (process.env.PIAPI_E2E_VERSIONS || 'v2,v1')
		.split(',')
		.map((v) => v.trim())
		.filter(Boolean);
	const unknown = versions.find((version) => !['v1', 'v2'].includes(version));
	if (unknown) {
		process.stderr.write(`${name}: PIAPI_E2E_VERSIONS: unknown version "${unknown}" (v1, v2)\n`);
		process.stdout.write('0 passed, 1 failed\n');
		process.exitCode = 1;
		return;
	}
	runSuite(name, versions, async (options) => {
		for (const version of versions) {
			const t0 = Date.now();
			await runVersion(version, options);
			log(`${version} took ${seconds(Date.now() - t0)}`);
		}
	});
}

module.exports = { createReport, log, pack, runSuite, runVersions };
