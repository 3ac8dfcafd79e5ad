import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { WAIT_DEFAULTS } from '../../shared/utils/constants';
import {
	downloadOn,
	maxAudioSizeOption,
	type OutputOptions,
} from '../../shared/parameters/descriptions';
import {
	asNodeError,
	attachTask,
	inputError,
	taskFailedError,
} from '../../shared/transport/errors';
import type { PiApiTask } from '../../shared/model/piapi';
import {
	choiceOption,
	describeValue,
	numberOption,
	optionOf,
	type NumberRule,
} from '../../shared/parameters/options';
import { taskToItem } from '../../shared/output/items';
import { mapWithConcurrency } from '../../shared/utils/concurrency';
import { statusPhase } from '../../shared/model/task';
import {
	itemOutputOptions,
	markRepeat,
	newTakeOf,
	refuseSuspendAsTool,
	runsAsTool,
	toolAnswerSeconds,
} from '../tool';
import { forgetRequest, repeatsFor } from '../repeats';
import { strategyFor, type WaitMode, type WaitOptions, type WaitResult } from '../wait';
import {
	audioInToolResultOption,
	newTakeOption,
	songFields,
	toolAnswerSecondsOption,
	toolDescriptionField,
} from './common.descriptions';
import {
	buildCreateTaskBody,
	createAll,
	prepareAll,
	withLyricsTiming,
	type LyricsTimings,
} from './submit';
import { isError, type Step } from '../../shared/model/step';

/** The number options' ranges: the editor's fields and the run-time check use the same ones. */
const RULES = {
	concurrency: { min: 1, max: 20, integer: true, default: WAIT_DEFAULTS.concurrency },
	maxWaitSeconds: { min: 1, max: 7200, default: WAIT_DEFAULTS.maxWaitSeconds },
	pollIntervalSeconds: { min: 0, max: 300, default: 0 },
} satisfies Record<string, NumberRule>;

const properties: INodeProperties[] = [
	...songFields,
	...downloadOn,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Wait Mode',
				name: 'waitMode',
				type: 'options',
				options: [
					{
						name: 'Poll',
						value: 'poll',
						description:
							'Check the task until it is ready. Works on any n8n, including one PiAPI cannot reach; holds a worker while the song renders.',
					},
					{
						name: 'Suspend Until PiAPI Calls Back',
						value: 'suspend',
						description:
							"Park the execution and resume it from PiAPI's webhook, so no worker is held. n8n must be reachable from the internet (WEBHOOK_URL). Every item's song is created at once; the execution resumes when the last one is ready.",
					},
				],
				default: 'poll',
				description: 'How to wait for the song',
			},
			{
				displayName: 'Max Wait (Seconds)',
				name: 'maxWaitSeconds',
				type: 'number',
				typeOptions: { minValue: RULES.maxWaitSeconds.min, maxValue: RULES.maxWaitSeconds.max },
				default: 600, // WAIT_DEFAULTS.maxWaitSeconds; the lint wants a literal
				description:
					'How long to wait for the songs. When it runs out the node fails with the task ID (in Suspend mode: outputs the input with diffRhythmPending.taskId), and the task can be fetched later with Get Task.',
			},
			{
				displayName: 'Poll Interval (Seconds)',
				displayOptions: { hide: { waitMode: ['suspend'] } },
				name: 'pollIntervalSeconds',
				type: 'number',
				typeOptions: {
					minValue: RULES.pollIntervalSeconds.min,
					maxValue: RULES.pollIntervalSeconds.max,
				},
				default: 0,
				description:
					'Seconds between status checks. 0 is adaptive: checks start 2 s apart and back off to 15 s; once a song has finished, the next ones are checked when they should be done.',
			},
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: RULES.concurrency.min, maxValue: RULES.concurrency.max },
				default: 5, // WAIT_DEFAULTS.concurrency; the lint wants a literal
				description:
					'How many requests to PiAPI run at once when several items are submitted and checked together',
			},
			maxAudioSizeOption,
			audioInToolResultOption,
			toolAnswerSecondsOption(
				'As an AI tool (AI Agent, MCP Server Trigger): answer within this many seconds. A song not ready by then is answered with its task ID, its status and when to check it with Get Task, never with a timeout. MCP clients give up after 60 s by default.',
			),
			newTakeOption,
		],
	},
	toolDescriptionField(
		"Makes a song with PiAPI's DiffRhythm from lyrics and/or a style prompt, and waits for it for up to about 40 seconds. Answers with the song's audio URL when it is ready; otherwise with its task_id, its status and in how many seconds to check it with the Get Task tool (a song still rendering is not an error). Calling this tool again with the same input within 30 minutes does not start or charge another song: it answers with the song already started. Songs are charged per call.",
	),
];

export const description = updateDisplayOptions(
	{ show: { operation: ['generateAndWait'] } },
	properties,
);

/** The wait options' names as the editor shows them. */
const LABELS: Record<Exclude<keyof WaitOptions, 'answerOpenTasks'>, string> = {
	mode: 'Wait Mode',
	maxWaitSeconds: 'Max Wait (Seconds)',
	pollIntervalSeconds: 'Poll Interval (Seconds)',
	concurrency: 'Concurrency',
};

