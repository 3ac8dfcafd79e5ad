import { RETRY } from '../utils/constants';

/** Why one HTTP attempt to PiAPI did not give a usable answer. */
export type Failure =
	/** `taskId`: a task the answer named even so (it may have been created, and paid). */
	| { kind: 'http'; status: number; message?: string; retryAfterMs?: number; taskId?: string }
	| { kind: 'envelope'; code: number; message?: string; taskId?: string }
	| { kind: 'network'; code: string }
	| { kind: 'timeout' }
	| { kind: 'malformed'; status: number }
	/** A 3xx answer: never followed, since the key would go with it (to `location`, if given). */
	| { kind: 'redirect'; status: number; location?: string }
	| { kind: 'aborted' };

/** The HTTP status a failure stands for, if any (an envelope `code` counts as one). */
export function failureStatus(failure: Failure): number | undefined {
	if (failure.kind === 'http' || failure.kind === 'redirect') return failure.status;
	if (failure.kind === 'envelope') return failure.code;
	return undefined;
}

/**
 * Whether another attempt is allowed, by idempotency:
 * - a read (GET) retries 429, 5xx, network errors, timeouts and broken JSON;
 * - the create-task POST retries 429 only. A 429 means PiAPI refused it; after a 5xx, a timeout
 *   or a dropped connection the paid task may already exist, and PiAPI has no idempotency key,
 *   so sending it again could charge twice.
 */
export function isRetryable(failure: Failure, idempotent: boolean): boolean {
	if (failure.kind === 'aborted' || failure.kind === 'redirect') return false;
	const status = failureStatus(failure);
	if (status === 429) return true;
	if (!idempotent) return false;
	if (status !== undefined) return status >= 500 && status <= 599;
	return failure.kind === 'network' || failure.kind === 'timeout' || failure.kind === 'malformed';
}

/**
 * Milliseconds to wait before attempt `attempt + 1`, or `undefined` to give up.
 * Exponential backoff from `RETRY.baseDelayMs`, capped, with up to `RETRY.jitter` of it removed at
 * random. A `Retry-After` can lengthen the pause (up to a cap, beyond which the error surfaces) but
 * never shorten it: `Retry-After: 0` or a date in the past would otherwise fire every attempt at once.
 */
export function retryDelayMs(
	failure: Failure,
	attempt: number,
	idempotent: boolean,
	random: () => number = Math.random,
): number | undefined {
	if (attempt >= RETRY.maxAttempts || !isRetryable(failure, idempotent)) return undefined;
	const exponential = Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** (attempt - 1));
	const backoff = Math.round(exponential * (1 - RETRY.jitter * random()));
	if (failure.kind === 'http' && failure.retryAfterMs !== undefined) {
		if (failure.retryAfterMs > RETRY.maxRetryAfterMs) return undefined;
		return Math.max(backoff, failure.retryAfterMs);
	}
	return backoff;
}

/**
 * `Retry-After` as milliseconds: delta-seconds, or an HTTP date (a weekday or month name and a
 * time, as RFC 9110 writes it); `undefined` when absent or anything else (`-1`, `soon`, a bare
 * number that `Date.parse` would read as a year). A date in the past gives 0.
 */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const trimmed = String(text).trim();
	if (/^\d{1,9}(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	if (!/^[A-Za-z]{3},? .*\d{1,2}:\d{2}:\d{2}/.test(trimmed)) return undefined;
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}
