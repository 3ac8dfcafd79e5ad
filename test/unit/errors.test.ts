import type { INode } from 'n8n-workflow';

import { apiError, attachTask, taskFieldsOf, type RequestFacts } from '../../nodes/shared/transport/errors';
import { redactor } from '../../nodes/shared/utils/redact';

const node: INode = {
	id: '1',
	name: 'DiffRhythm',
	type: 'n8n-nodes-piapi-diffrhythm.diffRhythm',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const get: RequestFacts = {
	method: 'GET',
	path: '/api/v1/task/abc',
	attempts: 5,
	baseUrl: 'https://api.piapi.ai',
};
const post: RequestFacts = {
	method: 'POST',
	path: '/api/v1/task',
	attempts: 1,
	baseUrl: 'https://api.piapi.ai',
};
const noRedaction = (text: string) => text;

describe('apiError', () => {
	it('explains a timeout, and on create says the task may exist and was not re-sent', () => {
		const read = apiError(node, { kind: 'timeout' }, get, noRedaction);
		expect(read.message).toBe('PiAPI did not answer in time (after 5 attempts)');
		const created = apiError(node, { kind: 'timeout' }, post, noRedaction);
		expect(created.message).toBe('PiAPI did not answer in time');
		expect(created.description).toContain(
			'may have reached PiAPI and started a paid task, so it was not sent again',
		);
	});

	it('says a refused connection created nothing', () => {
		const error = apiError(node, { kind: 'network', code: 'ECONNREFUSED' }, post, noRedaction);
		expect(error.message).toBe(
			'Could not reach PiAPI at https://api.piapi.ai (connection refused)',
		);
		expect(error.description).toBe(
			'Network error code: ECONNREFUSED. Check the Base URL in the PiAPI API credential and the network of this n8n instance.',
		);
	});

	it('maps status codes and envelope codes to messages with the HTTP code', () => {
		const unauthorised = apiError(node, { kind: 'http', status: 401 }, get, noRedaction);
		expect([unauthorised.message, unauthorised.httpCode]).toEqual([
			'PiAPI rejected the API key (HTTP 401)',
			'401',
		]);
		const credits = apiError(
			node,
			{ kind: 'envelope', code: 400, message: 'insufficient balance' },
			post,
			noRedaction,
		);
		expect(credits.message).toBe('Your PiAPI account has insufficient credits');
		expect(credits.description).toContain('PiAPI said: "insufficient balance"');
		const other = apiError(
			node,
			{ kind: 'http', status: 400, message: 'bad lyrics' },
			post,
			noRedaction,
		);
		expect(other.message).toBe('PiAPI refused the request (HTTP 400)');
		expect(other.description).toBe('POST /api/v1/task. PiAPI said: "bad lyrics".');
	});

	it('removes secrets from anything the server wrote', () => {
		const redact = redactor(['sk-live-123456', 'whsec-abcdef', '', undefined]);
		const error = apiError(
			node,
			{ kind: 'http', status: 500, message: 'key sk-live-123456 and whsec-abcdef leaked' },
			get,
			redact,
		);
		expect(error.description).toBe('Try again later. PiAPI said: "key *** and *** leaked".');
		expect(JSON.stringify(error)).not.toMatch(/sk-live-123456|whsec-abcdef/);
	});
});

describe('attachTask', () => {
	it('puts the task id first in the description and remembers it for Continue On Fail', () => {
		const error = attachTask(
			apiError(node, { kind: 'http', status: 503 }, get, noRedaction),
			'task-9',
			'processing',
		);
		expect(error.description).toBe('Task id: task-9 (last status: processing). Try again later.');
		expect(taskFieldsOf(error)).toEqual({ taskId: 'task-9', status: 'processing' });
		expect(taskFieldsOf(new Error('plain'))).toEqual({});
	});
});
