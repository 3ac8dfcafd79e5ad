/**
 * The package's per-process memories, in one index. Each lives in one n8n process (main, a worker
 * or a webhook process), holds only what it needs for a bounded time, and is lost on restart; none
 * is shared across processes (queue mode), which the docs say where it matters. Each module creates
 * its memory through `processMemory`, so this list is complete and a test can clear them all:
 *
 * | name                 | kept in                          | what it remembers                          |
 * |----------------------|----------------------------------|--------------------------------------------|
 * | `trigger.delivered`  | PiApiTrigger/webhook.ts          | task events that started a workflow (1 h)  |
 * | `resume.resumed`     | DiffRhythm/wait/resume.ts        | waits this process resumed (5 min)         |
 * | `resume.finished`    | DiffRhythm/wait/resume.ts        | finished tasks read for a wait (15 min)    |
 * | `resume.reading`     | DiffRhythm/wait/resume.ts        | reads of PiAPI in flight, shared           |
 * | `poll.renderHistory` | DiffRhythm/wait/schedule.ts      | how long recent renders took               |
 * | `download.webhookDeadlines` | shared/output/download.ts | each webhook call's download deadline, while the call lives (weak) |
 * | `tool.songRequests`  | DiffRhythm/repeats.ts            | song requests tools sent (30 min, 500)     |
 * | `webhook.unconfirmed`| shared/webhook/confirm.ts        | final calls PiAPI did not confirm (30 min) |
 */
interface ProcessMemory {
	clear(): void;
}

const memories = new Map<string, ProcessMemory>();

/** Registers `memory` under `name` (unique) and returns it. */
export function processMemory<M extends ProcessMemory>(name: string, memory: M): M {
	if (memories.has(name)) throw new Error(`Process memory "${name}" is registered twice`);
	memories.set(name, memory);
	return memory;
}

/** The names of the memories registered so far (those of the modules loaded). */
export function processMemoryNames(): string[] {
	return [...memories.keys()];
}

/** Empties every memory: for tests, which run many executions in one process. */
export function clearProcessMemories(): void {
	for (const memory of memories.values()) memory.clear();
}

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

	/** Forgets everything. */
	clear(): void {
		this.entries.clear();
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
