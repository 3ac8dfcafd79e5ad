import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { diffRhythmWorkflow, logs, runWorkflow } from '../harness';
import { credentialsFor, GENERATE_AND_WAIT, until, useSimulator } from './helpers';

const sim = useSimulator({ pendingMs: 50, renderMs: 300, audioSeconds: 1 });

/**
 * The node as n8n's AI Agent (v3) has the engine run it: as a node marked `rewireOutputLogTo:
 * ai_tool`, whose output goes to the agent. The real agent runs in the e2e suite.
 */
async function runAsTool(parameters: IDataObject, onStart?: (cancel: () => void) => void) {
	const firstLog = logs.length;
	const result = await runWorkflow({
		workflow: diffRhythmWorkflow(parameters, { rewireOutputLogTo: 'ai_tool' }),
		credentials: credentialsFor(sim),
		onStart,
	});
	const runs = result.run.data.resultData.runData.DiffRhythm;
	const items = (runs?.[runs.length - 1]?.data?.ai_tool?.[0] ?? []) as INodeExecutionData[];
	const logText = logs.slice(firstLog).map((line) => line.message).join('\n');
	return { result, items, answer: items[0]?.json ?? {}, logText };
}

const PLAIN = { ...GENERATE_AND_WAIT, lyricsFormat: 'plain', lyrics: 'Hello from the tool\nSecond line here' };

