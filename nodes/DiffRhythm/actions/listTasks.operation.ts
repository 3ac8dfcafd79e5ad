import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { fetchHistoryPage, fetchTask, HISTORY_MAX_PAGE_SIZE } from '../../shared/transport/api';
import { asNodeError, taskFieldsOf } from '../../shared/transport/errors';
import { downloadOff, maxAudioSizeOption } from '../../shared/parameters/descriptions';
import {
	booleanOption,
	choiceOption,
	choicesOption,
	dateOption,
	numberOption,
	optionOf,
	type NumberRule,
} from '../../shared/parameters/options';
import { errorItem, taskToItem, type OutputOptions } from '../../shared/output/items';
import {
	historyItemJson,
	historyModel,
	historyTaskId,
	isDiffRhythmModel,
} from '../../shared/model/history';
import type { PiApiHistoryEntry } from '../../shared/model/piapi';
import { statusPhase } from '../../shared/model/task';
import type { Step } from '../../shared/model/step';
import { mapWithConcurrency } from '../../shared/utils/concurrency';
import { itemOutputOptions, listedTaskToolAnswer, runsAsTool } from '../tool';

/** The most tasks one listing reads; Return All beyond it stops with an error, never loops on. */
export const LIST_CAP = 10_000;
/** Pages read per model name at most, whatever the page size. */
const MAX_PAGES = 500;

const HOUR_MS = 3_600_000;
const WINDOWS = {
	lastHour: HOUR_MS,
	last24Hours: 24 * HOUR_MS,
	last7Days: 7 * 24 * HOUR_MS,
	last30Days: 30 * 24 * HOUR_MS,
} as const;
type Window = keyof typeof WINDOWS | 'custom';
const WINDOW_CHOICES = [...(Object.keys(WINDOWS) as Array<keyof typeof WINDOWS>), 'custom'] as const;

const STATUS_CHOICES = ['completed', 'failed', 'waiting'] as const;
type StatusChoice = (typeof STATUS_CHOICES)[number];
const MODEL_CHOICES = ['diffrhythm', 'all'] as const;

/**
 * PiAPI's history filter names DiffRhythm twice: its docs list `diffrhythm` and the misspelt
 * `diffrythm`, and which one its records carry is not known. Both are asked, and the answers merged.
 */
export const DIFFRHYTHM_HISTORY_MODELS = ['diffrhythm', 'diffrythm'] as const;

/** Number options: the editor's range and the run-time check come from one table. */
const RULES = {
	limit: { min: 1, max: LIST_CAP, integer: true, default: 50 },
	pageSize: { min: 1, max: HISTORY_MAX_PAGE_SIZE, integer: true, default: HISTORY_MAX_PAGE_SIZE },
	downloadConcurrency: { min: 1, max: 10, integer: true, default: 3 },
} satisfies Record<string, NumberRule>;

