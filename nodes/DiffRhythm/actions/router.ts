import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError, taskFieldsOf } from '../../shared/transport/errors';
import { errorItem } from '../../shared/output/items';
import * as generate from './generate.operation';
import * as generateAndWait from './generateAndWait.operation';
import * as getAccount from './getAccount.operation';
import * as getTask from './getTask.operation';
import * as listTasks from './listTasks.operation';
import { audioInToolResult, runsAsTool, toolAnswer, toolErrorItem, toolNameOf } from '../tool';
import { isError, type Step } from '../../shared/model/step';
import type { DiffRhythmOperation } from './types';

export type DiffRhythmOperationName =
	| 'generate'
	| 'generateAndWait'
	| 'getTask'
	| 'listTasks'
	| 'getAccount';

export const operations: Record<DiffRhythmOperationName, DiffRhythmOperation> = {
	generate,
	generateAndWait,
	getTask,
	listTasks,
	getAccount,
};

/** Tasks of the other items, named in the error that stops the node, so none is lost. */
function otherTasks(steps: Array<Step<INodeExecutionData>>, failed: number): string {
	const notes: string[] = [];
	for (const step of steps) {
		if (step.itemIndex === failed) continue;
		const { taskId, status } = isError(step)
			? taskFieldsOf(step.error)
			: { taskId: step.value.json.task_id, status: step.value.json.status };
		if (typeof taskId === 'string')
			notes.push(`item ${step.itemIndex}: ${taskId} (${String(status)})`);
	}
	return notes.length
		? ` Tasks of the other items: ${notes.join(', ')}. Use Get Task to fetch them.`
		: '';
}

/**
 * Runs the selected operation over all input items and owns what is common to them: item order,
 * `pairedItem`, Continue On Fail, and the error that stops the node.
 */
export async function router(
	this: IExecuteFunctions,
	continueOnFail: boolean,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const name = this.getNodeParameter('operation', 0) as DiffRhythmOperationName;
	const operation = operations[name];
	if (!operation) {
		throw new NodeOperationError(this.getNode(), `The operation "${name}" is not supported`);
	}
	const asTool = runsAsTool(this);
	let steps: Array<Step<INodeExecutionData>>;
	try {
		steps = await operation.execute.call(
			this,
			items.map((_, index) => index),
			!continueOnFail,
		);
	} catch (error) {
		// Bad input, refused before anything was paid for.
		const nodeError = asNodeError(this, error, 0);
		if (!asTool) throw nodeError;
		return [[toolErrorItem(nodeError, 0)]];
	}

	const failure = steps.find(isError);
	if (failure && !continueOnFail) {
		const { error, itemIndex } = failure;
		error.context.itemIndex ??= itemIndex;
		const others = otherTasks(steps, itemIndex);
		if (others) error.description = `${error.description ?? ''}${others}`.trim();
		if (!asTool) throw error;
		return [[toolErrorItem(error, itemIndex)]];
	}
	const output = steps.map((step) =>
		isError(step) ? errorItem(step.itemIndex, step.error) : step.value,
	);
	// An agent gets a compact answer per task, not PiAPI's task object (nor the song, by default).
	if (!asTool) return [output];
	const answer = operation.toolAnswer;
	const hints = { tool: toolNameOf(this.getNode().name), operation: name };
	return [
		output.map((item, index) =>
			answer ? answer(item) : toolAnswer(item, audioInToolResult(this, index), hints),
		),
	];
}
