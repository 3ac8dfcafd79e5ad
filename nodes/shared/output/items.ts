import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	NodeApiError,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { downloadAudio } from './download';
import { readOutputOptions, type OutputOptions } from '../parameters/descriptions';
import { asNodeError, attachTask, taskFieldsOf } from '../transport/errors';
import type { PiApiTask } from '../model/piapi';
import { audioUrlOf, statusPhase, toOutputJson } from '../model/task';

export type { OutputOptions };

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
	try {
		return await buildItem.call(this, task, itemIndex, options);
	} catch (error) {
		// Whatever fails here (the download, the binary store), the task is paid for: its id goes along.
		throw attachTask(asNodeError(this, error, itemIndex), task.task_id, String(task.status));
	}
}

async function buildItem(
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
		throw new NodeOperationError(
			this.getNode(),
			`Task ${task.task_id} completed without an audio URL`,
			{
				itemIndex,
				description: `PiAPI's output had no http(s) URL (fields: ${keys}). Turn Download Audio off to get the task as it is.`,
			},
		);
	}
	const binary = await downloadAudio.call(this, {
		url,
		taskId: task.task_id,
		itemIndex,
		maxBytes: options.maxAudioBytes,
	});
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
	const json: IDataObject = { success: false, error: error.message };
	if (error.description) json.description = error.description;
	if ('httpCode' in error && error.httpCode) json.statusCode = Number(error.httpCode);
	if (taskId) json.taskId = taskId;
	if (status) json.status = status;
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * The item a webhook (the trigger, or a resumed Generate and Wait) emits for a confirmed task,
 * with the item's download fields as checked before (`options`), or else the node's as they read
 * now. The call is already accepted, so nothing here may fail it: a bad option or a failed
 * download gives an item with the error and the task id instead, to be fetched again with Get Task.
 */
export async function webhookTaskItem(
	this: IWebhookFunctions,
	task: PiApiTask,
	itemIndex = 0,
	options?: OutputOptions,
): Promise<INodeExecutionData> {
	try {
		const output =
			options ??
			readOutputOptions(
				this.getNode(),
				(name, fallback) => this.getNodeParameter(name, fallback),
				itemIndex,
				true,
			);
		return await taskToItem.call(this, task, itemIndex, output);
	} catch (error) {
		return errorItem(
			itemIndex,
			attachTask(asNodeError(this, error, itemIndex), task.task_id, String(task.status)),
		);
	}
}
