// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * Postgres and Redis for the queue-mode suite, from Debian's packages (`postgresql`,
 * `redis-server`; installed with apt-get when missing, since CI starts on a fresh machine). Each
 * run gets its own throw-away instances: Postgres with its own data folder, port and socket folder,
 * run as an unprivileged user (it refuses root); Redis without persistence. Both listen on
 * 127.0.0.1 only and are started in the foreground, so the suite stops them by PID.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { childEnv, freePort, runCommand, startProcess, stopProcess, tail } = require('./util');

const POSTGRES_LIB = '/usr/lib/postgresql';
const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];
/** The unprivileged user Debian's postgresql package creates; Postgres runs as it under root. */
const POSTGRES_USER = 'postgres';

/** The bin folder of the newest Postgres installed from Debian's packages, or null. */
function postgresBinDir() {
	let versions = [];
	try {
		versions = fs.readdirSync(POSTGRES_LIB).filter((name) => /^\d+$/.test(name));
	} catch {
		return null;
	}
	const dirs = versions
		.sort((a, b) => Number(b) - Number(a))
		.map((version) => path.join(POSTGRES_LIB, version, 'bin'))
		.filter((dir) =>
			['initdb', 'postgres', 'createdb'].every((bin) => fs.existsSync(path.join(dir, bin))),
		);
	return dirs[0] || null;
}

function redisServerBin() {
	return REDIS_SERVER.find((file) => fs.existsSync(file)) || null;
}

/**
 * Installs `postgresql` and `redis-server` with apt-get when one is missing (needs root). Package
 * scripts start no service in a container whose policy-rc.d forbids it; either way the suite starts
 * its own instances on free ports. Resolves with what was done, for the log.
 */
async function ensureServerPackages(log) {
	const missing = [];
	if (!postgresBinDir()) missing.push('postgresql');
	if (!redisServerBin()) missing.push('redis-server');
	if (!missing.length) return { installed: [], ms: 0 };
	if (typeof process.getuid === 'function' && process.getuid() !== 0) {
		throw new Error(
			`${missing.join(' and ')} missing: run \`sudo apt-get install ${missing.join(' ')}\` (the suite installs them itself only as root)`,
		);
	}
	const started = Date.now();
	log(`installing ${missing.join(', ')} with apt-get`);
	const env = childEnv({ DEBIAN_FRONTEND: 'noninteractive' });
	// Another apt-get on the machine holds the lock for a while: wait for it instead of failing.
	const lock = ['-o', 'DPkg::Lock::Timeout=600'];
	const apt = async (args) => {
		let result;
		for (let attempt = 1; attempt <= 3; attempt++) {
			result = await runCommand('apt-get', 'apt-get', [...lock, ...args], {
				env,
				timeoutMs: 900000,
			});
			if (result.code === 0) return;
			log(`apt-get ${args[0]} failed (attempt ${attempt}): ${tail(result.output, 3)}`);
		}
		throw new Error(
			`apt-get ${args.join(' ')} failed (exit ${result.code}):\n${tail(result.output, 30)}`,
		);
	};
	await apt(['update']);
	await apt(['install', '-y', '--no-install-recommends', ...missing]);
	if (!postgresBinDir() || !redisServerBin()) {
		throw new Error(
			`apt-get installed ${missing.join(', ')} but no Postgres or redis-server binary is where Debian puts them`,
		);
	}
	return { installed: missing, ms: Date.now() - started };
}

/** uid/gid of a user from /etc/passwd, or null. */
function userIds(name) {
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.split(':')[0] === name);
	if (!line) return null;
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

