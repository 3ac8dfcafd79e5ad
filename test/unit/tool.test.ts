import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	refuseSuspendAsTool,
	runsAsTool,
	toolAnswer,
	toolErrorItem,
	toolOutputOptions,
} from '../../nodes/DiffRhythm/tool';

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
		const answer = toolAnswer(taskItem('completed', url), false);
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
			message: `The song is ready: ${url} (PiAPI deletes its files after a while, so the user should download it). To check it again later, use DiffRhythm's Get Task operation with task id ${TASK_ID}.`,
		});
		expect(toolAnswer(taskItem('completed', url), true).binary?.data.mimeType).toBe('audio/wav');
	});

	it('says what to do with a pending or failed task', () => {
		expect(toolAnswer(taskItem('pending', null), false).json.message).toBe(
			`The song is being made (status pending); it usually takes 10-30 s. To check it again later, use DiffRhythm's Get Task operation with task id ${TASK_ID}.`,
		);
		expect(toolAnswer(taskItem('failed', null), false).json.message).toContain(
			'Nothing is charged for a failed task',
		);
	});

	it('passes error items (Continue On Fail) through', () => {
		const item = { json: { error: 'x', taskId: TASK_ID }, pairedItem: { item: 0 } };
		expect(toolAnswer(item, false)).toEqual({ ...item, binary: undefined });
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
