import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE, SUSPEND_SAFE_BATCH } from '../../shared/utils/constants';
import type { OutputOptions } from '../../shared/parameters/descriptions';
import { errorItem } from '../../shared/output/items';
import { derivedSecret } from '../../shared/utils/secret';
import { isTaskId, outputStatus, statusPhase } from '../../shared/model/task';
import { isError } from '../../shared/model/step';
import type { WaitStrategy } from './types';

/**
 * The field each suspended item carries. It is the wait's only memory: n8n hands the resume
 * webhook the items the node saved before suspending, so this is where the webhook learns which
 * tasks it waits for; and when Max Wait runs out n8n outputs those items, so the task ids reach
 * the workflow instead of being lost.
 */
export const PENDING_FIELD = 'diffRhythmPending';

/** One item's part of a suspended wait: its task, or the error its create call ended in. */
export interface PendingEntry extends IDataObject {
	taskId?: string;
	status?: string;
	waitTill?: string;
	message?: string;
	/** Set when the item's task could not be created (Continue On Fail): it resumes as this error. */
	error?: string;
	description?: string;
	/** How the node timed the item's plain lyrics: the resumed item's `lyricsTiming`, as in Poll. */
	lyricsTiming?: IDataObject;
	/**
	 * The item's download fields as checked before its task was paid for. The resume webhook
	 * cannot read them per item (n8n evaluates a webhook's parameters for the first item only), so
	 * each item carries its own: the resumed items are then exactly what Poll gives.
	 */
	output?: IDataObject;
}

/** The download fields an entry carries, if they are all there and of the right types. */
export function savedOutputOptions(entry: PendingEntry): OutputOptions | undefined {
	const saved = entry.output;
	if (!saved || typeof saved !== 'object') return undefined;
	const { downloadAudio, binaryPropertyName, maxAudioBytes } = saved;
	if (
		typeof downloadAudio !== 'boolean' ||
		typeof binaryPropertyName !== 'string' ||
		binaryPropertyName === '' ||
		typeof maxAudioBytes !== 'number' ||
		!(maxAudioBytes > 0)
	) {
		return undefined;
	}
	return { downloadAudio, binaryPropertyName, maxAudioBytes };
}

/**
 * The `x-webhook-secret` of one waiting execution: an HMAC of the API key and the execution id.
 * It guards the resume URL on n8n 1.x (which has no token in it), cannot be replayed into another
 * execution, and is not the API key (PiAPI echoes webhook secrets in every task read). Every wait
 * of one execution shares it (n8n gives them one resume URL too); which tasks a wait may resume
 * with is decided by the pending entries, not by the secret.
 */
export function resumeSecretOf(
	credentials: ICredentialDataDecryptedObject,
	executionId: string | undefined,
): string {
	return derivedSecret(String(credentials.apiKey ?? ''), `diffrhythm-resume:${executionId}`);
}

export async function resumeSecret(this: IExecuteFunctions): Promise<string> {
	return resumeSecretOf(await this.getCredentials(CREDENTIAL_TYPE), this.getExecutionId());
}

function isLoopback(url: string): boolean {
	try {
		const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
		return host === 'localhost' || host === '::1' || /^127\./.test(host);
	} catch {
		return false;
	}
}

/**
 * The pending entries of the items the waiting node saved, in item order, as the resume webhook
 * sees them (n8n builds the webhook context from the waiting node's saved input). Only the entries
 * are taken out of the expression: a user's items can be large, and every final callback of a big
 * batch pays for what crosses n8n's expression isolate.
 */
export function pendingEntries(this: IWebhookFunctions): PendingEntry[] {
	const entries = this.evaluateExpression(
		`{{ $input.all().map((item) => item.json.${PENDING_FIELD}) }}`,
		0,
	);
	if (!Array.isArray(entries)) return [];
	return entries.map((entry: unknown) =>
		entry && typeof entry === 'object' && !Array.isArray(entry) ? (entry as PendingEntry) : {},
	);
}

/** The task ids a suspended wait is waiting for. */
export function waitedTaskIds(entries: PendingEntry[]): string[] {
	return entries
		.filter((entry) => entry.error === undefined && isTaskId(entry.taskId))
		.map((entry) => entry.taskId as string);
}

