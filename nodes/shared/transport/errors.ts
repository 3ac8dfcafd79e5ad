import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INode, IWebhookFunctions, JsonObject } from 'n8n-workflow';

import type { PiApiTask } from '../model/piapi';
import type { NodeError } from '../model/step';
import { outputStatus, taskErrorMessage } from '../model/task';
import { failureStatus, type Failure } from './retry';

/**
 * Error roles, fixed across the package:
 * - `NodeApiError`: PiAPI or the network did not give a usable answer (built here, in one table);
 * - `NodeOperationError`: bad input, or a task PiAPI ran that failed, timed out or was cancelled.
 * Every message a server wrote passes through `redact` first, so no secret can leak through it.
 */

/** Any thrown value as an n8n error that names the item. */
export function asNodeError(
	context: IExecuteFunctions | IWebhookFunctions,
	error: unknown,
	itemIndex: number,
): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		// n8n shows an error's item from its context; one built without it names this item.
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/** What the transport knows about the call that failed. */
export interface RequestFacts {
	method: 'GET' | 'POST';
	path: string;
	attempts: number;
	baseUrl: string;
	itemIndex?: number;
}

const UNSURE_CREATE =
	'The create request may have reached PiAPI and started a paid task, so it was not sent again ' +
	'(that could charge twice). Check your task history in the PiAPI workspace before running this item again.';

const NETWORK_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection closed unexpectedly',
	EPIPE: 'connection closed unexpectedly',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'DNS lookup failed',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
};

/**
 * A network error code in words. n8n replaces any message containing a raw code such as
 * `ECONNRESET` with its own generic text, so codes go into descriptions only.
 */
export function networkWords(code: string): string {
	return NETWORK_WORDS[code] ?? 'network error';
}

function attemptsNote(facts: RequestFacts): string {
	return facts.attempts > 1 ? ` (after ${facts.attempts} attempts)` : '';
}

function messageFor(
	failure: Failure,
	facts: RequestFacts,
	serverMessage: string,
): [string, string] {
	const creating = facts.method === 'POST';
	const status = failureStatus(failure);
	const said = serverMessage ? ` PiAPI said: "${serverMessage}".` : '';
	if (failure.kind === 'timeout') {
		return [
			`PiAPI did not answer in time${attemptsNote(facts)}`,
			creating ? UNSURE_CREATE : `No answer from ${facts.baseUrl}. Try again later.`,
		];
	}
	if (failure.kind === 'network') {
		return [
			`Could not reach PiAPI at ${facts.baseUrl} (${networkWords(failure.code)})${attemptsNote(facts)}`,
			`Network error code: ${failure.code}. ` +
				(creating && failure.code !== 'ECONNREFUSED'
					? UNSURE_CREATE
					: 'Check the Base URL in the PiAPI API credential and the network of this n8n instance.'),
		];
	}
	if (failure.kind === 'malformed') {
		return [
			`PiAPI answered with invalid JSON (HTTP ${failure.status})${attemptsNote(facts)}`,
			creating
				? UNSURE_CREATE
				: 'PiAPI or a proxy in between sent a broken answer. Try again later.',
		];
	}
	if (failure.kind === 'redirect') {
		const where = failure.location ? ` to ${failure.location}` : '';
		return [
			`PiAPI's address answered with a redirect (HTTP ${failure.status})${where}, which was not followed`,
			`The API key is sent only to ${new URL(facts.baseUrl).origin}, never on to another address. ` +
				'Set the Base URL in the PiAPI API credential to the address that really serves the API ' +
				"(PiAPI's is https://api.piapi.ai).",
		];
	}
	if (failure.kind === 'aborted') {
		return ['The execution was cancelled while calling PiAPI', creating ? UNSURE_CREATE : ''];
	}
	if (status === 401 || status === 403) {
		return [
			`PiAPI rejected the API key (HTTP ${status})`,
			`Check the API key in the PiAPI API credential.${said}`,
		];
	}
	if (status === 402 || /credit|balance|insufficient|quota/i.test(serverMessage)) {
		return [
			'Your PiAPI account has insufficient credits',
			`Top up your PiAPI account; no task was created.${said}`,
		];
	}
	if (status === 429) {
		return [
			`PiAPI rate limit reached (HTTP 429)${attemptsNote(facts)}`,
			`PiAPI refused the request, so nothing was created. Lower the Concurrency option or try again later.${said}`,
		];
	}
	if (status !== undefined && status >= 500) {
		return [
			`PiAPI server error (HTTP ${status})${attemptsNote(facts)}`,
			creating ? `${UNSURE_CREATE}${said}` : `Try again later.${said}`,
		];
	}
	if (status === 404 && facts.path.startsWith('/api/v1/task/')) {
		const id = decodeURIComponent(facts.path.slice('/api/v1/task/'.length));
		return [`PiAPI has no task "${id}"`, `Check the task id.${said}`];
	}
	return [
		`PiAPI refused the request (${failure.kind === 'envelope' ? 'code' : 'HTTP'} ${status})`,
		`${facts.method} ${facts.path}.${said}`,
	];
}

