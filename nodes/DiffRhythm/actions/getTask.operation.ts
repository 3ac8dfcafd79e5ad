import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { fetchTask } from '../../shared/api';
import { inputError } from '../../shared/errors';
import { taskToItem } from '../../shared/output';
import { FIELD_LABELS } from '../validation';
import { downloadOff, outputOptionsOf } from './common.descriptions';
import { asNodeError, type Step } from './types';

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
			const taskId = String(this.getNodeParameter('taskId', itemIndex, '')).trim();
			if (taskId === '' || /[\s/?#]/.test(taskId)) {
				throw inputError(
					this.getNode(),
					FIELD_LABELS.taskId,
					'must be a PiAPI task id such as 3c1e8a96-0b66-4d8b-91ed-2b7cfc914869',
					itemIndex,
				);
			}
			const task = await fetchTask.call(this, taskId, itemIndex);
			const value = await taskToItem.call(
				this,
				task,
				itemIndex,
				outputOptionsOf(this, itemIndex, false),
			);
			steps.push({ itemIndex, value });
		} catch (error) {
			steps.push({ itemIndex, error: asNodeError(this, error, itemIndex) });
		}
	}
	return steps;
}
