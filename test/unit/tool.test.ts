import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	recheckSeconds,
	refuseSuspendAsTool,
	runsAsTool,
	toolAnswer,
	toolErrorItem,
	toolNameOf,
	toolOutputOptions,
} from '../../nodes/DiffRhythm/tool';
import { renderHistory } from '../../nodes/DiffRhythm/wait/schedule';

const GET_TASK = { tool: 'DiffRhythm_Get_Task', operation: 'getTask' };
const WAIT = { tool: 'Make_a_Song', operation: 'generateAndWait' };

function contextOf(node: Partial<INode>, isToolExecution?: () => boolean): IExecuteFunctions {
	const full = {
		name: 'DiffRhythm',
		type: 'n8n-nodes-piapi-diffrhythm.diffRhythm',
		...node,
	} as INode;
	return {
		getNode: () => full,
		...(isToolExecution ? { isToolExecution } : {}),
	} as unknown as IExecuteFunctions;
}

const TASK_ID = '3c1e8a96-0b66-4d8b-91ed-2b7cfc914869';

function taskItem(status: string, audioUrl: string | null): INodeExecutionData {
	return {
		json: {
			task_id: TASK_ID,
			model: 'Qubico/diffrhythm',
			task_type: 'txt2audio-base',
			status,
			config: { webhook_config: { endpoint: '' } },
			input: { lyrics: '[00:10.00] hi', style_prompt: 'pop', style_audio: '' },
			output: audioUrl ? { audio_url: audioUrl } : null,
			meta: { created_at: null },
			audioUrl,
		},
		binary: { data: { data: 'UklGRg==', mimeType: 'audio/wav' } },
		pairedItem: { item: 0 },
	};
}

describe('runsAsTool', () => {
	it('recognises every way n8n runs a tool', () => {
		expect(runsAsTool(contextOf({}))).toBe(false);
		// 2.x and 1.123 AI Agent v3: the engine runs the "<name>Tool" node type, marked ai_tool.
		expect(runsAsTool(contextOf({ type: 'n8n-nodes-piapi-diffrhythm.diffRhythmTool' }))).toBe(true);
		expect(runsAsTool(contextOf({ rewireOutputLogTo: 'ai_tool' }))).toBe(true);
		// A supply-data context (older agents) says so itself; a regular 2.x context says false.
		expect(runsAsTool(contextOf({}, () => true))).toBe(true);
		expect(runsAsTool(contextOf({}, () => false))).toBe(false);
	});
});

