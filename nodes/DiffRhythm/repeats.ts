import { createHash } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import type { CreateTaskBody, PiApiTask } from '../shared/model/piapi';
import { isError, type Step } from '../shared/model/step';
import { CREDENTIAL_TYPE, TOOL } from '../shared/utils/constants';
import { processMemory, RecentValues } from '../shared/utils/memory';

/**
 * The repeat rule of the node as a tool. Assistants and MCP clients call a tool again after a
 * timeout or a lost answer; each call would create, and pay for, another song. So a tool run
 * remembers every song request it sent for `TOOL.repeatWindowMs`, and the same request again
 * gets the task already started instead of a new POST.
 *
 * "The same request" is the same tool (workflow, node and operation), the same account (API key and base
 * URL), and the same body PiAPI would get: task type, lyrics (as sent, after plain-lyrics timing)
 * with whitespace collapsed, style prompt with whitespace collapsed and case ignored, and the same
 * reference audio. Keys are SHA-256 digests, so neither the key nor the lyrics are kept. The
 * memory lives in one n8n process (queue-mode workers do not share it) and is lost on restart.
 */
/** A tool run's repeat rule: each item's request key, and which items were repeats. */
export interface Repeats {
	/** Items without a key (New Take, or not a tool run) always create a task. */
	keys: Map<number, string>;
	/** Items answered with an earlier call's task: when that call started it. */
	repeatOf: Map<number, number>;
}

interface Started {
	/** The create call, shared by a repeat that arrives while it is still in flight. */
	task: Promise<PiApiTask>;
	startedAt: number;
}

export const songRequests = processMemory(
	'tool.songRequests',
	new RecentValues<Started>(TOOL.repeatWindowMs, TOOL.repeatEntries),
);

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The parts of a song request that make it "the same", normalised. */
export function requestFingerprint(body: CreateTaskBody): string {
	return JSON.stringify([
		body.task_type,
		body.input.lyrics
			.split('\n')
			.map(collapse)
			.filter((line) => line !== '')
			.join('\n'),
		collapse(body.input.style_prompt).toLowerCase(),
		body.input.style_audio.trim(),
	]);
}

/** Whose memory a request belongs to: the account and the tool, as one digest (no secret kept). */
export async function repeatScope(this: IExecuteFunctions): Promise<string> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const node = this.getNode();
	return JSON.stringify([
		String(credentials.apiKey ?? ''),
		String(credentials.baseUrl ?? ''),
		String(this.getWorkflow().id ?? ''),
		node.id ?? '',
		node.name,
		String(this.getNodeParameter('operation', 0, '')),
	]);
}

export function repeatKey(scope: string, body: CreateTaskBody): string {
	return createHash('sha256').update(scope).update('\n').update(requestFingerprint(body)).digest('hex');
}

/**
 * Creates the task, or returns the one an identical earlier call started (with when); a create
 * still in flight is shared.
 */
export async function createUnlessRepeated(
	key: string | undefined,
	create: () => Promise<PiApiTask>,
): Promise<{ task: PiApiTask; repeatOf?: number }> {
	const earlier = key === undefined ? undefined : songRequests.get(key);
	if (earlier) {
		try {
			return { task: await earlier.task, repeatOf: earlier.startedAt };
		} catch {
			// The earlier call created nothing: this one creates the song.
		}
	}
	const task = create();
	if (key === undefined) return { task: await task };
	const started: Started = { task, startedAt: Date.now() };
	songRequests.set(key, started);
	// A create that failed made no song: forgotten, so that the next call tries again.
	task.catch(() => {
		if (songRequests.get(key) === started) songRequests.delete(key);
	});
	return { task: await task };
}

/** The repeat rule for a tool run's prepared items; `newTake` items always create a task. */
export async function repeatsFor(
	this: IExecuteFunctions,
	prepared: Array<Step<CreateTaskBody>>,
	newTake: Set<number>,
): Promise<Repeats> {
	const repeats: Repeats = { keys: new Map(), repeatOf: new Map() };
	if (prepared.every((step) => isError(step) || newTake.has(step.itemIndex))) return repeats;
	const scope = await repeatScope.call(this);
	for (const step of prepared) {
		if (!isError(step) && !newTake.has(step.itemIndex))
			repeats.keys.set(step.itemIndex, repeatKey(scope, step.value));
	}
	return repeats;
}

/** Forgets a request whose song failed, so that calling again makes a new one. */
export function forgetRequest(repeats: Repeats | undefined, itemIndex: number): void {
	const key = repeats?.keys.get(itemIndex);
	if (key !== undefined) songRequests.delete(key);
}