class Postgres {
	/**
	 * Creates a cluster in a fresh folder under the system temp folder (`dir`: outside the suite's
	 * root-only run folder, so the unprivileged user can reach it), in `<dir>/data` (initdb as that
	 * user; password auth over TCP), starts `postgres` on a free 127.0.0.1 port with its socket in
	 * `<dir>/socket`, and creates the database. The caller removes `dir` when done.
	 */
	static async start({
		database = 'n8n',
		user = 'n8n',
		password = 'n8n-e2e-password',
		log = () => {},
	} = {}) {
		const bin = postgresBinDir();
		if (!bin) throw new Error('no Postgres binaries in /usr/lib/postgresql/*/bin');
		const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
		const ids = asRoot ? userIds(POSTGRES_USER) : null;
		if (asRoot && !ids)
			throw new Error(`no "${POSTGRES_USER}" user (Debian's postgresql package creates it)`);
		const owner = ids ? { uid: ids.uid, gid: ids.gid } : {};
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'piapi-e2e-postgres-'));
		const dataDir = path.join(dir, 'data');
		const socketDir = path.join(dir, 'socket');
		fs.mkdirSync(socketDir, { mode: 0o700 });
		const pwFile = path.join(dir, 'password');
		fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
		if (ids) for (const file of [dir, socketDir, pwFile]) fs.chownSync(file, ids.uid, ids.gid);
		const logFile = path.join(dir, 'postgres.log');
		const env = childEnv({ HOME: dir, LC_ALL: 'C', PGPASSWORD: password });
		const run = async (name, args) => {
			const result = await runCommand(name, path.join(bin, name), args, {
				env,
				cwd: dir,
				logFile,
				...owner,
				timeoutMs: 120000,
			});
			if (result.code !== 0)
				throw new Error(`${name} failed (exit ${result.code}):\n${tail(result.output, 20)}`);
		};
		await run('initdb', [
			'-D',
			dataDir,
			'-U',
			user,
			`--pwfile=${pwFile}`,
			'--auth-host=scram-sha-256',
			'--auth-local=trust',
			'--encoding=UTF8',
			'--no-locale',
			'--no-sync',
		]);
		const port = await freePort();
		const proc = startProcess(
			'postgres',
			path.join(bin, 'postgres'),
			[
				'-D',
				dataDir,
				'-p',
				String(port),
				'-k',
				socketDir,
				'-c',
				'listen_addresses=127.0.0.1',
				// A throw-away cluster: durability is not needed, speed is.
				'-c',
				'fsync=off',
				'-c',
				'synchronous_commit=off',
				'-c',
				'full_page_writes=off',
				'-c',
				'max_connections=200',
			],
			{ env, cwd: dir, logFile, ...owner },
		);
		// Fast shutdown: ends open sessions instead of waiting for them (a killed worker's included).
		proc.stopSignal = 'SIGINT';
		const pg = new Postgres({ proc, port, database, user, password, dir, bin });
		try {
			await proc.waitForOutput('database system is ready to accept connections', 60000);
			await run('createdb', ['-h', socketDir, '-p', String(port), '-U', user, database]);
		} catch (error) {
			await pg.stop();
			throw error;
		}
		log(
			`postgres ${path.basename(path.dirname(bin))} on 127.0.0.1:${port} (pid ${proc.pid}), data in ${dataDir}`,
		);
		return pg;
	}

	constructor({ proc, port, database, user, password, dir, bin }) {
		Object.assign(this, { proc, port, database, user, password, dir, bin });
	}

	get url() {
		return `postgres://${encodeURIComponent(this.user)}:${encodeURIComponent(this.password)}@127.0.0.1:${this.port}/${this.database}`;
	}

	/** The environment every n8n process needs to use this database. */
	get n8nEnv() {
		return {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(this.port),
			DB_POSTGRESDB_DATABASE: this.database,
			DB_POSTGRESDB_USER: this.user,
			DB_POSTGRESDB_PASSWORD: this.password,
		};
	}

	async stop() {
		await stopProcess(this.proc, { graceMs: 15000 });
	}
}

class Redis {
	/** `redis-server` on a free 127.0.0.1 port, no RDB snapshots, no AOF, working folder `dir`. */
	static async start({ dir, log = () => {} }) {
		const bin = redisServerBin();
		if (!bin) throw new Error('no redis-server binary');
		fs.mkdirSync(dir, { recursive: true });
		const port = await freePort();
		const proc = startProcess(
			'redis-server',
			bin,
			[
				'--bind',
				'127.0.0.1',
				'--port',
				String(port),
				'--save',
				'',
				'--appendonly',
				'no',
				'--daemonize',
				'no',
				'--protected-mode',
				'yes',
				'--dir',
				dir,
			],
			{ env: childEnv(), cwd: dir, logFile: path.join(dir, 'redis.log') },
		);
		const redis = new Redis({ proc, port });
		try {
			await proc.waitForOutput('Ready to accept connections', 30000);
		} catch (error) {
			await redis.stop();
			throw error;
		}
		log(`redis on 127.0.0.1:${port} (pid ${proc.pid})`);
		return redis;
	}

	constructor({ proc, port }) {
		Object.assign(this, { proc, port });
	}

	get n8nEnv() {
		return { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(this.port) };
	}

	async stop() {
		await stopProcess(this.proc, { graceMs: 10000 });
	}
}

module.exports = { Postgres, Redis, ensureServerPackages, postgresBinDir, redisServerBin };