/** Builds the one `NodeApiError` a failed PiAPI call ends in. */
export function apiError(
	node: INode,
	failure: Failure,
	facts: RequestFacts,
	redact: (text: string) => string,
): NodeApiError {
	const serverMessage =
		failure.kind === 'http' || failure.kind === 'envelope' ? redact(failure.message ?? '') : '';
	const [message, description] = messageFor(failure, facts, serverMessage);
	const status = failureStatus(failure);
	// A plain object, never the HTTP library's error: that one carries the request headers (the key).
	const response: JsonObject = { message, status: status ?? null, kind: failure.kind };
	return new NodeApiError(node, response, {
		message: redact(message),
		description: redact(description),
		httpCode: status !== undefined ? String(status) : undefined,
		itemIndex: facts.itemIndex,
	});
}

/** Task facts an error carries into a Continue On Fail item, so the workflow can recover. */
export interface TaskErrorFields {
	taskId?: string;
	status?: string;
}

const TASK_FIELDS = Symbol('piapiTaskFields');
type WithTaskFields = { [TASK_FIELDS]?: TaskErrorFields };

/**
 * Ties an error to the task it is about: the task id goes first in the description (a paid task
 * must never be lost) and into the Continue On Fail item.
 */
export function attachTask<E extends NodeApiError | NodeOperationError>(
	error: E,
	taskId: string,
	status: string,
): E {
	const spelled = outputStatus(status);
	(error as WithTaskFields)[TASK_FIELDS] = { taskId, status: spelled };
	if (!String(error.description ?? '').includes(taskId)) {
		error.description =
			`Task id: ${taskId} (last status: ${spelled}). ${error.description ?? ''}`.trim();
	}
	return error;
}

/** The task an error is about, if any. */
export function taskFieldsOf(error: unknown): TaskErrorFields {
	return (error as WithTaskFields | undefined)?.[TASK_FIELDS] ?? {};
}

function taskError(
	node: INode,
	message: string,
	description: string,
	itemIndex: number,
	fields: Required<TaskErrorFields>,
): NodeOperationError {
	const error = new NodeOperationError(node, message, { itemIndex, description });
	return attachTask(error, fields.taskId, fields.status);
}

/** A task PiAPI reports as failed or cancelled. */
export function taskFailedError(
	node: INode,
	task: PiApiTask,
	itemIndex: number,
): NodeOperationError {
	const reason = taskErrorMessage(task);
	return taskError(
		node,
		`DiffRhythm task ${task.task_id} ${String(task.status).toLowerCase()}: ${reason}`,
		`Task id: ${task.task_id}. Last status: ${task.status}. PiAPI error code: ${task.error?.code ?? 'none'}. ` +
			'Failed tasks are normally not charged; change the input or try again.',
		itemIndex,
		{ taskId: task.task_id, status: String(task.status) },
	);
}

/** The wait budget ran out; the task keeps running at PiAPI and can be fetched later. */
export function taskTimeoutError(
	node: INode,
	task: PiApiTask,
	waitedSeconds: number,
	itemIndex: number,
): NodeOperationError {
	return taskError(
		node,
		`DiffRhythm task ${task.task_id} did not finish within ${waitedSeconds} s (last status: ${task.status})`,
		`Task id: ${task.task_id}. The task may still finish at PiAPI: use the Get Task operation with this id ` +
			'to fetch it later, or raise Max Wait.',
		itemIndex,
		{ taskId: task.task_id, status: String(task.status) },
	);
}

/** The execution was cancelled while the task was still running. */
export function taskCancelledError(
	node: INode,
	task: PiApiTask,
	itemIndex: number,
): NodeOperationError {
	return taskError(
		node,
		`Stopped waiting for DiffRhythm task ${task.task_id}: the execution was cancelled`,
		`Task id: ${task.task_id}. Last status: ${task.status}. The task keeps running at PiAPI; use Get Task to fetch it.`,
		itemIndex,
		{ taskId: task.task_id, status: String(task.status) },
	);
}

/** Names the field (and, for lyrics, the line) that is wrong. Nothing has been sent to PiAPI. */
export function inputError(
	node: INode,
	field: string,
	problem: string,
	itemIndex: number,
): NodeOperationError {
	return new NodeOperationError(node, `${field}: ${problem}`, {
		itemIndex,
		description: 'Nothing was sent to PiAPI and nothing was charged.',
	});
}
