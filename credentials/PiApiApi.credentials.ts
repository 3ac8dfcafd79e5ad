import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/** PiAPI account access for every node of this package. */
export class PiApiApi implements ICredentialType {
	name = 'piApiApi';

	displayName = 'PiAPI API';

	icon: Icon = { light: 'file:../icons/piapi.svg', dark: 'file:../icons/piapi.dark.svg' };

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-piapi-diffrhythm#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your key from the PiAPI workspace (piapi.ai), sent as the x-api-key header',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.piapi.ai',
			description: "PiAPI's API address. Change it only for a proxy or a test server.",
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. Sent to PiAPI with callback URLs; PiAPI returns it in the x-webhook-secret header so the receiving workflow can reject forged calls.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'x-api-key': '={{$credentials.apiKey}}' } },
	};

	// Reads the account (free); never creates a task, which would cost money. A redirect is not
	// followed: n8n would send x-api-key along to wherever it points.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/account/info',
			method: 'GET',
			disableFollowRedirect: true,
		},
	};
}