describe('toolAnswer', () => {
	it('gives the model task id, status, audio URL, lyrics and how to fetch it later, without the audio', () => {
		const url = `https://cdn.example/${TASK_ID}.mp3`;
		const answer = toolAnswer(taskItem('completed', url), false, WAIT);
		expect(answer.binary).toBeUndefined();
		expect(answer.pairedItem).toEqual({ item: 0 });
		expect(answer.json).toEqual({
			success: true,
			taskId: TASK_ID,
			status: 'completed',
			audioUrl: url,
			taskType: 'txt2audio-base',
			stylePrompt: 'pop',
			lyrics: '[00:10.00] hi',
			message: `The song is ready: ${url} (PiAPI deletes its files after a while, so the user should download it). To read it again, call the Get Task tool (DiffRhythm Get Task) with task_id "${TASK_ID}".`,
		});
		expect(toolAnswer(taskItem('completed', url), true, WAIT).binary?.data.mimeType).toBe('audio/wav');
	});

	it('answers a song still rendering with when to call which tool, measured or 30 s before any render finished', () => {
		renderHistory.clear();
		const pending = toolAnswer(taskItem('pending', null), false, WAIT).json;
		expect(pending.checkAgainInSeconds).toBe(30);
		expect(pending.message).toBe(
			`The song is still being made (status pending); nothing went wrong and it is paid for. It should be ready in about 30 s: call the Get Task tool (DiffRhythm Get Task) with task_id "${TASK_ID}" in about 30 s. Calling Make_a_Song again with the same input also waits for this song, without paying for another.`,
		);
		// Get Task names itself, and does not suggest repeating a song request.
		expect(toolAnswer(taskItem('processing', null), false, GET_TASK).json.message).toBe(
			`The song is still being made (status processing); nothing went wrong and it is paid for. It should be ready in about 30 s: call DiffRhythm_Get_Task again with task_id "${TASK_ID}" in about 30 s.`,
		);
		expect(toolAnswer(taskItem('failed', null), false, WAIT).json.message).toContain(
			'Nothing is charged for a failed task',
		);
	});

	it('says the song is the one an identical earlier call started', () => {
		const item = taskItem('processing', null);
		item.json.repeatOf = Date.now() - 12_000;
		const answer = toolAnswer(item, false, WAIT).json;
		expect(answer.alreadyStarted).toBe(true);
		expect(answer).not.toHaveProperty('repeatOf');
		expect(answer.message).toMatch(
			new RegExp(
				`^This tool got the same song request 1[23] s ago, so no new song was made and nothing was charged again: this is the song that call started \\(task ${TASK_ID}\\)\\. To make another version instead, call the tool again with newTake set to true\\. The song is still being made`,
			),
		);
	});

	it('passes error items (Continue On Fail) through', () => {
		const item = { json: { error: 'x', taskId: TASK_ID }, pairedItem: { item: 0 } };
		expect(toolAnswer(item, false, WAIT)).toEqual({ ...item, binary: undefined });
	});
});

describe('recheckSeconds', () => {
	afterEach(() => renderHistory.clear());
	const task = (startedAt: string | null) => ({
		task_id: TASK_ID,
		model: 'Qubico/diffrhythm',
		task_type: 'txt2audio-base',
		status: 'processing',
		meta: { started_at: startedAt },
	});

	it('uses the render times this process measured, less the time the song has rendered', () => {
		renderHistory.clear();
		expect(recheckSeconds(task(null), Date.now())).toBe(30);
		for (const seconds of [88, 90, 92]) {
			renderHistory.record({
				...task(`2026-01-01T00:00:00Z`),
				status: 'completed',
				meta: { started_at: '2026-01-01T00:00:00Z', ended_at: `2026-01-01T00:01:${seconds - 60}Z` },
			});
		}
		const now = Date.parse('2026-01-02T00:00:30Z');
		// Median 90 s, 30 s of it rendered.
		expect(recheckSeconds(task('2026-01-02T00:00:00Z'), now)).toBe(60);
		// Not started yet: the whole median.
		expect(recheckSeconds(task(null), now)).toBe(90);
		// Past the median, within the window (which ends at 95 s): the rest of it, at least 5 s.
		expect(recheckSeconds(task('2026-01-01T23:58:58Z'), now)).toBe(5);
		// Later than the whole window: a pause growing with how late it is (150 s: 55 s late → 22 s).
		expect(recheckSeconds(task('2026-01-01T23:58:00Z'), now)).toBe(22);
	});
});

describe('toolNameOf', () => {
	it('gives the name n8n gives the tool', () => {
		expect(toolNameOf('DiffRhythm Get Task')).toBe('DiffRhythm_Get_Task');
		expect(toolNameOf('Song (wait)')).toBe('Song_wait_');
		expect(toolNameOf(`${'a'.repeat(63)} b`)).toBe('a'.repeat(63));
	});
});

describe('toolErrorItem', () => {
	it('puts the description into the message the model sees', () => {
		const node = { name: 'DiffRhythm' } as INode;
		const error = new NodeOperationError(node, 'Lyrics: too long', {
			description: 'Nothing was sent to PiAPI.',
		});
		expect(toolErrorItem(error, 2)).toEqual({
			json: { success: false, error: 'Lyrics: too long. Nothing was sent to PiAPI.' },
			pairedItem: { item: 2 },
		});
	});
});

