/**
 * A bounded, in-process memory of values kept lately: each entry is remembered for `ttlMs`, and at
 * most `maxEntries` are kept (the oldest go first). Webhooks use it because n8n's deduplication
 * helpers are not available to them and static data is not safe there. It lives in one n8n
 * process, so it cannot see what reached another process (queue mode); the README says so.
 */
export class RecentValues<V> {
	private readonly entries = new Map<string, { value: V; expires: number }>();

	constructor(
		private readonly ttlMs: number,
		private readonly maxEntries: number,
	) {}

	/** The value remembered for `key`, unless it has expired. */
	get(key: string): V | undefined {
		this.prune();
		return this.entries.get(key)?.value;
	}

	/** Remembers `value` for `key` for the next `ttlMs`. Synchronous, so atomic. */
	set(key: string, value: V): void {
		this.prune();
		// Deleted first, so that insertion order stays expiry order.
		this.entries.delete(key);
		if (this.entries.size >= this.maxEntries)
			this.entries.delete(this.entries.keys().next().value as string);
		this.entries.set(key, { value, expires: Date.now() + this.ttlMs });
	}

	/** Forgets `key`. */
	delete(key: string): void {
		this.entries.delete(key);
	}

	private prune(): void {
		const now = Date.now();
		for (const [key, { expires }] of this.entries) {
			if (expires > now) break; // insertion order = expiry order
			this.entries.delete(key);
		}
	}
}

/**
 * Keys seen lately, to act once on a call that PiAPI delivers twice, or that arrives twice at the
 * same moment.
 */
export class RecentKeys extends RecentValues<true> {
	/** Remembers `key`; false when it was already remembered (a repeat). Synchronous, so atomic. */
	claim(key: string): boolean {
		if (this.get(key)) return false;
		this.set(key, true);
		return true;
	}

	/** Forgets `key`, so that a call that could not be handled is handled when it comes again. */
	release(key: string): void {
		this.delete(key);
	}
}
