import type { IWebhookFunctions } from 'n8n-workflow';

import type { PiApiTask } from '../model/piapi';
import { isTaskId } from '../model/task';

/** What a PiAPI webhook call (`{ timestamp, data }`) claims, checked in form but not yet trusted. */
export interface WebhookClaim {
	/** The task as the call claims it to be: confirm it with a GET before believing it. */
	task: PiApiTask;
	/** Unix seconds PiAPI put on the call (the same across its repeats); null when absent. */
	timestamp: number | null;
}

/** Bounds that no real PiAPI call comes near; beyond them a body is refused before any use. */
const LIMITS = {
	statusLength: 64,
	/** `toOutputJson` copies the task recursively; a hostile nesting must not overflow the stack. */
	depth: 64,
} as const;

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/**
 * The body as a value. n8n parses only `application/json` as JSON; PiAPI does not document the
 * Content-Type it sends (a Cloudflare worker's `fetch` with a string body says `text/plain`), so a
 * JSON text under another type is read too: a string body, or the raw body when n8n parsed nothing.
 */
function bodyOf(context: IWebhookFunctions): unknown {
	const body = context.getBodyData() as unknown;
	if (typeof body === 'string') return parseJson(body);
	if (isObject(body) && Object.keys(body).length === 0) {
		const raw = context.getRequestObject().rawBody as unknown;
		if (Buffer.isBuffer(raw) && raw.length > 0) return parseJson(raw.toString('utf8'));
	}
	return body;
}

/** Whether `value` nests deeper than `limit`; iterative, so that the check itself cannot overflow. */
function nestsDeeper(value: unknown, limit: number): boolean {
	const stack: Array<[unknown, number]> = [[value, 0]];
	while (stack.length > 0) {
		const [current, depth] = stack.pop() as [unknown, number];
		if (typeof current !== 'object' || current === null) continue;
		if (depth >= limit) return true;
		for (const child of Object.values(current)) stack.push([child, depth + 1]);
	}
	return false;
}

function timestampOf(value: unknown): number | null {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) ? number : null;
}

/**
 * Checks a parsed webhook body. Returns the claim, or the problem to answer with 400. Problems
 * never repeat what was sent, so the answer cannot be used to reflect content.
 */
export function parseWebhookBody(body: unknown): WebhookClaim | { problem: string } {
	if (!isObject(body)) return { problem: 'The body is not a JSON object' };
	const data = body.data;
	if (!isObject(data)) return { problem: 'The body has no task object in "data"' };
	if (nestsDeeper(data, LIMITS.depth))
		return { problem: 'The task in "data" is nested too deeply' };
	if (!isTaskId(data.task_id)) return { problem: '"data.task_id" is missing or not a task ID' };
	const status = data.status;
	if (typeof status !== 'string' || status.trim() === '' || status.length > LIMITS.statusLength) {
		return { problem: '"data.status" is missing or not a task status' };
	}
	return { task: data as PiApiTask, timestamp: timestampOf(body.timestamp) };
}

/** Reads and checks the body of the webhook call being handled (see `parseWebhookBody`). */
export function readWebhookCall(context: IWebhookFunctions): WebhookClaim | { problem: string } {
	return parseWebhookBody(bodyOf(context));
}

/** Answers the call with an error status itself and starts (or resumes) nothing. */
export function refuseCall(
	context: IWebhookFunctions,
	status: 400 | 401 | 500 | 503,
	message: string,
	retryAfterSeconds?: number,
): { noWebhookResponse: true } {
	const response = context.getResponseObject();
	if (retryAfterSeconds !== undefined) response.setHeader('retry-after', String(retryAfterSeconds));
	response.status(status).json({ message });
	return { noWebhookResponse: true };
}

/**
 * A final call (completed, failed) that PiAPI's own read does not confirm yet: 503, so PiAPI
 * delivers it again, and nothing starts or resumes. See confirm.ts for the bounds.
 */
export function notConfirmedYet(
	context: IWebhookFunctions,
	taskId: string,
	retryAfterSeconds: number,
) {
	return refuseCall(
		context,
		503,
		`PiAPI does not report task ${taskId} as finished yet; please deliver this call again`,
		retryAfterSeconds,
	);
}

/**
 * The node's own fields cannot be read (an expression gave a value no field may have): 500, so
 * PiAPI delivers the call again (it may arrive once the node is fixed), and nothing runs with a
 * guard switched off. The caller is not told which field: that is for the n8n log.
 */
export function refuseMisconfigured(context: IWebhookFunctions) {
	return refuseCall(
		context,
		500,
		'This webhook is not set up correctly, so the call was refused; the n8n log says why',
	);
}

/**
 * A call that could not be checked with PiAPI now (PiAPI unreachable, key refused): 503, so PiAPI
 * delivers it again, and nothing starts or resumes.
 */
export function cannotConfirm(context: IWebhookFunctions, taskId: string) {
	return refuseCall(context, 503, `Could not confirm task ${taskId} with PiAPI; please retry`);
}

/** PiAPI needs only a 2xx; the body tells anyone testing with curl that the call arrived. */
const RECEIVED = { received: true } as const;

export function received(): { webhookResponse: typeof RECEIVED } {
	return { webhookResponse: RECEIVED };
}

/**
 * Answers PiAPI `200 {"received": true}` now, before the song is downloaded. n8n answers a webhook
 * only once `webhook()` returns and (under a concurrency limit) the run has a slot; a caller that
 * gives up first would leave a waiting execution unresumed. Return the result with
 * `noWebhookResponse: true` after this, so n8n does not answer a second time.
 */
export function acknowledgeCall(context: IWebhookFunctions): void {
	context.getResponseObject().status(200).json(RECEIVED);
}
