import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { readOutputOptions, type OutputOptions } from '../shared/parameters/descriptions';
import type { NodeError } from '../shared/model/step';
import { booleanOption, numberOption, optionOf } from '../shared/parameters/options';
import { statusPhase } from '../shared/model/task';
import type { PiApiTask } from '../shared/model/piapi';
import { TOOL } from '../shared/utils/constants';
import { expectedSecondsLeft } from './wait/schedule';

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

/** The name a model calls a node by: n8n's `nodeNameToToolName`, which not every n8n exports. */
export function toolNameOf(nodeName: string): string {
	const name = nodeName.replace(/[^a-zA-Z0-9_-]+/g, '_');
	// n8n 2.x cuts names at 64 characters and then drops the `_` or `-` the cut left at the end.
	return name.length > 64 ? name.slice(0, 64).replace(/[_-]+$/, '') : name;
}

/** How the answers of one tool run name things: the tool itself, and its operation. */
export interface AnswerHints {
	/** This tool's name as the model sees it. */
	tool: string;
	operation: string;
}

/**
 * Marks a tool run's output item as answered with the task an identical earlier call started
 * (see repeats.ts); `toolAnswer` turns the mark into words.
 */
export function markRepeat(item: INodeExecutionData, startedAt: number | undefined): INodeExecutionData {
	if (startedAt !== undefined) item.json.repeatOf = startedAt;
	return item;
}

/** Options → Tool Answer Within (Seconds), checked for one item. */
export function toolAnswerSeconds(context: IExecuteFunctions, itemIndex: number): number {
	return numberOption(
		context.getNode(),
		'Tool Answer Within (Seconds)',
		optionOf(context.getNodeParameter('options', itemIndex, {}), 'toolAnswerSeconds'),
		TOOL.answerSeconds,
		itemIndex,
	);
}

/** Options → New Take, checked for one item. */
export function newTakeOf(context: IExecuteFunctions, itemIndex: number): boolean {
	return booleanOption(
		context.getNode(),
		'New Take',
		optionOf(context.getNodeParameter('options', itemIndex, {}), 'newTake'),
		false,
		itemIndex,
	);
}

/**
 * In about how many seconds a task still rendering should be checked again: what renders of its
 * type took in this process (the Poll schedule's history), else `TOOL.fallbackRenderSeconds`.
 */
export function recheckSeconds(task: IDataObject, now: number): number {
	const left = expectedSecondsLeft(task as PiApiTask, now) ?? TOOL.fallbackRenderSeconds;
	return Math.min(TOOL.maxRecheckSeconds, Math.max(TOOL.minRecheckSeconds, left));
}

/**
 * What the model gets for one task: its id, status, audio URL and the lyrics PiAPI was given
 * (with how the node timed them, when it did), and what to call next, by the names the model can
 * call. Never the audio itself, nor PiAPI's whole task object.
 */
export function toolAnswer(
	item: INodeExecutionData,
	keepAudio: boolean,
	hints: AnswerHints,
): INodeExecutionData {
	// Error items (Continue On Fail) are already short: error, description, task id.
	const json = item.json;
	if (typeof json.task_id !== 'string') return keepAudio ? item : { ...item, binary: undefined };
	const input = (json.input ?? {}) as IDataObject;
	const taskId = json.task_id;
	const status = String(json.status);
	const audioUrl = typeof json.audioUrl === 'string' ? json.audioUrl : null;
	const getTask =
		hints.operation === 'getTask'
			? `call ${hints.tool} again with task_id "${taskId}"`
			: `call the Get Task tool (DiffRhythm Get Task) with task_id "${taskId}"`;
	const phase = statusPhase(status);
	const answer: IDataObject = {
		success: phase !== 'failed',
		taskId,
		status,
		audioUrl,
		taskType: json.task_type ?? null,
		stylePrompt: typeof input.style_prompt === 'string' ? input.style_prompt : null,
		lyrics: typeof input.lyrics === 'string' ? input.lyrics : null,
	};
	// How the node timed plain lyrics, in one sentence: enough for the model to explain a rushed song.
	const timing = json.lyricsTiming as IDataObject | undefined;
	if (typeof timing?.summary === 'string') answer.lyricsTiming = timing.summary;
	let message: string;
	if (phase === 'completed' && audioUrl) {
		message = `The song is ready: ${audioUrl} (PiAPI deletes its files after a while, so the user should download it). To read it again, ${getTask}.`;
	} else if (phase === 'completed') {
		message = `The task completed without an audio URL. To read it again, ${getTask}.`;
	} else if (phase === 'failed') {
		message = `The song could not be made (status ${status}). Nothing is charged for a failed task; the input may be changed and the tool called again.`;
	} else {
		const seconds = recheckSeconds(json, Date.now());
		answer.checkAgainInSeconds = seconds;
		message = `The song is still being made (status ${status}); nothing went wrong and it is paid for. It should be ready in about ${seconds} s: ${getTask} in about ${seconds} s.`;
		if (hints.operation === 'generateAndWait') {
			message += ` Calling ${hints.tool} again with the same input also waits for this song, without paying for another.`;
		}
	}
	const repeatOf = json.repeatOf;
	if (typeof repeatOf === 'number') {
		const ago = Math.max(0, Math.round((Date.now() - repeatOf) / 1000));
		answer.alreadyStarted = true;
		message =
			`This tool got the same song request ${ago} s ago, so no new song was made and nothing was charged again: this is the song that call started (task ${taskId}). ` +
			'To make another version instead, call the tool again with newTake set to true. ' +
			message;
	}
	answer.message = message;
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

/**
 * What an agent gets for one task of a listing ("what songs did I make today?"): its id, status,
 * creation time and, for an item that failed to download, the error. Never audio, never PiAPI's
 * history entry.
 */
export function listedTaskToolAnswer(item: INodeExecutionData): INodeExecutionData {
	const json = item.json;
	if (typeof json.task_id !== 'string') return { json, pairedItem: item.pairedItem };
	const answer: IDataObject = {
		taskId: json.task_id,
		status: json.status ?? null,
		createdAt: json.createdAt ?? null,
	};
	if (typeof json.error === 'string') answer.error = json.error;
	return { json: answer, pairedItem: item.pairedItem };
}
