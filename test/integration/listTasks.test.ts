import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { diffRhythmWorkflow, runWorkflow } from '../harness';
import { credentialsFor, expectNoSecrets, items, runNode, useSimulator } from './helpers';

const sim = useSimulator({ pendingMs: 20, renderMs: 50, audioSeconds: 1 });

const HISTORY = '/api/open/tasks/histories';
const LIST = { operation: 'listTasks' };
const ALL_MODELS = { filters: { model: 'all' } };

/** The history requests the simulator saw, as `page/page_size/model`. */
function historyQueries(): string[] {
	return sim.requests
		.filter((request) => request.path === HISTORY)
		.map((request) => `${request.query.page}/${request.query.page_size}/${request.query.model ?? '-'}`);
}

/** `count` finished tasks, one second apart, the newest first in the returned list. */
function pastTasks(count: number, options: { status?: 'completed' | 'failed'; ageMs?: number } = {}) {
	const ids: string[] = [];
	const base = Date.now() - (options.ageMs ?? 60_000);
	for (let i = 0; i < count; i++) {
		ids.push(sim.addPastTask({ status: options.status, createdAt: base - i * 1000 }));
	}
	return ids;
}

async function fileBytes(taskId: string): Promise<Buffer> {
	const response = await fetch(`${sim.url}/files/${taskId}.wav`);
	return Buffer.from(await response.arrayBuffer());
}

