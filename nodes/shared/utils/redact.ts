import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/**
 * The one redaction for everything PiAPI (or a caller claiming to be PiAPI) says. Every string
 * from outside that can reach an error, a log line or the output passes through a `Redact` made
 * from the credential: the transport applies it to every answer it returns, and the webhooks to
 * every body they read. PiAPI echoes task input and webhook secrets, and an error text may quote
 * a request, so any of them could carry the API key back.
 */
export type Redact = (text: string) => string;

/** Shorter values are not secrets worth hiding, and replacing them would garble ordinary text. */
const MIN_SECRET_LENGTH = 4;

/** Nesting beyond this is cut off: PiAPI's tasks are a few levels deep, a hostile body is not. */
const MAX_DEPTH = 64;

export const MASK = '***';

/** Replaces every occurrence of each secret in a text with `***`. */
export function redactor(secrets: unknown[]): Redact {
	const values = [
		...new Set(
			secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH),
		),
	].sort((a, b) => b.length - a.length);
	return (text) => values.reduce((out, secret) => out.split(secret).join(MASK), text);
}

/**
 * The user name and password of a URL, raw and percent-decoded, so that neither form can appear
 * anywhere. The transport refuses such a base URL, but the value is still in the credential.
 */
function userInfoOf(url: unknown): string[] {
	if (typeof url !== 'string') return [];
	try {
		const parsed = new URL(url.trim());
		const parts = [parsed.username, parsed.password].filter((part) => part !== '');
		return parts.flatMap((part) => {
			try {
				return [part, decodeURIComponent(part)];
			} catch {
				return [part];
			}
		});
	} catch {
		return [];
	}
}

/** The redaction for one credential: its API key, webhook secret and any user info in its base URL. */
export function credentialRedactor(credentials: ICredentialDataDecryptedObject): Redact {
	return redactor([
		credentials.apiKey,
		credentials.webhookSecret,
		...userInfoOf(credentials.baseUrl),
	]);
}

/** A copy of a parsed JSON value with every string (keys included) redacted. */
export function redactDeep<T>(value: T, redact: Redact, depth = 0): T {
	if (typeof value === 'string') return redact(value) as T;
	if (value === null || typeof value !== 'object') return value;
	if (depth >= MAX_DEPTH) return null as T;
	if (Array.isArray(value)) return value.map((entry) => redactDeep(entry, redact, depth + 1)) as T;
	const copy: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
		copy[redact(key)] = redactDeep(entry, redact, depth + 1);
	}
	return copy as T;
}
