/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test fixtures, not real secrets */
/**
 * webhook() of the PiAPI Trigger with a small hand-made IWebhookFunctions: every hostile body and
 * header is fed straight in, and PiAPI's answers to the confirming GET are scripted. The same
 * cases run through n8n's engine and the simulator in test/integration/trigger.test.ts.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { PiApiTask } from '../../nodes/shared/model/piapi';
import { PiApiTrigger } from '../../nodes/PiApiTrigger/PiApiTrigger.node';

const API_KEY = 'sk-unit-8c1d44e0f2';
const SECRET = 'whsec-unit-3b7f9e';
const TASK_ID = '3c1e8a96-0b66-4d8b-91ed-2b7cfc914869';
const AUDIO_URL = `https://cdn.piapi.test/${TASK_ID}.mp3`;

function piApiTask(overrides: Partial<PiApiTask> = {}): PiApiTask {
	return {
		task_id: TASK_ID,
		model: 'Qubico/diffrhythm',
		task_type: 'txt2audio-base',
		status: 'completed',
		config: {
			service_mode: '',
			webhook_config: { endpoint: 'https://n8n.test/hook', secret: SECRET },
		},
		input: { lyrics: '', style_prompt: 'pop', style_audio: '' },
		output: { audio_url: AUDIO_URL },
		meta: { created_at: '2026-01-01T00:00:00Z', started_at: '0001-01-01T00:00:00Z' },
		...overrides,
	};
}

interface Call {
	body?: unknown;
	rawBody?: Buffer;
	headers?: IDataObject;
	parameters?: IDataObject;
	credentials?: IDataObject;
	/** What PiAPI answers to GET /api/v1/task/{id}: the task, or an HTTP status. Default: 404. */
	piApi?: Record<string, PiApiTask | number>;
	/**
	 * The workflow the trigger belongs to. Each call gets its own unless given, because the node
	 * remembers deliveries per workflow and node: repeats within one are dropped.
	 */
	workflowId?: string;
}

let workflows = 0;

interface Outcome {
	result: IWebhookResponseData;
	/** The HTTP status the node set itself, if it answered itself. */
	status?: number;
	answer?: unknown;
	headers: IDataObject;
	errors: string[];
	/** Paths PiAPI was asked for. */
	gets: string[];
	warnings: string[];
}

