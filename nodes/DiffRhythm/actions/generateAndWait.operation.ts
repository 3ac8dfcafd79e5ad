import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { WAIT_DEFAULTS } from '../../shared/constants';
import { taskFailedError } from '../../shared/errors';
import { taskToItem } from '../../shared/output';
import { mapWithConcurrency } from '../../shared/sleep';
import { statusPhase } from '../../shared/task';
import { refuseSuspendAsTool } from '../tool';
import { strategyFor, type WaitMode, type WaitOptions } from '../wait';
import { downloadOn, outputOptionsOf, songFields } from './common.descriptions';
import { buildCreateTaskBody, createAll, prepareAll } from './submit';
import { asNodeError, isError, type Step } from './types';

const properties: INodeProperties[] = [
	...songFields,
	...downloadOn,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Audio in Tool Result',
				name: 'audioInToolResult',
				type: 'boolean',
				default: false,
				description:
					"Whether to download the song into the tool's result when an AI Agent uses this node as a tool. Off, the model gets the audio URL, not megabytes of audio.",
			},
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 20 },
				default: 5, // WAIT_DEFAULTS.concurrency; the lint wants a literal
				description:
					'How many requests to PiAPI run at once when several items are submitted and checked together',
			},
			{
				displayName: 'Max Wait (Seconds)',
				name: 'maxWaitSeconds',
				type: 'number',
				typeOptions: { minValue: 10, maxValue: 7200 },
				default: 600, // WAIT_DEFAULTS.maxWaitSeconds; the lint wants a literal
				description:
					'How long to wait for the songs. When it runs out the node fails with the task ID (in Suspend mode: outputs the input with diffRhythmPending.taskId), and the task can be fetched later with Get Task.',
			},
			{
				displayName: 'Poll Interval (Seconds)',
				displayOptions: { hide: { waitMode: ['suspend'] } },
				name: 'pollIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 300 },
				default: 0,
				description:
					'Seconds between status checks. 0 is adaptive: checks start 2 s apart and back off to 15 s; once a song has finished, the next ones are checked when they should be done.',
			},
			{
				displayName: 'Wait Mode',
				name: 'waitMode',
				type: 'options',
				options: [
					{
						name: 'Poll',
						value: 'poll',
						description:
							'Check the task until it is ready. Works on any n8n, including one PiAPI cannot reach; holds a worker while the song renders.',
					},
					{
						name: 'Suspend Until PiAPI Calls Back',
						value: 'suspend',
						description:
							"Park the execution and resume it from PiAPI's webhook, so no worker is held. n8n must be reachable from the internet (WEBHOOK_URL). One item per execution.",
					},
				],
				default: 'poll',
				description: 'How to wait for the song',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { operation: ['generateAndWait'] } },
	properties,
);

/**
 * Creates every item's task (validated first, `concurrency` at a time), waits for all of them
 * together, then returns each finished task with its song as binary data. A failed or timed-out
 * task becomes an error that carries its task id. In suspend mode the execution is parked instead
 * and the node's `webhook()` produces the same output when PiAPI calls back.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndexes: number[],
	failFast: boolean,
): Promise<Array<Step<INodeExecutionData>>> {
	const options = this.getNodeParameter('options', 0, {}) as Partial<
		Omit<WaitOptions, 'mode'> & { waitMode: WaitMode }
	>;
	const waitOptions: WaitOptions = {
		mode: options.waitMode ?? 'poll',
		maxWaitSeconds: options.maxWaitSeconds ?? WAIT_DEFAULTS.maxWaitSeconds,
		pollIntervalSeconds: options.pollIntervalSeconds ?? 0,
		concurrency: options.concurrency ?? WAIT_DEFAULTS.concurrency,
	};
	refuseSuspendAsTool(this, waitOptions.mode);
	const strategy = strategyFor(waitOptions.mode);
	const callback = await strategy.callback?.call(this, itemIndexes, waitOptions);
	const prepared = await prepareAll.call(
		this,
		itemIndexes,
		failFast,
		async function (this: IExecuteFunctions, itemIndex) {
			return await buildCreateTaskBody.call(this, itemIndex, callback);
		},
	);
	const created = await createAll.call(this, prepared, waitOptions.concurrency);
	const result = await strategy.wait.call(this, created, waitOptions);
	if ('suspended' in result) return result.suspended;

	return await mapWithConcurrency(
		result.settled,
		waitOptions.concurrency,
		async (step): Promise<Step<INodeExecutionData>> => {
			if (isError(step)) return step;
			const { itemIndex, value: task } = step;
			if (statusPhase(task.status) === 'failed') {
				return { itemIndex, error: taskFailedError(this.getNode(), task, itemIndex) };
			}
			try {
				const value = await taskToItem.call(
					this,
					task,
					itemIndex,
					outputOptionsOf(this, itemIndex, true),
				);
				return { itemIndex, value };
			} catch (error) {
				return { itemIndex, error: asNodeError(this, error, itemIndex) };
			}
		},
	);
}