describe('Get Many Songs: paging', () => {
	it('lists nothing for an empty account, asking both names PiAPI uses for DiffRhythm', async () => {
		const result = await runNode(sim, { ...LIST });
		expect(result.status).toBe('success');
		expect(result.output('DiffRhythm')).toEqual([]);
		expect(historyQueries()).toEqual(['1/100/diffrhythm', '1/100/diffrythm']);
		const [query] = sim.requests.map((request) => request.query);
		const end = Number(query.end_time);
		expect(end - Number(query.start_time)).toBeGreaterThanOrEqual(86400);
		expect(end - Number(query.start_time)).toBeLessThanOrEqual(86401);
		expect(Math.abs(end - Date.now() / 1000)).toBeLessThan(60);
	});

	it('returns one item per task of exactly one page, with id, status, time and usage', async () => {
		const ids = pastTasks(3);
		const result = await runNode(sim, { ...LIST });
		const out = result.output('DiffRhythm')!;
		expect(out.map((item) => item.json.task_id)).toEqual(ids);
		expect(out[0].json).toMatchObject({
			task_id: ids[0],
			status: 'completed',
			piapiStatus: 'completed',
			model: 'diffrythm',
			createdAt: new Date(sim.tasks.get(ids[0])!.createdAt).toISOString(),
			usage: 200000,
			usageType: 'llm',
			history: { task_id: ids[0], detail: { model: 'Qubico/diffrhythm' } },
		});
		expect(out[0].pairedItem).toEqual({ item: 0 });
		expect(out[0].binary).toBeUndefined();
		// The misspelt name holds the tasks here; a short page (3 of 100) ends the paging.
		expect(historyQueries()).toEqual(['1/100/diffrhythm', '1/100/diffrythm']);
		expect(sim.count('GET', '/api/v1/task')).toBe(0);
		expectNoSecrets(result);
	});

	it('pages through many pages with Return All, never asking for more than 100 at once', async () => {
		const ids = pastTasks(250);
		const result = await runNode(sim, { ...LIST, ...ALL_MODELS, returnAll: true });
		const out = result.output('DiffRhythm')!;
		expect(out).toHaveLength(250);
		expect(out.map((item) => item.json.task_id)).toEqual(ids);
		expect(historyQueries()).toEqual(['1/100/-', '2/100/-', '3/100/-']);
	});

	it('reads exactly one full page with one request when PiAPI’s total says that is all', async () => {
		pastTasks(100);
		const result = await runNode(sim, { ...LIST, ...ALL_MODELS, returnAll: true });
		expect(result.output('DiffRhythm')).toHaveLength(100);
		expect(historyQueries()).toEqual(['1/100/-']);
	});

	it('stops at PiAPI’s total when the last page is full', async () => {
		pastTasks(200);
		const result = await runNode(sim, { ...LIST, ...ALL_MODELS, returnAll: true });
		expect(result.output('DiffRhythm')).toHaveLength(200);
		expect(historyQueries()).toEqual(['1/100/-', '2/100/-']);
	});

	it('stops at a page that repeats the previous one (a server ignoring page)', async () => {
		const ids = pastTasks(250);
		sim.addFault({ kind: 'repeatPage', path: HISTORY, times: Infinity });
		const result = await runNode(sim, { ...LIST, ...ALL_MODELS, returnAll: true });
		expect(result.output('DiffRhythm')!.map((item) => item.json.task_id)).toEqual(ids.slice(0, 100));
		expect(historyQueries()).toEqual(['1/100/-', '2/100/-']);
	});

	it('stops at an empty page even when the total says more', async () => {
		pastTasks(250);
		sim.addFault({ kind: 'repeatPage', path: HISTORY, times: 1 });
		sim.addFault({ kind: 'emptyPage', path: HISTORY, times: Infinity });
		const result = await runNode(sim, { ...LIST, ...ALL_MODELS, returnAll: true, options: { pageSize: 50 } });
		// Page 1 (repeatPage serves page 1 as itself), then an empty page 2.
		expect(result.output('DiffRhythm')).toHaveLength(50);
		expect(historyQueries()).toEqual(['1/50/-', '2/50/-']);
	});

	it('never pages on without end: Return All past the cap is an error, Limit returns what it found', async () => {
		const ids = pastTasks(501);
		const result = await runNode(sim, { ...LIST, ...ALL_MODELS, returnAll: true, options: { pageSize: 1 } });
		expect(result.error?.message).toBe(
			'More tasks were created in the time window than one listing reads (500 pages of 1, 500 tasks)',
		);
		expect(String(result.error?.description)).toContain('or a larger Page Size (up to 100)');
		expect(sim.count('GET', HISTORY)).toBe(500);
		sim.requests.length = 0;
		const some = await runNode(sim, { ...LIST, ...ALL_MODELS, limit: 3, options: { pageSize: 1 } });
		expect(some.output('DiffRhythm')!.map((item) => item.json.task_id)).toEqual(ids.slice(0, 3));
		expect(historyQueries()).toEqual(['1/1/-', '2/1/-', '3/1/-']);
	});

	it('returns at most Limit tasks and stops paging once it has them', async () => {
		const ids = pastTasks(250);
		const result = await runNode(sim, { ...LIST, ...ALL_MODELS, limit: 30, options: { pageSize: 20 } });
		expect(result.output('DiffRhythm')!.map((item) => item.json.task_id)).toEqual(ids.slice(0, 30));
		expect(historyQueries()).toEqual(['1/20/-', '2/20/-']);
	});

	it('refuses a Page Size above PiAPI’s 100 before any request, naming the option', async () => {
		pastTasks(2);
		const result = await runNode(sim, { ...LIST, options: { pageSize: 101 } });
		expect(result.error?.message).toBe('Page Size: is 101; it must be a whole number from 1 to 100');
		expect(sim.requests).toHaveLength(0);
	});

	it('checks every item’s fields before the first request', async () => {
		const result = await runNode(
			sim,
			{ ...LIST, limit: '={{ $json.index === 1 ? "many" : 5 }}' },
			{ items: items(2) },
		);
		expect(result.error?.message).toBe('Limit: is the text "many"; it must be a whole number from 1 to 10000');
		expect(sim.requests).toHaveLength(0);
	});

	it('gives a PiAPI refusal of the history as a clear error', async () => {
		sim.addFault({ kind: 'status', status: 400, path: HISTORY, body: { code: 400, message: 'page_size too large' } });
		const result = await runNode(sim, { ...LIST, ...ALL_MODELS });
		expect(result.error?.message).toBe('PiAPI refused the request (HTTP 400)');
		expect(String(result.error?.description)).toContain('page_size too large');
	});
});

