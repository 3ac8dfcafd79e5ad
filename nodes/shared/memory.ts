/**
 * A bounded, in-process memory of keys seen lately: each key is remembered for `ttlMs`, and at
 * most `maxEntries` are kept (the oldest go first). Webhooks use it to act once on a call that
 * PiAPI delivers twice, or that arrives twice at the same moment: n8n's deduplication helpers are
 * not available to webhooks, and static data is not safe there. It lives in one n8n process, so it
 * cannot see repeats that reach another process (queue mode); the README says so.
 */
export class RecentKeys {
	private readonly seen = new Map<string, number>();

	constructor(
		private readonly ttlMs: number,
		private readonly maxEntries: number,
	) {}

	/** Remembers `key`; false when it was already remembered (a repeat). Synchronous, so atomic. */
	claim(key: string): boolean {
		const now = Date.now();
		for (const [entry, expires] of this.seen) {
			if (expires > now) break; // insertion order = expiry order
			this.seen.delete(entry);
		}
		if (this.seen.has(key)) return false;
		if (this.seen.size >= this.maxEntries)
			this.seen.delete(this.seen.keys().next().value as string);
		this.seen.set(key, now + this.ttlMs);
		return true;
	}

	/** Forgets `key`, so that a call that could not be handled is handled when it comes again. */
	release(key: string): void {
		this.seen.delete(key);
	}
}
