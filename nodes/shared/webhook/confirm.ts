import type { PiApiTask } from '../model/piapi';
import { WEBHOOK_CONFIRM } from '../utils/constants';
import { processMemory, RecentValues } from '../utils/memory';

/** One task's final claims that PiAPI has not confirmed yet, as this process has seen them. */
interface Unconfirmed {
	/** When PiAPI first answered that the claimed final state is not (yet) its state. */
	firstAt?: number;
	/** When the last read of the task started. */
	lastReadAt: number;
	/** The read in flight: claims that arrive meanwhile wait for it instead of reading again. */
	read?: Promise<PiApiTask>;
}

/**
 * Final claims per webhook and task (the trigger node's, or the wait's): PiAPI may call before its
 * own read says the task is done. Such a call is answered 503 so that PiAPI delivers it again,
 * and the task is read at most once per `WEBHOOK_CONFIRM.minGapMs` (a sender with the secret, or
 * PiAPI repeating while the song renders, costs at most that many GETs); after
 * `WEBHOOK_CONFIRM.giveUpMs` the claim is given up.
 */
const unconfirmed = processMemory(
	'webhook.unconfirmed',
	new RecentValues<Unconfirmed>(WEBHOOK_CONFIRM.rememberMs, WEBHOOK_CONFIRM.maxEntries),
);

/** What a final claim's confirmation came to. */
export type ClaimCheck =
	/** PiAPI's answer; the caller checks whether it says what the call claims. */
	| { task: PiApiTask }
	/** Read too recently to read again: answer 503 with Retry-After, so PiAPI delivers it again. */
	| { retryAfterSeconds: number }
	/** PiAPI has not confirmed the claim for `WEBHOOK_CONFIRM.giveUpMs`: answer it as unconfirmed. */
	| { givenUp: { seconds: number } };

/**
 * Reads the task a final claim is about, bounded per `key`: a read already in flight is shared; a
 * task PiAPI said was not final less than `minGapMs` ago is not read again. `isFinal` says whether
 * PiAPI's answer confirms the claim; a final answer forgets the key. A failed read throws, and
 * does not count for the bound (PiAPI's next delivery reads again).
 */
export async function checkFinalClaim(
	key: string,
	read: () => Promise<PiApiTask>,
	isFinal: (task: PiApiTask) => boolean,
): Promise<ClaimCheck> {
	const now = Date.now();
	const state = unconfirmed.get(key);
	if (state?.read) return { task: await state.read };
	if (state?.firstAt !== undefined && now - state.firstAt >= WEBHOOK_CONFIRM.giveUpMs) {
		return { givenUp: { seconds: Math.round((now - state.firstAt) / 1000) } };
	}
	if (state && now - state.lastReadAt < WEBHOOK_CONFIRM.minGapMs) {
		return {
			retryAfterSeconds: Math.ceil((state.lastReadAt + WEBHOOK_CONFIRM.minGapMs - now) / 1000),
		};
	}
	const reading = read();
	const entry: Unconfirmed = { firstAt: state?.firstAt, lastReadAt: now, read: reading };
	// Set before the first await: claims arriving meanwhile share this read.
	unconfirmed.set(key, entry);
	let task: PiApiTask;
	let answered = false;
	try {
		task = await reading;
		answered = true;
	} finally {
		delete entry.read;
		// PiAPI could not be read (the caller answers 503): that is no answer about the claim, so
		// PiAPI's next delivery may read again at once.
		if (!answered) {
			if (state) unconfirmed.set(key, state);
			else unconfirmed.delete(key);
		}
	}
	if (isFinal(task)) unconfirmed.delete(key);
	else entry.firstAt ??= Date.now();
	return { task };
}
