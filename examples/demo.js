/**
 * `npm run demo`: runs examples/generate-song.workflow.json through the real n8n engine
 * (n8n-core, in process) and writes the song under out/.
 * Without PIAPI_API_KEY it talks to the bundled PiAPI simulator (no key, no network, no cost);
 * with PIAPI_API_KEY set it calls the real PiAPI (one Base song, $0.02 at the time of writing).
 * PIAPI_BASE_URL overrides the API address.
 */
const fs = require('fs');
const path = require('path');

const { logs, runWorkflow } = require('../test/harness');
const { startSimulator, parseWav } = require('../test/simulator');

async function main() {
	const workflow = JSON.parse(fs.readFileSync(path.join(__dirname, 'generate-song.workflow.json'), 'utf8'));
	const realKey = process.env.PIAPI_API_KEY;
	let simulator;
	let credentials;
	if (realKey) {
		credentials = { apiKey: realKey, baseUrl: process.env.PIAPI_BASE_URL || 'https://api.piapi.ai' };
		console.log(`Calling PiAPI at ${credentials.baseUrl} (PIAPI_API_KEY is set).`);
	} else {
		simulator = await startSimulator({ apiKey: 'demo-key', pendingMs: 500, renderMs: 4000 });
		credentials = { apiKey: 'demo-key', baseUrl: simulator.url };
		console.log(`PIAPI_API_KEY is not set: using the PiAPI simulator at ${simulator.url}.`);
	}
	try {
		const started = Date.now();
		let printed = 0;
		const ticker = setInterval(() => {
			for (; printed < logs.length; printed++) {
				if (logs[printed].level !== 'debug') console.log(`  ${logs[printed].message}`);
			}
		}, 200);
		const result = await runWorkflow({
			workflow,
			credentials: { piApiApi: credentials },
			binaryMode: 'filesystem',
		}).finally(() => clearInterval(ticker));
		for (; printed < logs.length; printed++) {
			if (logs[printed].level !== 'debug') console.log(`  ${logs[printed].message}`);
		}
		if (result.status !== 'success') {
			const error = result.error;
			console.error(`The workflow failed: ${error?.message}\n${error?.description ?? ''}`);
			process.exitCode = 1;
			return;
		}
		const [item] = result.output('DiffRhythm');
		const bytes = await result.binaryBuffer(item, 'data');
		const binary = item.binary.data;
		const outDir = path.join(process.cwd(), 'out');
		fs.mkdirSync(outDir, { recursive: true });
		const file = path.join(outDir, binary.fileName);
		fs.writeFileSync(file, bytes);
		let duration = 'unknown (not a WAV file)';
		if (binary.mimeType === 'audio/wav') duration = `${parseWav(bytes).durationSeconds.toFixed(1)} s`;
		console.log('');
		console.log(`Task id:  ${item.json.task_id}`);
		console.log(`Status:   ${item.json.status}`);
		console.log(`Duration: ${duration}`);
		console.log(`Format:   ${binary.mimeType}, ${(bytes.length / 1048576).toFixed(1)} MB`);
		console.log(`File:     ${path.relative(process.cwd(), file)}`);
		console.log(`Took:     ${((Date.now() - started) / 1000).toFixed(1)} s`);
	} finally {
		if (simulator) await simulator.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
