import { RETRY } from '../../nodes/shared/utils/constants';
import {
	isRetryable,
	parseRetryAfter,
	retryDelayMs,
	type Failure,
} from '../../nodes/shared/transport/retry';

const http = (status: number, retryAfterMs?: number): Failure => ({
	kind: 'http',
	status,
	retryAfterMs,
});

describe('retry policy', () => {
	it.each<[string, Failure, boolean, boolean]>([
		['429', http(429), true, true],
		['500', http(500), true, false],
		['503', http(503), true, false],
		['envelope code 500', { kind: 'envelope', code: 500 }, true, false],
		['network error', { kind: 'network', code: 'ECONNRESET' }, true, false],
		['timeout', { kind: 'timeout' }, true, false],
		['broken JSON', { kind: 'malformed', status: 200 }, true, false],
		['400', http(400), false, false],
		['401', http(401), false, false],
		['402', http(402), false, false],
		['cancelled', { kind: 'aborted' }, false, false],
	])('%s: GET retries %s, create-task POST retries %s', (_name, failure, get, post) => {
		expect(isRetryable(failure, true)).toBe(get);
		expect(isRetryable(failure, false)).toBe(post);
	});

	it('backs off exponentially with jitter, up to the cap, and stops after the last attempt', () => {
		const failure = http(503);
		expect(retryDelayMs(failure, 1, true, () => 0)).toBe(RETRY.baseDelayMs);
		expect(retryDelayMs(failure, 2, true, () => 0)).toBe(RETRY.baseDelayMs * 2);
		expect(retryDelayMs(failure, 2, true, () => 1)).toBe(
			RETRY.baseDelayMs * 2 * (1 - RETRY.jitter),
		);
		expect(retryDelayMs({ kind: 'timeout' }, 4, true, () => 0)).toBe(
			Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 8),
		);
		expect(retryDelayMs(failure, RETRY.maxAttempts, true)).toBeUndefined();
	});

	it('honours Retry-After, but not beyond the cap', () => {
		expect(retryDelayMs(http(429, 3000), 1, false)).toBe(3000);
		expect(retryDelayMs(http(429, RETRY.maxRetryAfterMs + 1), 1, false)).toBeUndefined();
	});

	it('parses Retry-After seconds and HTTP dates', () => {
		expect(parseRetryAfter('2')).toBe(2000);
		expect(parseRetryAfter(['1.5'])).toBe(1500);
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:04 GMT', now)).toBe(4000);
		expect(parseRetryAfter('soon')).toBeUndefined();
		expect(parseRetryAfter(undefined)).toBeUndefined();
	});
});