/** The wait options as one item's expressions give them, each checked. */
function readWaitOptionsOf(this: IExecuteFunctions, itemIndex: number): WaitOptions {
	const node = this.getNode();
	const options = this.getNodeParameter('options', itemIndex, {});
	return {
		mode: choiceOption<WaitMode>(
			node,
			LABELS.mode,
			optionOf(options, 'waitMode'),
			['poll', 'suspend'],
			'poll',
			itemIndex,
		),
		maxWaitSeconds: numberOption(
			node,
			LABELS.maxWaitSeconds,
			optionOf(options, 'maxWaitSeconds'),
			RULES.maxWaitSeconds,
			itemIndex,
		),
		pollIntervalSeconds: numberOption(
			node,
			LABELS.pollIntervalSeconds,
			optionOf(options, 'pollIntervalSeconds'),
			RULES.pollIntervalSeconds,
			itemIndex,
		),
		concurrency: numberOption(
			node,
			LABELS.concurrency,
			optionOf(options, 'concurrency'),
			RULES.concurrency,
			itemIndex,
		),
	};
}

/**
 * Generate and Wait's options, checked for every item before anything is paid for. They apply to
 * the whole wait, so every item must give the same values: an expression that gives another value
 * (or a value no option may have: NaN, text, 1e13) for any item stops the node here with the
 * option's name and the item. Unchecked, a NaN deadline once made the poll loop spin.
 */
export function readWaitOptions(this: IExecuteFunctions, itemIndexes: number[]): WaitOptions {
	const [first = 0, ...others] = itemIndexes;
	const options = readWaitOptionsOf.call(this, first);
	for (const itemIndex of others) {
		const own = readWaitOptionsOf.call(this, itemIndex);
		for (const key of Object.keys(LABELS) as Array<keyof typeof LABELS>) {
			if (own[key] === options[key]) continue;
			throw inputError(
				this.getNode(),
				LABELS[key],
				`is ${describeValue(own[key])} for item ${itemIndex} but ${describeValue(options[key])} for item ${first}; ` +
					'it applies to the whole wait, so it must be the same for every item',
				itemIndex,
			);
		}
	}
	return options;
}

/**
 * The wait, with its one guarantee: whatever it throws (a failed schedule, a suspend n8n refused),
 * every created task's id reaches its item's error, since each of them is paid for.
 */
async function waitKeepingTasks(
	this: IExecuteFunctions,
	created: Array<Step<PiApiTask>>,
	options: WaitOptions,
	outputs: ReadonlyMap<number, OutputOptions>,
	timings: LyricsTimings,
): Promise<WaitResult> {
	try {
		return await strategyFor(options.mode).wait.call(this, created, options, outputs, timings);
	} catch (error) {
		return {
			settled: created.map((step) =>
				isError(step)
					? step
					: {
							itemIndex: step.itemIndex,
							error: attachTask(
								asNodeError(this, error, step.itemIndex),
								step.value.task_id,
								String(step.value.status),
							),
						},
			),
		};
	}
}

/**
 * Creates every item's task (validated first, `concurrency` at a time), waits for all of them
 * together, then returns each finished task with its song as binary data. A failed or timed-out
 * task becomes an error that carries its task id. In suspend mode the execution is parked instead
 * and the node's `webhook()` produces the same output when PiAPI calls back.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndexes: number[],
	failFast: boolean,
): Promise<Array<Step<INodeExecutionData>>> {
	const startedAt = Date.now();
	const waitOptions = readWaitOptions.call(this, itemIndexes);
	refuseSuspendAsTool(this, waitOptions.mode);
	const asTool = runsAsTool(this);
	const strategy = strategyFor(waitOptions.mode);
	const callback = await strategy.callback?.call(this, itemIndexes, waitOptions);
	const outputs = new Map<number, OutputOptions>();
	const timings: LyricsTimings = new Map();
	// As a tool: the answer comes within the smallest bound of the items, checked for each item.
	let answerWithinSeconds = Infinity;
	const newTake = new Set<number>();
	const prepared = await prepareAll.call(
		this,
		itemIndexes,
		failFast,
		async function (this: IExecuteFunctions, itemIndex) {
			outputs.set(itemIndex, itemOutputOptions(this, itemIndex, true));
			if (asTool) {
				answerWithinSeconds = Math.min(answerWithinSeconds, toolAnswerSeconds(this, itemIndex));
				if (newTakeOf(this, itemIndex)) newTake.add(itemIndex);
			}
			return await buildCreateTaskBody.call(this, itemIndex, callback, timings);
		},
	);
	const repeats = asTool ? await repeatsFor.call(this, prepared, newTake) : undefined;
	const created = await createAll.call(this, prepared, waitOptions.concurrency, repeats);
	const options: WaitOptions = asTool
		? {
				...waitOptions,
				// Whatever the creates took comes off the bound; an open task is answered, not failed.
				maxWaitSeconds: Math.min(
					waitOptions.maxWaitSeconds,
					Math.max(0, answerWithinSeconds - (Date.now() - startedAt) / 1000),
				),
				answerOpenTasks: true,
			}
		: waitOptions;
	const result = await waitKeepingTasks.call(this, created, options, outputs, timings);
	if ('suspended' in result) return result.suspended;

	return await mapWithConcurrency(
		result.settled,
		waitOptions.concurrency,
		async (step): Promise<Step<INodeExecutionData>> => {
			if (isError(step)) return step;
			const { itemIndex, value: task } = step;
			if (statusPhase(task.status) === 'failed') {
				// A failed song costs nothing; the same request again should try anew.
				forgetRequest(repeats, itemIndex);
				return { itemIndex, error: taskFailedError(this.getNode(), task, itemIndex) };
			}
			try {
				const value = await taskToItem.call(this, task, itemIndex, outputs.get(itemIndex)!);
				value.json = withLyricsTiming(value.json, timings.get(itemIndex));
				return { itemIndex, value: markRepeat(value, repeats?.repeatOf.get(itemIndex)) };
			} catch (error) {
				return {
					itemIndex,
					error: attachTask(asNodeError(this, error, itemIndex), task.task_id, String(task.status)),
				};
			}
		},
	);
}
