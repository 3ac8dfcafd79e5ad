/**
 * Batch: one Generate and Wait execution with many items against an account whose concurrency
 * limit holds the rest back (`staged`), next to a model of a client that submits every item at
 * once and polls each every 5 s (its own simulator, same settings, same moment).
 *
 *   node bench/batch.js [--items 50] [--concurrency 10] [--seconds 3]
 *
 * Floor = ceil(items / concurrency) x seconds: the account cannot finish sooner. Prints one JSON
 * line with wall times, their ratio to the floor, and the task counts (duplicates would show as
 * more tasks than items).
 */
'use strict';

const { diffRhythmWorkflow, runWorkflow } = require('../test/harness');
const { startSimulator } = require('../test/simulator');
const { API_KEY, LYRICS, arg, fixedIntervalPoller } = require('./lib');

async function main() {
	const items = Number(arg('items', '50'));
	const concurrency = Number(arg('concurrency', '10'));
	const seconds = Number(arg('seconds', '3'));
	const pendingMs = Math.round(seconds * 100);
	const options = {
		apiKey: API_KEY,
		concurrency,
		pendingMs,
		renderMs: seconds * 1000 - pendingMs,
		audioSeconds: 1,
	};
	const [sim, modelSim] = await Promise.all([startSimulator(options), startSimulator(options)]);
	const floorMs = Math.ceil(items / concurrency) * seconds * 1000;

	const node = (async () => {
		const started = Date.now();
		const result = await runWorkflow({
			workflow: diffRhythmWorkflow({
				operation: 'generateAndWait',
				taskType: 'txt2audio-base',
				lyrics: LYRICS,
				stylePrompt: 'bench batch',
				downloadAudio: true,
				binaryPropertyName: 'data',
			}),
			credentials: { piApiApi: { apiKey: API_KEY, baseUrl: sim.url } },
			items: Array.from({ length: items }, (_, index) => ({ json: { index } })),
		});
		const wallMs = Date.now() - started;
		const output = result.output('DiffRhythm') ?? [];
		const completed = output.filter(
			(item) => item.json.status === 'completed' && item.binary?.data,
		);
		const lastEnd = Math.max(...[...sim.tasks.values()].map((t) => t.endedAt ?? Infinity));
		return {
			status: result.status,
			wallMs,
			ratio: wallMs / floorMs,
			lastSongToOutputMs: started + wallMs - lastEnd,
			itemsOut: output.length,
			completed: completed.length,
			distinctTaskIds: new Set(output.map((item) => item.json.task_id)).size,
			tasksCreated: sim.tasks.size,
			posts: sim.posts().length,
			gets: sim.count('GET', '/api/v1/task/'),
			maxRequestsInFlight: sim.maxInFlight((r) => r.path.startsWith('/api/')),
		};
	})();

	const model = (async () => {
		const started = Date.now();
		const outcomes = await Promise.all(
			Array.from({ length: items }, (_, i) =>
				fixedIntervalPoller(modelSim.url, {
					intervalMs: 5000,
					maxChecks: 60,
					stylePrompt: `model ${i}`,
				}),
			),
		);
		const wallMs = Date.now() - started;
		return {
			wallMs,
			ratio: wallMs / floorMs,
			completed: outcomes.filter((o) => o.status === 'completed').length,
			tasksCreated: modelSim.tasks.size,
			gets: modelSim.count('GET', '/api/v1/task/'),
		};
	})();

	const [ours, fixed5] = await Promise.all([node, model]);
	await Promise.all([sim.close(), modelSim.close()]);
	process.stdout.write(
		`${JSON.stringify({ items, concurrency, seconds, floorMs, node: ours, fixed5 })}\n`,
	);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
