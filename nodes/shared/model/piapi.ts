import type { IDataObject } from 'n8n-workflow';

import type { DiffRhythmTaskType } from '../utils/constants';

/**
 * Task status as PiAPI spells it. Examples are lowercase, the API reference capitalises them, and
 * PiAPI's CLI knows `running` and `cancelled`; compare only through `statusPhase()`.
 */
export type TaskStatus =
	| 'pending'
	| 'staged'
	| 'processing'
	| 'running'
	| 'completed'
	| 'failed'
	| 'cancelled'
	| (string & {});

/** Where a task stands, whatever the spelling of its status. */
export type TaskPhase = 'waiting' | 'completed' | 'failed';

/** `{ code, data, message }`: every PiAPI answer, success or not. */
export interface PiApiEnvelope<T> {
	/** 200 on success; on errors PiAPI repeats the HTTP status here. */
	code: number;
	data?: T;
	/** `"success"`, or what went wrong. */
	message?: string;
}

/** Webhook settings PiAPI keeps per task (and echoes back, secret included). */
export interface WebhookConfig {
	/** Public http(s) URL PiAPI POSTs `{ timestamp, data }` to on status changes. */
	endpoint: string;
	/** Sent back verbatim in the `x-webhook-secret` header; also echoed in task reads. */
	secret: string;
}

/** `input` of a DiffRhythm task. */
export interface DiffRhythmInput extends IDataObject {
	/** LRC lines `[mm:ss.xx] text`; empty makes an instrumental. */
	lyrics: string;
	/** Short comma-separated descriptors such as "pop, warm vocals". */
	style_prompt: string;
	/** URL, or base64 data URI, of an mp3/wav/flac of at least 10 s. */
	style_audio: string;
}

/** Body of `POST /api/v1/task` for DiffRhythm. */
export interface CreateTaskBody extends IDataObject {
	model: string;
	task_type: DiffRhythmTaskType;
	input: DiffRhythmInput;
	config?: { webhook_config?: WebhookConfig; service_mode?: string };
}

/** A PiAPI task as `GET /api/v1/task/{id}` returns it in `data` (and webhooks in `data`). */
export interface PiApiTask extends IDataObject {
	task_id: string;
	model?: string;
	task_type?: string;
	status: TaskStatus;
	config?: { service_mode?: string; webhook_config?: Partial<WebhookConfig> } & IDataObject;
	input?: IDataObject;
	/** `null` until the task finishes; DiffRhythm very probably gives `{ audio_url }`. */
	output?: IDataObject | null;
	meta?: {
		/** RFC3339; unset times are Go's zero time `0001-01-01T00:00:00Z`. */
		created_at?: string | null;
		started_at?: string | null;
		ended_at?: string | null;
		usage?: IDataObject;
	} & IDataObject;
	error?: { code?: number; message?: string; raw_message?: string } & IDataObject;
}

/**
 * One entry of `GET /api/open/tasks/histories`. PiAPI's page documents the query, not the
 * entries: these fields come from a third-party connector's examples and are not confirmed, so
 * every one is optional and read through `model/history.ts`, never directly.
 */
export interface PiApiHistoryEntry extends IDataObject {
	task_id?: string;
	id?: string | number;
	status?: TaskStatus;
	/** RFC3339 text or Unix seconds (unconfirmed which). */
	created_at?: string | number;
	updated_at?: string | number;
	task_model?: string;
	usage?: number | IDataObject;
	usage_type?: string;
	detail?: { model?: string; task_id?: string; workflow_type?: string } & IDataObject;
}

/** `data` of a history page, however PiAPI wraps the entries (`list`, `items`, … or a bare array). */
export interface PiApiHistoryPage {
	entries: PiApiHistoryEntry[];
	/** Number of tasks matching the query, when PiAPI says. */
	total?: number;
}

/**
 * `data` of `GET /account/info`. Field names from PiAPI's CLI (`credit_pack_info`,
 * `equivalent_in_usd`) and a third-party connector (`max_concurrent_task_count`); PiAPI's own page
 * is not readable as text. One connector lists an `api_key` field here: it is never passed on.
 */
export interface PiApiAccountInfo extends IDataObject {
	id?: string | number;
	name?: string;
	plan?: string;
	equivalent_in_usd?: number | string;
	credit_pack_info?: {
		available_credits?: number;
		used_credits?: number;
		total_credits?: number;
		frozen_credits?: number;
	} & IDataObject;
	max_concurrent_task_count?: number | string;
}
