/**
 * Completion-to-output latency and GETs per task, for one simulated generation time, in one
 * process: one simulator, every mode side by side.
 *
 *   node bench/latency.js --seconds 90 [--tasks 6] [--phase 10] [--render-jitter 0]
 *                         [--modes poll,suspend,fixed5,loop10] [--start-at <epoch ms>]
 *
 * `--start-at` holds the first wave until that moment, once this process is loaded and its
 * simulator up: run.js starts every run at once, and songs must not be timed while the other
 * processes are still loading n8n (that CPU burst delayed the first songs of every run).
 *
 * Each mode runs two waves of `--tasks` executions, each execution started at a random moment
 * within `--phase` seconds of its wave's start:
 * - `cold` starts at once: no song has finished in this process yet (an n8n just started);
 * - `warm` starts once Poll mode has collected its first song (an n8n that has been generating
 *   songs: its Poll mode knows how long a render takes).
 * Only Poll mode learns from finished songs; for the other modes both waves are alike.
 * Suspend mode runs through the harness's loopback stand-in for n8n's resume route (a real n8n
 * also saves and loads the waiting execution in its database; not included here).
 *
 * Generation time of a task = its queue time (`pending`, uniform 0.2-5.2 s, so that completions
 * fall at every phase of a fixed poller's interval) + its render time (`processing`, the
 * configured generation time minus the mean queue time, times a uniform factor of
 * 1 ± render-jitter). Its mean is the configured generation time.
 *
 * Latency of a task = the moment its output was in hand (the n8n execution finished, or the
 * model's download finished) minus the moment the simulator completed it (its `ended_at`).
 * Prints one JSON line.
 */
'use strict';

const { diffRhythmWorkflow, runWorkflow, startN8nServer } = require('../test/harness');
const { startSimulator } = require('../test/simulator');
const { API_KEY, LYRICS, arg, fixedIntervalPoller, sleep } = require('./lib');

const SONG = {
	operation: 'generateAndWait',
	taskType: 'txt2audio-base',
	lyrics: LYRICS,
	downloadAudio: true,
	binaryPropertyName: 'data',
};

const MODES = {
	/** This package, Generate and Wait, default (adaptive) poll schedule. */
	poll: async (sim, stylePrompt, maxWaitSeconds) => {
		const result = await runWorkflow({
			workflow: diffRhythmWorkflow({ ...SONG, stylePrompt, options: { maxWaitSeconds } }),
			credentials: { piApiApi: { apiKey: API_KEY, baseUrl: sim.url } },
		});
		const doneAt = Date.now();
		if (result.status !== 'success') throw new Error(`poll run failed: ${result.error?.message}`);
		const [item] = result.output('DiffRhythm');
		if (!item.binary?.data) throw new Error('poll run returned no audio');
		return { taskId: item.json.task_id, doneAt };
	},
	/**
	 * This package, Generate and Wait in suspend mode: the execution parks and PiAPI's webhook (the
	 * simulator's delivery) resumes it through the harness's stand-in for n8n's resume route.
	 */
	suspend: async (sim, stylePrompt, maxWaitSeconds, server) => {
		const waiting = await server.run({
			workflow: diffRhythmWorkflow({
				...SONG,
				stylePrompt,
				options: { waitMode: 'suspend', maxWaitSeconds },
			}),
		});
		if (waiting.status !== 'waiting')
			throw new Error(`suspend run did not wait: ${waiting.error?.message}`);
		const result = await server.finished(waiting.executionId);
		const doneAt = Date.now();
		if (result.status !== 'success')
			throw new Error(`suspend run failed: ${result.error?.message}`);
		const [item] = result.output('DiffRhythm');
		if (!item.binary?.data || item.json.status !== 'completed')
			throw new Error('suspend run returned no song');
		return { taskId: item.json.task_id, doneAt };
	},
	/** Model: existing PiAPI community nodes, GET every 5 s, at most 60 times. */
	fixed5: async (sim, stylePrompt) =>
		await fixedIntervalPoller(sim.url, { intervalMs: 5000, maxChecks: 60, stylePrompt }),
	/** Model: an n8n HTTP Request → Wait (10 s) → IF loop. */
	loop10: async (sim, stylePrompt) =>
		await fixedIntervalPoller(sim.url, { intervalMs: 10_000, stylePrompt }),
};

async function main() {
	const seconds = Number(arg('seconds', '10'));
	const tasks = Number(arg('tasks', '6'));
	const phaseSeconds = Number(arg('phase', '10'));
	const modes = arg('modes', Object.keys(MODES).join(',')).split(',');
	const renderJitter = Number(arg('render-jitter', '0'));
	const queue = { min: 200, max: 5200 };
	const renderMs = seconds * 1000 - (queue.min + queue.max) / 2;
	const uniform = (low, high) => low + Math.random() * (high - low);
	const sim = await startSimulator({
		apiKey: API_KEY,
		audioSeconds: 1,
		behaviour: () => ({
			pendingMs: Math.round(uniform(queue.min, queue.max)),
			renderMs: Math.round(renderMs * uniform(1 - renderJitter, 1 + renderJitter)),
		}),
	});
	const maxWaitSeconds = Math.ceil(seconds * 1.5 + 300);
	const credentials = { piApiApi: { apiKey: API_KEY, baseUrl: sim.url } };
	const server = modes.includes('suspend') ? await startN8nServer({ credentials }) : undefined;
	const runs = [];
	await sleep(Number(arg('start-at', '0')) - Date.now());
	const begin = Date.now();
	// The second wave starts once Poll mode has collected its first song (or, without Poll mode,
	// once any mode has): from then on this process knows how long a render takes.
	let openGate;
	const gate = new Promise((resolve) => (openGate = resolve));
	const gateMode = modes.includes('poll') ? 'poll' : modes[0];
	for (const mode of modes) {
		for (const wave of ['cold', 'warm']) {
			for (let i = 0; i < tasks; i++) {
				const stylePrompt = `bench ${mode} ${wave} ${i}`;
				const waveStart =
					wave === 'cold' ? Promise.resolve(0) : gate.then(() => Date.now() - begin);
				runs.push(
					waveStart.then(async (waveStartMs) => {
						const offset = waveStartMs + Math.random() * phaseSeconds * 1000;
						await sleep(begin + offset - Date.now());
						const outcome = await MODES[mode](sim, stylePrompt, maxWaitSeconds, server);
						if (wave === 'cold' && mode === gateMode) openGate();
						return { mode, wave, offsetMs: Math.round(offset), ...outcome };
					}),
				);
			}
		}
	}
	const outcomes = await Promise.all(runs);
	const byMode = {};
	for (const outcome of outcomes) {
		const record = sim.tasks.get(outcome.taskId);
		const gets = sim.requests.filter(
			(r) => r.method === 'GET' && r.path === `/api/v1/task/${outcome.taskId}`,
		).length;
		(byMode[outcome.mode] ??= []).push({
			latencyMs: outcome.doneAt - record.endedAt,
			gets,
			generationMs: record.endedAt - record.createdAt,
			endedAt: record.endedAt,
			offsetMs: outcome.offsetMs,
			wave: outcome.wave,
		});
	}
	for (const list of Object.values(byMode)) list.sort((a, b) => a.endedAt - b.endedAt);
	// The first song Poll mode completed had nothing to go by.
	if (byMode.poll) byMode.poll[0].first = true;
	const posts = sim.posts().length;
	await server?.close();
	await sim.close();
	process.stdout.write(
		`${JSON.stringify({ seconds, tasks, phaseSeconds, renderJitter, posts, expectedPosts: outcomes.length, modes: byMode })}\n`,
	);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
