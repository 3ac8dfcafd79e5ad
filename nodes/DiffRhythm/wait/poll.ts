import type { IExecuteFunctions } from 'n8n-workflow';

import { fetchTask } from '../../shared/api';
import { POLL } from '../../shared/constants';
import { attachTask, taskCancelledError, taskTimeoutError } from '../../shared/errors';
import type { PiApiTask } from '../../shared/interfaces';
import { mapWithConcurrency, sleepUnlessAborted } from '../../shared/sleep';
import { isKnownStatus, statusPhase } from '../../shared/task';
import { asNodeError, isError, type Step } from '../actions/types';
import type { WaitOptions, WaitStrategy } from './index';

/**
 * Delay before check number `round` (0-based). Adaptive by default: DiffRhythm often finishes in
 * 10-30 s, so early checks are close together and later ones spread out, bounding the requests a
 * long render costs. A fixed interval is honoured but never below one second.
 */
export function pollDelayMs(round: number, fixedSeconds: number): number {
	if (fixedSeconds > 0) return Math.max(POLL.minFixedDelayMs, fixedSeconds * 1000);
	return Math.min(POLL.maxDelayMs, Math.round(POLL.firstDelayMs * POLL.growth ** round));
}

/**
 * In-process wait: all open tasks are checked together each round (at most `concurrency` requests
 * at once) until each is terminal, the budget runs out, or the execution is cancelled. It never
 * sleeps after the last task settles and never creates anything.
 */
export const pollStrategy: WaitStrategy = {
	async wait(this: IExecuteFunctions, created, options: WaitOptions) {
		const signal = this.getExecutionCancelSignal();
		const started = Date.now();
		const deadline = started + options.maxWaitSeconds * 1000;
		const results = new Map<number, Step<PiApiTask>>();
		const open = new Map<number, PiApiTask>();
		const warned = new Set<string>();

		const observe = (itemIndex: number, task: PiApiTask, previous?: PiApiTask) => {
			if (previous?.status !== task.status) {
				this.logger.info(`DiffRhythm item ${itemIndex}: task ${task.task_id} is ${task.status}`);
			}
			const status = String(task.status);
			if (!isKnownStatus(status) && !warned.has(status)) {
				warned.add(status);
				this.logger.warn(`DiffRhythm: PiAPI reported an unknown status "${status}"; still waiting`);
			}
			if (statusPhase(task.status) === 'waiting') open.set(itemIndex, task);
			else {
				open.delete(itemIndex);
				results.set(itemIndex, { itemIndex, value: task });
			}
		};
		const giveUp = (make: (task: PiApiTask, itemIndex: number) => Step<PiApiTask>) => {
			for (const [itemIndex, task] of open) results.set(itemIndex, make(task, itemIndex));
			open.clear();
		};

		for (const step of created) {
			if (isError(step)) results.set(step.itemIndex, step);
			else observe(step.itemIndex, step.value);
		}

		for (let round = 0; open.size > 0; round++) {
			const pause = Math.min(
				pollDelayMs(round, options.pollIntervalSeconds),
				Math.max(0, deadline - Date.now()),
			);
			if (!(await sleepUnlessAborted(pause, signal))) break;
			await mapWithConcurrency([...open], options.concurrency, async ([itemIndex, last]) => {
				try {
					observe(itemIndex, await fetchTask.call(this, last.task_id, itemIndex), last);
				} catch (error) {
					if (signal?.aborted) return;
					open.delete(itemIndex);
					const nodeError = asNodeError(this, error, itemIndex);
					results.set(itemIndex, {
						itemIndex,
						error: attachTask(nodeError, last.task_id, String(last.status)),
					});
				}
			});
			if (signal?.aborted || Date.now() >= deadline) break;
		}

		if (signal?.aborted) {
			giveUp((task, itemIndex) => ({
				itemIndex,
				error: taskCancelledError(this.getNode(), task, itemIndex),
			}));
		} else {
			const waited = Math.round((Date.now() - started) / 1000);
			giveUp((task, itemIndex) => ({
				itemIndex,
				error: taskTimeoutError(this.getNode(), task, waited, itemIndex),
			}));
		}
		return { settled: created.map((step) => results.get(step.itemIndex) as Step<PiApiTask>) };
	},
};
