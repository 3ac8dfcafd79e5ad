import { NodeApiError } from 'n8n-workflow';

import type { CreateTaskBody, PiApiTask } from './interfaces';
import { piApiRequest, type PiApiContext } from './transport';

function checkTask(
	context: PiApiContext,
	data: unknown,
	what: string,
	itemIndex?: number,
): PiApiTask {
	const task = data as PiApiTask;
	if (
		!task ||
		typeof task !== 'object' ||
		typeof task.task_id !== 'string' ||
		task.task_id === ''
	) {
		throw new NodeApiError(
			context.getNode(),
			{ message: 'no task id' },
			{
				message: `PiAPI's answer to ${what} had no task id`,
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

/** `GET /api/v1/task/{id}`: free, retried on transient failures. */
export async function fetchTask(
	this: PiApiContext,
	taskId: string,
	itemIndex?: number,
): Promise<PiApiTask> {
	const data = await piApiRequest.call(this, {
		method: 'GET',
		path: `/api/v1/task/${encodeURIComponent(taskId)}`,
		itemIndex,
	});
	return checkTask(this, data, `get task ${taskId}`, itemIndex);
}
