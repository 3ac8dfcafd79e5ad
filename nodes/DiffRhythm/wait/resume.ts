import type {
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
	NodeApiError,
} from 'n8n-workflow';

import { fetchTask } from '../../shared/api';
import { CREDENTIAL_TYPE, WAIT_DEFAULTS } from '../../shared/constants';
import { asNodeError, taskFailedError } from '../../shared/errors';
import type { PiApiTask } from '../../shared/interfaces';
import { errorItem, webhookTaskItem } from '../../shared/output';
import { credentialRedactor } from '../../shared/redact';
import { RecentKeys } from '../../shared/memory';
import { secretsMatch } from '../../shared/secret';
import { mapWithConcurrency } from '../../shared/sleep';
import { statusPhase } from '../../shared/task';
import {
	acknowledgeCall,
	cannotConfirm,
	readWebhookCall,
	received,
	refuseCall as refuse,
} from '../../shared/webhook';
import { pendingEntries, resumeSecretOf, waitedTaskIds, type PendingEntry } from './suspend';

/**
 * Waits this process has resumed lately, keyed by execution and task ids. Two final callbacks
 * arriving together (PiAPI repeats deliveries) would otherwise both pass n8n's "still waiting"
 * check before either resume starts, and resume the same wait twice. The key names the tasks, so a
 * later wait of the same execution (Loop Over Items) is not blocked; across processes (queue mode)
 * n8n's own 409 is the guard.
 */
const resumed = new RecentKeys(300_000, 10_000);

/** The resumed node's output for one item: exactly what Poll mode gives for it. */
async function outputFor(
	this: IWebhookFunctions,
	entry: PendingEntry,
	task: PiApiTask | undefined,
	itemIndex: number,
): Promise<INodeExecutionData> {
	// An item whose task could not be created carries its error from before the suspend.
	if (!task) return { json: { ...entry }, pairedItem: { item: itemIndex } };
	// n8n runs a resumed node as a pass-through of this data, so it cannot fail any more: a failed
	// task (or a failed download) becomes an item with `error` and the task id, as under Continue On Fail.
	if (statusPhase(task.status) === 'failed') {
		return errorItem(itemIndex, taskFailedError(this.getNode(), task, itemIndex));
	}
	return await webhookTaskItem.call(this, task, itemIndex);
}

/**
 * The restart webhook of a suspended Generate and Wait: PiAPI POSTs `{timestamp, data}` to the
 * execution's resume URL. Only a call about one of this wait's own tasks counts (they are in the
 * saved input); calls about other tasks (an earlier wait of the same execution, another node's)
 * get 200 and change nothing. Non-terminal statuses keep the execution waiting. A terminal one is
 * confirmed with PiAPI (the body alone is not trusted), together with the wait's other tasks: the
 * execution resumes once, when all of them are done, with one item per input item; PiAPI gets its
 * answer before the songs are downloaded.
 */
export async function resumeWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const expected = resumeSecretOf(credentials, this.getExecutionId());
	if (!secretsMatch(expected, this.getHeaderData()['x-webhook-secret'])) {
		this.logger.warn(
			'DiffRhythm: refused a callback without the right x-webhook-secret; still waiting',
		);
		return refuse(this, 401, 'Invalid or missing x-webhook-secret');
	}
	const claim = readWebhookCall(this);
	if ('problem' in claim) return refuse(this, 400, claim.problem);
	// Only the id and status of the claim are used (in log lines), so only they are redacted.
	const redact = credentialRedactor(credentials);
	const taskId = redact(claim.task.task_id);
	const status = redact(String(claim.task.status));

	const entries = pendingEntries.call(this);
	const waited = waitedTaskIds(entries);
	if (!waited.includes(taskId)) {
		this.logger.info(
			`DiffRhythm: a callback about task ${taskId} (${status}) is not for this wait (${waited.join(', ') || 'no tasks'}); ignored`,
		);
		return received();
	}
	if (statusPhase(status) === 'waiting') {
		this.logger.info(`DiffRhythm: task ${taskId} is ${status}; still waiting for the song`);
		return received();
	}

	let tasks: Map<string, PiApiTask>;
	try {
		const read = await mapWithConcurrency(waited, WAIT_DEFAULTS.concurrency, async (id) =>
			fetchTask.call(this, id),
		);
		tasks = new Map(read.map((task) => [task.task_id, task]));
	} catch (error) {
		// Not confirmed now; a non-2xx answer makes PiAPI deliver again, and Max Wait still bounds it.
		const { message } = asNodeError(this, error, 0) as NodeApiError;
		this.logger.warn(`DiffRhythm: could not confirm task ${taskId} with PiAPI: ${message}`);
		return cannotConfirm(this, taskId);
	}
	// PiAPI echoes the secret: a task created by another execution cannot resume this one.
	const confirmed = tasks.get(taskId);
	if (!confirmed || !secretsMatch(expected, confirmed.config?.webhook_config?.secret)) {
		this.logger.warn(`DiffRhythm: task ${taskId} was not created by this execution; ignored`);
		return refuse(this, 400, `Task ${taskId} does not belong to this execution`);
	}
	const open = waited.filter((id) => statusPhase(tasks.get(id)?.status) === 'waiting');
	if (open.length > 0) {
		this.logger.info(
			`DiffRhythm: task ${taskId} is ${confirmed.status} at PiAPI; ${waited.length - open.length} of ${waited.length} songs ready, still waiting for ${open.join(', ')}`,
		);
		return received();
	}

	if (!resumed.claim(`${String(this.getExecutionId())}:${waited.join(',')}`)) {
		this.logger.info(`DiffRhythm: task ${taskId}: this wait is already resuming; ignored`);
		return received();
	}
	this.logger.info(
		`DiffRhythm: all ${waited.length} task${waited.length === 1 ? ' is' : 's are'} done (last: ${taskId}); resuming the execution`,
	);
	acknowledgeCall(this);
	const items = await mapWithConcurrency(entries, WAIT_DEFAULTS.concurrency, async (entry, index) =>
		outputFor.call(
			this,
			entry,
			entry.error === undefined && entry.taskId ? tasks.get(entry.taskId) : undefined,
			index,
		),
	);
	return { workflowData: [items], noWebhookResponse: true };
}
