import type { IHookFunctions, INodeParameters, INodeProperties } from 'n8n-workflow';

import { PiApiTrigger } from '../../nodes/PiApiTrigger/PiApiTrigger.node';
import { DEFAULT_EVENTS, DEFAULT_OPTIONS } from '../../nodes/PiApiTrigger/description';
import packageJson from '../../package.json';
import { subtitleOf } from './subtitle';

const trigger = new PiApiTrigger();
const { description } = trigger;
const field = (name: string) => description.properties.find((p) => p.name === name);
const option = (name: string) =>
	(field('options')?.options as INodeProperties[]).find((o) => o.name === name);
const values = (property?: { options?: unknown }) =>
	(property?.options as Array<{ value: string }>).map((o) => o.value).sort();

describe('PiAPI Trigger description', () => {
	it('is a trigger n8n registers as piApiTrigger, without inputs and not usable as a tool', () => {
		expect(description).toMatchObject({
			displayName: 'PiAPI Trigger',
			name: 'piApiTrigger',
			version: 1,
			group: ['trigger'],
			inputs: [],
			credentials: [{ name: 'piApiApi', required: true }],
			icon: { light: 'file:../../icons/piapi.svg', dark: 'file:../../icons/piapi.dark.svg' },
		});
		expect(description.usableAsTool).toBeUndefined();
		expect(packageJson.n8n.nodes).toContain('dist/nodes/PiApiTrigger/PiApiTrigger.node.js');
	});

	it('has one POST webhook at path piapi that answers on receipt with its own response', () => {
		expect(description.webhooks).toEqual([
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: '',
				path: 'piapi',
			},
		]);
	});

	it('explains where the production URL goes and that n8n must be public', () => {
		const panel = JSON.stringify(description.triggerPanel);
		expect(panel).toContain('Callback URL');
		expect(panel).toContain('Production URL');
		const notice = String(field('callbackNotice')?.displayName);
		expect(notice).toMatch(/Production URL.*Callback URL/);
		expect(notice).toMatch(/public address/);
		// n8n opens Webhook URLs on the Test URL: the notice says to switch.
		expect(notice).toMatch(/opens on the <b>Test URL<\/b>.*switch it to <b>Production URL<\/b>/);
		// Shown once: not again as the panel's activation hint.
		expect(panel).not.toContain('reachable at a public address');
		expect(description.triggerPanel).not.toHaveProperty('activationHint');
	});

	it('has the documented parameters and defaults, equal to the code’s fallbacks', () => {
		expect(values(field('events'))).toEqual(['completed', 'failed', 'processing']);
		expect(field('events')?.default).toEqual(['completed', 'failed']);
		expect(field('events')?.default).toEqual(DEFAULT_EVENTS);
		expect(field('downloadAudio')?.default).toBe(true);
		expect(field('binaryPropertyName')).toMatchObject({
			default: 'data',
			displayOptions: { show: { downloadAudio: [true] } },
		});
		expect(values(option('model'))).toEqual(['any', 'diffrhythm']);
		expect(values(option('onUnconfirmed'))).toEqual(['errorItem', 'ignore']);
		expect({
			model: option('model')?.default,
			verifySecret: option('verifySecret')?.default,
			confirmWithPiApi: option('confirmWithPiApi')?.default,
			onUnconfirmed: option('onUnconfirmed')?.default,
		}).toEqual(DEFAULT_OPTIONS);
		expect(DEFAULT_OPTIONS).toEqual({
			model: 'diffrhythm',
			verifySecret: true,
			confirmWithPiApi: true,
			onUnconfirmed: 'ignore',
		});
	});

	it("names the selected events in the subtitle, through n8n's expression engine", () => {
		const subtitle = (parameters: INodeParameters) => subtitleOf(trigger, parameters);
		expect(subtitle({ events: ['completed', 'failed'] })).toBe('On completed, failed');
		expect(subtitle({ events: ['processing'] })).toBe('On processing');
	});

	it('has webhook lifecycle methods that succeed without calling anything (PiAPI registers nothing)', async () => {
		const context = {} as IHookFunctions;
		const methods = trigger.webhookMethods.default;
		expect(await methods.checkExists.call(context)).toBe(true);
		expect(await methods.create.call(context)).toBe(true);
		expect(await methods.delete.call(context)).toBe(true);
	});
});
