import type {
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../shared/utils/constants';
import { unregisteredWebhookMethods } from '../shared/webhook/methods';
import { properties, triggerPanel } from './description';
import { handleWebhook } from './webhook';

/**
 * Starts a workflow when PiAPI calls back about a task (a song finished, failed or progressed).
 * This class only assembles: the fields are in `description.ts`, the call handling in `webhook.ts`.
 */
export class PiApiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'PiAPI Trigger',
		name: 'piApiTrigger',
		icon: { light: 'file:../../icons/piapi.svg', dark: 'file:../../icons/piapi.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "On " + ($parameter["events"] || []).join(", ") }}',
		description:
			'Starts the workflow when PiAPI reports on a task, such as a finished DiffRhythm song',
		defaults: { name: 'PiAPI Trigger' },
		// Given here, n8n opens the link as it is; from the codex alone it appends `?utm_source=…`
		// after the anchor, which then lands at the top of the page.
		documentationUrl: 'https://www.npmjs.com/package/n8n-nodes-piapi-diffrhythm#piapi-trigger',
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// Answer as soon as webhook() returns; '' makes n8n answer with webhookResponse
				// instead of its default literal "firstEntryJson".
				responseMode: 'onReceived',
				responseData: '',
				path: 'piapi',
			},
		],
		triggerPanel,
		properties,
	};

	/**
	 * PiAPI has no API to register webhooks: each task carries its callback URL and secret in
	 * `config.webhook_config`. There is nothing to check, create or delete, so these only succeed;
	 * they exist because n8n's lint requires the full lifecycle on a node with webhooks.
	 */
	webhookMethods = unregisteredWebhookMethods;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleWebhook.call(this);
	}
}
