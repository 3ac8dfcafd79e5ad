/**
 * Peak memory of putting one large song into n8n binary data, in a fresh process per variant:
 *
 *   node --expose-gc bench/memory.js --sim-url URL --variant streamed|buffered|inMemoryMode
 *
 * - `streamed`: Generate and Wait with Download Audio, n8n's filesystem binary mode (the node
 *   streams the response into n8n's binary store);
 * - `buffered` (model): what a node that buffers does: the same task fetched without download,
 *   then the whole file read into one Buffer (pre-sized from Content-Length, the least a buffering
 *   client can hold) and handed to n8n's binary store, also in filesystem mode;
 * - `inMemoryMode`: the node in n8n's in-memory binary mode ('default'), where n8n itself keeps the
 *   file in memory whatever the node does (for reference).
 *
 * The simulator runs in another process (so its memory is not counted). Before measuring, one
 * small song goes through the same path (code loaded and warmed), then the heap is collected and
 * the kernel's peak-RSS mark is reset (/proc/self/clear_refs); growth = VmHWM after - VmRSS before.
 * Prints one JSON line.
 */
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');

const { diffRhythmWorkflow, runWorkflow } = require('../test/harness');
const { API_KEY, LYRICS, arg, sleep } = require('./lib');

function statusKb(field) {
	const line = fs
		.readFileSync('/proc/self/status', 'utf8')
		.split('\n')
		.find((l) => l.startsWith(`${field}:`));
	return line ? Number(line.split(/\s+/)[1]) : undefined;
}

async function control(simUrl, route, body) {
	const response = await fetch(`${simUrl}${route}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	if (!response.ok) throw new Error(`${route}: HTTP ${response.status}`);
}

function runNode(simUrl, binaryMode, downloadAudio) {
	return runWorkflow({
		workflow: diffRhythmWorkflow({
			operation: 'generateAndWait',
			taskType: 'txt2audio-base',
			lyrics: LYRICS,
			stylePrompt: 'bench memory',
			downloadAudio,
			binaryPropertyName: 'data',
			options: { pollIntervalSeconds: 1 },
		}),
		credentials: { piApiApi: { apiKey: API_KEY, baseUrl: simUrl } },
		binaryMode,
	});
}

/** Reads a whole response into one Buffer sized from Content-Length. */
function downloadToBuffer(url) {
	return new Promise((resolve, reject) => {
		http
			.get(url, (res) => {
				const length = Number(res.headers['content-length']);
				const buffer = Buffer.allocUnsafe(length);
				let offset = 0;
				res.on('data', (chunk) => {
					chunk.copy(buffer, offset);
					offset += chunk.length;
				});
				res.on('end', () => resolve(buffer.subarray(0, offset)));
				res.on('error', reject);
			})
			.on('error', reject);
	});
}

let binaryService;
function binaryDataService() {
	if (!binaryService) {
		const coreDir = path.dirname(require.resolve('n8n-core/package.json'));
		const { Container } = require(require.resolve('@n8n/di', { paths: [coreDir] }));
		const core = require('n8n-core');
		binaryService = Container.get(core.BinaryDataService);
	}
	return binaryService;
}

const VARIANTS = {
	async streamed(simUrl) {
		const result = await runNode(simUrl, 'filesystem', true);
		const [item] = result.output('DiffRhythm') ?? [];
		if (result.status !== 'success') throw new Error(result.error?.message);
		return {
			bytes: Number(item.binary.data.bytes ?? 0),
			fileSize: item.binary.data.fileSize,
			id: item.binary.data.id,
		};
	},
	async buffered(simUrl) {
		const result = await runNode(simUrl, 'filesystem', false);
		if (result.status !== 'success') throw new Error(result.error?.message);
		const [item] = result.output('DiffRhythm');
		const buffer = await downloadToBuffer(item.json.audioUrl);
		const stored = await binaryDataService().store(
			{ type: 'execution', workflowId: 'bench', executionId: 'memory' },
			buffer,
			{ mimeType: 'audio/wav', fileName: 'song.wav', data: '' },
		);
		return { bytes: buffer.length, fileSize: stored.fileSize, id: stored.id };
	},
	async inMemoryMode(simUrl) {
		const result = await runNode(simUrl, 'default', true);
		if (result.status !== 'success') throw new Error(result.error?.message);
		const [item] = result.output('DiffRhythm');
		return {
			bytes: Buffer.byteLength(item.binary.data.data, 'base64'),
			fileSize: item.binary.data.fileSize,
		};
	},
};

async function main() {
	const simUrl = arg('sim-url');
	const variant = arg('variant', 'streamed');
	const songSeconds = Number(arg('song-seconds', '595'));
	if (!simUrl || !VARIANTS[variant])
		throw new Error('usage: --sim-url URL --variant streamed|buffered|inMemoryMode');

	await control(simUrl, '/__sim/behaviour', { audioSeconds: 1 });
	await VARIANTS[variant](simUrl);
	await control(simUrl, '/__sim/behaviour', { audioSeconds: songSeconds });

	global.gc?.();
	await sleep(200);
	global.gc?.();
	const before = statusKb('VmRSS');
	let hwmReset = true;
	try {
		fs.writeFileSync('/proc/self/clear_refs', '5');
	} catch {
		hwmReset = false;
	}
	// A sampler as a second opinion (and the only one where the peak mark cannot be reset).
	let sampledPeak = before;
	const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, statusKb('VmRSS'))), 5);
	const started = Date.now();
	const outcome = await VARIANTS[variant](simUrl);
	const ms = Date.now() - started;
	clearInterval(sampler);
	const peak = hwmReset ? Math.max(statusKb('VmHWM'), sampledPeak) : sampledPeak;
	process.stdout.write(
		`${JSON.stringify({
			variant,
			fileBytes: outcome.bytes,
			rssBeforeMB: before / 1024,
			peakMB: peak / 1024,
			growthMB: (peak - before) / 1024,
			peakMark: hwmReset ? 'VmHWM' : 'sampled',
			ms,
		})}\n`,
	);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