/**
 * Parks the execution until PiAPI's webhooks call the execution's resume URL, so no worker is
 * held while the songs render. Every item's task is created up front (like Poll); the node's
 * `webhook()` (resume.ts) resumes the execution once, when the last of them is done, with the same
 * items Poll gives.
 */
export const suspendStrategy: WaitStrategy = {
	async callback(this: IExecuteFunctions) {
		const endpoint = String(this.evaluateExpression('{{ $execution.resumeUrl }}', 0) ?? '');
		if (isLoopback(endpoint)) {
			this.logger.warn(
				`DiffRhythm: the resume URL ${endpoint.split('?')[0]} is not reachable from the internet; ` +
					'PiAPI can only call back if n8n is public (set WEBHOOK_URL), otherwise the execution waits until Max Wait',
			);
		}
		return { endpoint, secret: await resumeSecret.call(this) };
	},

	async wait(this: IExecuteFunctions, created, options, outputs, timings) {
		const tasks = created.filter((step) => !isError(step));
		const failed = created.some(isError);
		// Nothing to wait for; or an item failed and the node is to stop (the router names every
		// created task's id in that error): nothing is suspended.
		if (
			tasks.every((step) => !isError(step) && statusPhase(step.value.status) !== 'waiting') ||
			(failed && !this.continueOnFail())
		) {
			return { settled: created };
		}
		const waitTill = new Date(Date.now() + options.maxWaitSeconds * 1000);
		const byItem = new Map(created.map((step) => [step.itemIndex, step]));
		const items: INodeExecutionData[] = this.getInputData().map((item, index) => {
			const step = byItem.get(index);
			let entry: PendingEntry = {};
			// What the item says if Max Wait runs out: n8n then passes these items on without running
			// the node (see README, Suspend), so they must already read as failures with the task id.
			let ending: IDataObject = {};
			if (step && isError(step)) {
				entry = errorItem(index, step.error).json as PendingEntry;
				ending = { success: false, error: entry.error, taskId: entry.taskId };
			} else if (step) {
				const task = step.value;
				const saved = outputs.get(index);
				entry = {
					taskId: task.task_id,
					status: outputStatus(task.status),
					waitTill: waitTill.toISOString(),
					message:
						`Max Wait (${options.maxWaitSeconds} s) ran out before every song of this wait was confirmed, so n8n passed this item on without its song. ` +
						`DiffRhythm task ${task.task_id} was ${outputStatus(task.status)} when the execution was suspended and may have finished since: ` +
						'use Get Task with this task id to fetch it.',
					...(saved ? { output: { ...saved } } : {}),
				};
				const timing = timings?.get(index);
				if (timing) entry.lyricsTiming = timing;
				ending = { success: false, error: entry.message, taskId: task.task_id };
			}
			return {
				...item,
				json: { ...item.json, ...(step ? ending : {}), [PENDING_FIELD]: entry },
				pairedItem: { item: index },
			};
		});
		// n8n saves this input with the waiting execution: the resume webhook reads the task ids from
		// it, and a Max Wait timeout outputs it as it is.
		this.getExecuteData().data.main[0] = items;
		await this.putExecutionToWait(waitTill);
		const ids = tasks.map((step) => (isError(step) ? '' : step.value.task_id));
		if (ids.length > SUSPEND_SAFE_BATCH) {
			// Said after the tasks exist: the batch is already paid for, and the warning is about
			// their callbacks, which come later. docs/suspend-batch-size.md has the measurement.
			this.logger.warn(
				`DiffRhythm: one execution is suspended for ${ids.length} songs, more than the ${SUSPEND_SAFE_BATCH} ` +
					"that one n8n webhook process was measured to take with n8n's default settings when their " +
					"callbacks arrive together; beyond that PiAPI's callbacks can be refused and the execution " +
					'then waits until Max Wait (its items keep every task id). Put a Loop Over Items node before ' +
					`this one with a batch size of ${SUSPEND_SAFE_BATCH} or less.`,
			);
		}
		this.logger.info(
			`DiffRhythm: ${ids.length} task${ids.length === 1 ? '' : 's'} (${ids.join(', ')}) rendering; ` +
				`execution suspended until PiAPI calls back (at most until ${waitTill.toISOString()})`,
		);
		return { suspended: items.map((value, itemIndex) => ({ itemIndex, value })) };
	},
};