describe('Get Many Songs: filters', () => {
	it('keeps only the chosen statuses', async () => {
		const [failed] = pastTasks(1, { status: 'failed' });
		const completed = pastTasks(2, { ageMs: 120_000 });
		const only = await runNode(sim, { ...LIST, filters: { status: ['completed'] } });
		expect(only.output('DiffRhythm')!.map((item) => item.json.task_id)).toEqual(completed);
		const failedOnly = await runNode(sim, { ...LIST, filters: { status: ['failed'] } });
		expect(failedOnly.output('DiffRhythm')!.map((item) => item.json)).toMatchObject([
			{ task_id: failed, status: 'failed', usage: 0 },
		]);
		const bad = await runNode(sim, { ...LIST, filters: { status: ['done'] } });
		expect(bad.error?.message).toBe(
			'Filters → Status: is a list; it must be a list of "completed", "failed", "waiting"',
		);
	});

	it('lists by creation time: last hour, 24 hours, 7 days, or between two dates', async () => {
		const [recent] = pastTasks(1, { ageMs: 60_000 });
		const [yesterday] = pastTasks(1, { ageMs: 30 * 3600_000 });
		const [lastMonth] = pastTasks(1, { ageMs: 20 * 86400_000 });
		const ids = async (parameters: IDataObject) =>
			(await runNode(sim, { ...LIST, ...parameters })).output('DiffRhythm')!.map((item) => item.json.task_id);
		expect(await ids({ createdWithin: 'lastHour' })).toEqual([recent]);
		expect(await ids({})).toEqual([recent]);
		expect(await ids({ createdWithin: 'last7Days' })).toEqual([recent, yesterday]);
		expect(await ids({ createdWithin: 'last30Days' })).toEqual([recent, yesterday, lastMonth]);
		const at = (ms: number) => new Date(ms).toISOString();
		expect(
			await ids({
				createdWithin: 'custom',
				createdAfter: at(Date.now() - 40 * 3600_000),
				createdBefore: at(Date.now() - 20 * 3600_000),
			}),
		).toEqual([yesterday]);
		const last = sim.requests[sim.requests.length - 1].query;
		expect(Number(last.end_time) - Number(last.start_time)).toBeGreaterThanOrEqual(20 * 3600 - 1);
		expect(Number(last.end_time) - Number(last.start_time)).toBeLessThanOrEqual(20 * 3600 + 1);
	});

	it('refuses a window that is not one, before any request', async () => {
		const start = sim.requests.length;
		const noDate = await runNode(sim, { ...LIST, createdWithin: 'custom', createdAfter: 'yesterday' });
		expect(noDate.error?.message).toBe(
			'Created After: is the text "yesterday"; it must be a date and time such as 2026-12-04T10:00:00',
		);
		const reversed = await runNode(sim, {
			...LIST,
			createdWithin: 'custom',
			createdAfter: '2026-12-04T10:00:00Z',
			createdBefore: '2026-12-03T10:00:00Z',
		});
		expect(reversed.error?.message).toBe('Created After must be earlier than Created Before');
		expect(sim.requests.length).toBe(start);
	});

	it('finds DiffRhythm under either name and leaves other models out', async () => {
		const spelled = await runNode(sim, { ...LIST });
		expect(spelled.output('DiffRhythm')).toEqual([]);
		const ids = pastTasks(2);
		// A server that ignores the model filter: an entry of another model is dropped.
		sim.addFault({
			kind: 'status',
			status: 200,
			path: HISTORY,
			body: {
				code: 200,
				message: 'success',
				data: {
					list: [
						{ task_id: 'aaaaaaaa-0000-4000-8000-000000000001', task_model: 'flux', status: 'completed' },
						{ task_id: ids[1], task_model: 'diffrhythm', status: 'completed', created_at: 1700000000 },
					],
					total: 2,
				},
			},
		});
		const result = await runNode(sim, { ...LIST });
		const out = result.output('DiffRhythm')!;
		expect(out.map((item) => item.json.task_id)).toEqual([ids[0], ids[1]]);
		// The entry given with Unix seconds and the other spelling's entry, merged without repeats.
		const all = await runNode(sim, { ...LIST, ...ALL_MODELS });
		expect(all.output('DiffRhythm')).toHaveLength(2);
	});
});

