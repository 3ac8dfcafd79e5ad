import type { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** An n8n error with a fixed role: API/network (`NodeApiError`) or input/task (`NodeOperationError`). */
export type NodeError = NodeApiError | NodeOperationError;

/**
 * What happened to one item: a value, or the error that took its place. Every operation, wait
 * strategy and webhook works item by item with this type, so one item's failure never ends the
 * others, and the router decides at the end what Continue On Fail makes of it.
 */
export type Step<T> = { itemIndex: number; value: T } | { itemIndex: number; error: NodeError };

export function isError<T>(step: Step<T>): step is { itemIndex: number; error: NodeError } {
	return 'error' in step;
}
