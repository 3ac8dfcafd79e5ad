import { createHash, timingSafeEqual } from 'crypto';

function digest(value: string): Buffer {
	return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Whether a received secret (e.g. a header value) equals the expected one, compared in constant
 * time. Both sides are hashed first so that `timingSafeEqual` always compares equal lengths: the
 * time taken then depends neither on where the values differ nor on how long the received one is.
 * An empty expected secret never matches, and neither does anything but a string.
 */
export function secretsMatch(expected: string, received: unknown): boolean {
	if (expected === '' || typeof received !== 'string') return false;
	return timingSafeEqual(digest(expected), digest(received));
}
