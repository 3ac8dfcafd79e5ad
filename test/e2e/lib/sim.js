// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * The PiAPI simulator (test/simulator/cli.js) as its own process, and a client for its /__sim/
 * control routes.
 */
'use strict';

const path = require('node:path');

const { ROOT } = require('./install');
const { childEnv, request, startProcess, stopProcess } = require('./util');

const CLI = path.join(ROOT, 'test', 'simulator', 'cli.js');

class SimulatorProcess {
	constructor(proc, url) {
		this.proc = proc;
		this.url = url;
	}

	/**
	 * Starts `node test/simulator/cli.js` on an ephemeral loopback port and resolves once it printed
	 * its URL. `options`: apiKey, renderMs, pendingMs, audioSeconds, concurrency, webhookRetries,
	 * webhookRetryGapMs (CLI flags).
	 */
	static async start({
		apiKey,
		renderMs,
		pendingMs,
		audioSeconds,
		concurrency,
		webhookRetries,
		webhookRetryGapMs,
		logFile,
	}) {
		const args = [CLI, '--host', '127.0.0.1', '--port', '0', '--api-key', apiKey];
		if (renderMs !== undefined) args.push('--render-ms', String(renderMs));
		if (pendingMs !== undefined) args.push('--pending-ms', String(pendingMs));
		if (audioSeconds !== undefined) args.push('--audio-seconds', String(audioSeconds));
		if (concurrency !== undefined) args.push('--concurrency', String(concurrency));
		if (webhookRetries !== undefined) args.push('--webhook-retries', String(webhookRetries));
		if (webhookRetryGapMs !== undefined)
			args.push('--webhook-retry-gap-ms', String(webhookRetryGapMs));
		const proc = startProcess('PiAPI simulator', process.execPath, args, { env: childEnv(), logFile });
		const output = await proc.waitForOutput(/\{"url":"[^"]+","pid":\d+\}\n/, 15000);
		const { url } = JSON.parse(/\{"url":"[^"]+","pid":\d+\}/.exec(output)[0]);
		return new SimulatorProcess(proc, url);
	}

	get port() {
		return Number(new URL(this.url).port);
	}

	async control(method, route, body) {
		const res = await request(`${this.url}/__sim/${route}`, { method, body });
		if (res.status !== 200) throw new Error(`simulator ${method} /__sim/${route}: ${res.status} ${res.text}`);
		return res.json();
	}

	requests() {
		return this.control('GET', 'requests');
	}

	deliveries() {
		return this.control('GET', 'deliveries');
	}

	tasks() {
		return this.control('GET', 'tasks');
	}

	reset() {
		return this.control('POST', 'reset');
	}

	behaviour(spec) {
		return this.control('POST', 'behaviour', spec);
	}

	/** Queues a fault for the next matching requests (see the simulator's Fault type). */
	addFault(fault) {
		return this.control('POST', 'faults', fault);
	}

	/** Sends one webhook by hand; resolves with the receiver's { statusCode, body }. */
	deliver(options) {
		return this.control('POST', 'deliver', options);
	}

	async stop() {
		await stopProcess(this.proc, { graceMs: 5000 });
	}
}

module.exports = { SimulatorProcess };
