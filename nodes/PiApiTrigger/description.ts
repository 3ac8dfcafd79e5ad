import type { INode, INodeProperties, TriggerPanelDefinition } from 'n8n-workflow';

import {
	downloadOn,
	maxAudioSizeOption,
	readOutputOptions,
	type OutputOptions,
	type ParameterReader,
} from '../shared/parameters/descriptions';
import {
	choiceOption,
	choicesOption,
	optionOf,
	securityToggle,
} from '../shared/parameters/options';

/** What a PiAPI webhook announces, as the trigger names it: the task's status, phase-normalised. */
export type TriggerEvent = 'completed' | 'failed' | 'processing';

export type ModelFilter = 'diffrhythm' | 'any';

export type OnUnconfirmed = 'ignore' | 'errorItem';

/** The trigger's `options` collection, with every default filled in. */
export interface TriggerOptions {
	model: ModelFilter;
	verifySecret: boolean;
	confirmWithPiApi: boolean;
	onUnconfirmed: OnUnconfirmed;
}

export const DEFAULT_EVENTS: TriggerEvent[] = ['completed', 'failed'];

export const DEFAULT_OPTIONS: TriggerOptions = {
	model: 'diffrhythm',
	verifySecret: true,
	confirmWithPiApi: true,
	onUnconfirmed: 'ignore',
};

/** Every field of the trigger, checked: what one call is handled with. */
export interface TriggerSettings extends TriggerOptions {
	events: TriggerEvent[];
	output: OutputOptions;
}

/**
 * Reads every field of the trigger through the checkers the DiffRhythm node uses, before the call
 * is looked at. Throws (naming the field) on a value no expression should give: the caller refuses
 * the call, so that nothing runs with a guard or a filter that an expression switched off.
 */
export function readTriggerSettings(node: INode, read: ParameterReader): TriggerSettings {
	const options = read('options', {});
	return {
		verifySecret: securityToggle(node, 'Verify Secret', optionOf(options, 'verifySecret')),
		confirmWithPiApi: securityToggle(
			node,
			'Confirm With PiAPI',
			optionOf(options, 'confirmWithPiApi'),
		),
		model: choiceOption<ModelFilter>(
			node,
			'Model',
			optionOf(options, 'model'),
			['diffrhythm', 'any'],
			DEFAULT_OPTIONS.model,
			0,
		),
		onUnconfirmed: choiceOption<OnUnconfirmed>(
			node,
			'On Unconfirmed Call',
			optionOf(options, 'onUnconfirmed'),
			['ignore', 'errorItem'],
			DEFAULT_OPTIONS.onUnconfirmed,
			0,
		),
		events: choicesOption<TriggerEvent>(
			node,
			'Events',
			read('events', DEFAULT_EVENTS),
			['completed', 'failed', 'processing'],
			0,
			DEFAULT_EVENTS,
		),
		output: readOutputOptions(node, read, 0, true),
	};
}

// One notice, in the parameters: n8n also shows a trigger panel's `activationHint`, which made the
// same text appear twice. n8n opens Webhook URLs on the Test URL for every community trigger (only
// its own nodes can open on Production), so the notice says which tab to switch to.
const CALLBACK_NOTICE =
	"Webhook URLs opens on the <b>Test URL</b>, which answers only while 'Listen for test event' runs. " +
	"For real songs, switch it to <b>Production URL</b> and put that URL into the <b>Callback URL</b> option of DiffRhythm's Generate operation; " +
	"PiAPI then calls it when the song's status changes. PiAPI calls from the internet, so this n8n must be " +
	'reachable at a public address (set WEBHOOK_URL); localhost or a private network will not work.';

export const triggerPanel: TriggerPanelDefinition = {
	header: 'Waiting for PiAPI to call this URL',
	executionsHelp: {
		inactive:
			"<b>While building your workflow</b>, click 'Listen for test event' and start a song whose Callback URL is " +
			"this node's <b>Test URL</b>. n8n listens on it for two minutes only, so the song must finish by then." +
			'<br /><br /><b>Once you are happy with your workflow</b>, publish it and use the <b>Production URL</b> as ' +
			'the Callback URL. Every call PiAPI makes then starts an execution, listed under Executions.',
		active:
			"<b>While building your workflow</b>, click 'Listen for test event' and use the <b>Test URL</b> as the " +
			'Callback URL of a song. <br /><br /><b>Your workflow is published</b>: every call PiAPI makes to the ' +
			'<b>Production URL</b> starts an execution, listed under Executions.',
	},
};

export const properties: INodeProperties[] = [
	{
		displayName: CALLBACK_NOTICE,
		name: 'callbackNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: [
			{
				name: 'Completed',
				value: 'completed',
				description: 'The song is ready; its audio can be downloaded',
			},
			{
				name: 'Failed',
				value: 'failed',
				description: 'The task failed or was cancelled; the output carries PiAPI’s error',
			},
			{
				name: 'In Progress',
				value: 'processing',
				description: 'The task is pending or rendering (PiAPI sends this for some tasks only)',
			},
		],
		default: ['completed', 'failed'],
		description: 'Which task statuses start the workflow; other calls are acknowledged and dropped',
	},
	...downloadOn,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Confirm With PiAPI',
				name: 'confirmWithPiApi',
				type: 'boolean',
				default: true,
				description:
					'Whether to read the task from PiAPI with the API key before starting the workflow, and use that instead of the call’s body. A forged or replayed call can then neither inject an audio URL nor claim a status PiAPI does not report. An expression here must give a real true or false; anything else refuses every call (500).',
			},
			maxAudioSizeOption,
			{
				displayName: 'Model',
				name: 'model',
				type: 'options',
				options: [
					{
						name: 'Any PiAPI Model',
						value: 'any',
						description: 'Tasks of every PiAPI model that were given this URL',
					},
					{
						name: 'DiffRhythm Only',
						value: 'diffrhythm',
						description: 'Only tasks of Qubico/diffrhythm',
					},
				],
				default: 'diffrhythm',
				description:
					'Which tasks start the workflow; calls about other models are acknowledged and dropped',
			},
			{
				displayName: 'On Unconfirmed Call',
				name: 'onUnconfirmed',
				type: 'options',
				options: [
					{
						name: 'Emit an Error Item',
						value: 'errorItem',
						description:
							'Start the workflow with an item that holds the error, the task ID and both statuses, never the call’s task data',
					},
					{
						name: 'Ignore',
						value: 'ignore',
						description: 'Answer 200 and start nothing',
					},
				],
				default: 'ignore',
				description:
					'What to do, when Confirm With PiAPI is on, if PiAPI has no such task or reports another status than the call claims',
			},
			{
				displayName: 'Verify Secret',
				name: 'verifySecret',
				type: 'boolean',
				default: true,
				description:
					'Whether to reject calls (401) whose x-webhook-secret header is not the webhook secret of the PiAPI API credential. Without a secret in the credential nothing can be checked, and a warning is logged. An expression here must give a real true or false; anything else refuses every call (500).',
			},
		],
	},
];
