import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../shared/constants';
import * as generate from './actions/generate.operation';
import * as generateAndWait from './actions/generateAndWait.operation';
import * as getTask from './actions/getTask.operation';
import { router } from './actions/router';

/**
 * DiffRhythm by PiAPI. This class only assembles: each operation's fields and code live in
 * `actions/<operation>.operation.ts`, the item loop in `actions/router.ts`, HTTP in `shared/transport`.
 */
export class DiffRhythm implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'DiffRhythm',
		name: 'diffRhythm',
		icon: {
			light: 'file:../../icons/diffrhythm.svg',
			dark: 'file:../../icons/diffrhythm.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ $parameter["operation"] === "generate" ? "Generate" : $parameter["operation"] === "getTask" ? "Get Task" : "Generate and Wait" }}',
		description: "Make songs from lyrics and a style with PiAPI's DiffRhythm",
		defaults: { name: 'DiffRhythm' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Generate',
						value: 'generate',
						action: 'Start a song',
						description: 'Create a song task and return it at once, optionally with a callback URL',
					},
					{
						name: 'Generate and Wait',
						value: 'generateAndWait',
						action: 'Generate a song and wait for the audio',
						description: 'Create a song task, wait until it is ready and return the audio',
					},
					{
						name: 'Get Task',
						value: 'getTask',
						action: 'Get a song task',
						description: 'Read a task by its ID, optionally downloading its audio',
					},
				],
				default: 'generateAndWait',
			},
			...generate.description,
			...generateAndWait.description,
			...getTask.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
