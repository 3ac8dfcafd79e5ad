import { NodeApiError } from 'n8n-workflow';

import { attachTask, inputError } from './errors';
import type {
	CreateTaskBody,
	PiApiAccountInfo,
	PiApiHistoryPage,
	PiApiTask,
} from '../model/piapi';
import { parseHistoryPage } from '../model/history';
import { isTaskId } from '../model/task';
import { piApiRequest, type PiApiContext } from './request';

/** Shown where a task id is refused, under Get Task's field name. */
const TASK_ID_RULE =
	'must be a PiAPI task id such as 3c1e8a96-0b66-4d8b-91ed-2b7cfc914869 (letters, digits and -_.~: only)';

function checkTask(
	context: PiApiContext,
	data: unknown,
	what: string,
	itemIndex?: number,
): PiApiTask {
	const task = data as PiApiTask;
	const id: unknown = task && typeof task === 'object' ? task.task_id : undefined;
	if (!isTaskId(id)) {
		// An id that is there but unusable in a path is still shown: it may be a paid task's.
		const problem =
			typeof id === 'string' && id !== ''
				? `a task id this node cannot use: ${JSON.stringify(id.slice(0, 128))}`
				: 'no task id';
		throw new NodeApiError(
			context.getNode(),
			{ message: 'no task id' },
			{
				message: `PiAPI's answer to ${what} had ${problem}`,
				description:
					'The answer was not a PiAPI task. If this was a create request, check your PiAPI task history before running the item again.',
				itemIndex,
			},
		);
	}
	return task;
}

/** `POST /api/v1/task`: creates a paid task. Retried only when PiAPI refused it (429). */
export async function createTask(
	this: PiApiContext,
	body: CreateTaskBody,
	itemIndex?: number,
): Promise<PiApiTask> {
	const data = await piApiRequest.call(this, {
		method: 'POST',
		path: '/api/v1/task',
		body,
		itemIndex,
	});
	return checkTask(this, data, 'create task', itemIndex);
}

/**
 * `GET /api/v1/task/{id}`: free, retried on transient failures. Every caller's id (a field as an
 * expression gave it, a webhook body, a create answer) is checked here, before anything is sent,
 * so none can point the key at another path.
 */
export async function fetchTask(
	this: PiApiContext,
	taskId: unknown,
	itemIndex?: number,
): Promise<PiApiTask> {
	if (!isTaskId(taskId)) throw inputError(this.getNode(), 'Task ID', TASK_ID_RULE, itemIndex ?? 0);
	const data = await piApiRequest.call(this, {
		method: 'GET',
		path: `/api/v1/task/${encodeURIComponent(taskId)}`,
		itemIndex,
	});
	const task = checkTask(this, data, `get task ${taskId}`, itemIndex);
	if (task.task_id !== taskId) {
		// Never the other task's status or audio under this one's name: the asked id is the one kept.
		throw attachTask(
			new NodeApiError(
				this.getNode(),
				{ message: 'another task' },
				{
					message: `PiAPI's answer to get task ${taskId} was about another task (${JSON.stringify(task.task_id.slice(0, 128))})`,
					description:
						'The answer was not used. Run Get Task with this id again later; if it persists, PiAPI or a proxy in between mixes up answers.',
					itemIndex,
				},
			),
			taskId,
			'unknown',
		);
	}
	return task;
}

/** PiAPI's documented largest `page_size` of the task history; more "returns error". */
export const HISTORY_MAX_PAGE_SIZE = 100;

export interface HistoryQuery {
	/** From 1. */
	page: number;
	/** 1 to {@link HISTORY_MAX_PAGE_SIZE}. */
	pageSize: number;
	/** PiAPI's model name (`diffrhythm`, `diffrythm`); all models when absent. */
	model?: string;
	/** Unix seconds. */
	startTime: number;
	endTime: number;
}

/**
 * `GET /api/open/tasks/histories`: one page of the account's task history. Free, retried on
 * transient failures. The query is checked here, so no caller can ask for more than PiAPI allows.
 */
export async function fetchHistoryPage(
	this: PiApiContext,
	query: HistoryQuery,
	itemIndex?: number,
): Promise<PiApiHistoryPage> {
	const { page, pageSize, startTime, endTime } = query;
	const whole = (value: number, min: number, max: number) =>
		Number.isInteger(value) && value >= min && value <= max;
	if (!whole(page, 1, 1_000_000) || !whole(pageSize, 1, HISTORY_MAX_PAGE_SIZE)) {
		throw inputError(
			this.getNode(),
			'Page Size',
			`must be a whole number from 1 to ${HISTORY_MAX_PAGE_SIZE} (PiAPI's largest page)`,
			itemIndex ?? 0,
		);
	}
	const params = new URLSearchParams({ page: String(page), page_size: String(pageSize) });
	if (query.model) params.set('model', query.model);
	params.set('start_time', String(Math.floor(startTime)));
	params.set('end_time', String(Math.ceil(endTime)));
	const data = await piApiRequest.call(this, {
		method: 'GET',
		path: `/api/open/tasks/histories?${params.toString()}`,
		itemIndex,
	});
	const parsed = parseHistoryPage(data);
	if (!parsed) {
		throw new NodeApiError(
			this.getNode(),
			{ message: 'no task list' },
			{
				message: "PiAPI's task history answer held no list of tasks",
				description: `Page ${page} of the history had no list this node knows how to read (fields: ${
					data && typeof data === 'object' ? Object.keys(data).join(', ') || 'none' : typeof data
				}). Nothing was charged.`,
				itemIndex,
			},
		);
	}
	return parsed;
}

/** `GET /account/info`: credits, balance and limits of the key's account. Free. */
export async function fetchAccount(this: PiApiContext, itemIndex?: number): Promise<PiApiAccountInfo> {
	const data = await piApiRequest.call(this, { method: 'GET', path: '/account/info', itemIndex });
	if (!data || typeof data !== 'object' || Array.isArray(data)) {
		throw new NodeApiError(
			this.getNode(),
			{ message: 'no account' },
			{ message: "PiAPI's account answer was not an account", itemIndex },
		);
	}
	return data as PiApiAccountInfo;
}
