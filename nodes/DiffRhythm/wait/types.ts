import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { PiApiTask, WebhookConfig } from '../../shared/model/piapi';
import type { LyricsTiming } from '../lyrics/timing';
import type { OutputOptions } from '../../shared/parameters/descriptions';
import type { Step } from '../../shared/model/step';

export type WaitMode = 'poll' | 'suspend';

/** What Generate and Wait's options say about waiting, checked (see `readWaitOptions`). */
export interface WaitOptions {
	mode: WaitMode;
	maxWaitSeconds: number;
	/** Seconds between checks; 0 means adaptive (schedule.ts). */
	pollIntervalSeconds: number;
	/** Requests to PiAPI in flight at once. */
	concurrency: number;
	/**
	 * A tool's run: a task still open when the wait ends (its bound, or the run was cancelled) is
	 * returned as it was last seen, for an answer that says how to fetch it, instead of an error.
	 */
	answerOpenTasks?: boolean;
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
 * `taskToItem()`, so their outputs are identical for the same task. The strategies implement this
 * interface; `index.ts` only picks one, so neither imports the other's module.
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
	 * It may throw; the caller then puts every created task's id into the error of its item.
	 * `outputs` holds each item's download fields, checked before anything was paid for: a
	 * strategy that finishes in another run (suspend) keeps them with the item.
	 * `timings` is how the node timed each item's plain lyrics: the caller adds it to settled
	 * items; a mode that parks the execution keeps it for the items it resumes with.
	 */
	wait(
		this: IExecuteFunctions,
		created: Array<Step<PiApiTask>>,
		options: WaitOptions,
		outputs: ReadonlyMap<number, OutputOptions>,
		timings?: Map<number, LyricsTiming>,
	): Promise<WaitResult>;
}
