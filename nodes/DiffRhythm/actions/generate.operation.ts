import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { WAIT_DEFAULTS } from '../../shared/utils/constants';
import { inputError } from '../../shared/transport/errors';
import { describeValue, NOT_SET, optionOf } from '../../shared/parameters/options';
import { toOutputJson } from '../../shared/model/task';
import { FIELD_LABELS } from '../validation';
import { newTakeOption, songFields, toolDescriptionField } from './common.descriptions';
import { markRepeat, newTakeOf, runsAsTool } from '../tool';
import { repeatsFor } from '../repeats';
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
			newTakeOption,
		],
	},
	toolDescriptionField(
		"Starts a song with PiAPI's DiffRhythm from lyrics and/or a style prompt and answers at once with its task_id (status pending). A song takes about half a minute or more to render: fetch it with the Get Task tool, in as many seconds as the answer says. Calling this tool again with the same input within 30 minutes does not start or charge another song: it answers with the song already started.",
	),
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
	const asTool = runsAsTool(this);
	const newTake = new Set<number>();
	const prepared = await prepareAll.call(
		this,
		itemIndexes,
		failFast,
		async function (this: IExecuteFunctions, itemIndex) {
			if (asTool && newTakeOf(this, itemIndex)) newTake.add(itemIndex);
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
	const repeats = asTool ? await repeatsFor.call(this, prepared, newTake) : undefined;
	const created = await createAll.call(this, prepared, WAIT_DEFAULTS.concurrency, repeats);
	return created.map((step) =>
		isError(step)
			? step
			: {
					itemIndex: step.itemIndex,
					value: markRepeat(
						{
							json: withLyricsTiming(toOutputJson(step.value), timings.get(step.itemIndex)),
							pairedItem: { item: step.itemIndex },
						},
						repeats?.repeatOf.get(step.itemIndex),
					),
				},
	);
}
