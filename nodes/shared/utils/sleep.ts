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
