import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	NodeApiError,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { downloadAudio } from './binary';
import { asNodeError, attachTask, taskFieldsOf } from './errors';
import type { PiApiTask } from './interfaces';
import { audioUrlOf, statusPhase, toOutputJson } from './task';

export interface OutputOptions {
	/** Fetch the song into binary data when the task is completed. */
	downloadAudio: boolean;
	binaryPropertyName: string;
}

/**
 * The single path from a PiAPI task to an n8n item, used by every operation and wait mode, so
 * outputs, secret stripping and downloads are the same wherever a task comes from.
 */
export async function taskToItem(
	this: IExecuteFunctions | IWebhookFunctions,
	task: PiApiTask,
	itemIndex: number,
	options: OutputOptions,
): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json: toOutputJson(task), pairedItem: { item: itemIndex } };
	if (!options.downloadAudio || statusPhase(task.status) !== 'completed') return item;
	const url = audioUrlOf(task);
	if (!url) {
		const keys =
			task.output && typeof task.output === 'object' ? Object.keys(task.output).join(', ') : 'none';
		throw attachTask(
			new NodeOperationError(
				this.getNode(),
				`Task ${task.task_id} completed without an audio URL`,
				{
					itemIndex,
					description: `PiAPI's output had no http(s) URL (fields: ${keys}). Turn Download Audio off to get the task as it is.`,
				},
			),
			task.task_id,
			String(task.status),
		);
	}
	const binary = await downloadAudio.call(this, { url, taskId: task.task_id, itemIndex });
	item.binary = { [options.binaryPropertyName]: binary };
	return item;
}

/**
 * The item an error becomes where the workflow goes on (Continue On Fail, or a resumed execution):
 * enough for an IF node to branch and for Get Task to recover the task.
 */
export function errorItem(
	itemIndex: number,
	error: NodeApiError | NodeOperationError,
): INodeExecutionData {
	const { taskId, status } = taskFieldsOf(error);
	const json: IDataObject = { error: error.message };
	if (error.description) json.description = error.description;
	if ('httpCode' in error && error.httpCode) json.statusCode = Number(error.httpCode);
	if (taskId) json.taskId = taskId;
	if (status) json.status = status;
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * The item a webhook (the trigger, or a resumed Generate and Wait) emits for a confirmed task,
 * with the node's Download Audio fields. The call is already accepted, so a failed download does
 * not fail it: the item then carries the error and the task id, to be fetched again with Get Task.
 */
export async function webhookTaskItem(
	this: IWebhookFunctions,
	task: PiApiTask,
): Promise<INodeExecutionData> {
	try {
		return await taskToItem.call(this, task, 0, {
			downloadAudio: this.getNodeParameter('downloadAudio', true) as boolean,
			binaryPropertyName: this.getNodeParameter('binaryPropertyName', 'data') as string,
		});
	} catch (error) {
		return errorItem(0, attachTask(asNodeError(this, error, 0), task.task_id, String(task.status)));
	}
}
