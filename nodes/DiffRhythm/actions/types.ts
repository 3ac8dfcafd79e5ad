import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Step } from '../../shared/model/step';

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
