import type {
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
	NodeApiError,
} from 'n8n-workflow';

import { fetchTask } from '../../shared/transport/api';
import { CREDENTIAL_TYPE, WAIT_DEFAULTS, WEBHOOK_CONFIRM } from '../../shared/utils/constants';
import { asNodeError, taskFailedError } from '../../shared/transport/errors';
import type { PiApiTask } from '../../shared/model/piapi';
import { errorItem, webhookTaskItem } from '../../shared/output/items';
import { credentialRedactor } from '../../shared/utils/redact';
import { processMemory, RecentKeys, RecentValues } from '../../shared/utils/memory';
import { secretsMatch } from '../../shared/utils/secret';
import { mapWithConcurrency } from '../../shared/utils/concurrency';
import { statusPhase } from '../../shared/model/task';
import {
	acknowledgeCall,
	cannotConfirm,
	notConfirmedYet,
	readWebhookCall,
	received,
	refuseCall as refuse,
} from '../../shared/webhook/answers';
import { checkFinalClaim, type ClaimCheck } from '../../shared/webhook/confirm';
import {
	pendingEntries,
	resumeSecretOf,
	savedOutputOptions,
	waitedTaskIds,
	type PendingEntry,
} from './suspend';

/**
 * Waits this process has resumed lately, keyed by execution and task ids. Two final callbacks
 * arriving together (PiAPI repeats deliveries) would otherwise both pass n8n's "still waiting"
 * check before either resume starts, and resume the same wait twice. The key names the tasks, so a
 * later wait of the same execution (Loop Over Items) is not blocked; across processes (queue mode)
 * n8n's own 409 is the guard.
 */
const resumed = processMemory('resume.resumed', new RecentKeys(300_000, 10_000));

/**
 * Finished tasks this process has read from PiAPI for a wait, keyed by execution and task id. A
 * finished task stays finished, so a wait for many songs asks PiAPI about each finished one about
 * once, instead of every final callback reading every task again: with 20 songs that was 400 GETs
 * arriving together, and n8n 2.x spends an expression isolate on every authenticated request, so
 * the webhook process fell seconds behind and PiAPI's callbacks timed out unanswered.
 */
const finished = processMemory('resume.finished', new RecentValues<PiApiTask>(900_000, 5_000));

/**
 * Reads in flight, by the same key, with the tick of `clock` at which each started. Callbacks
 * that arrive together (songs that end together) share a read, but only one that started after
 * the callback arrived: an older read may predate a song's end, and the callback of the last song
 * must see every other song ended, or the wait is never resumed.
 */
const reading = processMemory(
	'resume.reading',
	new Map<string, { started: number; task: Promise<PiApiTask> }>(),
);
let clock = 0;

/** Whether PiAPI's answer says the task has ended (completed, failed or cancelled). */
const hasEnded = (task: PiApiTask | undefined) =>
	task !== undefined && statusPhase(task.status) !== 'waiting';

/** One callback's view of its wait: which execution, and when the callback arrived. */
interface Reader {
	executionId: string;
	arrived: number;
}

/** The key of one task of one execution's wait, in `finished` and `reading`. */
const keyOf = (reader: Reader, id: string) => `${reader.executionId}:${id}`;

/** A task of the wait, from memory when this process has seen it finished, else from PiAPI. */
async function readTask(this: IWebhookFunctions, reader: Reader, id: string): Promise<PiApiTask> {
	const key = keyOf(reader, id);
	const remembered = finished.get(key);
	if (remembered) return remembered;
	const current = reading.get(key);
	if (current && current.started > reader.arrived) return await current.task;
	const entry = { started: ++clock, task: fetchTask.call(this, id) };
	reading.set(key, entry);
	try {
		const task = await entry.task;
		if (hasEnded(task)) finished.set(key, task);
		return task;
	} finally {
		if (reading.get(key) === entry) reading.delete(key);
	}
}

/**
 * Fills `tasks` with the wait's tasks as far as needed to know whether all have ended: the ones
 * seen finished come from memory, the others from PiAPI newest first (the task created last is the
 * likeliest to be still rendering), one and then `WAIT_DEFAULTS.concurrency` at a time, stopping
 * at the first batch with a task still open. Returns that task's id, if any. Throws when PiAPI
 * cannot be read.
 */
