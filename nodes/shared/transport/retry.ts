import { RETRY } from '../constants';

/** Why one HTTP attempt to PiAPI did not give a usable answer. */
export type Failure =
	| { kind: 'http'; status: number; message?: string; retryAfterMs?: number }
	| { kind: 'envelope'; code: number; message?: string }
	| { kind: 'network'; code: string }
	| { kind: 'timeout' }
	| { kind: 'malformed'; status: number }
	| { kind: 'aborted' };

/** The HTTP status a failure stands for, if any (an envelope `code` counts as one). */
export function failureStatus(failure: Failure): number | undefined {
	if (failure.kind === 'http') return failure.status;
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
	if (failure.kind === 'aborted') return false;
	const status = failureStatus(failure);
	if (status === 429) return true;
	if (!idempotent) return false;
	if (status !== undefined) return status >= 500 && status <= 599;
	return failure.kind === 'network' || failure.kind === 'timeout' || failure.kind === 'malformed';
}

/**
 * Milliseconds to wait before attempt `attempt + 1`, or `undefined` to give up.
 * `Retry-After` wins when the server sends it (up to a cap); otherwise exponential backoff from
 * `RETRY.baseDelayMs`, capped, with up to `RETRY.jitter` of it removed at random.
 */
export function retryDelayMs(
	failure: Failure,
	attempt: number,
	idempotent: boolean,
	random: () => number = Math.random,
): number | undefined {
	if (attempt >= RETRY.maxAttempts || !isRetryable(failure, idempotent)) return undefined;
	if (failure.kind === 'http' && failure.retryAfterMs !== undefined) {
		return failure.retryAfterMs > RETRY.maxRetryAfterMs ? undefined : failure.retryAfterMs;
	}
	const exponential = Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** (attempt - 1));
	return Math.round(exponential * (1 - RETRY.jitter * random()));
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; `undefined` when absent or odd. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const trimmed = String(text).trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}