describe('refuseSuspendAsTool', () => {
	it('refuses Suspend only as a tool, before anything is sent', () => {
		const tool = contextOf({ type: 'x.diffRhythmTool' });
		expect(() => refuseSuspendAsTool(tool, 'suspend')).toThrow(
			/cannot answer an AI Agent: nothing was sent to PiAPI/,
		);
		expect(() => refuseSuspendAsTool(tool, 'poll')).not.toThrow();
		expect(() => refuseSuspendAsTool(contextOf({}), 'suspend')).not.toThrow();
	});
});

describe('toolOutputOptions', () => {
	const download = { downloadAudio: true, binaryPropertyName: 'data', maxAudioBytes: 1048576 };
	const tool = (audioInToolResult: unknown) =>
		({
			getNode: () => ({ name: 'DiffRhythm', type: 'n8n-nodes-piapi-diffrhythm.diffRhythmTool' }),
			getNodeParameter: (name: string, _item: number, fallback: unknown) =>
				name === 'options' ? { audioInToolResult } : fallback,
		}) as unknown as IExecuteFunctions;

	it('skips the song for a tool unless Audio in Tool Result is on', () => {
		expect(toolOutputOptions(tool(false), 0, download).downloadAudio).toBe(false);
		expect(toolOutputOptions(tool(true), 0, download).downloadAudio).toBe(true);
	});

	it('checks Audio in Tool Result for every tool run, also with Download Audio off', () => {
		const off = { ...download, downloadAudio: false };
		expect(() => toolOutputOptions(tool('false please'), 0, off)).toThrow(
			'Audio in Tool Result: is the text "false please"; it must be true or false',
		);
	});
});

describe('tool descriptions', () => {
	// What n8n does with a `usableAsTool` node: a "<name>Tool" type, whose parameters get the
	// defaults of the fields shown for it (`@tool`), and the description the model reads.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { NodeHelpers } = require('n8n-workflow') as typeof import('n8n-workflow');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { DiffRhythm } = require('../../nodes/DiffRhythm/DiffRhythm.node') as typeof import('../../nodes/DiffRhythm/DiffRhythm.node');
	const plain = new DiffRhythm().description;
	const toolType = { description: { ...plain, name: 'diffRhythmTool' } };

	function modelSees(parameters: Record<string, unknown>, type = toolType) {
		const node = {
			id: '1',
			name: 'DiffRhythm',
			type: `n8n-nodes-piapi-diffrhythm.${type.description.name}`,
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters: {},
		} as INode;
		node.parameters = NodeHelpers.getNodeParameters(
			type.description.properties,
			parameters as never,
			true,
			false,
			node,
			type.description,
		)!;
		return {
			parameters: node.parameters,
			description: NodeHelpers.getToolDescriptionForNode(node, type as never),
		};
	}

	it('tell the model what each operation does (n8n gave every operation the node description)', () => {
		const generate = modelSees({ operation: 'generate' }).description;
		const wait = modelSees({ operation: 'generateAndWait' }).description;
		const getTask = modelSees({ operation: 'getTask' }).description;
		expect(new Set([generate, wait, getTask, plain.description]).size).toBe(4);
		expect(generate).toMatch(/^Starts a song .* answers at once with its task_id/);
		expect(wait).toMatch(/^Makes a song .* waits for it for up to about 40 seconds/);
		expect(wait).toContain('a song still rendering is not an error');
		expect(wait).toContain('does not start or charge another song');
		expect(getTask).toMatch(/^Reads a DiffRhythm song task by its task_id/);
		// No operation set: the default operation's.
		expect(modelSees({}).description).toBe(wait);
	});

	it("keep the user's own description, and show the field only on the tool", () => {
		expect(modelSees({ operation: 'getTask', toolDescription: 'Mine' }).description).toBe('Mine');
		expect(modelSees({ operation: 'getTask' }, { description: plain }).parameters).not.toHaveProperty(
			'toolDescription',
		);
	});
});