async function readWait(
	this: IWebhookFunctions,
	reader: Reader,
	waited: string[],
	tasks: Map<string, PiApiTask>,
): Promise<{ open?: string }> {
	for (const id of waited) {
		const remembered = tasks.has(id) ? undefined : finished.get(keyOf(reader, id));
		if (remembered) tasks.set(id, remembered);
	}
	const unread = waited.filter((id) => !tasks.has(id)).reverse();
	let size = 1;
	for (let start = 0; start < unread.length; start += size, size = WAIT_DEFAULTS.concurrency) {
		const batch = unread.slice(start, start + size);
		const read = await Promise.all(batch.map(async (id) => readTask.call(this, reader, id)));
		read.forEach((task, index) => tasks.set(batch[index], task));
		const open = batch.find((id) => !hasEnded(tasks.get(id)));
		if (open !== undefined) return { open };
	}
	return {};
}

/** The resumed node's output for one item: exactly what Poll mode gives for it. */
async function outputFor(
	this: IWebhookFunctions,
	entry: PendingEntry,
	task: PiApiTask | undefined,
	itemIndex: number,
): Promise<INodeExecutionData> {
	// An item whose task could not be created carries its error from before the suspend.
	if (!task) return { json: { ...entry }, pairedItem: { item: itemIndex } };
	// n8n runs a resumed node as a pass-through of this data, so it cannot fail any more: a failed
	// task (or a failed download) becomes an item with `error` and the task id, as under Continue On Fail.
	if (statusPhase(task.status) === 'failed') {
		return errorItem(itemIndex, taskFailedError(this.getNode(), task, itemIndex));
	}
	// Each item with its own download fields, saved before the suspend (an execution saved by an
	// older version has none: the node's fields are read then, for the first item).
	const item = await webhookTaskItem.call(this, task, itemIndex, savedOutputOptions(entry));
	// Not on an item that became an error (a failed download): Poll gives that one none either.
	if (entry.lyricsTiming && typeof item.json.task_id === 'string') {
		item.json = { ...item.json, lyricsTiming: entry.lyricsTiming };
	}
	return item;
}

/**
 * The restart webhook of a suspended Generate and Wait: PiAPI POSTs `{timestamp, data}` to the
 * execution's resume URL. Only a call about one of this wait's own tasks counts (they are in the
 * saved input); calls about other tasks (an earlier wait of the same execution, another node's)
 * get 200 and change nothing. Non-terminal statuses keep the execution waiting. A terminal one is
 * confirmed with PiAPI (the body alone is not trusted; one PiAPI does not confirm yet gets 503 so
 * that PiAPI delivers it again, see confirm.ts), then the wait's other tasks are read as far as
 * needed (`readWait`): the execution resumes once, when all of them are done, with one item per
 * input item, each with the download fields saved with it; PiAPI gets its answer before the songs
 * are downloaded.
 */
