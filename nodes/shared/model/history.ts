import type { IDataObject } from 'n8n-workflow';

import type { PiApiHistoryEntry, PiApiHistoryPage } from './piapi';
import { isTaskId, outputStatus } from './task';

/**
 * PiAPI's task history (`GET /api/open/tasks/histories`), read defensively: PiAPI documents the
 * query (page, page_size ≤ 100, model, start_time/end_time) but not the answer. The entry fields
 * (`task_id`, `status`, `created_at`, `usage`, `task_model`, `detail`) come from a third-party
 * connector's examples; where the list sits in `data` is not known at all. So every reader here
 * accepts the likely variants and says "unknown" (null) rather than guessing a value.
 */

/** Names under which a page's entries may sit in `data`, most likely first. */
const LIST_KEYS = ['list', 'items', 'histories', 'tasks', 'records', 'data', 'rows'];

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finiteNumber(value: unknown): number | undefined {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
	return undefined;
}

/**
 * The entries and the reported total of one page. `undefined` when `data` holds no list anywhere
 * this reader knows: the caller then stops with an error instead of reading "no tasks".
 */
export function parseHistoryPage(data: unknown): PiApiHistoryPage | undefined {
	let list: unknown;
	if (Array.isArray(data)) list = data;
	else if (isObject(data)) {
		const key = LIST_KEYS.find((name) => Array.isArray(data[name]));
		if (key) list = data[key];
		else {
			// An unknown name: accept it when it is the only list in `data`.
			const lists = Object.values(data).filter(Array.isArray);
			if (lists.length === 1) list = lists[0];
			else if (lists.length === 0 && Object.keys(data).length > 0 && 'total' in data) list = [];
		}
	}
	if (!Array.isArray(list)) return undefined;
	const total = isObject(data) ? finiteNumber(data.total) : undefined;
	return { entries: list.filter(isObject) as PiApiHistoryEntry[], total };
}

/** The task id of an entry: `task_id`, else `detail.task_id` (the entry's own `id` is a row id). */
export function historyTaskId(entry: PiApiHistoryEntry): string | undefined {
	for (const value of [entry.task_id, isObject(entry.detail) ? entry.detail.task_id : undefined]) {
		if (isTaskId(value)) return value;
	}
	return undefined;
}

/** The model an entry names (`task_model`, `detail.model`, `model`), or undefined. */
export function historyModel(entry: PiApiHistoryEntry): string | undefined {
	const detail = isObject(entry.detail) ? entry.detail : {};
	for (const value of [entry.task_model, detail.model, entry.model]) {
		if (typeof value === 'string' && value.trim() !== '') return value.trim();
	}
	return undefined;
}

/** DiffRhythm under any of its names: `Qubico/diffrhythm`, `diffrhythm`, and PiAPI's `diffrythm`. */
export function isDiffRhythmModel(model: string): boolean {
	return /diff-?rh?ythm/i.test(model);
}

/**
 * A time as PiAPI may give it (RFC3339 text, Unix seconds, Unix milliseconds) as ISO 8601, or
 * null when absent, Go's zero time, or unreadable.
 */
export function historyTime(value: unknown): string | null {
	let ms: number | undefined;
	const number = finiteNumber(value);
	if (number !== undefined) ms = number > 1e12 ? number : number * 1000;
	else if (typeof value === 'string' && value.trim() !== '') ms = Date.parse(value.trim());
	if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return null;
	const date = new Date(ms);
	return date.getUTCFullYear() <= 1 ? null : date.toISOString();
}

/**
 * One listed task as an output item's JSON: the few fields a workflow needs under stable names
 * (`task_id` as Get Task has it, so Remove Duplicates can compare both), each null when PiAPI did
 * not report it, and PiAPI's whole entry under `history` for whatever is not known yet.
 */
export function historyItemJson(entry: PiApiHistoryEntry, taskId: string): IDataObject {
	const usage = entry.usage;
	return {
		task_id: taskId,
		status: entry.status === undefined ? null : outputStatus(entry.status),
		piapiStatus: entry.status ?? null,
		model: historyModel(entry) ?? null,
		createdAt: historyTime(entry.created_at),
		usage: usage === undefined ? null : usage,
		usageType: typeof entry.usage_type === 'string' ? entry.usage_type : null,
		history: JSON.parse(JSON.stringify(entry)) as IDataObject,
	};
}
