import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { PiApiTask, WebhookConfig } from '../../shared/interfaces';
import type { Step } from '../actions/types';
import { pollStrategy } from './poll';
import { suspendStrategy } from './suspend';

export type WaitMode = 'poll' | 'suspend';

/** What Generate and Wait's options say about waiting. */
export interface WaitOptions {
	mode: WaitMode;
	maxWaitSeconds: number;
	/** Seconds between checks; 0 means adaptive (start near 2 s, back off to 15 s). */
	pollIntervalSeconds: number;
	/** Requests to PiAPI in flight at once. */
	concurrency: number;
}

/**
 * Where waiting ended: every task settled in this run (terminal, or an error carrying its task
 * id), or the execution was parked and these items are the node's output until it resumes.
 */
export type WaitResult =
	| { settled: Array<Step<PiApiTask>> }
	| { suspended: Array<Step<INodeExecutionData>> };

/**
 * How Generate and Wait gets from created tasks to finished ones. Poll and suspend end in the same
 * `taskToItem()`, so their outputs are identical for the same task.
 */
export interface WaitStrategy {
	/**
	 * The webhook PiAPI must call for this mode, decided before anything is paid for (and the place
	 * to refuse input the mode cannot handle). Undefined when the mode needs no callback.
	 */
	callback?(
		this: IExecuteFunctions,
		itemIndexes: number[],
		options: WaitOptions,
	): Promise<WebhookConfig>;
	/**
	 * Waits for the created tasks. Steps that already failed pass through unchanged; a settled
	 * result has one step per item: the task in a terminal status, or an error carrying its task id.
	 */
	wait(
		this: IExecuteFunctions,
		created: Array<Step<PiApiTask>>,
		options: WaitOptions,
	): Promise<WaitResult>;
}

const strategies: Record<WaitMode, WaitStrategy> = {
	poll: pollStrategy,
	suspend: suspendStrategy,
};

export function strategyFor(mode: WaitMode): WaitStrategy {
	return strategies[mode] ?? pollStrategy;
}
