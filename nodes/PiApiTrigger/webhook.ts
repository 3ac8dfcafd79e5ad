import type {
	ICredentialDataDecryptedObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { fetchTask } from '../shared/transport/api';
import { CREDENTIAL_TYPE, DIFFRHYTHM_MODEL, WEBHOOK_CONFIRM } from '../shared/utils/constants';
import { attachTask } from '../shared/transport/errors';
import type { PiApiTask } from '../shared/model/piapi';
import { processMemory, RecentKeys } from '../shared/utils/memory';
import { webhookTaskItem } from '../shared/output/items';
import { credentialRedactor, redactDeep } from '../shared/utils/redact';
import { secretsMatch } from '../shared/utils/secret';
import {
	acknowledgeCall,
	cannotConfirm,
	notConfirmedYet,
	received,
	refuseCall as refuse,
	refuseMisconfigured,
} from '../shared/webhook/answers';
import { checkFinalClaim } from '../shared/webhook/confirm';
import { eventOf, readDelivery, type Delivery } from './delivery';
import { readTriggerSettings, type TriggerOptions, type TriggerSettings } from './description';

/**
 * Task events this process has started a workflow for lately, per trigger node. PiAPI repeats
 * deliveries; without this, each repeat would start another execution with the same song.
 */
const delivered = processMemory('trigger.delivered', new RecentKeys(3_600_000, 10_000));

function isDiffRhythm(model: unknown): boolean {
	return typeof model === 'string' && model.trim().toLowerCase() === DIFFRHYTHM_MODEL.toLowerCase();
}

/**
 * Whether the call may go on as far as the secret is concerned. PiAPI sends the secret in plain
 * text in `x-webhook-secret`; it is compared in constant time. Without a secret in the credential
 * there is nothing to compare with: the call is accepted, and a warning says so on every call.
 */
function secretAccepted(
	context: IWebhookFunctions,
	credentials: ICredentialDataDecryptedObject,
	options: TriggerOptions,
): boolean {
	if (!options.verifySecret) return true;
	const secret = typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
	if (secret === '') {
		context.logger.warn(
			"PiAPI Trigger: could not check this call's x-webhook-secret, because the PiAPI API credential has no webhook secret. " +
				'Set one: DiffRhythm Generate sends it to PiAPI with the callback URL.',
		);
		return true;
	}
	return secretsMatch(secret, context.getHeaderData()['x-webhook-secret']);
}

type Confirmation =
	| { task: PiApiTask }
	| { confirmedStatus: string | null; reason: string }
	| { unreachable: NodeApiError }
	| { notYet: { reason: string; retryAfterSeconds: number } };

/**
 * Reads the task from PiAPI with the API key and checks it says what the call claims. Only what
 * PiAPI answers is used afterwards. "No such task" (PiAPI answers 404, or 400 for an id it cannot
 * read) is a result. A final claim (completed, failed) about a task PiAPI still reports in progress
 * is "not yet": PiAPI's webhook may come before its read says so, so it is answered 503 for PiAPI to
 * deliver it again, with at most one read per task every few seconds (confirm.ts). Any other
 * failure (PiAPI down, key rejected) means the call cannot be checked now: it is answered 503 as
 * well. It is not thrown: n8n would answer 500 and still start the workflow, with an empty item and
 * its run data replaced by the error.
 */
async function confirm(
	context: IWebhookFunctions,
	delivery: Delivery,
	options: TriggerOptions,
	key: string,
): Promise<Confirmation> {
	let task: PiApiTask;
	const read = async () => await fetchTask.call(context, delivery.task.task_id);
	try {
		if (delivery.event === 'processing') {
			task = await read();
		} else {
			// A final claim PiAPI does not confirm yet is delivered again (503), bounded per task.
			const check = await checkFinalClaim(
				key,
				read,
				(found) => eventOf(found.status) !== 'processing',
			);
			if ('retryAfterSeconds' in check) {
				return {
					notYet: {
						reason: 'PiAPI reported it unfinished a moment ago (not read again so soon)',
						retryAfterSeconds: check.retryAfterSeconds,
					},
				};
			}
			if ('givenUp' in check) {
				return {
					confirmedStatus: null,
					reason: `PiAPI has not reported the task as finished in ${check.givenUp.seconds} s of deliveries`,
				};
			}
			task = check.task;
			if (eventOf(task.status) === 'processing') {
				return {
					notYet: {
						reason: `PiAPI reports it as "${String(task.status)}"`,
						retryAfterSeconds: Math.ceil(WEBHOOK_CONFIRM.minGapMs / 1000),
					},
				};
			}
		}
	} catch (error) {
		// The transport throws only NodeApiErrors; anything else is wrapped so it reads the same.
		const apiError =
			error instanceof NodeApiError
				? error
				: new NodeApiError(context.getNode(), error as JsonObject);
		if (['400', '404'].includes(String(apiError.httpCode))) {
			return { confirmedStatus: null, reason: 'PiAPI has no such task' };
		}
		return {
			unreachable: attachTask(apiError, delivery.task.task_id, String(delivery.task.status)),
		};
	}
	const status = String(task.status);
	if (eventOf(status) !== delivery.event) {
		return { confirmedStatus: status, reason: `PiAPI reports the task as "${status}"` };
	}
	if (options.model === 'diffrhythm' && !isDiffRhythm(task.model)) {
		return { confirmedStatus: status, reason: 'PiAPI reports a task of another model' };
	}
	return { task };
}

/** The item for an unconfirmed call: what was claimed and what PiAPI said, never the claimed task. */
function unconfirmedItem(
	delivery: Delivery,
	confirmation: { confirmedStatus: string | null; reason: string },
): INodeExecutionData {
	return {
		json: {
			success: false,
			error: `PiAPI does not confirm this call: ${confirmation.reason}`,
			taskId: delivery.task.task_id,
			claimedStatus: delivery.task.status,
			confirmedStatus: confirmation.confirmedStatus,
			timestamp: delivery.timestamp,
		},
	};
}

/**
 * Handles one call to the trigger's URL: secret (401), body (400), event and model filters (200,
 * nothing started), confirmation with PiAPI, then one item through the package's single
 * task-to-item path (secret removed, audio downloaded) that starts the workflow.
 */
export async function handleWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	// Every field first, through the same checkers as the DiffRhythm node: a value no field may
	// have (a security toggle that is not a boolean, Events that are not a list) refuses the call.
	let settings: TriggerSettings;
	try {
		settings = readTriggerSettings(this.getNode(), (name, fallback) =>
			this.getNodeParameter(name, fallback),
		);
	} catch (error) {
		this.logger.error(
			`PiAPI Trigger: refused a call (500) because a field of the node cannot be read: ${(error as Error).message}`,
		);
		return refuseMisconfigured(this);
	}
	// Read once, for the secret check and for the redaction.
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	if (!secretAccepted(this, credentials, settings)) {
		return refuse(this, 401, 'Invalid or missing x-webhook-secret header');
	}
	const read = readDelivery(this);
	if ('problem' in read) return refuse(this, 400, read.problem);
	// The body is from outside: it passes the same redaction as everything PiAPI answers.
	const redact = credentialRedactor(credentials);
	const delivery: Delivery = { ...read, task: redactDeep(read.task, redact) };

	if (!settings.events.includes(delivery.event)) return received();
	if (settings.model === 'diffrhythm' && !isDiffRhythm(delivery.task.model)) return received();

	// Claimed before any await, so two copies arriving at the same moment cannot both pass.
	const key = `${String(this.getWorkflow().id)}:${this.getNode().id ?? this.getNode().name}:${delivery.task.task_id}:${delivery.event}`;
	if (!delivered.claim(key)) {
		this.logger.info(
			`PiAPI Trigger: task ${delivery.task.task_id} (${delivery.event}) was delivered again; already handled, nothing started`,
		);
		return received();
	}

	let task = delivery.task;
	if (settings.confirmWithPiApi) {
		const confirmation = await confirm(this, delivery, settings, key);
		if ('notYet' in confirmation) {
			delivered.release(key);
			this.logger.info(
				`PiAPI Trigger: a call says task ${delivery.task.task_id} is ${String(delivery.task.status)}, but ${confirmation.notYet.reason}; answered 503 so that PiAPI delivers it again`,
			);
			return notConfirmedYet(this, delivery.task.task_id, confirmation.notYet.retryAfterSeconds);
		}
		if ('unreachable' in confirmation) {
			// Not handled: PiAPI's next delivery must get its chance.
			delivered.release(key);
			const { message, description } = confirmation.unreachable;
			this.logger.error(
				`PiAPI Trigger: could not check a call with PiAPI: ${message}. ${description ?? ''}`,
			);
			return cannotConfirm(this, delivery.task.task_id);
		}
		if (!('task' in confirmation)) {
			delivered.release(key);
			this.logger.warn(
				`PiAPI Trigger: PiAPI does not confirm a call about task ${delivery.task.task_id} claiming "${String(delivery.task.status)}": ${confirmation.reason}`,
			);
			if (settings.onUnconfirmed !== 'errorItem') return received();
			acknowledgeCall(this);
			return { workflowData: [[unconfirmedItem(delivery, confirmation)]], noWebhookResponse: true };
		}
		task = confirmation.task;
	}

	const event = eventOf(task.status);
	// The call is accepted: answer before the download, which can take longer than PiAPI waits.
	acknowledgeCall(this);
	const item = await webhookTaskItem.call(this, task, 0, settings.output);
	// A trigger's items have no input to pair with.
	delete item.pairedItem;
	item.json = {
		...item.json,
		event,
		timestamp: delivery.timestamp,
		dedupeKey: `${task.task_id}:${event}`,
	};
	return { workflowData: [[item]], noWebhookResponse: true };
}
