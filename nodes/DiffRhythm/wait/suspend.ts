import type { IExecuteFunctions, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../../shared/constants';
import { derivedSecret } from '../../shared/secret';
import { statusPhase } from '../../shared/task';
import { isError } from '../actions/types';
import type { WaitStrategy } from './index';

/** The field a suspended item carries; it only reaches the output if PiAPI never called back. */
export const PENDING_FIELD = 'diffRhythmPending';

/**
 * The `x-webhook-secret` of one waiting execution: an HMAC of the API key and the execution id.
 * It guards the resume URL on n8n 1.x (which has no token in it), cannot be replayed into another
 * execution, and is not the API key (PiAPI echoes webhook secrets in every task read).
 */
export async function resumeSecret(this: IExecuteFunctions | IWebhookFunctions): Promise<string> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	return derivedSecret(
		String(credentials.apiKey ?? ''),
		`diffrhythm-resume:${this.getExecutionId()}`,
	);
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
 * Parks the execution until PiAPI's webhook calls the execution's resume URL, so no worker is
 * held while the song renders. The node's `webhook()` (resume.ts) turns the callback into the
 * same output the poll gives.
 */
export const suspendStrategy: WaitStrategy = {
	async callback(this: IExecuteFunctions, itemIndexes) {
		// One execution waits for one webhook; a batch would need state n8n does not give a
		// resume webhook, so it is refused here, before anything is paid for.
		if (itemIndexes.length > 1) {
			throw new NodeOperationError(
				this.getNode(),
				`Wait Mode "Suspend Until PiAPI Calls Back" takes one item per execution, and ${itemIndexes.length} items arrived`,
				{
					description:
						'Nothing was sent to PiAPI. For several songs use Wait Mode "Poll", which submits and waits for them together, ' +
						'or put a Loop Over Items node (batch size 1) before this node so each song waits in turn.',
				},
			);
		}
		const endpoint = String(this.evaluateExpression('{{ $execution.resumeUrl }}', 0) ?? '');
		if (isLoopback(endpoint)) {
			this.logger.warn(
				`DiffRhythm: the resume URL ${endpoint.split('?')[0]} is not reachable from the internet; ` +
					'PiAPI can only call back if n8n is public (set WEBHOOK_URL), otherwise the execution waits until Max Wait',
			);
		}
		return { endpoint, secret: await resumeSecret.call(this) };
	},

	async wait(this: IExecuteFunctions, created, options) {
		const [step] = created;
		if (!step || isError(step) || statusPhase(step.value.status) !== 'waiting') {
			return { settled: created };
		}
		const task = step.value;
		const waitTill = new Date(Date.now() + options.maxWaitSeconds * 1000);
		const pending = {
			taskId: task.task_id,
			status: String(task.status),
			waitTill: waitTill.toISOString(),
			message:
				`PiAPI did not call back for DiffRhythm task ${task.task_id} within ${options.maxWaitSeconds} s. ` +
				'The task may still finish: use Get Task with this task id.',
		};
		const items: INodeExecutionData[] = this.getInputData().map((item, index) => ({
			...item,
			json: { ...item.json, [PENDING_FIELD]: pending },
			pairedItem: { item: index },
		}));
		// When Max Wait runs out, n8n reruns the node disabled and passes on the input it saved with
		// the waiting execution. Putting the task id into that input means it reaches the output
		// instead of being lost; a callback replaces it with the task.
		this.getExecuteData().data.main[0] = items;
		await this.putExecutionToWait(waitTill);
		this.logger.info(
			`DiffRhythm item ${step.itemIndex}: task ${task.task_id} is ${task.status}; execution suspended until PiAPI calls back (at most until ${waitTill.toISOString()})`,
		);
		return { suspended: items.map((value, itemIndex) => ({ itemIndex, value })) };
	},
};
