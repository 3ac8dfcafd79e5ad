/**
 * An absolute http(s) URL with a host, surrounding white space allowed (an expression often leaves
 * some). The one test for every URL the package sends, keeps or downloads: anything else (file:,
 * data:, ftp:, a relative path) must never reach a request.
 */
export function isHttpUrl(value: unknown): value is string {
	if (typeof value !== 'string') return false;
	const text = value.trim();
	if (!/^https?:\/\/\S+$/i.test(text)) return false;
	try {
		return new URL(text).hostname !== '';
	} catch {
		return false;
	}
}
