import { createHash, createHmac, timingSafeEqual } from 'crypto';

/**
 * Whether a received secret equals the expected one, in constant time. Both sides are hashed
 * first so that neither the content nor the length of the expected secret leaks through timing;
 * a missing or non-string value never matches.
 */
export function secretsMatch(expected: string, received: unknown): boolean {
	if (expected === '' || typeof received !== 'string') return false;
	const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
	return timingSafeEqual(digest(expected), digest(received));
}

/**
 * A secret derived from the API key for one purpose (e.g. one waiting execution). PiAPI echoes
 * webhook secrets in every task read, so the API key itself must never be used as one; an HMAC
 * reveals nothing about the key and differs for every execution.
 */
export function derivedSecret(apiKey: string, purpose: string): string {
	return createHmac('sha256', apiKey).update(purpose, 'utf8').digest('hex');
}