describe('Get Many Songs: recovery with Download Audio', () => {
	it('downloads every completed song byte for byte; a deleted file or a non-audio answer is an item with the error', async () => {
		const [failed] = pastTasks(1, { status: 'failed' });
		const [good, expired, notAudio] = pastTasks(3, { ageMs: 120_000 });
		sim.addFault({ kind: 'status', status: 404, path: `/files/${expired}.wav`, times: Infinity });
		sim.addFault({
			kind: 'status',
			status: 200,
			path: `/files/${notAudio}.wav`,
			headers: { 'content-type': 'audio/wav' },
			rawBody: '<html><body>Service temporarily unavailable</body></html>'.padEnd(4096, ' '),
		});
		const result = await runNode(sim, { ...LIST, downloadAudio: true, binaryPropertyName: 'song' });
		expect(result.status).toBe('success');
		const out = result.output('DiffRhythm')!;
		expect(out.map((item) => item.json.task_id)).toEqual([failed, good, expired, notAudio]);
		// The history twice (both names), one GET per completed song, one download each, no POST.
		expect(sim.count('GET', HISTORY)).toBe(2);
		expect(sim.count('GET', '/api/v1/task/')).toBe(3);
		expect(sim.count('GET', '/files/')).toBe(3);
		expect(sim.count('POST')).toBe(0);
		const [failedItem, goodItem, expiredItem, notAudioItem] = out;
		expect(failedItem.binary).toBeUndefined();
		expect(failedItem.json.status).toBe('failed');
		expect(goodItem.json).toMatchObject({ task_id: good, status: 'completed' });
		expect(goodItem.json.audioUrl).toBe(`${sim.url}/files/${good}.wav`);
		expect(goodItem.binary?.song.mimeType).toBe('audio/wav');
		expect((await result.binaryBuffer(goodItem, 'song')).equals(await fileBytes(good))).toBe(true);
		expect(expiredItem.binary).toBeUndefined();
		expect(expiredItem.json).toMatchObject({
			task_id: expired,
			taskId: expired,
			error: `Could not download the audio of task ${expired} (HTTP 404)`,
		});
		expect(notAudioItem.binary).toBeUndefined();
		expect(String(notAudioItem.json.error)).toContain(`Could not download the audio of task ${notAudio}`);
		expectNoSecrets(result);
	});

	it('a task PiAPI no longer has is an item with the error and its id', async () => {
		const [gone] = pastTasks(2);
		sim.addFault({ kind: 'status', status: 404, path: `/api/v1/task/${gone}`, times: Infinity });
		const result = await runNode(sim, { ...LIST, downloadAudio: true });
		const [goneItem, keptItem] = result.output('DiffRhythm')!;
		expect(goneItem.json).toMatchObject({ task_id: gone, error: `PiAPI has no task "${gone}"` });
		expect(keptItem.binary?.data.mimeType).toBe('audio/wav');
	});

	it('downloads at most Download Concurrency songs at a time', async () => {
		pastTasks(6);
		const result = await runNode(sim, {
			...LIST,
			downloadAudio: true,
			options: { downloadConcurrency: 2, maxAudioSizeMb: 5 },
		});
		expect(result.output('DiffRhythm')!.every((item) => item.binary?.data)).toBe(true);
		expect(sim.maxInFlight((request) => request.path.startsWith('/api/v1/task/'))).toBeLessThanOrEqual(2);
		const bad = await runNode(sim, { ...LIST, downloadAudio: true, options: { downloadConcurrency: 0 } });
		expect(bad.error?.message).toBe('Download Concurrency: is 0; it must be a whole number from 1 to 10');
	});

	it('applies Max Audio Size as everywhere: a larger song is an item with the error', async () => {
		const [id] = pastTasks(1);
		sim.addFault({
			kind: 'status',
			status: 200,
			path: `/files/${id}.wav`,
			headers: { 'content-type': 'audio/wav', 'content-length': String(3 * 1048576) },
			rawBody: Buffer.alloc(0),
		});
		const result = await runNode(sim, { ...LIST, downloadAudio: true, options: { maxAudioSizeMb: 1 } });
		const [item] = result.output('DiffRhythm')!;
		expect(String(item.json.error)).toContain('more than Max Audio Size (1 MB)');
		expect(item.json.task_id).toBe(id);
	});
});

