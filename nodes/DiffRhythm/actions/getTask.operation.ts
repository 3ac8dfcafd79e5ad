import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { fetchTask } from '../../shared/transport/api';
import { downloadOff, maxAudioSizeOption } from '../../shared/parameters/descriptions';
import { taskToItem } from '../../shared/output/items';
import { itemOutputOptions } from '../tool';
import { audioInToolResultOption } from './common.descriptions';
import type { Step } from '../../shared/model/step';
import { asNodeError } from '../../shared/transport/errors';

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
	...downloadOff,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [audioInToolResultOption, maxAudioSizeOption],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['getTask'] } }, properties);

/** Reads each item's task as it is now (any status); downloads the song if asked and completed. */
export async function execute(
	this: IExecuteFunctions,
	itemIndexes: number[],
): Promise<Array<Step<INodeExecutionData>>> {
	const steps: Array<Step<INodeExecutionData>> = [];
	for (const itemIndex of itemIndexes) {
		try {
			const raw = this.getNodeParameter('taskId', itemIndex, '');
			const output = itemOutputOptions(this, itemIndex, false);
			// fetchTask refuses anything that is not a task id (a number, `..`, a path) unsent.
			const task = await fetchTask.call(
				this,
				typeof raw === 'string' ? raw.trim() : raw,
				itemIndex,
			);
			const value = await taskToItem.call(this, task, itemIndex, output);
			steps.push({ itemIndex, value });
		} catch (error) {
			steps.push({ itemIndex, error: asNodeError(this, error, itemIndex) });
		}
	}
	return steps;
}
