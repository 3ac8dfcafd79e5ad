import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** An n8n error with a fixed role: API/network (`NodeApiError`) or input/task (`NodeOperationError`). */
export type NodeError = NodeApiError | NodeOperationError;

/** What happened to one item: a value, or the error that took its place. */
export type Step<T> = { itemIndex: number; value: T } | { itemIndex: number; error: NodeError };

export function isError<T>(step: Step<T>): step is { itemIndex: number; error: NodeError } {
	return 'error' in step;
}

/** Any thrown value as an n8n error that names the item. */
export function asNodeError(
	context: IExecuteFunctions | IWebhookFunctions,
	error: unknown,
	itemIndex: number,
): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/**
 * Contract of an operation module. The router hands over all item indexes at once, because
 * Generate and Wait submits and polls items together; an operation returns one step per item, in
 * order, and throws only before anything is paid for (invalid input with `failFast`). The router
 * owns `pairedItem` defaults, Continue On Fail and the final error.
 */
export interface DiffRhythmOperation {
	description: INodeProperties[];
	execute(
		this: IExecuteFunctions,
		itemIndexes: number[],
		failFast: boolean,
	): Promise<Array<Step<INodeExecutionData>>>;
}
