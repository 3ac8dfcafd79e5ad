import type { IHookFunctions } from 'n8n-workflow';

/**
 * Webhook lifecycle for webhooks nobody registers. n8n's lint requires `checkExists`, `create` and
 * `delete` on every node with webhooks, but PiAPI has no API to register one (each task carries its
 * callback URL) and a restart webhook exists only while an execution waits: there is nothing to
 * check, create or delete, so each simply succeeds.
 */
export const unregisteredWebhookMethods = {
	default: {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			return true;
		},
	},
};
