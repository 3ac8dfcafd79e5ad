import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { WAIT_DEFAULTS } from '../../shared/utils/constants';
import { inputError } from '../../shared/transport/errors';
import { describeValue, NOT_SET, optionOf } from '../../shared/parameters/options';
import { toOutputJson } from '../../shared/model/task';
import { FIELD_LABELS } from '../validation';
import { songFields } from './common.descriptions';
import {
	buildCreateTaskBody,
	createAll,
	credentialWebhookSecret,
	prepareAll,
	withLyricsTiming,
	type LyricsTimings,
} from './submit';
import { isError, type Step } from '../../shared/model/step';

const properties: INodeProperties[] = [
	...songFields,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Callback URL',
				name: 'callbackUrl',
				type: 'string',
				default: '',
				placeholder: 'https://n8n.example.com/webhook/…/piapi',
				description:
					"Public URL PiAPI calls when the task changes status: a PiAPI Trigger node's production URL (or a Webhook node's). The credential's webhook secret is sent with it.",
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['generate'] } }, properties);

/** Creates one task per item and returns it at once (status `pending`); nothing waits. */
export async function execute(
	this: IExecuteFunctions,
	itemIndexes: number[],
	failFast: boolean,
): Promise<Array<Step<INodeExecutionData>>> {
	let secret: string | undefined;
	const timings: LyricsTimings = new Map();
	const prepared = await prepareAll.call(
		this,
		itemIndexes,
		failFast,
		async function (this: IExecuteFunctions, itemIndex) {
			const raw = optionOf(this.getNodeParameter('options', itemIndex, {}), 'callbackUrl');
			if (raw !== NOT_SET && typeof raw !== 'string') {
				throw inputError(
					this.getNode(),
					FIELD_LABELS.callbackUrl,
					`must be text, not ${describeValue(raw)}`,
					itemIndex,
				);
			}
			const callbackUrl = raw === NOT_SET ? '' : raw.trim();
			if (callbackUrl === '') {
				return await buildCreateTaskBody.call(this, itemIndex, undefined, timings);
			}
			secret ??= await credentialWebhookSecret.call(this);
			return await buildCreateTaskBody.call(
				this,
				itemIndex,
				{ endpoint: callbackUrl, secret },
				timings,
			);
		},
	);
	const created = await createAll.call(this, prepared, WAIT_DEFAULTS.concurrency);
	return created.map((step) =>
		isError(step)
			? step
			: {
					itemIndex: step.itemIndex,
					value: {
						json: withLyricsTiming(toOutputJson(step.value), timings.get(step.itemIndex)),
						pairedItem: { item: step.itemIndex },
					},
				},
	);
}