async function call(input: Call): Promise<Outcome> {
	const workflowId = input.workflowId ?? `workflow-${++workflows}`;
	const parameters: IDataObject = { downloadAudio: false, ...input.parameters };
	const credentials = input.credentials ?? {
		apiKey: API_KEY,
		baseUrl: 'https://api.piapi.test',
		webhookSecret: SECRET,
	};
	const gets: string[] = [];
	const warnings: string[] = [];
	const errors: string[] = [];
	const response: { status?: number; answer?: unknown; headers: IDataObject } = { headers: {} };
	const responseObject = {
		setHeader(name: string, value: string) {
			response.headers[name.toLowerCase()] = value;
			return responseObject;
		},
		status(code: number) {
			response.status = code;
			return responseObject;
		},
		json(body: unknown) {
			response.answer = body;
			return responseObject;
		},
	};
	const context = {
		getBodyData: () => input.body,
		getHeaderData: () => input.headers ?? { 'x-webhook-secret': SECRET },
		getRequestObject: () => ({ rawBody: input.rawBody ?? Buffer.alloc(0) }),
		getResponseObject: () => responseObject,
		getNodeParameter: (name: string, fallback?: unknown) => parameters[name] ?? fallback,
		getCredentials: async () => credentials,
		getWorkflow: () => ({ id: workflowId, name: 'receiver', active: true }),
		getNode: () => ({
			id: 'trigger',
			name: 'PiAPI Trigger',
			type: 'n8n-nodes-piapi-diffrhythm.piApiTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		logger: {
			warn: (message: string) => warnings.push(message),
			info: () => {},
			debug: () => {},
			error: (message: string) => errors.push(message),
		},
		helpers: {
			async httpRequestWithAuthentication(_type: string, options: { url: string }) {
				const path = new URL(options.url).pathname;
				gets.push(path);
				const id = decodeURIComponent(path.split('/').pop() ?? '');
				const answer = input.piApi?.[id] ?? 404;
				if (typeof answer === 'number') {
					return {
						statusCode: answer,
						headers: {},
						body: JSON.stringify({ code: answer, message: 'task not found' }),
					};
				}
				return {
					statusCode: 200,
					headers: {},
					body: JSON.stringify({ code: 200, data: answer, message: 'success' }),
				};
			},
		},
	} as unknown as IWebhookFunctions;
	const result = await new PiApiTrigger().webhook.call(context);
	return { result, ...response, gets, warnings, errors };
}

const genuine = (overrides: Partial<PiApiTask> = {}, timestamp: unknown = 1795000000) => ({
	timestamp,
	data: piApiTask(overrides),
});
const confirmed = { [TASK_ID]: piApiTask() };

/** No execution, and PiAPI got a 2xx it will not retry. */
function expectAcknowledgedOnly(outcome: Outcome): void {
	expect(outcome.status).toBeUndefined();
	expect(outcome.result).toEqual({ webhookResponse: { received: true } });
	expect(outcome.result.workflowData).toBeUndefined();
}

function expectRefused(outcome: Outcome, status: number): void {
	expect(outcome.status).toBe(status);
	expect(outcome.result).toEqual({ noWebhookResponse: true });
	expect(JSON.stringify(outcome.answer)).not.toContain(SECRET);
}

function emitted(outcome: Outcome): IDataObject {
	// Answered by the node itself, before any download, so n8n must not answer again.
	expect(outcome.status).toBe(200);
	expect(outcome.answer).toEqual({ received: true });
	expect(outcome.result.noWebhookResponse).toBe(true);
	expect(outcome.result.workflowData).toHaveLength(1);
	expect(outcome.result.workflowData![0]).toHaveLength(1);
	return outcome.result.workflowData![0][0].json;
}

describe('a genuine call', () => {
	it('emits the task PiAPI confirms, with event, timestamp and dedupe key, and without the secret', async () => {
		const outcome = await call({ body: genuine(), piApi: confirmed });
		const json = emitted(outcome);
		expect(json).toMatchObject({
			task_id: TASK_ID,
			status: 'completed',
			audioUrl: AUDIO_URL,
			event: 'completed',
			timestamp: 1795000000,
			dedupeKey: `${TASK_ID}:completed`,
		});
		expect((json.meta as IDataObject).started_at).toBeNull();
		expect(JSON.stringify(outcome.result)).not.toContain(SECRET);
		expect(outcome.result.workflowData![0][0].pairedItem).toBeUndefined();
		expect(outcome.gets).toEqual([`/api/v1/task/${TASK_ID}`]);
	});

	it('emits a failed task with PiAPI’s error and no download', async () => {
		const failed = piApiTask({
			status: 'failed',
			output: null,
			error: { code: 10000, message: 'no audio' },
		});
		const json = emitted(
			await call({
				body: { timestamp: 5, data: failed },
				piApi: { [TASK_ID]: failed },
				parameters: { downloadAudio: true },
			}),
		);
		expect(json).toMatchObject({
			success: false,
			event: 'failed',
			dedupeKey: `${TASK_ID}:failed`,
			error: `DiffRhythm task ${TASK_ID} failed: no audio`,
			piapiError: { code: 10000, message: 'no audio' },
		});
	});

	it('marks a completed song with success true and keeps PiAPI’s error object as piapiError, not error', async () => {
		const task = piApiTask({ error: { code: 0, message: '', raw_message: '' } });
		const json = emitted(await call({ body: genuine(), piApi: { [TASK_ID]: task } }));
		expect(json.success).toBe(true);
		expect(json).not.toHaveProperty('error');
		expect(json.piapiError).toEqual({ code: 0, message: '', raw_message: '' });
	});

	it.each([['COMPLETED'], ['Completed'], [' completed '], ['success']])(
		'reads the status %j as the completed event',
		async (status) => {
			const json = emitted(
				await call({ body: genuine({ status }), piApi: { [TASK_ID]: piApiTask({ status }) } }),
			);
			expect(json.event).toBe('completed');
			expect(json.dedupeKey).toBe(`${TASK_ID}:completed`);
			// One spelling to branch on; PiAPI's own is kept beside it.
			expect(json.status).toBe('completed');
			expect(json.piapiStatus).toBe(status);
		},
	);

	it('acts once on a delivery repeated to the same trigger, also when both arrive at the same moment', async () => {
		const same = { body: genuine(), piApi: confirmed, workflowId: 'repeats' };
		const [first, second] = await Promise.all([call(same), call(same)]);
		const started = [first, second].filter((outcome) => 'workflowData' in outcome.result);
		expect(started).toHaveLength(1);
		const dropped = [first, second].find((outcome) => !('workflowData' in outcome.result))!;
		expect(dropped.result).toEqual({ webhookResponse: { received: true } });
		// PiAPI was asked once: the repeat was dropped before confirming.
		expect(first.gets.length + second.gets.length).toBe(1);
		const third = await call(same);
		expect(third.result).toEqual({ webhookResponse: { received: true } });
		// Another trigger (another workflow) still gets the same task.
		expect('workflowData' in (await call({ ...same, workflowId: 'another' })).result).toBe(true);
	});

	it('handles a repeat when the first copy could not be confirmed', async () => {
		const unreachable = await call({
			body: genuine(),
			piApi: { [TASK_ID]: 503 },
			workflowId: 'retry',
		});
		expect(unreachable.status).toBe(503);
		const again = await call({ body: genuine(), piApi: confirmed, workflowId: 'retry' });
		expect('workflowData' in again.result).toBe(true);
	});

	it('keeps the delivery timestamp as sent, a numeric string as a number, and null when absent', async () => {
		const stamp = async (timestamp: unknown) =>
			emitted(await call({ body: { timestamp, data: piApiTask() }, piApi: confirmed })).timestamp;
		expect(await stamp(1723018391)).toBe(1723018391);
		expect(await stamp('1723018391')).toBe(1723018391);
		expect(await stamp(undefined)).toBeNull();
		expect(await stamp('yesterday')).toBeNull();
	});
});

describe('the secret', () => {
	it.each([
		['a wrong secret', { 'x-webhook-secret': 'whsec-unit-3b7f9X' }],
		['a longer secret', { 'x-webhook-secret': `${SECRET}x` }],
		['an empty secret', { 'x-webhook-secret': '' }],
		['no secret header', {}],
		['a repeated header', { 'x-webhook-secret': [SECRET, SECRET] }],
		['the secret in another header', { 'x-api-key': SECRET }],
	])('refuses %s with 401, before reading the body or asking PiAPI', async (_, headers) => {
		const outcome = await call({ body: genuine(), headers, piApi: confirmed });
		expectRefused(outcome, 401);
		expect(outcome.answer).toEqual({ message: 'Invalid or missing x-webhook-secret header' });
		expect(outcome.gets).toEqual([]);
	});

	it('refuses a bad secret with 401 even when the body is not JSON', async () => {
		expectRefused(await call({ body: 'not json', headers: {} }), 401);
	});

	it('accepts any call when Verify Secret is off', async () => {
		const outcome = await call({
			body: genuine(),
			headers: {},
			piApi: confirmed,
			parameters: { options: { verifySecret: false } },
		});
		emitted(outcome);
		expect(outcome.warnings).toEqual([]);
	});

	it('accepts an unverifiable call when the credential has no secret, warning once', async () => {
		const outcome = await call({
			body: genuine(),
			headers: {},
			piApi: confirmed,
			credentials: { apiKey: API_KEY, baseUrl: 'https://api.piapi.test', webhookSecret: '' },
		});
		emitted(outcome);
		expect(outcome.warnings).toHaveLength(1);
		expect(outcome.warnings[0]).toMatch(/credential has no webhook secret/);
	});
});

describe('bad bodies get 400 and start nothing', () => {
	const deep = (depth: number) => {
		let value: unknown = 'bottom';
		for (let i = 0; i < depth; i++) value = { next: value };
		return value;
	};
	it.each([
		['a text that is not JSON', 'this is not json', 'The body is not a JSON object'],
		['a JSON array', [genuine()], 'The body is not a JSON object'],
		['JSON null', null, 'The body is not a JSON object'],
		['a number', 42, 'The body is not a JSON object'],
		['an object without data', { timestamp: 1 }, 'The body has no task object in "data"'],
		['data that is a string', { data: 'task' }, 'The body has no task object in "data"'],
		['data that is an array', { data: [piApiTask()] }, 'The body has no task object in "data"'],
		['no task_id', { data: { status: 'completed' } }, '"data.task_id" is missing or not a task ID'],
		['an empty task_id', genuine({ task_id: '' }), '"data.task_id" is missing or not a task ID'],
		[
			'a numeric task_id',
			{ data: { task_id: 7, status: 'completed' } },
			'"data.task_id" is missing or not a task ID',
		],
		[
			'a task_id with a path',
			genuine({ task_id: '../account/info' }),
			'"data.task_id" is missing or not a task ID',
		],
		// URLs resolve these to the parent path: GET /api/v1/task/.. would read /api/v1/ with the key.
		['the task_id "."', genuine({ task_id: '.' }), '"data.task_id" is missing or not a task ID'],
		['the task_id ".."', genuine({ task_id: '..' }), '"data.task_id" is missing or not a task ID'],
		[
			'a task_id with a query',
			genuine({ task_id: 'a?b=c' }),
			'"data.task_id" is missing or not a task ID',
		],
		[
			'a task_id with a newline',
			genuine({ task_id: 'a\nb' }),
			'"data.task_id" is missing or not a task ID',
		],
		[
			'a task_id of 200 characters',
			genuine({ task_id: 'a'.repeat(200) }),
			'"data.task_id" is missing or not a task ID',
		],
		['no status', { data: { task_id: TASK_ID } }, '"data.status" is missing or not a task status'],
		['a blank status', genuine({ status: '  ' }), '"data.status" is missing or not a task status'],
		[
			'a numeric status',
			{ data: { task_id: TASK_ID, status: 200 } },
			'"data.status" is missing or not a task status',
		],
		[
			'a status of 10 000 characters',
			genuine({ status: 'x'.repeat(10_000) }),
			'"data.status" is missing or not a task status',
		],
		[
			'a task nested 100 000 deep',
			{ data: { ...piApiTask(), output: deep(100_000) } },
			'The task in "data" is nested too deeply',
		],
	])('%s', async (_, body, message) => {
		const outcome = await call({ body, piApi: confirmed });
		expectRefused(outcome, 400);
		expect(outcome.answer).toEqual({ message });
		expect(outcome.gets).toEqual([]);
	});

	it('an empty body (n8n parsed nothing and the raw body is empty)', async () => {
		const outcome = await call({ body: {}, piApi: confirmed });
		expectRefused(outcome, 400);
	});

	it('a raw body that is not JSON under an unknown content type', async () => {
		expectRefused(await call({ body: {}, rawBody: Buffer.from('<xml/>') }), 400);
	});
});

describe('JSON under another content type', () => {
	it('reads a JSON text body (text/plain)', async () => {
		const json = emitted(await call({ body: JSON.stringify(genuine()), piApi: confirmed }));
		expect(json.dedupeKey).toBe(`${TASK_ID}:completed`);
	});

	it('reads the raw body when n8n parsed nothing', async () => {
		const json = emitted(
			await call({ body: {}, rawBody: Buffer.from(JSON.stringify(genuine())), piApi: confirmed }),
		);
		expect(json.task_id).toBe(TASK_ID);
	});
});

describe('unwanted calls are acknowledged with 200 and start nothing', () => {
	it.each([['processing'], ['pending'], ['staged'], ['PROCESSING'], ['some-new-status']])(
		'an in-progress status (%j) when In Progress is not selected',
		async (status) => {
			const outcome = await call({ body: genuine({ status }), piApi: confirmed });
			expectAcknowledgedOnly(outcome);
			expect(outcome.gets).toEqual([]);
		},
	);

	it('a failed task when only Completed is selected', async () => {
		const outcome = await call({
			body: genuine({ status: 'failed' }),
			parameters: { events: ['completed'] },
		});
		expectAcknowledgedOnly(outcome);
		expect(outcome.gets).toEqual([]);
	});

	it('emits in-progress calls when selected, as the processing event', async () => {
		const processing = piApiTask({ status: 'processing', output: null });
		const json = emitted(
			await call({
				body: { timestamp: 1, data: processing },
				piApi: { [TASK_ID]: processing },
				parameters: { events: ['processing'], downloadAudio: true },
			}),
		);
		expect(json).toMatchObject({
			event: 'processing',
			dedupeKey: `${TASK_ID}:processing`,
			audioUrl: null,
		});
	});

	it.each([['Qubico/ace-step'], [undefined], [''], [42]])(
		'a task of another model (%j) when the model is DiffRhythm',
		async (model) => {
			const outcome = await call({ body: genuine({ model: model as string }), piApi: confirmed });
			expectAcknowledgedOnly(outcome);
			expect(outcome.gets).toEqual([]);
		},
	);

	it('accepts the model in any casing', async () => {
		emitted(await call({ body: genuine({ model: 'qubico/DiffRhythm' }), piApi: confirmed }));
	});

	it('emits other models with Model set to Any', async () => {
		const aceStep = piApiTask({ model: 'Qubico/ace-step' });
		const json = emitted(
			await call({
				body: { timestamp: 1, data: aceStep },
				piApi: { [TASK_ID]: aceStep },
				parameters: { options: { model: 'any' } },
			}),
		);
		expect(json.model).toBe('Qubico/ace-step');
	});
});

describe('Confirm With PiAPI', () => {
	it('drops a call about a task PiAPI does not have (404), starting nothing', async () => {
		const outcome = await call({ body: genuine(), piApi: {} });
		expectAcknowledgedOnly(outcome);
		expect(outcome.gets).toEqual([`/api/v1/task/${TASK_ID}`]);
		expect(outcome.warnings.join('\n')).toMatch(/PiAPI has no such task/);
	});

	it('treats 400 for the id as no such task too', async () => {
		expectAcknowledgedOnly(await call({ body: genuine(), piApi: { [TASK_ID]: 400 } }));
	});

	it('answers 503 to a call claiming completed while PiAPI reports processing, so PiAPI delivers it again', async () => {
		const outcome = await call({
			body: genuine(),
			piApi: { [TASK_ID]: piApiTask({ status: 'processing', output: null }) },
		});
		expectRefused(outcome, 503);
		expect(outcome.headers['retry-after']).toBe('3');
		expect(outcome.answer).toEqual({
			message: `PiAPI does not report task ${TASK_ID} as finished yet; please deliver this call again`,
		});
		expect(outcome.gets).toEqual([`/api/v1/task/${TASK_ID}`]);
	});

	it('drops a call claiming completed while PiAPI reports failed', async () => {
		const outcome = await call({
			body: genuine(),
			piApi: { [TASK_ID]: piApiTask({ status: 'failed', output: null }) },
		});
		expectAcknowledgedOnly(outcome);
		expect(outcome.warnings.join('\n')).toMatch(/PiAPI reports the task as "failed"/);
	});

	it('drops a call whose task PiAPI reports for another model', async () => {
		expectAcknowledgedOnly(
			await call({
				body: genuine(),
				piApi: { [TASK_ID]: piApiTask({ model: 'Qubico/ace-step' }) },
			}),
		);
	});

	it('emits what PiAPI reports, not an audio URL the call injected', async () => {
		const json = emitted(
			await call({
				body: genuine({
					output: { audio_url: 'https://evil.test/malware.mp3' },
					input: { lyrics: 'forged' },
				}),
				piApi: confirmed,
			}),
		);
		expect(json.audioUrl).toBe(AUDIO_URL);
		expect(JSON.stringify(json)).not.toContain('evil.test');
		expect(JSON.stringify(json)).not.toContain('forged');
	});

	it('emits only the fetched task of a huge call', async () => {
		const json = emitted(
			await call({
				body: genuine({ input: { lyrics: 'la '.repeat(2_000_000) } }),
				piApi: confirmed,
			}),
		);
		expect(JSON.stringify(json).length).toBeLessThan(5_000);
	});

	it('with On Unconfirmed set to error item, emits the error, the ids and both statuses, never the claimed task', async () => {
		const outcome = await call({
			body: genuine({ output: { audio_url: 'https://evil.test/x.mp3' } }, 77),
			piApi: { [TASK_ID]: piApiTask({ status: 'Failed', output: null }) },
			parameters: { options: { onUnconfirmed: 'errorItem' } },
		});
		expect(emitted(outcome)).toEqual({
			success: false,
			error: 'PiAPI does not confirm this call: PiAPI reports the task as "Failed"',
			taskId: TASK_ID,
			claimedStatus: 'completed',
			confirmedStatus: 'Failed',
			timestamp: 77,
		});
	});

	it('with On Unconfirmed set to error item, reports a missing task with a null confirmed status', async () => {
		const json = emitted(
			await call({
				body: genuine(),
				piApi: {},
				parameters: { options: { onUnconfirmed: 'errorItem' } },
			}),
		);
		expect(json).toMatchObject({
			taskId: TASK_ID,
			claimedStatus: 'completed',
			confirmedStatus: null,
		});
	});

	it('answers 503 when PiAPI rejects the API key, starting nothing and naming no secret', async () => {
		const outcome = await call({ body: genuine(), piApi: { [TASK_ID]: 401 } });
		expect(outcome.status).toBe(503);
		expect(outcome.result).toEqual({ noWebhookResponse: true });
		expect(outcome.answer).toEqual({
			message: `Could not confirm task ${TASK_ID} with PiAPI; please retry`,
		});
		const text = JSON.stringify(outcome);
		expect(text).not.toContain(API_KEY);
		expect(text).not.toContain(SECRET);
	});

	it('when off, emits the call’s own task (secret removed) without asking PiAPI', async () => {
		const outcome = await call({
			body: genuine({ status: 'Completed' }),
			parameters: { options: { confirmWithPiApi: false } },
		});
		const json = emitted(outcome);
		expect(json).toMatchObject({ task_id: TASK_ID, event: 'completed', audioUrl: AUDIO_URL });
		expect(JSON.stringify(json)).not.toContain(SECRET);
		expect(outcome.gets).toEqual([]);
	});
});

describe('a final call PiAPI does not confirm yet', () => {
	afterEach(() => jest.restoreAllMocks());

	it('is read at most once per few seconds, answered 503 meanwhile, and starts one execution once PiAPI confirms', async () => {
		const workflowId = 'workflow-early-call';
		const processing = { [TASK_ID]: piApiTask({ status: 'processing', output: null }) };
		const start = Date.now();
		const now = jest.spyOn(Date, 'now').mockReturnValue(start);
		const first = await call({ body: genuine(), piApi: processing, workflowId });
		expectRefused(first, 503);
		expect(first.gets).toHaveLength(1);
		// 500 repeats in the same second (PiAPI retrying, or anyone with the secret): no GET.
		for (let i = 0; i < 500; i++) {
			const repeat = await call({ body: genuine(), piApi: processing, workflowId });
			expectRefused(repeat, 503);
			expect(repeat.gets).toEqual([]);
		}
		// Later, PiAPI's read says completed: one GET, one execution.
		now.mockReturnValue(start + 3_500);
		const later = await call({ body: genuine(), piApi: confirmed, workflowId });
		expect(emitted(later).task_id).toBe(TASK_ID);
		expect(later.gets).toHaveLength(1);
		// And the next repeat is a duplicate: acknowledged, nothing started, no GET.
		const again = await call({ body: genuine(), piApi: confirmed, workflowId });
		expectAcknowledgedOnly(again);
		expect(again.gets).toEqual([]);
	});

	it('is given up after ten minutes of deliveries PiAPI never confirms: answered 200, nothing started', async () => {
		const workflowId = 'workflow-never-confirmed';
		const processing = { [TASK_ID]: piApiTask({ status: 'processing', output: null }) };
		const start = Date.now();
		const now = jest.spyOn(Date, 'now').mockReturnValue(start);
		expectRefused(await call({ body: genuine(), piApi: processing, workflowId }), 503);
		now.mockReturnValue(start + 300_000);
		expectRefused(await call({ body: genuine(), piApi: processing, workflowId }), 503);
		now.mockReturnValue(start + 601_000);
		const givenUp = await call({ body: genuine(), piApi: processing, workflowId });
		expectAcknowledgedOnly(givenUp);
		expect(givenUp.gets).toEqual([]);
		expect(givenUp.warnings.join('\n')).toMatch(
			/PiAPI has not reported the task as finished in 601 s/,
		);
	});
});

describe('fields that an expression set to a value no field may have: the call is refused', () => {
	const cases: Array<[string, IDataObject, RegExp]> = [
		['Verify Secret = null', { options: { verifySecret: null } }, /Verify Secret: is empty/],
		['Verify Secret = ""', { options: { verifySecret: '' } }, /Verify Secret: is an empty text/],
		[
			'Verify Secret = "false"',
			{ options: { verifySecret: 'false' } },
			/Verify Secret: is the text "false"/,
		],
		['Verify Secret = 0', { options: { verifySecret: 0 } }, /Verify Secret: is 0/],
		[
			'Confirm With PiAPI = null, Verify Secret = null',
			{ options: { confirmWithPiApi: null, verifySecret: null } },
			/Verify Secret: is empty/,
		],
		[
			'Confirm With PiAPI = "no"',
			{ options: { confirmWithPiApi: 'no' } },
			/Confirm With PiAPI: is the text "no"/,
		],
		[
			'Events = 5',
			{ events: 5 },
			/Events: is 5; it must be a list of "completed", "failed", "processing"/,
		],
		['Events = ["done"]', { events: ['done'] }, /Events: is a list/],
		['Model = null', { options: { model: null } }, /Model: is empty/],
		['On Unconfirmed Call = 7', { options: { onUnconfirmed: 7 } }, /On Unconfirmed Call: is 7/],
		['Download Audio = "yes"', { downloadAudio: 'yes' }, /Download Audio: is the text "yes"/],
	];

	it.each(cases)(
		'%s: 500, no GET, nothing started, an error in the log naming the field',
		async (_name, parameters, logged) => {
			// A forged call without the secret about a made-up task, with an injected audio URL.
			const outcome = await call({
				body: genuine({ output: { audio_url: 'https://evil.test/x.mp3' } }),
				headers: {},
				parameters,
				piApi: confirmed,
			});
			expectRefused(outcome, 500);
			expect(outcome.answer).toEqual({
				message:
					'This webhook is not set up correctly, so the call was refused; the n8n log says why',
			});
			expect(outcome.gets).toEqual([]);
			expect(outcome.errors.join('\n')).toMatch(logged);
		},
	);

	it('reads a real false as off', async () => {
		const outcome = await call({
			body: genuine(),
			headers: {},
			parameters: { options: { verifySecret: false } },
			piApi: confirmed,
		});
		expect(emitted(outcome).task_id).toBe(TASK_ID);
	});
});
