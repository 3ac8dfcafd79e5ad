import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { diffRhythmWorkflow, runWorkflow } from '../harness';
import { credentialsFor, GENERATE_AND_WAIT, useSimulator } from './helpers';

const sim = useSimulator({ pendingMs: 50, renderMs: 300, audioSeconds: 1 });

/**
 * The node as n8n's AI Agent (v3) has the engine run it: as a node marked `rewireOutputLogTo:
 * ai_tool`, whose output goes to the agent. The real agent runs in the e2e suite.
 */
async function runAsTool(parameters: IDataObject) {
	const result = await runWorkflow({
		workflow: diffRhythmWorkflow(parameters, { rewireOutputLogTo: 'ai_tool' }),
		credentials: credentialsFor(sim),
	});
	const runs = result.run.data.resultData.runData.DiffRhythm;
	const items = (runs?.[runs.length - 1]?.data?.ai_tool?.[0] ?? []) as INodeExecutionData[];
	return { result, items };
}

const PLAIN = { ...GENERATE_AND_WAIT, lyricsFormat: 'plain', lyrics: 'Hello from the tool\nSecond line here' };

describe('as an AI Agent tool', () => {
	it('answers with task id, status, audio URL and lyrics; the song is not downloaded', async () => {
		const { result, items } = await runAsTool(PLAIN);
		expect(result.status).toBe('success');
		expect(items).toHaveLength(1);
		const [taskId] = [...sim.tasks.keys()];
		expect(Object.keys(items[0].json).sort()).toEqual(
			['audioUrl', 'lyrics', 'message', 'status', 'stylePrompt', 'success', 'taskId', 'taskType'].sort(),
		);
		expect(items[0].json).toMatchObject({ taskId, status: 'completed', lyrics: sim.posts()[0].body.input.lyrics });
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
		expect(items[0].json.message).toContain(`use DiffRhythm's Get Task operation with task id ${taskId}`);
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

	it('names the task id when the wait runs out (Max Wait bounds it)', async () => {
		sim.setBehaviour({ renderMs: 60_000 });
		const { items } = await runAsTool({ ...PLAIN, options: { maxWaitSeconds: 10 } });
		const [taskId] = [...sim.tasks.keys()];
		expect(String(items[0].json.error)).toContain(`DiffRhythm task ${taskId} did not finish within`);
		expect(String(items[0].json.error)).toContain('use the Get Task operation with this id');
	}, 30_000);
});
