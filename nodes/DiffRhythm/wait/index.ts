import type { IExecuteFunctions } from 'n8n-workflow';

import type { PiApiTask } from '../../shared/interfaces';
import type { Step } from '../actions/types';
import { pollStrategy } from './poll';

/** What Generate and Wait's options say about waiting. */
export interface WaitOptions {
	maxWaitSeconds: number;
	/** Seconds between checks; 0 means adaptive (schedule.ts). */
	pollIntervalSeconds: number;
	/** Requests to PiAPI in flight at once. */
	concurrency: number;
}

/**
 * How Generate and Wait gets from created tasks to finished ones. Both strategies end in the same
 * `taskToItem()`, so their outputs are identical for the same task.
 */
export interface WaitStrategy {
	/**
	 * Waits for the created tasks and returns one step per item: the task in a terminal status, or
	 * an error carrying its task id. Steps that already failed pass through unchanged.
	 */
	wait(
		this: IExecuteFunctions,
		created: Array<Step<PiApiTask>>,
		options: WaitOptions,
	): Promise<Array<Step<PiApiTask>>>;
}

export type WaitMode = 'poll';

const strategies: Record<WaitMode, WaitStrategy> = {
	poll: pollStrategy,
};

export function strategyFor(mode: WaitMode): WaitStrategy {
	return strategies[mode];
}
