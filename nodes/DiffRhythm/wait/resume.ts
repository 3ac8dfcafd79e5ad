import type { INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { fetchTask } from '../../shared/api';
import { taskFailedError } from '../../shared/errors';
import type { PiApiTask } from '../../shared/interfaces';
import { errorItem, webhookTaskItem } from '../../shared/output';
import { secretsMatch } from '../../shared/secret';
import { statusPhase } from '../../shared/task';
import {
	acknowledgeCall,
	cannotConfirm,
	readWebhookCall,
	received,
	refuseCall as refuse,
} from '../../shared/webhook';
import { resumeSecret } from './suspend';

/** The resumed node's output for a terminal task: exactly what Poll mode gives for it. */
async function outputFor(this: IWebhookFunctions, task: PiApiTask): Promise<INodeExecutionData> {
	// n8n runs a resumed node as a pass-through of this data, so it cannot fail any more: a failed
	// task (or a failed download) becomes an item with `error` and the task id, as under Continue On Fail.
	if (statusPhase(task.status) === 'failed') {
		return errorItem(0, taskFailedError(this.getNode(), task, 0));
	}
	return await webhookTaskItem.call(this, task);
}

/**
 * The restart webhook of a suspended Generate and Wait: PiAPI POSTs `{timestamp, data}` to the
 * execution's resume URL. Non-terminal statuses keep the execution waiting; a terminal one is
 * confirmed with one GET (the body alone is not trusted) and resumes the execution; PiAPI gets its
 * answer before the song is downloaded.
 */
export async function resumeWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const expected = await resumeSecret.call(this);
	if (!secretsMatch(expected, this.getHeaderData()['x-webhook-secret'])) {
		this.logger.warn(
			'DiffRhythm: refused a callback without the right x-webhook-secret; still waiting',
		);
		return refuse(this, 401, 'Invalid or missing x-webhook-secret');
	}
	const claim = readWebhookCall(this);
	if ('problem' in claim) return refuse(this, 400, claim.problem);
	const { task_id: taskId, status } = claim.task;
	if (statusPhase(status) === 'waiting') {
		this.logger.info(`DiffRhythm: task ${taskId} is ${status}; still waiting for the song`);
		return received();
	}

	let task;
	try {
		task = await fetchTask.call(this, taskId);
	} catch (error) {
		// Not confirmed now; a non-2xx answer makes PiAPI deliver again, and Max Wait still bounds it.
		this.logger.warn(
			`DiffRhythm: could not confirm task ${taskId} with PiAPI: ${(error as Error).message}`,
		);
		return cannotConfirm(this, taskId);
	}
	// PiAPI echoes the secret: a task created by another execution cannot resume this one.
	if (!secretsMatch(expected, task.config?.webhook_config?.secret)) {
		this.logger.warn(`DiffRhythm: task ${taskId} was not created by this execution; ignored`);
		return refuse(this, 400, `Task ${taskId} does not belong to this execution`);
	}
	if (statusPhase(task.status) === 'waiting') {
		this.logger.info(
			`DiffRhythm: PiAPI still reports task ${taskId} as ${task.status}; still waiting`,
		);
		return received();
	}
	this.logger.info(`DiffRhythm: task ${taskId} is ${task.status}; resuming the execution`);
	acknowledgeCall(this);
	return { workflowData: [[await outputFor.call(this, task)]], noWebhookResponse: true };
}
