/**
 * Shared pieces of the benchmarks: statistics, how the tables show figures, child processes, and
 * the baseline pollers that the benchmarks model (plain HTTP loops doing what those nodes and
 * workflows do).
 */
'use strict';

const { spawn } = require('child_process');
const path = require('path');

const { sleep } = require('../test/e2e/lib/util');

const ROOT = path.resolve(__dirname, '..');
const API_KEY = 'bench-key';
const LYRICS = '[00:05.00] Benchmarks sing in the dark\n[00:12.50] Counting every request';

/** True for `--quick` or BENCH_QUICK=1: a short smoke run whose figures mean nothing. */
const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

/** Progress on stderr; stdout carries each benchmark's JSON result. */
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

/** Linear-interpolated percentile (p in 0..100) of numbers; undefined for an empty list. */
function percentile(values, p) {
	const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
	if (sorted.length === 0) return undefined;
	const rank = (p / 100) * (sorted.length - 1);
	const low = Math.floor(rank);
	const high = Math.ceil(rank);
	return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

const median = (values) => percentile(values, 50);
const round = (value, digits = 2) =>
	value === undefined || value === null ? value : Number(value.toFixed(digits));

/** Seconds as the tables show them: `1.23 s`, or `–` when not measured. */
const seconds = (value) => (value === undefined || value === null ? '–' : `${value.toFixed(2)} s`);
/** A [lowest, highest] pair as the tables show it: `0.31-0.44`. */
const range = (pair) => (pair ? pair.map((v) => v.toFixed(2)).join('-') : '–');

/** `--name value` from argv, else the fallback. */
function arg(name, fallback) {
	const index = process.argv.indexOf(`--${name}`);
	if (index < 0 || index + 1 >= process.argv.length) return fallback;
	return process.argv[index + 1];
}

/**
 * Runs `node bench/<script> ...args` and resolves with the JSON object it prints as its last
 * stdout line (`onLine` sees every line as it comes). stderr is passed through so progress stays
 * visible.
 */
function runChild(script, args = [], { nodeArgs = [], env = {}, onLine } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [...nodeArgs, path.join(__dirname, script), ...args], {
			cwd: ROOT,
			env: { ...process.env, ...env },
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let out = '';
		let pending = '';
		child.stdout.on('data', (chunk) => {
			out += chunk;
			pending += chunk;
			let newline;
			while ((newline = pending.indexOf('\n')) >= 0) {
				const line = pending.slice(0, newline);
				pending = pending.slice(newline + 1);
				if (onLine) onLine(line);
			}
		});
		child.on('error', reject);
		child.on('close', (code) => {
			const last = out.trim().split('\n').pop();
			if (code !== 0) return reject(new Error(`${script} ${args.join(' ')} exited ${code}`));
			try {
				resolve(JSON.parse(last));
			} catch {
				reject(new Error(`${script} printed no JSON result: ${out.slice(-500)}`));
			}
		});
	});
}

// -- Baseline models ------------------------------------------------------------------------------

const TERMINAL = new Set(['completed', 'failed']);

async function api(baseUrl, method, route, body) {
	const response = await fetch(`${baseUrl}${route}`, {
		method,
		headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const json = await response.json();
	if (!response.ok || json.code !== 200)
		throw new Error(`${method} ${route}: HTTP ${response.status}`);
	return json.data;
}

/** The create-task body every benchmark sends (the node builds the same one). */
function createBody(stylePrompt) {
	return {
		model: 'Qubico/diffrhythm',
		task_type: 'txt2audio-base',
		input: { lyrics: LYRICS, style_prompt: stylePrompt, style_audio: '' },
	};
}

/**
 * Model of a client that polls at a fixed interval: create, then `sleep(interval)` + GET until the
 * task is terminal or `maxChecks` GETs were made, then download the audio into memory. With
 * interval 5 s and 60 checks this is what existing PiAPI community nodes do; with a longer
 * interval and no cap it is an n8n "HTTP Request → Wait → IF" loop (the Wait node sleeps in
 * process for waits under 65 s, so each turn is one GET plus the Wait).
 * Resolves with the task id and the local time the audio was in hand.
 */
async function fixedIntervalPoller(baseUrl, { intervalMs, maxChecks = Infinity, stylePrompt }) {
	const task = await api(baseUrl, 'POST', '/api/v1/task', createBody(stylePrompt));
	let current = task;
	for (
		let check = 0;
		check < maxChecks && !TERMINAL.has(String(current.status).toLowerCase());
		check++
	) {
		await sleep(intervalMs);
		current = await api(baseUrl, 'GET', `/api/v1/task/${task.task_id}`);
	}
	if (String(current.status).toLowerCase() === 'completed') {
		const file = await fetch(current.output.audio_url);
		await file.arrayBuffer();
	}
	return { taskId: task.task_id, status: current.status, doneAt: Date.now() };
}

/** Machine facts printed next to the numbers. */
function machine() {
	const os = require('os');
	return {
		cpus: os.cpus().length,
		cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown',
		memoryGiB: Math.round(os.totalmem() / 2 ** 30),
		node: process.version,
		platform: `${os.platform()} ${os.release()}`,
	};
}

module.exports = {
	ROOT,
	API_KEY,
	LYRICS,
	QUICK,
	log,
	sleep,
	percentile,
	median,
	round,
	seconds,
	range,
	arg,
	runChild,
	createBody,
	fixedIntervalPoller,
	machine,
};
