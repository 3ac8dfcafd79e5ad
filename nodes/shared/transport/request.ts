import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_TYPE, DEFAULT_BASE_URL, REQUEST_TIMEOUT_MS, RETRY } from '../utils/constants';
import { apiError, attachTask } from './errors';
import type { PiApiEnvelope } from '../model/piapi';
import { isTaskId } from '../model/task';
import { credentialRedactor, redactDeep } from '../utils/redact';
import { sleepUnlessAborted } from '../utils/sleep';
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

/**
 * The credential's base URL, checked: the API key goes to this origin and nowhere else, so it must
 * be a plain http(s) address. User info (`user:pass@`) is refused rather than sent or shown; a
 * query or fragment would be glued in front of every path. The error never repeats the value.
 */
export function baseUrlOf(
	context: PiApiContext,
	credentials: ICredentialDataDecryptedObject,
	itemIndex?: number,
): URL {
	const raw = credentials.baseUrl;
	const text = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : DEFAULT_BASE_URL;
	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {
		url = undefined;
	}
	const problem = !url
		? 'is not a URL'
		: url.protocol !== 'https:' && url.protocol !== 'http:'
			? 'must start with https:// (or http:// for a local test server)'
			: url.username !== '' || url.password !== ''
				? 'must not contain a user name or password'
				: url.search !== '' || url.hash !== ''
					? 'must not contain a query (?) or fragment (#)'
					: undefined;
	if (!url || problem) {
		throw new NodeOperationError(context.getNode(), `PiAPI API credential: Base URL ${problem}`, {
			itemIndex,
			description: `Set it to ${DEFAULT_BASE_URL} (PiAPI's address), or to your proxy's. Nothing was sent to PiAPI.`,
		});
	}
	return url;
}

/**
 * The context with `signal` as its cancel signal. n8n's authenticated request replaces the
 * request's abort signal with the execution's cancel signal where the context has one, so the
 * deadline reaches the request only this way (webhook contexts have none: there the request's own
 * signal stays). Everything else is the context itself.
 */
function withCancelSignal(context: PiApiContext, signal: AbortSignal): PiApiContext {
	return new Proxy(context, {
		get(target, key) {
			if (key === 'getExecutionCancelSignal') return () => signal;
			const value: unknown = Reflect.get(target, key, target);
			return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
		},
	});
}

/** The base URL as requests are built from it: origin and path, without a trailing slash. */
function baseOf(url: URL): string {
	return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Where a redirect pointed, as an origin only (never a path, query or user info). */
function originOf(location: unknown, base: string): string | undefined {
	if (typeof location !== 'string' || location.trim() === '') return undefined;
	try {
		return new URL(location.trim(), base).origin;
	} catch {
		return undefined;
	}
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

/** The task id an answer's `data` names, if it names one that can be shown. */
function taskIdIn(data: unknown): string | undefined {
	const id = data && typeof data === 'object' ? (data as { task_id?: unknown }).task_id : undefined;
	return isTaskId(id) ? id : undefined;
}

/** Turns one HTTP answer into the envelope's `data`, or a Failure. */
function readResponse<T>(response: FullResponse, url: string): { data: T } | { failure: Failure } {
	if (response.statusCode >= 300 && response.statusCode <= 399) {
		return {
			failure: {
				kind: 'redirect',
				status: response.statusCode,
				location: originOf(response.headers.location, url),
			},
		};
	}
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
	// A refusal can still name a task (a create that failed half-way): that id must not be lost.
	const taskId = taskIdIn(envelope.data);
	if (response.statusCode < 200 || response.statusCode > 299) {
		return {
			failure: {
				kind: 'http',
				status: response.statusCode,
				message,
				retryAfterMs: parseRetryAfter(response.headers['retry-after']),
				taskId,
			},
		};
	}
	if (!parsed || typeof parsed !== 'object') {
		return { failure: { kind: 'malformed', status: response.statusCode } };
	}
	if (envelope.code !== 200) {
		return { failure: { kind: 'envelope', code: Number(envelope.code), message, taskId } };
	}
	if (envelope.data === undefined || envelope.data === null) {
		return { failure: { kind: 'malformed', status: response.statusCode } };
	}
	return { data: envelope.data };
}

/**
 * The one way this package talks to PiAPI: authenticated by the credential (`x-api-key`), sent only
 * to the base URL's origin (redirects are not followed), each attempt bounded by a total deadline
 * (`REQUEST_TIMEOUT_MS` from sending to the answer's last byte; n8n's `timeout` is only an idle
 * one) and by the execution's cancel signal, envelope checked, retried by `retry.ts` rules, and
 * every failure turned into a `NodeApiError` that names what happened and holds no secret.
 * Returns the envelope's `data`.
 */
export async function piApiRequest<T>(this: PiApiContext, request: PiApiRequest): Promise<T> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = baseOf(baseUrlOf(this, credentials, request.itemIndex));
	const redact = credentialRedactor(credentials);
	const signal = cancelSignalOf(this);
	const idempotent = request.method === 'GET';

	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		// n8n's HTTP helper follows redirects and strips only Authorization and Cookie, so a
		// redirect would carry x-api-key (and a POST body, after a 307) to another host.
		disableFollowRedirect: true,
		headers: { accept: 'application/json' },
		body: request.body,
		json: false,
		// Parsed here, so that a broken body is reported as such instead of passed on as a string.
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: REQUEST_TIMEOUT_MS,
	};
	if (request.body) options.headers = { ...options.headers, 'content-type': 'application/json' };

	for (let attempt = 1; ; attempt++) {
		let outcome: { data: T } | { failure: Failure };
		const deadline = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
		const abortSignal = signal ? AbortSignal.any([signal, deadline]) : deadline;
		try {
			const response = (await this.helpers.httpRequestWithAuthentication.call(
				withCancelSignal(this, abortSignal),
				CREDENTIAL_TYPE,
				{ ...options, abortSignal },
			)) as FullResponse;
			outcome = readResponse<T>(response, baseUrl);
		} catch (error) {
			outcome = {
				failure:
					deadline.aborted && !signal?.aborted
						? { kind: 'timeout' }
						: classifyThrown(error, signal),
			};
		}
		// Everything PiAPI says passes the credential's redaction before anyone sees it.
		if ('data' in outcome) return redactDeep(outcome.data, redact);

		const { failure } = outcome;
		const delay = retryDelayMs(failure, attempt, idempotent);
		const facts = {
			method: request.method,
			path: request.path,
			attempts: attempt,
			baseUrl,
			itemIndex: request.itemIndex,
		};
		if (delay === undefined) {
			const error = apiError(this.getNode(), failure, facts, redact);
			const named = 'taskId' in failure ? failure.taskId : undefined;
			if (!named) throw error;
			error.message = `${error.message}; the answer named task ${redact(named)}`;
			throw attachTask(error, redact(named), 'unknown');
		}
		this.logger.warn(
			`PiAPI ${request.method} ${request.path}: ${apiError(this.getNode(), failure, facts, redact).message}; ` +
				`retrying in ${delay} ms (attempt ${attempt + 1} of ${RETRY.maxAttempts})`,
		);
		if (!(await sleepUnlessAborted(delay, signal))) {
			throw apiError(this.getNode(), { kind: 'aborted' }, facts, redact);
		}
	}
}
