// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * n8n in queue mode as users run it: one main (`n8n start`: editor, REST, publication, the leader's
 * queue recovery), workers (`n8n worker --concurrency=N`) that run every production execution taken
 * from Redis, and one webhook process (`n8n webhook`) that receives production webhooks and the
 * resume calls of waiting executions. Every process has its own user folder with the package
 * unpacked in it (as on separate machines or containers) and shares the encryption key, Postgres,
 * Redis, `EXECUTIONS_MODE=queue`, binary data mode `database` and `WEBHOOK_URL` (the webhook
 * process, so resume URLs and trigger URLs reach it).
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { N8n } = require('./n8n');
const { freePort, signalGroup } = require('./util');

/**
 * Bull's job lock and stalled-job check, shortened so a killed worker's job is noticed in seconds
 * (defaults: lock 60 s renewed every 10 s, stalled check every 30 s). Nothing else differs from
 * n8n's defaults.
 */
const FAST_STALL_ENV = {
	QUEUE_WORKER_LOCK_DURATION: '10000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '2500',
	QUEUE_WORKER_STALLED_INTERVAL: '5000',
};

/** `count` distinct free ports. */
async function freePorts(count) {
	const ports = new Set();
	while (ports.size < count) ports.add(await freePort());
	return [...ports];
}

class QueueCluster {
	/**
	 * @param {object} o
	 * @param {'v1'|'v2'} o.version
	 * @param {string} o.runDir  the run's folder: one sub-folder per process
	 * @param {{ n8nEnv: Record<string,string>, url: string }} o.postgres
	 * @param {{ n8nEnv: Record<string,string> }} o.redis
	 * @param {number} [o.workers]
	 * @param {number} [o.concurrency]  executions each worker runs at once
	 * @param {Record<string,string>} [o.extraEnv]  more environment for every process
	 */
	static async create({
		version,
		runDir,
		postgres,
		redis,
		workers = 2,
		concurrency = 2,
		extraEnv: clusterEnv = {},
	}) {
		const count = 2 + workers;
		const [ports, brokerPorts] = [await freePorts(count), await freePorts(count)];
		const cluster = new QueueCluster();
		cluster.concurrency = concurrency;
		// 2.x: `database`, its queue-mode default, set explicitly as docs/queue-mode.md tells users
		// to. 1.x has no such mode; its default keeps binary data inside the execution, in Postgres
		// too.
		cluster.binaryMode = version === 'v1' ? 'default' : 'database';
		const webhookUrl = `http://127.0.0.1:${ports[1]}/`;
		const make = (name, index, extraEnv = {}) => {
			const dir = path.join(runDir, name);
			// n8n 2.x writes files only below ~/.n8n-files, and only into a folder that exists.
			fs.mkdirSync(path.join(dir, '.n8n-files'), { recursive: true });
			return new N8n({
				version,
				runDir: dir,
				port: ports[index],
				brokerPort: brokerPorts[index],
				database: postgres.url,
				name,
				extraEnv: {
					...postgres.n8nEnv,
					...redis.n8nEnv,
					EXECUTIONS_MODE: 'queue',
					N8N_DEFAULT_BINARY_DATA_MODE: cluster.binaryMode,
					WEBHOOK_URL: webhookUrl,
					N8N_EDITOR_BASE_URL: `http://127.0.0.1:${ports[0]}/`,
					// `~/.n8n-files`, where n8n 2.x lets workflows write files, is then <process folder>/.n8n-files,
					// which is also the working directory relative paths resolve against.
					HOME: dir,
					...FAST_STALL_ENV,
					...clusterEnv,
					...extraEnv,
				},
			});
		};
		cluster.main = make('main', 0);
		cluster.webhook = make('webhook', 1);
		cluster.workers = [];
		for (let i = 0; i < workers; i++) {
			cluster.workers.push(
				make(`worker-${i + 1}`, 2 + i, {
					// The worker's health server: /healthz and /healthz/readiness on its own port.
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(ports[2 + i]),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				}),
			);
		}
		cluster.ports = [...ports, ...brokerPorts];
		return cluster;
	}

	get all() {
		return [this.main, this.webhook, ...this.workers];
	}

	/** Unpacks the `npm pack` tarball into every process's user folder. */
	async installPackage(tarball) {
		return Promise.all(this.all.map((n8n) => n8n.installPackage(tarball)));
	}

	/** The executions in Postgres (read through main's install). */
	get executions() {
		return this.main.executions;
	}

	/** Main first (it runs the migrations and publishes), then the webhook process and the workers. */
	async start(webhookPaths) {
		await this.main.start(webhookPaths);
		await Promise.all([
			this.webhook.start(webhookPaths, { command: 'webhook' }),
			this.startWorkers(),
		]);
	}

	/**
	 * Starts workers (again). `clearEventLog` first deletes the worker's event log
	 * (`~/.n8n/n8nEventLog*.log`), as docs/queue-mode.md tells users to: a worker restarted with
	 * it marks the executions it left waiting as crashed.
	 */
	async startWorkers(workers = this.workers, { clearEventLog = false } = {}) {
		await Promise.all(
			workers.map((worker) => {
				if (clearEventLog) {
					for (const file of QueueCluster.eventLogs(worker)) fs.rmSync(file, { force: true });
				}
				return worker.start([], { command: 'worker', args: [`--concurrency=${this.concurrency}`] });
			}),
		);
	}

	/** A process's event log files (n8n writes `n8nEventLog-<role>.log` and rotates it at start). */
	static eventLogs(n8n) {
		const dir = path.join(n8n.userFolder, '.n8n');
		if (!fs.existsSync(dir)) return [];
		return fs
			.readdirSync(dir)
			.filter((file) => /^n8nEventLog.*\.log$/.test(file))
			.map((file) => path.join(dir, file));
	}

	/** Graceful stop (SIGTERM: a worker finishes or hands back what it runs first). */
	async stopWorkers(workers = this.workers) {
		await Promise.all(workers.map((worker) => worker.stop()));
	}

	/** SIGKILL to the worker's process group (the worker and its task runner), as a crash or OOM kill would. */
	async killWorker(worker) {
		signalGroup(worker.server.pid, 'SIGKILL');
		return worker.server.exited;
	}

	/**
	 * The processes whose log says they ran the execution: a worker logs "Worker started execution
	 * <id> (job <n>)" when it takes the job (n8n records no worker id in the database).
	 */
	ranBy(executionId) {
		const line = `Worker started execution ${executionId} (job `;
		return this.all
			.filter(
				(n8n) => fs.existsSync(n8n.logFile) && fs.readFileSync(n8n.logFile, 'utf8').includes(line),
			)
			.map((n8n) => n8n.name);
	}

	/** Every log line of every process that contains `text`, prefixed with the process name. */
	logLines(text) {
		const lines = [];
		for (const n8n of this.all) {
			if (!fs.existsSync(n8n.logFile)) continue;
			for (const line of fs.readFileSync(n8n.logFile, 'utf8').split('\n')) {
				if (line.includes(text)) lines.push(`${n8n.name}: ${line.trim()}`);
			}
		}
		return lines;
	}

	/** Workers first (they hold executions), then the webhook process and main. */
	async stop() {
		await Promise.all(this.workers.map((worker) => worker.stop()));
		await this.webhook.stop();
		await this.main.stop();
	}
}

module.exports = { FAST_STALL_ENV, QueueCluster };
