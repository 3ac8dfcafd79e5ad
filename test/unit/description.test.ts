import type { INodeProperties } from 'n8n-workflow';

import { PiApiApi } from '../../credentials/PiApiApi.credentials';
import { DiffRhythm } from '../../nodes/DiffRhythm/DiffRhythm.node';
import { operations } from '../../nodes/DiffRhythm/actions/router';
import { TOOL, WAIT_DEFAULTS } from '../../nodes/shared/utils/constants';
import { subtitleOf } from './subtitle';

const { description } = new DiffRhythm();
const fieldsOf = (operation: string): INodeProperties[] =>
	description.properties.filter((p) => p.displayOptions?.show?.operation?.includes(operation));
const field = (operation: string, name: string) => fieldsOf(operation).find((p) => p.name === name);
const option = (operation: string, name: string) =>
	(field(operation, 'options')?.options as INodeProperties[] | undefined)?.find(
		(o) => o.name === name,
	);

describe('DiffRhythm node description', () => {
	it('offers exactly the routed operations, each with an action', () => {
		const operation = description.properties.find((p) => p.name === 'operation')!;
		const offered = (operation.options as Array<{ value: string; action?: string }>).map(
			(o) => o.value,
		);
		expect(offered.sort()).toEqual(Object.keys(operations).sort());
		for (const o of operation.options as Array<{ action?: string }>) expect(o.action).toBeTruthy();
		expect(operation.default).toBe('generateAndWait');
	});

	it("lists Generate and Wait's options by importance, not by name", () => {
		const names = (field('generateAndWait', 'options')?.options as INodeProperties[]).map(
			(o) => o.name,
		);
		expect(names).toEqual([
			'waitMode',
			'maxWaitSeconds',
			'pollIntervalSeconds',
			'concurrency',
			'maxAudioSizeMb',
			'audioInToolResult',
			'toolAnswerSeconds',
			'newTake',
		]);
	});

	it('links its docs without anchors n8n would break', () => {
		// n8n opens a node's own documentationUrl as it is; the codex URL gets `?utm_…` appended.
		expect(description.documentationUrl).toMatch(
			/^https:\/\/www\.npmjs\.com\/package\/n8n-nodes-piapi-diffrhythm#[a-z-]+$/,
		);
	});

	it('is usable as an AI tool and needs the PiAPI credential', () => {
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials).toEqual([{ name: 'piApiApi', required: true }]);
	});

	it('has the documented defaults, equal to the constants the code falls back to', () => {
		expect(field('generateAndWait', 'downloadAudio')?.default).toBe(true);
		expect(field('getTask', 'downloadAudio')?.default).toBe(false);
		expect(field('generateAndWait', 'binaryPropertyName')?.default).toBe(
			WAIT_DEFAULTS.binaryPropertyName,
		);
		expect(option('generateAndWait', 'maxWaitSeconds')?.default).toBe(WAIT_DEFAULTS.maxWaitSeconds);
		expect(option('generateAndWait', 'concurrency')?.default).toBe(WAIT_DEFAULTS.concurrency);
		expect(option('generateAndWait', 'pollIntervalSeconds')?.default).toBe(0);
		expect(field('generate', 'taskType')?.default).toBe('txt2audio-base');
		for (const operation of ['generateAndWait', 'getTask']) {
			expect(option(operation, 'toolAnswerSeconds')?.default).toBe(TOOL.answerSeconds.default);
		}
		expect(option('generateAndWait', 'newTake')?.default).toBe(false);
		expect(field('getTask', 'waitForSong')?.default).toBe(false);
	});
});

describe('PiAPI API credential', () => {
	const credential = new PiApiApi();

	it('sends the key as x-api-key and tests it with a free GET of the account', () => {
		expect(credential.authenticate).toEqual({
			type: 'generic',
			properties: { headers: { 'x-api-key': '={{$credentials.apiKey}}' } },
		});
		expect(credential.test.request).toEqual({
			baseURL: '={{$credentials.baseUrl}}',
			url: '/account/info',
			method: 'GET',
			// n8n would otherwise carry x-api-key along a redirect.
			disableFollowRedirect: true,
		});
	});

	it('hides the key and the webhook secret, and defaults to PiAPI', () => {
		const byName = Object.fromEntries(credential.properties.map((p) => [p.name, p]));
		expect(byName.apiKey.typeOptions?.password).toBe(true);
		expect(byName.webhookSecret.typeOptions?.password).toBe(true);
		expect(byName.baseUrl.default).toBe('https://api.piapi.ai');
	});
});

describe('node subtitle', () => {
	it("names the operation as the editor shows it, through n8n's expression engine", () => {
		const subtitle = (operation: string) => subtitleOf(new DiffRhythm(), { operation });
		expect(
			['generate', 'generateAndWait', 'getTask', 'listTasks', 'getAccount'].map(subtitle),
		).toEqual(['Generate', 'Generate and Wait', 'Get Task', 'Get Many Songs', 'Get Account']);
	});
});
