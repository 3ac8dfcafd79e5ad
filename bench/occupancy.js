/**
 * Worker occupancy in a real n8n: `--songs` production executions (Webhook → Generate and Wait)
 * started at once on an n8n whose production concurrency limit is `--limit`
 * (N8N_CONCURRENCY_PRODUCTION_LIMIT), in Poll mode on one n8n and in suspend mode on another,
 * side by side against one simulator (PiAPI itself without a concurrency limit).
 *
 *   node bench/occupancy.js [--songs 20] [--seconds 10] [--limit 2] [--runs 3] [--version v2]
 *
 * Wall time = from the first webhook request to the last execution's `stoppedAt` in n8n's
 * database; a song counts when its execution's output has the completed task and its audio. An
 * execution still unfinished when every song is rendered and nothing has finished for 30 s (or
 * after twice the time Poll mode needs) is reported, not waited for.
 * Prints one JSON line.
 */
'use strict';

const { request } = require('../test/e2e/lib/util');
const {
	credentialFile,
	diffRhythmNode,
	webhookNode,
	workflow,
} = require('../test/e2e/lib/workflows');
const { API_KEY, LYRICS, arg, log } = require('./lib');
const {
	FINAL,
	SimulatorProcess,
	dbTime,
	prepare,
	runScript,
	startN8n,
	tearDown,
	waitForExecutions,
} = require('./real-n8n');

function occupancyWorkflow(mode) {
	const id = mode === 'poll' ? 'benchWfPollWait1' : 'benchWfSuspend01';
	const path = `bench-occupancy-${mode}`;
	const stylePrompt = `bench occupancy ${mode}`;
	const letter = mode === 'poll' ? 'a' : 'b';
	return {
		id,
		path,
		stylePrompt,
		definition: workflow(id, `Bench: occupancy (${mode})`, [
			webhookNode(
				`${letter}0000000-0000-4000-8000-0000000000b1`,
				'Webhook',
				path,
				`${letter}e2d1c0a-7f3b-4c2e-9a1d-0b0000000001`,
			),
			diffRhythmNode(`${letter}0000000-0000-4000-8000-0000000000b2`, {
				operation: 'generateAndWait',
				taskType: 'txt2audio-base',
				lyrics: LYRICS,
				stylePrompt,
				downloadAudio: true,
				binaryPropertyName: 'data',
				options: { waitMode: mode, maxWaitSeconds: 900 },
			}),
		]),
	};
}

/** Whether a finished execution's DiffRhythm output carries the completed song. */
function hasSong(execution) {
	const runs = execution?.data?.resultData?.runData?.DiffRhythm;
	const item = runs?.[runs.length - 1]?.data?.main?.[0]?.[0];
	return item?.json?.status === 'completed' && Boolean(item.binary?.data);
}

async function measure(n8n, wf, songs, sim, timeoutMs) {
	const before = new Set((await n8n.executions.executions(wf.id)).map((row) => row.id));
	const started = Date.now();
	const answers = await Promise.all(
		Array.from({ length: songs }, (_, i) =>
			request(`${n8n.baseUrl}/webhook/${wf.path}`, {
				method: 'POST',
				body: { song: i },
				timeoutMs,
			}).catch((error) => ({ status: error.message })),
		),
	);
	const refused = answers.filter((a) => a.status !== 200).length;
	const { rows } = await waitForExecutions({
		rows: async () => (await n8n.executions.executions(wf.id)).filter((row) => !before.has(row.id)),
		expected: songs,
		started,
		timeoutMs,
		settled: async () =>
			(await sim.tasks())
				.filter((task) => task.input.style_prompt === wf.stylePrompt)
				.every((task) => task.status === 'completed' || task.status === 'failed'),
	});
	const finished = rows.filter((row) => FINAL.has(row.status));
	let songsDelivered = 0;
	for (const row of finished) if (hasSong(await n8n.executions.execution(row.id))) songsDelivered++;
	const tasks = (await sim.tasks()).filter((task) => task.input.style_prompt === wf.stylePrompt);
	return {
		complete: finished.length === songs && songsDelivered === songs,
		wallMs: finished.length
			? Math.max(...finished.map((row) => dbTime(row.stoppedAt))) - started
			: null,
		executions: rows.length,
		finished: finished.length,
		stillWaiting: rows.filter((row) => row.status === 'waiting').length,
		songsDelivered,
		refusedRequests: refused,
		tasksSoFar: tasks.length,
		givenUpAfterMs: finished.length === songs ? null : Date.now() - started,
	};
}

async function main() {
	const songs = Number(arg('songs', '20'));
	const seconds = Number(arg('seconds', '10'));
	const limit = Number(arg('limit', '2'));
	const runs = Number(arg('runs', '3'));
	const version = arg('version', 'v2');
	const packed = await prepare(version);
	const { tarball } = packed;
	const sim = await SimulatorProcess.start({
		apiKey: API_KEY,
		renderMs: seconds * 1000 - 300,
		pendingMs: 300,
		audioSeconds: 1,
	});
	const modes = ['poll', 'suspend'].map(occupancyWorkflow);
	const credentials = credentialFile({ apiKey: API_KEY, baseUrl: sim.url, webhookSecret: '' });
	let instances = [];
	try {
		log(`occupancy: starting two n8n ${version} (production concurrency limit ${limit})`);
		instances = await Promise.all(
			modes.map((wf) =>
				startN8n({
					version,
					tarball,
					extraEnv: { N8N_CONCURRENCY_PRODUCTION_LIMIT: String(limit) },
					credentials,
					workflows: [wf.definition],
					publish: [wf.id],
					webhookPaths: [wf.path],
				}),
			),
		);
		// The caller may start other measurements once the CPU-heavy starts are over.
		process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
		// Twice what Poll mode needs; an execution not finished by then is reported as such.
		const timeoutMs = (Math.ceil(songs / limit) * seconds * 2 + 60) * 1000;
		const results = [];
		for (let run = 1; run <= runs; run++) {
			log(
				`occupancy run ${run}/${runs}: ${songs} songs of ${seconds} s, Poll and suspend side by side`,
			);
			const [poll, suspend] = await Promise.all(
				modes.map((wf, i) => measure(instances[i], wf, songs, sim, timeoutMs)),
			);
			results.push({ poll, suspend });
		}
		process.stdout.write(`${JSON.stringify({ version, songs, seconds, limit, runs: results })}\n`);
	} finally {
		await tearDown({ instances, sim, packed });
	}
}

runScript(main);
