import { createHmac } from 'crypto';

import { derivedSecret, secretsMatch } from '../../nodes/shared/utils/secret';
import { parseWebhookBody } from '../../nodes/shared/webhook/answers';

describe('secretsMatch', () => {
	it('accepts only the exact secret', () => {
		expect(secretsMatch('s3cret-value', 's3cret-value')).toBe(true);
		for (const wrong of ['s3cret-valuE', 's3cret-value ', 's3cret', '', 's3cret-value-longer']) {
			expect(secretsMatch('s3cret-value', wrong)).toBe(false);
		}
	});

	it('compares non-ASCII secrets by their bytes, and very long guesses in constant form', () => {
		expect(secretsMatch('clé-secrète', 'clé-secrète')).toBe(true);
		expect(secretsMatch('clé-secrète', 'cle-secrete')).toBe(false);
		expect(secretsMatch('s3cret-value', 'x'.repeat(100_000))).toBe(false);
	});

	it('never matches a missing value, a non-string, or an empty expected secret', () => {
		expect(secretsMatch('abc-123', undefined)).toBe(false);
		expect(secretsMatch('abc-123', ['abc-123'])).toBe(false);
		expect(secretsMatch('abc-123', 123)).toBe(false);
		expect(secretsMatch('', '')).toBe(false);
	});
});

describe('derivedSecret', () => {
	it('is an HMAC-SHA256 of the purpose keyed by the API key, not the key itself', () => {
		const secret = derivedSecret('key-1', 'diffrhythm-resume:42');
		expect(secret).toBe(createHmac('sha256', 'key-1').update('diffrhythm-resume:42').digest('hex'));
		expect(secret).not.toContain('key-1');
		expect(derivedSecret('key-1', 'diffrhythm-resume:43')).not.toBe(secret);
		expect(derivedSecret('key-2', 'diffrhythm-resume:42')).not.toBe(secret);
	});
});

describe('parseWebhookBody', () => {
	it('reads PiAPI webhook bodies', () => {
		const body = { timestamp: 1723018391, data: { task_id: 't-1', status: 'Completed' } };
		expect(parseWebhookBody(body)).toEqual({ task: body.data, timestamp: 1723018391 });
		expect(parseWebhookBody({ data: { task_id: 't-1', status: 'processing' } })).toMatchObject({
			timestamp: null,
		});
	});

	it('names the problem of everything else', () => {
		for (const body of [
			undefined,
			null,
			'{"data":{}}',
			[],
			{},
			{ data: [] },
			{ data: { status: 'completed' } },
			{ data: { task_id: '', status: 'completed' } },
			{ data: { task_id: '../account/info', status: 'completed' } },
			{ data: { task_id: 't-1' } },
			{ data: { task_id: 't-1', status: 7 } },
			{ task_id: 't-1', status: 'completed' },
		]) {
			expect(parseWebhookBody(body)).toEqual({ problem: expect.any(String) });
		}
	});
});