const properties: INodeProperties[] = [
	{
		displayName: 'Created',
		name: 'createdWithin',
		type: 'options',
		options: [
			{ name: 'Custom Range (From, To)', value: 'custom' },
			{ name: 'Last Day (24 Hours)', value: 'last24Hours' },
			{ name: 'Last Hour', value: 'lastHour' },
			{ name: 'Last Month (30 Days)', value: 'last30Days' },
			{ name: 'Last Week (7 Days)', value: 'last7Days' },
		],
		default: 'last24Hours',
		description: 'Which songs to list, by the time their task was created',
	},
	{
		displayName: 'Created After',
		name: 'createdAfter',
		type: 'dateTime',
		default: '',
		required: true,
		description: "Start of the window, in the workflow's time zone unless the value names one",
		displayOptions: { show: { createdWithin: ['custom'] } },
	},
	{
		displayName: 'Created Before',
		name: 'createdBefore',
		type: 'dateTime',
		default: '',
		description: 'End of the window; empty means now',
		displayOptions: { show: { createdWithin: ['custom'] } },
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: RULES.limit.min, maxValue: RULES.limit.max },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Model',
				name: 'model',
				type: 'options',
				options: [
					{
						name: 'DiffRhythm',
						value: 'diffrhythm',
						description: 'Under both names PiAPI uses for it (diffrhythm and diffrythm)',
					},
					{ name: 'All Models', value: 'all', description: 'Every task of the account' },
				],
				default: 'diffrhythm',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'multiOptions',
				options: [
					{ name: 'Completed', value: 'completed' },
					{ name: 'Failed or Cancelled', value: 'failed' },
					{ name: 'Not Finished Yet', value: 'waiting' },
				],
				default: [],
				description: 'Only tasks with one of these statuses; none chosen lists every status',
			},
		],
	},
	...downloadOff.map((field) =>
		field.name === 'downloadAudio'
			? {
					...field,
					description:
						'Whether to fetch each completed song (one free Get Task each) and download its audio into binary data. A song whose file PiAPI has already deleted becomes an item with the error and its task ID.',
				}
			: field,
	),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Download Concurrency',
				name: 'downloadConcurrency',
				type: 'number',
				typeOptions: {
					minValue: RULES.downloadConcurrency.min,
					maxValue: RULES.downloadConcurrency.max,
				},
				default: 3,
				description: 'How many songs are fetched and downloaded at the same time',
				displayOptions: { show: { '/downloadAudio': [true] } },
			},
			maxAudioSizeOption,
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: RULES.pageSize.min, maxValue: RULES.pageSize.max },
				default: 100,
				description: "Tasks asked of PiAPI's history per request (PiAPI allows at most 100)",
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['listTasks'] } }, properties);

interface ListSettings {
	startMs: number;
	endMs: number;
	/** Tasks to return at most (Limit); with Return All, the cap ends in an error instead. */
	limit: number;
	returnAll: boolean;
	/** PiAPI model names to ask for; `[undefined]` asks for every model. */
	models: Array<string | undefined>;
	statuses: StatusChoice[];
	pageSize: number;
	downloadConcurrency: number;
	output: OutputOptions;
}

/** Reads and checks every field of one item; throws before any request. */
function readSettings(context: IExecuteFunctions, itemIndex: number, now: number): ListSettings {
	const node = context.getNode();
	const read = (name: string, fallback: unknown) =>
		context.getNodeParameter(name, itemIndex, fallback) as unknown;
	const filters = read('filters', {});
	const options = read('options', {});
	const window = choiceOption<Window>(
		node,
		'Created',
		read('createdWithin', 'last24Hours'),
		WINDOW_CHOICES,
		'last24Hours',
		itemIndex,
	);
	let startMs: number;
	let endMs = now;
	if (window === 'custom') {
		const timeZone = context.getTimezone();
		startMs = dateOption(node, 'Created After', read('createdAfter', ''), timeZone, itemIndex);
		const before = read('createdBefore', '');
		if (before !== '' && before !== undefined && before !== null) {
			endMs = dateOption(node, 'Created Before', before, timeZone, itemIndex);
		}
		if (startMs >= endMs) {
			throw new NodeOperationError(node, 'Created After must be earlier than Created Before', {
				itemIndex,
				description: `The window runs from ${new Date(startMs).toISOString()} to ${new Date(endMs).toISOString()}. Nothing was sent to PiAPI.`,
			});
		}
	} else {
		startMs = now - WINDOWS[window];
	}
	const returnAll = booleanOption(node, 'Return All', read('returnAll', false), false, itemIndex);
	const limit = returnAll
		? LIST_CAP
		: numberOption(node, 'Limit', read('limit', 50), RULES.limit, itemIndex);
	const model = choiceOption(
		node,
		'Filters → Model',
		optionOf(filters, 'model'),
		MODEL_CHOICES,
		'diffrhythm',
		itemIndex,
	);
	const statuses = choicesOption(
		node,
		'Filters → Status',
		optionOf(filters, 'status'),
		STATUS_CHOICES,
		itemIndex,
	);
	const pageSize = numberOption(
		node,
		'Page Size',
		optionOf(options, 'pageSize'),
		RULES.pageSize,
		itemIndex,
	);
	const downloadConcurrency = numberOption(
		node,
		'Download Concurrency',
		optionOf(options, 'downloadConcurrency'),
		RULES.downloadConcurrency,
		itemIndex,
	);
	let output = itemOutputOptions(context, itemIndex, false);
	// An agent gets a short list; songs are fetched with Get Task when it needs one.
	if (runsAsTool(context)) output = { ...output, downloadAudio: false };
	return {
		startMs,
		endMs,
		limit,
		returnAll,
		models: model === 'all' ? [undefined] : [...DIFFRHYTHM_HISTORY_MODELS],
		statuses,
		pageSize,
		downloadConcurrency,
		output,
	};
}

