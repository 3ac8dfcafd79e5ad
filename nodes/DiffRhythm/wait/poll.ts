import type { IExecuteFunctions } from 'n8n-workflow';

import { fetchTask } from '../../shared/transport/api';
import { POLL } from '../../shared/utils/constants';
import {
	asNodeError,
	attachTask,
	taskCancelledError,
	taskTimeoutError,
} from '../../shared/transport/errors';
import type { PiApiTask } from '../../shared/model/piapi';
import { mapWithConcurrency } from '../../shared/utils/concurrency';
import { sleepUnlessAborted } from '../../shared/utils/sleep';
import { isKnownStatus, statusPhase } from '../../shared/model/task';
import { isError, type Step } from '../../shared/model/step';
import type { WaitOptions, WaitStrategy } from './types';
import { clockOf, nextCheckAt, type PollClock, renderHistory, ServerClock } from './schedule';

/**
 * In-process wait: each open task is checked when its schedule says (schedule.ts), tasks due
 * together in one round of at most `concurrency` requests, until each is terminal, the budget
 * runs out, or the execution is cancelled. It never sleeps after the last task settles, never
 * sleeps past the budget, and never creates anything.
 */
export const pollStrategy: WaitStrategy = {
	async wait(this: IExecuteFunctions, created, options: WaitOptions) {
		const signal = this.getExecutionCancelSignal();
		const started = Date.now();
		const deadline = started + options.maxWaitSeconds * 1000;
		const results = new Map<number, Step<PiApiTask>>();
		const open = new Map<number, { task: PiApiTask; clock: PollClock }>();
		const warned = new Set<string>();
		const serverClock = new ServerClock();

		const observe = (itemIndex: number, task: PiApiTask, seenAt: number) => {
			const previous = open.get(itemIndex);
			if (previous?.task.status !== task.status) {
				this.logger.info(`DiffRhythm item ${itemIndex}: task ${task.task_id} is ${task.status}`);
			}
			const status = String(task.status);
			if (!isKnownStatus(status) && !warned.has(status)) {
				warned.add(status);
				this.logger.warn(`DiffRhythm: PiAPI reported an unknown status "${status}"; still waiting`);
			}
			const phase = statusPhase(task.status);
			if (phase === 'waiting') {
				open.set(itemIndex, { task, clock: clockOf(task, seenAt, serverClock, previous?.clock) });
				return;
			}
			if (phase === 'completed') renderHistory.record(task);
			open.delete(itemIndex);
			results.set(itemIndex, { itemIndex, value: task });
		};
		const dueAt = ({ task, clock }: { task: PiApiTask; clock: PollClock }) =>
			Math.min(
				deadline,
				nextCheckAt(clock, renderHistory.expected(task), options.pollIntervalSeconds),
			);
		const giveUp = (make: (task: PiApiTask, itemIndex: number) => Step<PiApiTask>) => {
			for (const [itemIndex, { task }] of open) results.set(itemIndex, make(task, itemIndex));
			open.clear();
		};

		// The create answers arrived just before this: the tightest bound on the clock offset.
		for (const step of created) if (!isError(step)) serverClock.observeTask(step.value, started);
		for (const step of created) {
			if (isError(step)) results.set(step.itemIndex, step);
			else observe(step.itemIndex, step.value, started);
		}

		// Every pass awaits a timer or requests, never neither: a pass that finds nothing due sleeps
		// at least POLL.minSleepMs, whatever the plan says (a NaN in it once made this loop spin
		// forever without yielding to a timer, freezing n8n). The count of passes is capped as well.
		const maxPasses =
			Math.ceil((options.maxWaitSeconds * 1000) / POLL.minSleepMs) +
			open.size * Math.ceil((options.maxWaitSeconds * 1000) / POLL.minGapMs) +
			2;
		let passes = 0;
		while (open.size > 0 && passes++ < maxPasses) {
			const now = Date.now();
			const next = Math.min(...[...open.values()].map(dueAt));
			const due = [...open].filter(([, entry]) => dueAt(entry) <= now + POLL.coalesceMs);
			// Past the deadline with nothing due (a plan that never comes due): stop, do not sleep on.
			if (due.length === 0 && now >= deadline) break;
			if (due.length === 0 || !(next <= now)) {
				// Re-planned at least every POLL.replanMs: a song finishing elsewhere may move the plan.
				const pause = Number.isFinite(next) ? next - now : POLL.replanMs;
				const ms = Math.min(POLL.replanMs, Math.max(POLL.minSleepMs, pause));
				if (!(await sleepUnlessAborted(ms, signal))) break;
				continue;
			}
			await mapWithConcurrency(due, options.concurrency, async ([itemIndex, { task }]) => {
				try {
					const fresh = await fetchTask.call(this, task.task_id, itemIndex);
					const seenAt = Date.now();
					serverClock.observeTask(fresh, seenAt);
					observe(itemIndex, fresh, seenAt);
				} catch (error) {
					if (signal?.aborted) return;
					open.delete(itemIndex);
					const nodeError = asNodeError(this, error, itemIndex);
					results.set(itemIndex, {
						itemIndex,
						error: attachTask(nodeError, task.task_id, String(task.status)),
					});
				}
			});
			if (signal?.aborted || Date.now() >= deadline) break;
		}

		this.logger.debug(`DiffRhythm: poll ended after ${passes} passes (at most ${maxPasses})`);
		if (options.answerOpenTasks) {
			const why = signal?.aborted ? 'the run was cancelled' : 'the tool answers now';
			giveUp((task, itemIndex) => {
				// The song is paid for: its id goes to the log as well as to the answer.
				this.logger.info(
					`DiffRhythm item ${itemIndex}: ${why}; task ${task.task_id} (${task.status}) keeps rendering at PiAPI, fetch it with Get Task`,
				);
				return { itemIndex, value: task };
			});
		} else if (signal?.aborted) {
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
