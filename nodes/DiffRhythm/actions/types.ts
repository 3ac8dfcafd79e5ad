import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { Step } from '../../shared/model/step';

/**
 * Contract of an operation module. The router hands over all item indexes at once, because
 * Generate and Wait submits and polls items together; an operation returns one step per item, in
 * order (an operation that lists gives several steps per item, in order), and throws only before anything is paid for (invalid input with `failFast`). The router
 * owns `pairedItem` defaults, Continue On Fail and the final error.
 */
export interface DiffRhythmOperation {
	description: INodeProperties[];
	execute(
		this: IExecuteFunctions,
		itemIndexes: number[],
		failFast: boolean,
	): Promise<Array<Step<INodeExecutionData>>>;
	/** How an AI Agent sees one output item, where the default task answer does not fit. */
	toolAnswer?(item: INodeExecutionData): INodeExecutionData;
}
