import { sleep } from 'n8n-workflow';

import { SLEEP_SLICE_MS } from './constants';

/**
 * Waits `ms`, or less if `signal` aborts; resolves `false` when aborted.
 * n8n's lint bans `setTimeout`, n8n-workflow 2.34+ dropped `sleepWithAbort`, and 1.x's `sleep`
 * ignores a signal, so the wait is cut into short slices and the signal checked between them.
 */
export async function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<boolean> {
	const end = Date.now() + ms;
	while (!signal?.aborted) {
		const left = end - Date.now();
		if (left <= 0) return true;
		try {
			await sleep(Math.min(left, SLEEP_SLICE_MS), signal);
		} catch {
			// n8n-workflow 2.34+ rejects on abort: the loop condition reports it.
		}
	}
	return false;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(
	items: readonly T[],
	limit: number,
	fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await fn(items[index], index);
		}
	};
	const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
	await Promise.all(workers);
	return results;
}
