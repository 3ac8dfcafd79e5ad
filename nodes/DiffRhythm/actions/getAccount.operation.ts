import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { fetchAccount } from '../../shared/transport/api';
import { asNodeError } from '../../shared/transport/errors';
import { accountJson } from '../../shared/model/account';
import type { Step } from '../../shared/model/step';

/** No fields: the credential names the account. */
export const description: INodeProperties[] = [];

/**
 * Reads the PiAPI account behind the credential (`GET /account/info`, free): credits, balance in
 * USD and the concurrency limit as PiAPI reports them, one item per input item.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndexes: number[],
): Promise<Array<Step<INodeExecutionData>>> {
	const steps: Array<Step<INodeExecutionData>> = [];
	for (const itemIndex of itemIndexes) {
		try {
			const info = await fetchAccount.call(this, itemIndex);
			steps.push({ itemIndex, value: { json: accountJson(info), pairedItem: { item: itemIndex } } });
		} catch (error) {
			steps.push({ itemIndex, error: asNodeError(this, error, itemIndex) });
		}
	}
	return steps;
}
