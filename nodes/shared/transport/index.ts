import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE, DEFAULT_BASE_URL, REQUEST_TIMEOUT_MS, RETRY } from '../constants';
import { apiError } from '../errors';
import type { PiApiEnvelope } from '../interfaces';
import { sleepUnlessAborted } from '../sleep';
import { parseRetryAfter, retryDelayMs, type Failure } from './retry';

/** Contexts that may call PiAPI: node executions and webhook handlers. */
export type PiApiContext = IExecuteFunctions | IWebhookFunctions;

export interface PiApiRequest {
	method: 'GET' | 'POST';
	/** Path under the base URL, e.g. `/api/v1/task`. */
	path: string;
	body?: IDataObject;
	/** Named in errors so that n8n shows which item failed. */
	itemIndex?: number;
}

interface FullResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/** The execution's cancel signal, where the context has one (webhook handlers do not). */
export function cancelSignalOf(context: PiApiContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}

/** Replaces every secret of the credential in `text`, for messages that came from outside. */
export function redactor(secrets: unknown[]): (text: string) => string {
	const values = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
	return (text) => values.reduce((out, secret) => out.split(secret).join('***'), text);
}

function classifyThrown(error: unknown, signal?: AbortSignal): Failure {
	if (signal?.aborted) return { kind: 'aborted' };
	// n8n wraps the HTTP library's error (NodeApiError → cause); look through a few layers.
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const { code, message, name } = current as {
			code?: unknown;
			message?: unknown;
			name?: unknown;
		};
		const text = `${String(code ?? '')} ${String(message ?? '')} ${String(name ?? '')}`;
		if (/ERR_CANCELED|AbortError|CanceledError/i.test(text)) return { kind: 'aborted' };
		if (/ECONNABORTED|ETIMEDOUT|timeout/i.test(text)) return { kind: 'timeout' };
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return { kind: 'network', code };
		current = (current as { cause?: unknown }).cause;
	}
	if (/socket hang up/i.test(String((error as Error)?.message))) {
		return { kind: 'network', code: 'ECONNRESET' };
	}
	return { kind: 'network', code: 'UNKNOWN' };
}

/** Turns one HTTP answer into the envelope's `data`, or a Failure. */
function readResponse<T>(response: FullResponse): { data: T } | { failure: Failure } {
	let parsed: unknown;
	try {
		parsed = typeof response.body === 'string' ? JSON.parse(response.body) : response.body;
	} catch {
		if (response.statusCode >= 200 && response.statusCode < 300) {
			return { failure: { kind: 'malformed', status: response.statusCode } };
		}
		parsed = undefined;
	}
	const envelope = (parsed && typeof parsed === 'object' ? parsed : {}) as PiApiEnvelope<T>;
	const message = typeof envelope.message === 'string' ? envelope.message : undefined;
	if (response.statusCode < 200 || response.statusCode > 299) {
		return {
			failure: {
				kind: 'http',
				status: response.statusCode,
				message,
				retryAfterMs: parseRetryAfter(response.headers['retry-after']),
			},
		};
	}
	if (!parsed || typeof parsed !== 'object') {
		return { failure: { kind: 'malformed', status: response.statusCode } };
	}
	if (envelope.code !== 200) {
		return { failure: { kind: 'envelope', code: Number(envelope.code), message } };
	}
	if (envelope.data === undefined || envelope.data === null) {
		return { failure: { kind: 'malformed', status: response.statusCode } };
	}
	return { data: envelope.data };
}

/**
 * The one way this package talks to PiAPI: authenticated by the credential (`x-api-key`), bounded
 * by a timeout and the execution's cancel signal, envelope checked, retried by `retry.ts` rules,
 * and every failure turned into a `NodeApiError` that names what happened and holds no secret.
 * Returns the envelope's `data`.
 */
export async function piApiRequest<T>(this: PiApiContext, request: PiApiRequest): Promise<T> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = String(credentials.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
	const redact = redactor([credentials.apiKey, credentials.webhookSecret]);
	const signal = cancelSignalOf(this);
	const idempotent = request.method === 'GET';

	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		headers: { accept: 'application/json' },
		body: request.body,
		json: false,
		// Parsed here, so that a broken body is reported as such instead of passed on as a string.
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: REQUEST_TIMEOUT_MS,
		abortSignal: signal,
	};
	if (request.body) options.headers = { ...options.headers, 'content-type': 'application/json' };

	for (let attempt = 1; ; attempt++) {
		let outcome: { data: T } | { failure: Failure };
		try {
			const response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_TYPE,
				{ ...options },
			)) as FullResponse;
			outcome = readResponse<T>(response);
		} catch (error) {
			outcome = { failure: classifyThrown(error, signal) };
		}
		if ('data' in outcome) return outcome.data;

		const { failure } = outcome;
		const delay = retryDelayMs(failure, attempt, idempotent);
		const facts = {
			method: request.method,
			path: request.path,
			attempts: attempt,
			baseUrl,
			itemIndex: request.itemIndex,
		};
		if (delay === undefined) throw apiError(this.getNode(), failure, facts, redact);
		this.logger.warn(
			`PiAPI ${request.method} ${request.path}: ${apiError(this.getNode(), failure, facts, redact).message}; ` +
				`retrying in ${delay} ms (attempt ${attempt + 1} of ${RETRY.maxAttempts})`,
		);
		if (!(await sleepUnlessAborted(delay, signal))) {
			throw apiError(this.getNode(), { kind: 'aborted' }, facts, redact);
		}
	}
}
