import type { IDataObject } from 'n8n-workflow';

import type { PiApiTask, TaskPhase } from './piapi';
import { isHttpUrl } from '../utils/url';

/** Waiting statuses of a task that is being rendered, as opposed to queued. */
const RENDERING = new Set(['processing', 'running', 'in_progress']);
const WAITING = new Set(['pending', 'staged', 'queued', ...RENDERING]);
/** `success`/`succeeded` are not documented for PiAPI, but a finished task must never look unfinished. */
const COMPLETED = new Set(['completed', 'success', 'succeeded']);
const FAILED = new Set(['failed', 'cancelled', 'canceled', 'error']);

/** A status however it is spelled (`Completed`, `COMPLETED`, ` completed `), as the sets hold it. */
function statusKey(status: unknown): string {
	return String(status ?? '')
		.trim()
		.toLowerCase();
}

/**
 * Maps a status, however it is spelled, to its phase. Unknown statuses count as waiting: the wait
 * is bounded, and the timeout error names the status.
 */
export function statusPhase(status: unknown): TaskPhase {
	const key = statusKey(status);
	if (COMPLETED.has(key)) return 'completed';
	if (FAILED.has(key)) return 'failed';
	return 'waiting';
}

/**
 * The status as the package spells it in its output, whatever PiAPI sent (`Completed`,
 * ` SUCCESS `, `canceled`): `completed`, `failed`, `cancelled`, or a waiting status in lower case
 * (`pending`, `staged`, `processing`, …). PiAPI's own spelling stays available as `piapiStatus`.
 */
export function outputStatus(status: unknown): string {
	const key = statusKey(status);
	if (COMPLETED.has(key)) return 'completed';
	if (key === 'cancelled' || key === 'canceled') return 'cancelled';
	if (FAILED.has(key)) return 'failed';
	return key;
}

/** Whether the status is one the package knows; unknown ones are logged once. */
export function isKnownStatus(status: unknown): boolean {
	const key = statusKey(status);
	return WAITING.has(key) || COMPLETED.has(key) || FAILED.has(key);
}

/** Whether the status says the song is being rendered (the poll schedule times renders). */
export function isRendering(status: unknown): boolean {
	return RENDERING.has(statusKey(status));
}

function firstHttpUrl(value: unknown, depth = 0): string | undefined {
	if (depth > 6 || value === null || value === undefined) return undefined;
	if (isHttpUrl(value)) return value.trim();
	if (Array.isArray(value)) {
		for (const entry of value) {
			const found = firstHttpUrl(entry, depth + 1);
			if (found) return found;
		}
		return undefined;
	}
	if (typeof value === 'object') {
		for (const entry of Object.values(value as IDataObject)) {
			const found = firstHttpUrl(entry, depth + 1);
			if (found) return found;
		}
	}
	return undefined;
}

/**
 * The song's URL. No finished DiffRhythm task has been published, so this reads the inferred
 * `output.audio_url` first, then other names PiAPI uses for media, then any http(s) string in
 * `output` (PiAPI's CLI does the same). Only http(s) URLs are returned.
 */
export function audioUrlOf(task: PiApiTask): string | undefined {
	const output = task.output;
	if (!output || typeof output !== 'object') return undefined;
	for (const key of ['audio_url', 'url', 'audio', 'song_url', 'file_url']) {
		if (isHttpUrl(output[key])) return (output[key] as string).trim();
	}
	for (const key of ['audio_urls', 'urls', 'audios']) {
		const list = output[key];
		if (Array.isArray(list)) {
			const found = list.find(isHttpUrl);
			if (found) return found.trim();
		}
	}
	return firstHttpUrl(output);
}

/** PiAPI task ids are UUIDs; a longer id is not one. */
const TASK_ID_MAX_LENGTH = 128;

/**
 * Whether a value can be a PiAPI task id and is safe in a request path: 1 to 128 characters of
 * letters, digits and `-_.~:`, starting with a letter or digit. That refuses `.` and `..` (a URL
 * resolves `/api/v1/task/..` to `/api/v1/`), slashes, `?`, `#`, spaces and control characters.
 */
export function isTaskId(value: unknown): value is string {
	return (
		typeof value === 'string' &&
		value.length <= TASK_ID_MAX_LENGTH &&
		/^[A-Za-z0-9][A-Za-z0-9._~:-]*$/.test(value)
	);
}

const ZERO_TIME = /^0001-01-01T00:00:00(\.0+)?(Z|[+-]00:00)$/;

/**
 * The task as users should see it: PiAPI echoes the webhook secret in every read, so it is
 * removed; Go zero times become null; `status` has the package's one spelling (`outputStatus`)
 * with PiAPI's own kept as `piapiStatus`; `audioUrl` is added for convenience.
 *
 * `success` is the one signal an IF tests: false for a failed or cancelled task, as on every error
 * item. PiAPI's own `error` object (present in every task, `{code: 0, message: ""}` when all is
 * well) is kept as `piapiError`, so that `error` is only ever a text, and only on failures.
 */
export function toOutputJson(task: PiApiTask): IDataObject {
	const json = JSON.parse(JSON.stringify(task)) as PiApiTask;
	const webhookConfig = json.config?.webhook_config;
	if (webhookConfig && typeof webhookConfig === 'object') delete webhookConfig.secret;
	if (json.meta && typeof json.meta === 'object') {
		for (const key of ['created_at', 'started_at', 'ended_at'] as const) {
			const value = json.meta[key];
			if (typeof value === 'string' && ZERO_TIME.test(value)) json.meta[key] = null;
		}
	}
	const audioUrl = audioUrlOf(task);
	const { error: piapiError, ...rest } = json;
	const failed = statusPhase(task.status) === 'failed';
	return {
		success: !failed,
		...(failed
			? {
					error: `DiffRhythm task ${String(task.task_id)} ${outputStatus(task.status)}: ${taskErrorMessage(task)}`,
				}
			: {}),
		...rest,
		status: outputStatus(task.status),
		piapiStatus: task.status ?? null,
		audioUrl: audioUrl ?? null,
		piapiError: piapiError ?? null,
	};
}

/** PiAPI's explanation of a failed task, best field first. */
export function taskErrorMessage(task: PiApiTask): string {
	const error = task.error ?? {};
	return String(error.message || error.raw_message || 'PiAPI gave no reason');
}