describe('Get Account', () => {
	it('reads credits, balance and the concurrency limit, for free', async () => {
		const result = await runNode(sim, { operation: 'getAccount' });
		const [item] = result.output('DiffRhythm')!;
		expect(item.json).toMatchObject({
			accountId: 'sim-account',
			plan: 'creator',
			balanceUsd: 1000,
			creditsAvailable: 50000 * 200000,
			creditsUsed: 0,
			maxConcurrentTasks: 1000,
		});
		expect(sim.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /account/info']);
	});

	it('never passes on a key field of the answer, and says null for what PiAPI did not report', async () => {
		sim.addFault({
			kind: 'status',
			status: 200,
			path: '/account/info',
			body: { code: 200, message: 'success', data: { id: 7, api_key: 'sk-live-leak', equivalent_in_usd: '3.5' } },
		});
		const result = await runNode(sim, { operation: 'getAccount' });
		const [item] = result.output('DiffRhythm')!;
		expect(item.json).toMatchObject({ accountId: '7', balanceUsd: 3.5, creditsAvailable: null, maxConcurrentTasks: null });
		expect(JSON.stringify(result.run)).not.toContain('sk-live-leak');
	});
});

describe('Get Many Songs as an AI Agent tool', () => {
	async function runAsTool(parameters: IDataObject) {
		const result = await runWorkflow({
			workflow: diffRhythmWorkflow(parameters, { rewireOutputLogTo: 'ai_tool' }),
			credentials: credentialsFor(sim),
		});
		const runs = result.run.data.resultData.runData.DiffRhythm;
		return (runs?.[runs.length - 1]?.data?.ai_tool?.[0] ?? []) as INodeExecutionData[];
	}

	it('answers with id, status and time per song, never audio', async () => {
		const ids = pastTasks(2);
		const answer = await runAsTool({ ...LIST, downloadAudio: true });
		expect(answer.map((item) => item.json)).toEqual(
			ids.map((id) => ({
				taskId: id,
				status: 'completed',
				createdAt: new Date(sim.tasks.get(id)!.createdAt).toISOString(),
			})),
		);
		expect(answer.every((item) => item.binary === undefined)).toBe(true);
		expect(sim.count('GET', '/files/')).toBe(0);
		expect(sim.count('GET', '/api/v1/task/')).toBe(0);
	});

	it('says so when there is nothing to list', async () => {
		const answer = await runAsTool({ ...LIST });
		expect(answer.map((item) => item.json)).toEqual([
			{ tasks: 0, message: 'No songs were created in that time window.' },
		]);
	});
});

describe('Get Many Songs: answers it cannot read', () => {
	const HISTORY_ONLY = { kind: 'status' as const, status: 200, path: HISTORY };

	it('stops with an error naming the fields when the answer holds no list', async () => {
		sim.addFault({ ...HISTORY_ONLY, body: { code: 200, message: 'success', data: { page: 1, a: [1], b: [2] } } });
		const result = await runNode(sim, { ...LIST, ...ALL_MODELS });
		expect(result.error?.message).toBe("PiAPI's task history answer held no list of tasks");
		expect(String(result.error?.description)).toContain('fields: page, a, b');
	});

	it('stops with an error when an entry has no readable task id, rather than dropping it', async () => {
		sim.addFault({ ...HISTORY_ONLY, body: { code: 200, message: 'success', data: [{ taskId: 'x', status: 'completed' }] } });
		const result = await runNode(sim, { ...LIST, ...ALL_MODELS });
		expect(result.error?.message).toBe("PiAPI's task history listed a task without a readable task id (page 1)");
		expect(String(result.error?.description)).toContain('Fields of the entry: taskId, status');
	});

	it('answers Get Account as an agent tool with its item', async () => {
		const result = await runWorkflow({
			workflow: diffRhythmWorkflow({ operation: 'getAccount' }, { rewireOutputLogTo: 'ai_tool' }),
			credentials: credentialsFor(sim),
		});
		const runs = result.run.data.resultData.runData.DiffRhythm;
		const [item] = (runs?.[0]?.data?.ai_tool?.[0] ?? []) as INodeExecutionData[];
		expect(item.json).toMatchObject({ balanceUsd: 1000, maxConcurrentTasks: 1000 });
	});
});
