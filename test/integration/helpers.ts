/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test fixtures, not real secrets */
/* eslint-disable @n8n/community-nodes/no-restricted-globals */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { diffRhythmWorkflow, logs, runWorkflow, type RunResult } from '../harness';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator';

/**
 * Empties the tools' memory of song requests (repeats.ts) in the package n8n runs (dist/, which
 * the harness loads; not the copy a test imports from nodes/).
 */
export function forgetSongRequests(): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { songRequests } = require('../../dist/nodes/DiffRhythm/repeats') as {
		songRequests: { clear(): void };
	};
	songRequests.clear();
}

/** Secrets of the test credential; no output, error or log line may contain them. */
export const API_KEY = 'sk-test-5f1c9e0a7b3d42e8';
export const WEBHOOK_SECRET = 'whsec-test-91ab27cd55';

export const LYRICS = '[00:05.00] Hello from the simulator\n[00:12.50] Second line of the song';

export function credentialsFor(sim: Simulator, apiKey = API_KEY): Record<string, IDataObject> {
	return { piApiApi: { apiKey, baseUrl: sim.url, webhookSecret: WEBHOOK_SECRET } };
}

/** Runs Manual Trigger → DiffRhythm against the simulator and remembers where the logs started. */
export async function runNode(
	sim: Simulator,
	parameters: IDataObject,
	options: {
		items?: INodeExecutionData[];
		continueOnFail?: boolean;
		apiKey?: string;
		onStart?: (cancel: () => void) => void;
	} = {},
): Promise<RunResult & { logText: string }> {
	const firstLog = logs.length;
	const result = await runWorkflow({
		workflow: diffRhythmWorkflow(
			parameters,
			options.continueOnFail ? { onError: 'continueRegularOutput' } : {},
		),
		credentials: credentialsFor(sim, options.apiKey),
		items: options.items,
		onStart: options.onStart,
	});
	const logText = logs
		.slice(firstLog)
		.map((line) => `[${line.level}] ${line.message}`)
		.join('\n');
	return Object.assign(result, { logText });
}

/** Asserts that nothing the run produced or logged holds a secret of the credential. */
export function expectNoSecrets(result: RunResult & { logText: string }): void {
	const everything = JSON.stringify(result.run) + result.logText;
	expect(everything).not.toContain(API_KEY);
	expect(everything).not.toContain(WEBHOOK_SECRET);
}

export const items = (count: number): INodeExecutionData[] =>
	Array.from({ length: count }, (_, index) => ({ json: { index } }));

/** Resolves once `condition` holds (checked every 20 ms), or rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > end) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/**
 * One simulator for a test file: started before its tests, reset after each, closed at the end.
 * Returned as a stand-in that forwards to the running simulator, so tests can write `sim.posts()`.
 */
export function useSimulator(options: SimulatorOptions): Simulator {
	let current: Simulator | undefined;
	beforeAll(async () => {
		current = await startSimulator({ apiKey: API_KEY, ...options });
	});
	afterEach(() => {
		current?.reset();
		// The tools' repeat rule remembers the reset simulator's tasks, which no longer exist.
		forgetSongRequests();
	});
	afterAll(async () => await current?.close());
	return new Proxy({} as Simulator, {
		get: (_target, key) => (current as unknown as Record<string | symbol, unknown>)[key],
	});
}

/** Generate and Wait of a short song, with the audio downloaded into `data`. */
export const GENERATE_AND_WAIT = {
	operation: 'generateAndWait',
	taskType: 'txt2audio-base',
	lyrics: LYRICS,
	stylePrompt: 'pop',
	downloadAudio: true,
	binaryPropertyName: 'data',
};

/**
 * Runs Generate and Wait (Poll, Continue On Fail) whose download the test has made fail, and
 * checks the one item: no binary, the error naming the task and `problem`, the task id, its
 * status, the audio URL in the description, and one POST. Returns the task id.
 */
export async function expectDownloadErrorItem(
	sim: Simulator,
	parameters: IDataObject,
	problem: string,
): Promise<string> {
	const result = await runNode(sim, parameters, { continueOnFail: true });
	const [taskId] = [...sim.tasks.keys()];
	const [item] = result.output('DiffRhythm')!;
	expect(item.binary).toBeUndefined();
	expect(item.json).toMatchObject({
		error: `Could not download the audio of task ${taskId} (${problem})`,
		taskId,
		status: 'completed',
	});
	expect(String(item.json.description)).toContain(`Audio URL: ${sim.url}/files/${taskId}.wav`);
	expect(sim.posts()).toHaveLength(1);
	return taskId;
}
