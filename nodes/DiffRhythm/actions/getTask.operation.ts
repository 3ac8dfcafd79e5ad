import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { fetchTask } from '../../shared/transport/api';
import {
	downloadOff,
	maxAudioSizeOption,
	type OutputOptions,
} from '../../shared/parameters/descriptions';
import { booleanOption } from '../../shared/parameters/options';
import { taskToItem } from '../../shared/output/items';
import { WAIT_DEFAULTS } from '../../shared/utils/constants';
import type { PiApiTask } from '../../shared/model/piapi';
import { statusPhase } from '../../shared/model/task';
import { itemOutputOptions, toolAnswerSeconds } from '../tool';
import { strategyFor } from '../wait';
import {
	audioInToolResultOption,
	toolAnswerSecondsOption,
	toolDescriptionField,
} from './common.descriptions';
import { isError, type Step } from '../../shared/model/step';
import { asNodeError, attachTask } from '../../shared/transport/errors';

const properties: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '3c1e8a96-0b66-4d8b-91ed-2b7cfc914869',
		description:
			'ID of a PiAPI task, as returned by Generate or found in an error of Generate and Wait',
	},
	{
		displayName: 'Wait for the Song',
		name: 'waitForSong',
		type: 'boolean',
		default: false,
		description:
			"Whether to check a task that is still rendering until it is ready, for at most Tool Answer Within (Seconds); then it is returned as it is. As a tool, let the model decide with {{ $fromAI('wait', 'true to wait up to about 40 s for the song', 'boolean') }}.",
	},
	...downloadOff,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			audioInToolResultOption,
			maxAudioSizeOption,
			toolAnswerSecondsOption(
				'With Wait for the Song: how long to wait at most, so that an AI client (which gives up after 60 s by default) gets its answer in time',
			),
		],
	},
	toolDescriptionField(
		"Reads a DiffRhythm song task by its task_id: its status and, once completed, the song's audio URL and lyrics. For a song still rendering it says in how many seconds to check again; with wait set to true it waits up to about 40 seconds for the song first.",
	),
];

export const description = updateDisplayOptions({ show: { operation: ['getTask'] } }, properties);

/**
 * Reads each item's task as it is now (any status); with Wait for the Song, tasks still rendering
 * are checked together until they are ready or the bound runs out, then returned as they are.
 * Downloads the song if asked and completed.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndexes: number[],
): Promise<Array<Step<INodeExecutionData>>> {
	const startedAt = Date.now();
	const read: Array<Step<PiApiTask>> = [];
	const outputs = new Map<number, OutputOptions>();
	let waitSeconds = Infinity;
	const waiting: Array<Step<PiApiTask>> = [];
	for (const itemIndex of itemIndexes) {
		try {
			const raw = this.getNodeParameter('taskId', itemIndex, '');
			outputs.set(itemIndex, itemOutputOptions(this, itemIndex, false));
			const wait = booleanOption(
				this.getNode(),
				'Wait for the Song',
				this.getNodeParameter('waitForSong', itemIndex, false),
				false,
				itemIndex,
			);
			const bound = toolAnswerSeconds(this, itemIndex);
			// fetchTask refuses anything that is not a task id (a number, `..`, a path) unsent.
			const task = await fetchTask.call(
				this,
				typeof raw === 'string' ? raw.trim() : raw,
				itemIndex,
			);
			read.push({ itemIndex, value: task });
			if (wait && statusPhase(task.status) === 'waiting') {
				waitSeconds = Math.min(waitSeconds, bound);
				waiting.push({ itemIndex, value: task });
			}
		} catch (error) {
			read.push({ itemIndex, error: asNodeError(this, error, itemIndex) });
		}
	}
	const settled = new Map<number, Step<PiApiTask>>();
	if (waiting.length > 0) {
		const result = await strategyFor('poll').wait.call(
			this,
			waiting,
			{
				mode: 'poll',
				maxWaitSeconds: Math.max(0, waitSeconds - (Date.now() - startedAt) / 1000),
				pollIntervalSeconds: 0,
				concurrency: WAIT_DEFAULTS.concurrency,
				answerOpenTasks: true,
			},
			// Poll settles tasks here; the download fields are applied below, item by item.
			new Map(),
		);
		if ('settled' in result) for (const step of result.settled) settled.set(step.itemIndex, step);
	}
	const steps: Array<Step<INodeExecutionData>> = [];
	for (const first of read) {
		const step = settled.get(first.itemIndex) ?? first;
		if (isError(step)) {
			steps.push(step);
			continue;
		}
		const { itemIndex, value: task } = step;
		try {
			const value = await taskToItem.call(this, task, itemIndex, outputs.get(itemIndex)!);
			steps.push({ itemIndex, value });
		} catch (error) {
			steps.push({
				itemIndex,
				error: attachTask(asNodeError(this, error, itemIndex), task.task_id, String(task.status)),
			});
		}
	}
	return steps;
}
