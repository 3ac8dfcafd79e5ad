import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../shared/utils/constants';
import { unregisteredWebhookMethods } from '../shared/webhook/methods';
import * as generate from './actions/generate.operation';
import * as generateAndWait from './actions/generateAndWait.operation';
import * as getAccount from './actions/getAccount.operation';
import * as getTask from './actions/getTask.operation';
import * as listTasks from './actions/listTasks.operation';
import { router } from './actions/router';
import { resumeWebhook } from './wait/resume';

/**
 * DiffRhythm by PiAPI. This class only assembles: each operation's fields and code live in
 * `actions/<operation>.operation.ts`, the item loop in `actions/router.ts`, HTTP in `shared/transport`,
 * waiting in `wait/` (poll, suspend, and the resume webhook).
 */
export class DiffRhythm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DiffRhythm',
		name: 'diffRhythm',
		icon: {
			light: 'file:../../icons/diffrhythm.svg',
			dark: 'file:../../icons/diffrhythm.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {"generate": "Generate", "getTask": "Get Task", "listTasks": "Get Many Songs", "getAccount": "Get Account"}[$parameter["operation"]] ?? "Generate and Wait" }}',
		description: "Make songs from lyrics and a style with PiAPI's DiffRhythm",
		defaults: { name: 'DiffRhythm' },
		// Given here, n8n opens the link as it is (from the codex it appends tracking parameters).
		documentationUrl: 'https://www.npmjs.com/package/n8n-nodes-piapi-diffrhythm#operations',
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		// Generate and Wait's suspend mode: PiAPI calls the execution's resume URL, n8n routes the
		// call here (restart webhooks are never registered as production webhooks).
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				path: '',
				responseMode: 'onReceived',
				// Without responseData n8n answers the literal string "firstEntryJson".
				responseData: '',
				restartWebhook: true,
				ndvHideUrl: true,
				ndvHideMethod: true,
			},
		],
		waitingNodeTooltip:
			'Waiting for PiAPI to call back when the songs are ready (at most Max Wait). The task IDs are in the input items under diffRhythmPending.',
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Generate',
						value: 'generate',
						action: 'Start a song',
						description: 'Create a song task and return it at once, optionally with a callback URL',
					},
					{
						name: 'Generate and Wait',
						value: 'generateAndWait',
						action: 'Generate a song and wait for the audio',
						description: 'Create a song task, wait until it is ready and return the audio',
					},
					{
						name: 'Get Account',
						value: 'getAccount',
						action: 'Get account credits and balance',
						description: 'Read credits, balance in USD and the concurrency limit (free)',
					},
					{
						name: 'Get Many Songs',
						value: 'listTasks',
						action: 'Get many songs',
						description:
							'List the songs of a time window from PiAPI\'s task history, optionally downloading them',
					},
					{
						name: 'Get Task',
						value: 'getTask',
						action: 'Get a song task',
						description: 'Read a task by its ID, optionally downloading its audio',
					},
				],
				default: 'generateAndWait',
			},
			...generate.description,
			...generateAndWait.description,
			...getTask.description,
			...listTasks.description,
			...getAccount.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Read here rather than in the router: newer n8n lint (require-continue-on-fail) looks for
		// this.continueOnFail() in execute() itself.
		return await router.call(this, this.continueOnFail());
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeWebhook.call(this);
	}

	// Required by n8n's lint on nodes with webhooks; n8n never calls them for a restart webhook.
	webhookMethods = unregisteredWebhookMethods;
}