interface Listed {
	taskId: string;
	entry: PiApiHistoryEntry;
}

/** Why paging stopped, for the log line. */
type StopReason = 'empty page' | 'repeated page' | 'short page' | 'total reached' | 'enough tasks';

/**
 * Pages through the history for one model name. Never more than `pageSize` per request, and
 * never an open-ended loop: it stops at an empty page, at a page that repeats the previous
 * page's task ids (a server that ignores `page`), at a short page (unless PiAPI's `total` says
 * more remain), once `total` is reached, once enough tasks are found, or at the cap.
 */
async function listModel(
	context: IExecuteFunctions,
	settings: ListSettings,
	model: string | undefined,
	itemIndex: number,
	seen: Set<string>,
	found: Listed[],
): Promise<void> {
	const { pageSize } = settings;
	const maxPages = Math.min(MAX_PAGES, Math.ceil(LIST_CAP / pageSize));
	const before = found.length;
	let previous: string | undefined;
	let stop: StopReason | undefined;
	let page = 1;
	for (; page <= maxPages && !stop; page++) {
		const { entries, total } = await fetchHistoryPage.call(
			context,
			{
				page,
				pageSize,
				model,
				startTime: settings.startMs / 1000,
				endTime: settings.endMs / 1000,
			},
			itemIndex,
		);
		if (entries.length === 0) {
			stop = 'empty page';
			break;
		}
		const ids = entries.map((entry) => historyTaskId(entry));
		const missing = ids.indexOf(undefined);
		if (missing >= 0) {
			throw new NodeOperationError(
				context.getNode(),
				`PiAPI's task history listed a task without a readable task id (page ${page})`,
				{
					itemIndex,
					description: `Fields of the entry: ${Object.keys(entries[missing]).join(', ') || 'none'}. Nothing was charged.`,
				},
			);
		}
		const key = ids.join(',');
		if (key === previous) {
			stop = 'repeated page';
			break;
		}
		previous = key;
		entries.forEach((entry, index) => {
			const taskId = ids[index] as string;
			if (seen.has(taskId) || !matches(settings, entry)) return;
			seen.add(taskId);
			found.push({ taskId, entry });
		});
		// Counted per model name: the other name's tasks may be newer.
		if (!settings.returnAll && found.length - before >= settings.limit) stop = 'enough tasks';
		else if (total !== undefined && page * pageSize >= total) stop = 'total reached';
		else if (entries.length < pageSize && (total === undefined || page * pageSize >= total))
			stop = 'short page';
	}
	if (!stop && settings.returnAll) {
		throw new NodeOperationError(
			context.getNode(),
			`More tasks were created in the time window than one listing reads (${maxPages} pages of ${pageSize}, ${maxPages * pageSize} tasks)`,
			{
				itemIndex,
				description:
					'Choose a shorter window (Created → Custom Range) and run the node once per part' +
					(pageSize < HISTORY_MAX_PAGE_SIZE ? `, or a larger Page Size (up to ${HISTORY_MAX_PAGE_SIZE})` : '') +
					'. Nothing was charged.',
			},
		);
	}
	context.logger.debug(
		`DiffRhythm item ${itemIndex}: history${model ? ` of ${model}` : ''} read in ${page - 1} page(s), stopped at ${stop ?? 'the page cap'}; ${found.length} task(s) so far`,
	);
}

