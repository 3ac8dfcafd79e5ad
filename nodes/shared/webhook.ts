import type { IDataObject } from 'n8n-workflow';

import type { PiApiTask } from './interfaces';

/** What a PiAPI webhook body claims, before anything is confirmed. */
export interface WebhookClaim {
	/** The task as sent: untrusted until confirmed with a GET. */
	task: PiApiTask;
	/** Unix seconds of the delivery; `null` when missing or not a number. */
	timestamp: number | null;
}

/**
 * Reads PiAPI's webhook body `{ timestamp, data: { task_id, status, … } }`. Anything else (not an
 * object, no task id, no status) gives `undefined`: the caller answers 400 and starts nothing.
 */
export function parseWebhookBody(body: unknown): WebhookClaim | undefined {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
	const { data, timestamp } = body as IDataObject;
	if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
	const task = data as PiApiTask;
	if (typeof task.task_id !== 'string' || task.task_id.trim() === '') return undefined;
	if (typeof task.status !== 'string' || task.status.trim() === '') return undefined;
	const seconds = typeof timestamp === 'number' && Number.isFinite(timestamp) ? timestamp : null;
	return { task, timestamp: seconds };
}