describe('as an AI Agent tool', () => {
	it('answers with task id, status, audio URL and lyrics; the song is not downloaded', async () => {
		const { result, items } = await runAsTool(PLAIN);
		expect(result.status).toBe('success');
		expect(items).toHaveLength(1);
		const [taskId] = [...sim.tasks.keys()];
		expect(Object.keys(items[0].json).sort()).toEqual(
			['audioUrl', 'lyrics', 'lyricsTiming', 'message', 'status', 'stylePrompt', 'success', 'taskId', 'taskType'].sort(),
		);
		expect(items[0].json).toMatchObject({ taskId, status: 'completed', lyrics: sim.posts()[0].body.input.lyrics });
		// How the node timed the model's plain lyrics, in one sentence the model can pass on.
		expect(items[0].json.lyricsTiming).toBe('2 lines from 0:10 to 0:13, at the natural pace.');
		expect(items[0].binary).toBeUndefined();
		expect(sim.count('GET', '/files/')).toBe(0);
	});

	it('downloads the song into the result only with Options → Audio in Tool Result', async () => {
		const { items } = await runAsTool({ ...PLAIN, options: { audioInToolResult: true } });
		expect(items[0].binary?.data.mimeType).toBe('audio/wav');
		expect(sim.count('GET', '/files/')).toBe(1);
	});

	it('answers Generate (no wait) with the pending task and how to check it later', async () => {
		const { items } = await runAsTool({ ...PLAIN, operation: 'generate' });
		const [taskId] = [...sim.tasks.keys()];
		expect(items[0].json).toMatchObject({ taskId, status: 'pending', audioUrl: null });
		expect(items[0].json.message).toContain(
			`call the Get Task tool (DiffRhythm Get Task) with task_id "${taskId}" in about`,
		);
	});

	it('answers Get Task with the compact answer, downloading only with Audio in Tool Result', async () => {
		await runAsTool(PLAIN);
		const [taskId] = [...sim.tasks.keys()];
		const plain = await runAsTool({ operation: 'getTask', taskId, downloadAudio: true });
		expect(plain.items[0].json).toMatchObject({ taskId, status: 'completed' });
		expect(plain.items[0].binary).toBeUndefined();
		const withAudio = await runAsTool({ operation: 'getTask', taskId, downloadAudio: true, options: { audioInToolResult: true } });
		expect(withAudio.items[0].binary?.data.mimeType).toBe('audio/wav');
		expect(sim.count('GET', '/files/')).toBe(1);
	});

	it('answers bad input with an error the model can act on, and sends nothing', async () => {
		const { result, items } = await runAsTool({ ...PLAIN, stylePrompt: '', lyrics: '' });
		expect(result.status).toBe('success');
		expect(items).toEqual([
			{
				json: {
					success: false,
					error:
						'Lyrics, Style Prompt or Reference Audio: give at least one of them (PiAPI needs lyrics, a style prompt or reference audio). Nothing was sent to PiAPI and nothing was charged.',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(sim.posts()).toHaveLength(0);
	});

	it('refuses Suspend mode before any POST', async () => {
		const { items } = await runAsTool({ ...PLAIN, options: { waitMode: 'suspend' } });
		expect(String(items[0].json.error)).toMatch(/^This DiffRhythm tool is set to Wait Mode "Suspend Until PiAPI Calls Back"/);
		expect(sim.requests.length).toBe(0);
	});

	it('answers a Max Wait shorter than the bound like the bound: the task, not an error', async () => {
		sim.setBehaviour({ renderMs: 60_000 });
		const { answer } = await runAsTool({ ...PLAIN, options: { maxWaitSeconds: 1 } });
		const [taskId] = [...sim.tasks.keys()];
		expect(answer).not.toHaveProperty('error');
		expect(answer).toMatchObject({ taskId, status: expect.stringMatching(/^(pending|processing)$/) });
	}, 30_000);
});

describe('a tool answers in time', () => {
	it('a quick song: the finished song in one call, within the bound', async () => {
		const { answer } = await runAsTool({ ...PLAIN, options: { toolAnswerSeconds: 20 } });
		expect(answer).toMatchObject({ status: 'completed', audioUrl: expect.stringMatching(/^http/) });
		expect(answer.message).toMatch(
			new RegExp(`^The song is ready: .* To read it again, call the Get Task tool \\(DiffRhythm Get Task\\) with task_id "${String(answer.taskId)}"\\.$`),
		);
	});

	it('a slow song: its task id, status and when to call Get Task, as an answer, not an error', async () => {
		sim.setBehaviour({ renderMs: 60_000 });
		const { result, answer, logText } = await runAsTool({
			...PLAIN,
			options: { toolAnswerSeconds: 2 },
		});
		const [taskId] = [...sim.tasks.keys()];
		expect(result.status).toBe('success');
		expect(answer).not.toHaveProperty('error');
		expect(answer).toMatchObject({
			taskId,
			status: expect.stringMatching(/^(pending|processing)$/),
			audioUrl: null,
			checkAgainInSeconds: expect.any(Number),
		});
		const seconds = answer.checkAgainInSeconds as number;
		expect(answer.message).toContain(
			`It should be ready in about ${seconds} s: call the Get Task tool (DiffRhythm Get Task) with task_id "${taskId}" in about ${seconds} s. Calling DiffRhythm again with the same input also waits for this song, without paying for another.`,
		);
		expect(logText).toContain(`task ${taskId} (`);
		expect(logText).toContain('keeps rendering at PiAPI');
		expect(sim.posts()).toHaveLength(1);
	}, 30_000);

	it('Get Task as a tool: a song still rendering is answered with when to ask again; with wait it waits for the song', async () => {
		sim.setBehaviour({ renderMs: 60_000 });
		await runAsTool({ ...PLAIN, operation: 'generate' });
		const [taskId] = [...sim.tasks.keys()];
		const now = await runAsTool({ operation: 'getTask', taskId });
		expect(now.answer).toMatchObject({ taskId, checkAgainInSeconds: expect.any(Number) });
		expect(now.answer.message).toContain(`call DiffRhythm again with task_id "${taskId}" in about`);

		const bounded = await runAsTool({
			operation: 'getTask',
			taskId,
			waitForSong: true,
			options: { toolAnswerSeconds: 2 },
		});
		expect(bounded.answer).toMatchObject({ taskId, status: expect.stringMatching(/^(pending|processing)$/) });
		const checksWhileWaiting = sim.count('GET', `/api/v1/task/${taskId}`);
		expect(checksWhileWaiting).toBeGreaterThan(2);

		sim.setBehaviour({ renderMs: 300 });
		await runAsTool({ ...PLAIN, lyrics: 'Another song\nquick one', operation: 'generate' });
		const quick = [...sim.tasks.keys()][1];
		const waited = await runAsTool({ operation: 'getTask', taskId: quick, waitForSong: true });
		expect(waited.answer).toMatchObject({ taskId: quick, status: 'completed' });
	}, 30_000);

	it('checks the new fields like every option, before anything is paid for', async () => {
		const bound = await runAsTool({ ...PLAIN, options: { toolAnswerSeconds: 'soon' } });
		expect(bound.answer.error).toMatch(/^Tool Answer Within \(Seconds\): is the text "soon"; it must be a number from 1 to 3600/);
		const take = await runAsTool({ ...PLAIN, options: { newTake: 'maybe' } });
		expect(take.answer.error).toMatch(/^New Take: is the text "maybe"; it must be true or false/);
		const wait = await runAsTool({ operation: 'getTask', taskId: 'x', waitForSong: 'yes' });
		expect(wait.answer.error).toMatch(/^Wait for the Song: is the text "yes"; it must be true or false/);
		expect(sim.requests).toHaveLength(0);
	});

	it('Stop: a cancelled tool run keeps the paid task in the log and for the next identical call', async () => {
		sim.setBehaviour({ renderMs: 60_000 });
		const cancelled = await runAsTool({ ...PLAIN, options: { toolAnswerSeconds: 30 } }, (cancel) => {
			void until(() => sim.count('GET', '/api/v1/task/') >= 1).then(cancel);
		});
		expect(cancelled.result.status).toBe('canceled');
		// n8n keeps no output of a node in a cancelled execution (docs/mcp.md says so).
		expect(cancelled.result.run.data.resultData.runData.DiffRhythm).toBeUndefined();
		const [taskId] = [...sim.tasks.keys()];
		// n8n settles a cancelled run at once; the node notices the cancel at its next pause and
		// then logs, so the line may come just after the run's result.
		const line = `the run was cancelled; task ${taskId}`;
		const logged = () =>
			cancelled.logText.includes(line) || logs.some((entry) => entry.message.includes(line));
		await until(logged, 5_000).catch(() => undefined);
		expect(logged()).toBe(true);
		const again = await runAsTool({ ...PLAIN, options: { toolAnswerSeconds: 1 } });
		expect(again.answer).toMatchObject({ taskId, alreadyStarted: true });
		expect(sim.posts()).toHaveLength(1);
	}, 30_000);
});

describe('a retried call does not pay twice', () => {
	it('the same request again (whitespace and case aside) answers with the task already started: one POST', async () => {
		sim.setBehaviour({ renderMs: 60_000 });
		const first = await runAsTool({ ...PLAIN, options: { toolAnswerSeconds: 1 } });
		const second = await runAsTool({
			...PLAIN,
			lyrics: '  Hello  from the tool \nSecond   line here ',
			stylePrompt: String(PLAIN.stylePrompt).toUpperCase(),
			options: { toolAnswerSeconds: 1 },
		});
		expect(sim.posts()).toHaveLength(1);
		expect(second.answer).toMatchObject({ taskId: first.answer.taskId, alreadyStarted: true });
		expect(second.answer.message).toMatch(/^This tool got the same song request \d+ s ago, so no new song was made and nothing was charged again/);
		expect(first.answer).not.toHaveProperty('alreadyStarted');
		// A repeat waits for the song like the first call: it finishes, the answer has it.
		sim.setBehaviour({ renderMs: 300 });
	}, 30_000);

	it('a different request, or New Take, makes a new task', async () => {
		await runAsTool(PLAIN);
		await runAsTool({ ...PLAIN, stylePrompt: 'sad jazz' });
		await runAsTool({ ...PLAIN, taskType: 'txt2audio-full' });
		const take = await runAsTool({ ...PLAIN, options: { newTake: true } });
		expect(sim.posts()).toHaveLength(4);
		expect(take.answer).not.toHaveProperty('alreadyStarted');
		// The repeat rule is per tool and operation: Generate keeps its own.
		await runAsTool({ ...PLAIN, operation: 'generate' });
		const repeat = await runAsTool({ ...PLAIN, operation: 'generate' });
		expect(repeat.answer).toMatchObject({ alreadyStarted: true, status: 'pending' });
		expect(sim.posts()).toHaveLength(5);
	});

	it('a song that was made is repeated; one that failed is not: the same request again makes a new one', async () => {
		const made = await runAsTool(PLAIN);
		const repeat = await runAsTool(PLAIN);
		expect(repeat.answer).toMatchObject({ taskId: made.answer.taskId, status: 'completed', alreadyStarted: true });
		expect(sim.posts()).toHaveLength(1);
		sim.setBehaviour(() => ({ outcome: 'failed' }));
		const failed = await runAsTool({ ...PLAIN, stylePrompt: 'doomed' });
		expect(String(failed.answer.error)).toContain('failed');
		sim.setBehaviour(() => ({}));
		const again = await runAsTool({ ...PLAIN, stylePrompt: 'doomed' });
		expect(again.answer).toMatchObject({ status: 'completed' });
		expect(again.answer).not.toHaveProperty('alreadyStarted');
		expect(sim.posts()).toHaveLength(3);
	});

	it('only tools repeat: the node in a workflow makes a song every time it runs', async () => {
		await runAsTool(PLAIN);
		await runAsTool(PLAIN);
		expect(sim.posts()).toHaveLength(1);
		for (let run = 0; run < 2; run++) {
			await runWorkflow({ workflow: diffRhythmWorkflow(PLAIN), credentials: credentialsFor(sim) });
		}
		expect(sim.posts()).toHaveLength(3);
	});
});
