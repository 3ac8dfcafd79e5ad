import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { readOutputOptions, type OutputOptions } from '../shared/parameters/descriptions';
import type { NodeError } from '../shared/model/step';
import { booleanOption, optionOf } from '../shared/parameters/options';
import { statusPhase } from '../shared/model/task';

/**
 * The node as an AI Agent tool. n8n turns any `usableAsTool` node into a `<name>Tool` node type.
 * How it runs that node differs: n8n 2.x's AI Agent (v3) asks the workflow engine to run the tool
 * node like any other node, whose context says `isToolExecution() === false`, but marks the node
 * with `rewireOutputLogTo: ai_tool`; older agents run it through a supply-data context, whose
 * `isToolExecution()` is true. n8n 1.123 has the same engine path and no `isToolExecution`.
 * The type name is the one signal every path shares; the other two are checked as well.
 */
export function runsAsTool(context: IExecuteFunctions): boolean {
	const node = context.getNode();
	return (
		context.isToolExecution?.() === true ||
		node.rewireOutputLogTo === NodeConnectionTypes.AiTool ||
		node.type.endsWith('Tool')
	);
}

/** Options → Audio in Tool Result: whether a tool run downloads the song and keeps it as binary. */
export function audioInToolResult(context: IExecuteFunctions, itemIndex: number): boolean {
	return booleanOption(
		context.getNode(),
		'Audio in Tool Result',
		optionOf(context.getNodeParameter('options', itemIndex, {}), 'audioInToolResult'),
		false,
		itemIndex,
	);
}

/**
 * The download fields as a tool run applies them: no song download unless Audio in Tool Result.
 * The option is checked here, for every item of a tool run, before anything is paid for: the
 * router reads it again for the answer, after the create calls, and must not fail there.
 */
export function toolOutputOptions(
	context: IExecuteFunctions,
	itemIndex: number,
	options: OutputOptions,
): OutputOptions {
	if (!runsAsTool(context)) return options;
	const keepAudio = audioInToolResult(context, itemIndex);
	return options.downloadAudio && !keepAudio ? { ...options, downloadAudio: false } : options;
}

/** One item's download fields, checked, as this run uses them (a tool skips the song unless asked). */
export function itemOutputOptions(
	context: IExecuteFunctions,
	itemIndex: number,
	downloadByDefault: boolean,
): OutputOptions {
	const options = readOutputOptions(
		context.getNode(),
		(name, fallback) => context.getNodeParameter(name, itemIndex, fallback),
		itemIndex,
		downloadByDefault,
	);
	return toolOutputOptions(context, itemIndex, options);
}

/** Wait Mode "Suspend" cannot answer an agent, which needs the song within its own run. */
export function refuseSuspendAsTool(context: IExecuteFunctions, mode: string): void {
	if (mode !== 'suspend' || !runsAsTool(context)) return;
	throw new NodeOperationError(
		context.getNode(),
		'This DiffRhythm tool is set to Wait Mode "Suspend Until PiAPI Calls Back", which cannot answer an AI Agent: nothing was sent to PiAPI and nothing was charged. ' +
			'Do not call it again; tell the user to set the tool\'s Options → Wait Mode to "Poll".',
		{
			description:
				'A suspended execution returns only when PiAPI calls back, after the agent has needed its answer. Poll waits within the run, bounded by Max Wait.',
		},
	);
}

/**
 * What the model gets for one task: its id, status, audio URL and the lyrics PiAPI was given,
 * and how to get it again. Never the audio itself, nor PiAPI's whole task object.
 */
export function toolAnswer(item: INodeExecutionData, keepAudio: boolean): INodeExecutionData {
	// Error items (Continue On Fail) are already short: error, description, task id.
	const json = item.json;
	if (typeof json.task_id !== 'string') return keepAudio ? item : { ...item, binary: undefined };
	const input = (json.input ?? {}) as IDataObject;
	const taskId = json.task_id;
	const status = String(json.status);
	const audioUrl = typeof json.audioUrl === 'string' ? json.audioUrl : null;
	const later = `To check it again later, use DiffRhythm's Get Task operation with task id ${taskId}.`;
	const phase = statusPhase(status);
	let message: string;
	if (phase === 'completed' && audioUrl) {
		message = `The song is ready: ${audioUrl} (PiAPI deletes its files after a while, so the user should download it). ${later}`;
	} else if (phase === 'completed') {
		message = `The task completed without an audio URL. ${later}`;
	} else if (phase === 'failed') {
		message = `The song could not be made (status ${status}). Nothing is charged for a failed task; the input may be changed and the tool called again.`;
	} else {
		message = `The song is being made (status ${status}); it usually takes 10-30 s. ${later}`;
	}
	const answer: IDataObject = {
		success: phase !== 'failed',
		taskId,
		status,
		audioUrl,
		taskType: json.task_type ?? null,
		stylePrompt: typeof input.style_prompt === 'string' ? input.style_prompt : null,
		lyrics: typeof input.lyrics === 'string' ? input.lyrics : null,
		message,
	};
	const result: INodeExecutionData = { json: answer, pairedItem: item.pairedItem };
	if (keepAudio && item.binary) result.binary = item.binary;
	return result;
}

/**
 * An error as a tool's answer. An agent sees only an error's message, never its description, so
 * both go into it: what is wrong, and whether anything was charged or which task to fetch. It is
 * returned, not thrown: n8n 2.x would turn a thrown error into the same `{ error }` item, but
 * n8n 1.123 stops the whole workflow instead of telling the model.
 */
export function toolErrorItem(error: NodeError, itemIndex: number): INodeExecutionData {
	const description = String(error.description ?? '').trim();
	const message =
		description && !error.message.includes(description)
			? `${error.message.replace(/\.?$/, '.')} ${description}`
			: error.message;
	return { json: { success: false, error: message }, pairedItem: { item: itemIndex } };
}
