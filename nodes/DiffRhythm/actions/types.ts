import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { asNodeError, type NodeError } from '../../shared/errors';

export { asNodeError, type NodeError };

/** What happened to one item: a value, or the error that took its place. */
export type Step<T> = { itemIndex: number; value: T } | { itemIndex: number; error: NodeError };

export function isError<T>(step: Step<T>): step is { itemIndex: number; error: NodeError } {
	return 'error' in step;
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
