/**
 * Completion-to-output latency and GETs per task, for one simulated generation time, in one
 * process: one simulator, every mode side by side.
 *
 *   node bench/latency.js --seconds 90 [--tasks 6] [--phase 10] [--warm-after 30]
 *                         [--render-jitter 0] [--modes poll,suspend,fixed5,loop10]
 *
 * Each mode runs two waves of `--tasks` executions, each execution started at a random moment:
 * - `cold`: within the first `--phase` seconds, when this process has not seen a song finish
 *   (an n8n instance just started);
 * - `warm`: within `--phase` seconds from `--warm-after` seconds on. By the time these songs end,
 *   songs of the first wave have finished (an n8n instance that has been generating songs).
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
	const warmAfterSeconds = Number(arg('warm-after', String(phaseSeconds + 20)));
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
	const waves = { cold: 0, warm: warmAfterSeconds * 1000 };
	for (const mode of modes) {
		for (const [wave, waveStart] of Object.entries(waves)) {
			for (let i = 0; i < tasks; i++) {
				const offset = waveStart + Math.random() * phaseSeconds * 1000;
				const stylePrompt = `bench ${mode} ${wave} ${i}`;
				runs.push(
					sleep(offset)
						.then(() => MODES[mode](sim, stylePrompt, maxWaitSeconds, server))
						.then((outcome) => ({ mode, wave, offsetMs: Math.round(offset), ...outcome })),
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
	// Whether Poll mode had really collected a song before the second wave's songs ended.
	const pollOutcomes = outcomes.filter((o) => o.mode === 'poll');
	const firstCollected = Math.min(...pollOutcomes.map((o) => o.doneAt));
	const warmAfterFirstSong = pollOutcomes
		.filter((o) => o.wave === 'warm')
		.every((o) => sim.tasks.get(o.taskId).endedAt > firstCollected);
	const posts = sim.posts().length;
	await server?.close();
	await sim.close();
	process.stdout.write(
		`${JSON.stringify({ seconds, tasks, phaseSeconds, warmAfterSeconds, renderJitter, warmAfterFirstSong, posts, expectedPosts: outcomes.length, modes: byMode })}\n`,
	);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