export async function resumeWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const arrived = ++clock;
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const expected = resumeSecretOf(credentials, this.getExecutionId());
	if (!secretsMatch(expected, this.getHeaderData()['x-webhook-secret'])) {
		this.logger.warn(
			'DiffRhythm: refused a callback without the right x-webhook-secret; still waiting',
		);
		return refuse(this, 401, 'Invalid or missing x-webhook-secret');
	}
	const claim = readWebhookCall(this);
	if ('problem' in claim) return refuse(this, 400, claim.problem);
	// Only the id and status of the claim are used (in log lines), so only they are redacted.
	const redact = credentialRedactor(credentials);
	const taskId = redact(claim.task.task_id);
	const status = redact(String(claim.task.status));

	// A progress call changes nothing, whoever's task it is about: answered before the saved input
	// is read, which costs n8n an expression evaluation over every waiting item.
	if (statusPhase(status) === 'waiting') {
		this.logger.info(`DiffRhythm: task ${taskId} is ${status}; still waiting for the song`);
		return received();
	}

	const entries = pendingEntries.call(this);
	const waited = waitedTaskIds(entries);
	if (!waited.includes(taskId)) {
		this.logger.info(
			`DiffRhythm: a callback about task ${taskId} (${status}) is not for this wait (${waited.join(', ') || 'no tasks'}); ignored`,
		);
		return received();
	}

	// The claimed task first: only PiAPI's answer about it counts, and it must carry this
	// execution's secret (PiAPI echoes it), so a task created by another execution cannot resume this
	// one. Already seen finished by this process (a repeated delivery): no new GET.
	const reader: Reader = { executionId: String(this.getExecutionId()), arrived };
	const tasks = new Map<string, PiApiTask>();
	let open: string | undefined;
	try {
		// A claim PiAPI does not confirm yet is answered 503 so PiAPI delivers it again; repeats
		// cost at most one GET per task per WEBHOOK_CONFIRM.minGapMs (see confirm.ts).
		const remembered = finished.get(keyOf(reader, taskId));
		const check: ClaimCheck = remembered
			? { task: remembered }
			: await checkFinalClaim(
					`resume:${keyOf(reader, taskId)}`,
					async () => await readTask.call(this, reader, taskId),
					hasEnded,
				);
		if ('retryAfterSeconds' in check) {
			this.logger.info(
				`DiffRhythm: task ${taskId} (${status}): PiAPI reported it unfinished a moment ago; answered 503 so that PiAPI delivers the call again`,
			);
			return notConfirmedYet(this, taskId, check.retryAfterSeconds);
		}
		if ('givenUp' in check) {
			this.logger.warn(
				`DiffRhythm: callbacks have said task ${taskId} is ${status} for ${check.givenUp.seconds} s, but PiAPI does not confirm it; no longer asking PiAPI to deliver again (the wait ends at Max Wait)`,
			);
			return received();
		}
		const confirmed = check.task;
		if (!secretsMatch(expected, confirmed.config?.webhook_config?.secret)) {
			this.logger.warn(`DiffRhythm: task ${taskId} was not created by this execution; ignored`);
			return refuse(this, 400, `Task ${taskId} does not belong to this execution`);
		}
		if (!hasEnded(confirmed)) {
			this.logger.info(
				`DiffRhythm: task ${taskId} is ${confirmed.status} at PiAPI (the callback said ${status}); answered 503 so that PiAPI delivers the call again`,
			);
			return notConfirmedYet(this, taskId, Math.ceil(WEBHOOK_CONFIRM.minGapMs / 1000));
		}
		tasks.set(taskId, confirmed);
		({ open } = await readWait.call(this, reader, waited, tasks));
	} catch (error) {
		// Not confirmed now; a non-2xx answer makes PiAPI deliver again, and Max Wait still bounds it.
		const { message } = asNodeError(this, error, 0) as NodeApiError;
		this.logger.warn(`DiffRhythm: could not confirm task ${taskId} with PiAPI: ${message}`);
		return cannotConfirm(this, taskId);
	}
	if (open !== undefined) {
		const ready = waited.filter((id) => hasEnded(tasks.get(id))).length;
		this.logger.info(
			`DiffRhythm: task ${taskId} is ${tasks.get(taskId)?.status} at PiAPI; still waiting for ${open} (${ready} of ${waited.length} songs known to be ready)`,
		);
		return received();
	}

	if (!resumed.claim(keyOf(reader, waited.join(',')))) {
		this.logger.info(`DiffRhythm: task ${taskId}: this wait is already resuming; ignored`);
		return received();
	}
	this.logger.info(
		`DiffRhythm: all ${waited.length} task${waited.length === 1 ? ' is' : 's are'} done (last: ${taskId}); resuming the execution`,
	);
	acknowledgeCall(this);
	const items = await mapWithConcurrency(entries, WAIT_DEFAULTS.concurrency, async (entry, index) =>
		outputFor.call(
			this,
			entry,
			entry.error === undefined && entry.taskId ? tasks.get(entry.taskId) : undefined,
			index,
		),
	);
	return { workflowData: [items], noWebhookResponse: true };
}