/** The client-side filters: status (PiAPI's history has no status filter) and the model's name. */
function matches(settings: ListSettings, entry: PiApiHistoryEntry): boolean {
	const model = historyModel(entry);
	// A server that ignored the model filter must not bring other models' tasks in.
	if (settings.models[0] !== undefined && model !== undefined && !isDiffRhythmModel(model))
		return false;
	if (settings.statuses.length === 0) return true;
	return settings.statuses.includes(statusPhase(entry.status));
}

function createdMs(listed: Listed): number {
	const iso = historyItemJson(listed.entry, listed.taskId).createdAt;
	return typeof iso === 'string' ? Date.parse(iso) : -Infinity;
}

/** One listed task as an output item; with Download Audio, the completed song fetched into it. */
async function listedItem(
	context: IExecuteFunctions,
	listed: Listed,
	settings: ListSettings,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const json = historyItemJson(listed.entry, listed.taskId);
	const item: INodeExecutionData = { json, pairedItem: { item: itemIndex } };
	if (!settings.output.downloadAudio || statusPhase(listed.entry.status) !== 'completed') return item;
	try {
		const task = await fetchTask.call(context, listed.taskId, itemIndex);
		const song = await taskToItem.call(context, task, itemIndex, settings.output);
		song.json.createdAt ??= json.createdAt;
		return song;
	} catch (error) {
		// One lost file must not cost the other songs: the item says what happened, with the task id.
		const nodeError = asNodeError(context, error, itemIndex);
		const { json: failure } = errorItem(itemIndex, nodeError);
		const { taskId } = taskFieldsOf(nodeError);
		return {
			json: { ...json, ...failure, taskId: taskId ?? listed.taskId } as IDataObject,
			pairedItem: { item: itemIndex },
		};
	}
}

/**
 * Lists the account's tasks (by default DiffRhythm's) created in a time window, one output item
 * per task, newest first; with Download Audio, each completed song is fetched and downloaded.
 * Everything here is free: the history, Get Task and the file downloads.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndexes: number[],
	failFast: boolean,
): Promise<Array<Step<INodeExecutionData>>> {
	const now = Date.now();
	const prepared: Array<Step<ListSettings>> = [];
	for (const itemIndex of itemIndexes) {
		try {
			prepared.push({ itemIndex, value: readSettings(this, itemIndex, now) });
		} catch (error) {
			const nodeError = asNodeError(this, error, itemIndex);
			if (failFast) throw nodeError;
			prepared.push({ itemIndex, error: nodeError });
		}
	}
	const steps: Array<Step<INodeExecutionData>> = [];
	for (const step of prepared) {
		if ('error' in step) {
			steps.push(step);
			continue;
		}
		const { itemIndex, value: settings } = step;
		try {
			const seen = new Set<string>();
			const found: Listed[] = [];
			for (const model of settings.models) {
				await listModel(this, settings, model, itemIndex, seen, found);
			}
			// Newest first across both spellings; a task without a readable time goes last.
			const ordered = found
				.map((listed, index) => ({ listed, index, at: createdMs(listed) }))
				.sort((a, b) => b.at - a.at || a.index - b.index)
				.slice(0, settings.returnAll ? undefined : settings.limit)
				.map(({ listed }) => listed);
			const items = await mapWithConcurrency(ordered, settings.downloadConcurrency, (listed) =>
				listedItem(this, listed, settings, itemIndex),
			);
			for (const value of items) steps.push({ itemIndex, value });
			if (items.length === 0 && runsAsTool(this)) {
				steps.push({
					itemIndex,
					value: {
						json: { tasks: 0, message: 'No songs were created in that time window.' },
						pairedItem: { item: itemIndex },
					},
				});
			}
		} catch (error) {
			steps.push({ itemIndex, error: asNodeError(this, error, itemIndex) });
		}
	}
	return steps;
}

/** What an AI Agent gets per listed task: a few fields, never the audio. */
export const toolAnswer = listedTaskToolAnswer;
