// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * The credential and workflows the end-to-end suite imports into n8n, with fixed ids so runs and
 * assertions can name them.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', '..', 'examples');
const PKG = 'n8n-nodes-piapi-diffrhythm';
const DIFFRHYTHM = `${PKG}.diffRhythm`;
const DIFFRHYTHM_TOOL = `${PKG}.diffRhythmTool`;
/**
 * The MCP tools answer within this: scaled down from the example's 40 s (see mcp.js), unless
 * PIAPI_E2E_MCP_FULL=1 asks for the real proportions.
 */
const MCP_BOUND_SECONDS = process.env.PIAPI_E2E_MCP_FULL === '1' ? 40 : 10;
const TRIGGER = `${PKG}.piApiTrigger`;

const CREDENTIAL = { id: 'e2ePiApiCred0001', name: 'PiAPI (simulator)', type: 'piApiApi' };
/** n8n's OpenAI credential, its Base URL pointing at the scripted model server. */
const OPENAI_CREDENTIAL = { id: 'e2eOpenAiCred001', name: 'OpenAI (scripted model server)', type: 'openAiApi' };
/** The MCP Server Trigger's bearer token (the MCP example asks for one). */
const MCP_CREDENTIAL = { id: 'e2eMcpBearer0001', name: 'MCP bearer token (e2e)', type: 'httpBearerAuth' };
const MCP_TOKEN = 'e2e-mcp-token-5b7c';

const IDS = {
	poll: 'e2eWfPollWait001',
	trigger: 'e2eWfPiApiTrig01',
	callback: 'e2eWfGenCallbk01',
	suspend: 'e2eWfSuspend0001',
	loop: 'e2eWfLoopSusp001',
	receiver: 'e2eWfReceiver001',
	batch: 'e2eWfBatchSusp01',
	getTask: 'e2eWfGetTask0001',
	agent: 'e2eWfAgentTool01',
	agentRetry: 'e2eWfAgentFix001',
	agentSuspend: 'e2eWfAgentSusp01',
	exampleLyrics: 'e2eWfExLyrics001',
	exampleAgent: 'e2eWfExAgent0001',
	recover: 'e2eWfRecover0001',
	mcp: 'e2eWfExMcpSrv001',
	recipe: 'e2eWfIfSuccess01',
	recovery: 'e2eWfMaxWaitGet1',
};

/** The example workflows the suite runs, by id. */
const EXAMPLES = {
	[IDS.exampleLyrics]: 'ai-writes-lyrics.workflow.json',
	[IDS.exampleAgent]: 'ai-agent-song-tool.workflow.json',
};

/** Production webhook paths (`/webhook/<path>`). */
const PATHS = {
	callback: 'e2e-generate-callback',
	suspend: 'e2e-generate-suspend',
	loop: 'e2e-loop-suspend',
	batch: 'e2e-batch-suspend',
	/** Stands in for the recovery example's Schedule Trigger. */
	recover: 'e2e-recover-songs',
	recipe: 'e2e-if-success',
	recovery: 'e2e-max-wait-recovery',
};

const TRIGGER_WEBHOOK_ID = '5e2d1c0a-7f3b-4c2e-9a1d-0e2e00000001';
/** The trigger node's production path: `/webhook/<webhookId>/piapi`. */
const TRIGGER_PATH = `${TRIGGER_WEBHOOK_ID}/piapi`;
/** The receiving example's trigger (PiAPI Trigger -> the README's Remove Duplicates recipe). */
const RECEIVER_WEBHOOK_ID = '5e2d1c0a-7f3b-4c2e-9a1d-0e2e00000005';
const RECEIVER_PATH = `${RECEIVER_WEBHOOK_ID}/piapi`;
/** The recovery example's PiAPI Trigger. */
const RECOVER_WEBHOOK_ID = '5e2d1c0a-7f3b-4c2e-9a1d-0e2e00000007';
const RECOVER_TRIGGER_PATH = `${RECOVER_WEBHOOK_ID}/piapi`;

const LYRICS = '[00:05.00] hello';
/** Style prompts per scenario: the simulator can be told to treat each one differently. */
const STYLES = {
	poll: 'pop',
	callback: 'e2e callback pop',
	suspend: 'e2e suspend pop',
	loop: 'e2e loop pop',
	batch: 'e2e batch pop',
	/** The recipe scenario's song that fails (the simulator is told so). */
	recipeFails: 'e2e recipe fails',
	/** The recovery scenario's song that never finishes. */
	recoveryStuck: 'e2e recovery stuck',
};

const credentialRef = () => ({ piApiApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } });

function credentialFile({ apiKey, baseUrl, webhookSecret, modelUrl }) {
	const credentials = [{ ...CREDENTIAL, data: { apiKey, baseUrl, webhookSecret } }];
	if (modelUrl) credentials.push({ ...OPENAI_CREDENTIAL, data: { apiKey: 'sk-e2e-scripted', url: modelUrl, header: false } });
	credentials.push({ ...MCP_CREDENTIAL, data: { token: MCP_TOKEN } });
	return credentials;
}

function workflow(id, name, nodes) {
	const connections = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return {
		id,
		name,
		active: false,
		nodes: nodes.map((node, index) => ({ position: [index * 240, 0], ...node })),
		connections,
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

function webhookNode(id, name, path, webhookId) {
	return {
		id,
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId,
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	};
}

function diffRhythmNode(id, parameters) {
	return {
		id,
		name: 'DiffRhythm',
		type: DIFFRHYTHM,
		typeVersion: 1,
		parameters,
		credentials: credentialRef(),
	};
}

/** A PiAPI Trigger node; its production path is `<webhookId>/piapi`. */
function triggerNode(id, webhookId, parameters) {
	return {
		id,
		name: 'PiAPI Trigger',
		type: TRIGGER,
		typeVersion: 1,
		webhookId,
		parameters,
		credentials: credentialRef(),
	};
}

/** How the DiffRhythm tool's fields are filled by the model ($fromAI), as in the agent example. */
const FROM_AI = {
	taskType: "={{ $fromAI('taskType', `txt2audio-base for a 1:35 song, txt2audio-full for 4:45`, 'string') }}",
	lyrics: "={{ $fromAI('lyrics', `Plain lyrics: one sung line per line, no timestamps`, 'string') }}",
	stylePrompt: "={{ $fromAI('stylePrompt', `Genre, mood and instruments, comma-separated`, 'string') }}",
};

/**
 * Manual Trigger -> AI Agent with n8n's OpenAI Chat Model (credential pointing at the scripted
 * model server; `responsesApi` picks the Responses or the Chat Completions API) and this
 * package's DiffRhythm node as its tool (Generate and Wait, plain lyrics).
 */
function agentWorkflow(id, name, { prompt, responsesApi, toolOptions = {} }) {
	const nodes = [
		{ id: `${id}-1`, name: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {}, position: [0, 0] },
		{
			id: `${id}-2`,
			name: 'AI Agent',
			type: '@n8n/n8n-nodes-langchain.agent',
			typeVersion: 3,
			parameters: { promptType: 'define', text: prompt, options: {} },
			position: [240, 0],
		},
		{
			id: `${id}-3`,
			name: 'OpenAI Chat Model',
			type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
			typeVersion: 1.3,
			parameters: { model: { __rl: true, mode: 'list', value: 'gpt-4.1-mini' }, responsesApiEnabled: responsesApi, options: {} },
			credentials: { openAiApi: { id: OPENAI_CREDENTIAL.id, name: OPENAI_CREDENTIAL.name } },
			position: [120, 240],
		},
		{
			id: `${id}-4`,
			name: 'DiffRhythm',
			type: `${DIFFRHYTHM}Tool`,
			typeVersion: 1,
			parameters: {
				descriptionType: 'manual',
				toolDescription: 'Makes a song from plain lyrics and a style; returns its task id, status and audio URL',
				operation: 'generateAndWait',
				lyricsFormat: 'plain',
				...FROM_AI,
				downloadAudio: true,
				binaryPropertyName: 'data',
				options: { maxWaitSeconds: 120, ...toolOptions },
			},
			credentials: credentialRef(),
			position: [360, 240],
		},
	];
	return {
		id,
		name,
		active: false,
		nodes,
		connections: {
			'Manual Trigger': { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			DiffRhythm: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

/** An example from examples/, with its credentials pointing at the suite's and a fixed id. */
function exampleWorkflow(id, examplesDir = EXAMPLES_DIR) {
	const workflow = JSON.parse(fs.readFileSync(path.join(examplesDir, EXAMPLES[id]), 'utf8'));
	for (const node of workflow.nodes) {
		if (node.credentials && node.credentials.piApiApi) node.credentials.piApiApi = { id: CREDENTIAL.id, name: CREDENTIAL.name };
		if (node.credentials && node.credentials.openAiApi) {
			node.credentials.openAiApi = { id: OPENAI_CREDENTIAL.id, name: OPENAI_CREDENTIAL.name };
		}
	}
	return { active: false, ...workflow, id };
}
/**
 * examples/mcp-server.workflow.json with the suite's credentials, its tools' bound scaled down to
 * `boundSeconds` (see mcp.js): otherwise as shipped.
 */
function mcpWorkflow(boundSeconds, examplesDir = EXAMPLES_DIR) {
	const workflow = JSON.parse(fs.readFileSync(path.join(examplesDir, 'mcp-server.workflow.json'), 'utf8'));
	for (const node of workflow.nodes) {
		if (node.credentials && node.credentials.piApiApi) node.credentials.piApiApi = { id: CREDENTIAL.id, name: CREDENTIAL.name };
		if (node.credentials && node.credentials.httpBearerAuth) {
			node.credentials.httpBearerAuth = { id: MCP_CREDENTIAL.id, name: MCP_CREDENTIAL.name };
		}
		if (node.type === DIFFRHYTHM_TOOL) node.parameters.options = { ...node.parameters.options, toolAnswerSeconds: boundSeconds };
	}
	return { active: false, ...workflow, id: IDS.mcp };
}

/** A task id that the redirect scenario reads (the simulator redirects before looking it up). */
const SOME_TASK_ID = '3c1e8a96-0b66-4d8b-91ed-2b7cfc914869';

/** Every workflow of the suite; `triggerUrl` is the trigger's production URL. */
function workflows({ triggerUrl, examplesDir }) {
	return [
		// 6-8: an AI Agent with the DiffRhythm tool (Responses API; Chat Completions; suspend refused).
		agentWorkflow(IDS.agent, 'E2E: AI Agent makes a song (Responses API)', {
			prompt: 'Make me a short song about the sea at night, in a calm folk style.',
			responsesApi: true,
		}),
		agentWorkflow(IDS.agentRetry, 'E2E: AI Agent corrects a bad tool call (Chat Completions API)', {
			prompt: 'Make me a song about a long road trip.',
			responsesApi: false,
		}),
		agentWorkflow(IDS.agentSuspend, 'E2E: AI Agent with a tool in suspend mode', {
			prompt: 'Make me a song about rain.',
			responsesApi: false,
			toolOptions: { waitMode: 'suspend' },
		}),
		// 9-10: the AI examples.
		...Object.keys(EXAMPLES).map((id) => exampleWorkflow(id, examplesDir)),
		// MCP 1-5: the MCP server example.
		mcpWorkflow(MCP_BOUND_SECONDS, examplesDir),
		// 9: Manual Trigger -> Get Task, run with `n8n execute` while PiAPI's address redirects.
		workflow(IDS.getTask, 'E2E: get task', [
			{
				id: 'a1000000-0000-4000-8000-000000000001',
				name: 'Manual Trigger',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				parameters: {},
			},
			diffRhythmNode('a1000000-0000-4000-8000-000000000002', {
				operation: 'getTask',
				taskId: SOME_TASK_ID,
				downloadAudio: false,
			}),
		]),
		// 1: Manual Trigger -> Generate and Wait (poll), run with `n8n execute`.
		workflow(IDS.poll, 'E2E: generate and wait (poll)', [
			{
				id: 'a0000000-0000-4000-8000-000000000001',
				name: 'Manual Trigger',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				parameters: {},
			},
			diffRhythmNode('a0000000-0000-4000-8000-000000000002', {
				operation: 'generateAndWait',
				taskType: 'txt2audio-base',
				lyrics: LYRICS,
				stylePrompt: STYLES.poll,
				downloadAudio: true,
				binaryPropertyName: 'data',
			}),
		]),
		// 2a: the PiAPI Trigger, receiving the callbacks of 2b.
		workflow(IDS.trigger, 'E2E: PiAPI Trigger', [
			triggerNode('b0000000-0000-4000-8000-000000000001', TRIGGER_WEBHOOK_ID, {
				events: ['completed', 'failed'],
				downloadAudio: true,
			}),
		]),
		// 2b: Webhook -> Generate with the trigger's production URL as callback.
		workflow(IDS.callback, 'E2E: generate with callback', [
			webhookNode('c0000000-0000-4000-8000-000000000001', 'Webhook', PATHS.callback, '5e2d1c0a-7f3b-4c2e-9a1d-0e2e00000002'),
			diffRhythmNode('c0000000-0000-4000-8000-000000000002', {
				operation: 'generate',
				taskType: 'txt2audio-base',
				lyrics: LYRICS,
				stylePrompt: STYLES.callback,
				options: { callbackUrl: triggerUrl },
			}),
		]),
		// 6: Webhook -> Split Out (3 songs) -> Loop Over Items -> Generate and Wait (suspend) -> back.
		loopWorkflow(),
		// 7: the receiving example's first two nodes, exactly as examples/ ships them.
		receiverWorkflow(),
		// 15: the "Recover songs" example, its schedule replaced by a webhook.
		recoverWorkflow(),
		// 8: Webhook -> Split Out (3 songs) -> Generate and Wait (suspend): one wait for all three.
		workflow(IDS.batch, 'E2E: generate and wait (suspend, several items)', [
			webhookNode('e1000000-0000-4000-8000-000000000001', 'Webhook', PATHS.batch, '5e2d1c0a-7f3b-4c2e-9a1d-0e2e00000006'),
			splitSongs('e1000000-0000-4000-8000-000000000002'),
			diffRhythmNode('e1000000-0000-4000-8000-000000000003', {
				operation: 'generateAndWait',
				taskType: 'txt2audio-base',
				lyrics: LYRICS,
				stylePrompt: STYLES.batch,
				downloadAudio: true,
				binaryPropertyName: 'data',
				options: { waitMode: 'suspend', maxWaitSeconds: 600 },
			}),
		]),
		// 15: the README's IF-on-success recipe behind Suspend with per-item download fields.
		recipeWorkflow(),
		// 16: Max Wait ends a Suspend; the README's recovery with Get Task on the IF's false branch.
		recoveryWorkflow(),
		// 3: Webhook -> Generate and Wait in suspend mode (resumed by PiAPI's webhook).
		workflow(IDS.suspend, 'E2E: generate and wait (suspend)', [
			webhookNode('d0000000-0000-4000-8000-000000000001', 'Webhook', PATHS.suspend, '5e2d1c0a-7f3b-4c2e-9a1d-0e2e00000003'),
			diffRhythmNode('d0000000-0000-4000-8000-000000000002', {
				operation: 'generateAndWait',
				taskType: 'txt2audio-base',
				lyrics: LYRICS,
				stylePrompt: STYLES.suspend,
				downloadAudio: true,
				binaryPropertyName: 'data',
				options: { waitMode: 'suspend', maxWaitSeconds: 600 },
			}),
		]),
	];
}

/**
 * Webhook -> Split Out -> Generate and Wait (Suspend, On Error: continue) whose Download Audio, Put
 * Output File in Field and Style Prompt come from each item -> If `success` is true -> Song | Needs
 * a Look: the README's recipe, and each item's own download fields across a suspension.
 */
function recipeWorkflow() {
	const nodes = [
		webhookNode('e2000000-0000-4000-8000-000000000001', 'Webhook', PATHS.recipe, '5e2d1c0a-7f3b-4c2e-9a1d-0e2e00000007'),
		splitSongs('e2000000-0000-4000-8000-000000000002'),
		{
			...diffRhythmNode('e2000000-0000-4000-8000-000000000003', {
				operation: 'generateAndWait',
				taskType: 'txt2audio-base',
				lyrics: LYRICS,
				stylePrompt: '={{ $json.style }}',
				downloadAudio: '={{ $json.download }}',
				binaryPropertyName: '={{ $json.field }}',
				options: { waitMode: 'suspend', maxWaitSeconds: 600 },
			}),
			onError: 'continueRegularOutput',
		},
		successIf('e2000000-0000-4000-8000-000000000004'),
		{ id: 'e2000000-0000-4000-8000-000000000005', name: 'Song', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
		{ id: 'e2000000-0000-4000-8000-000000000006', name: 'Needs a Look', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
	];
	const to = (node) => [{ node, type: 'main', index: 0 }];
	return {
		...workflow(IDS.recipe, 'E2E: suspend, per-item download fields, IF on success', nodes),
		connections: {
			Webhook: { main: [to('Songs')] },
			Songs: { main: [to('DiffRhythm')] },
			DiffRhythm: { main: [to('Success?')] },
			'Success?': { main: [to('Song'), to('Needs a Look')] },
		},
	};
}

/** An If node that sends items with `success` true to its first output, the others to its second. */
function successIf(id) {
	return {
		id,
		name: 'Success?',
		type: 'n8n-nodes-base.if',
		typeVersion: 2.2,
		parameters: {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: [
					{
						id: `${id.slice(0, -2)}c1`,
						leftValue: '={{ $json.success }}',
						rightValue: '',
						operator: { type: 'boolean', operation: 'true', singleValue: true },
					},
				],
				combinator: 'and',
			},
			options: {},
		},
	};
}

/**
 * Webhook -> Split Out -> Generate and Wait (Suspend, Max Wait 5 s) -> If `success` is true ->
 * Song | Get Task `{{ $json.taskId }}` with Download Audio: Max Wait's items and their recovery.
 */
function recoveryWorkflow() {
	const nodes = [
		webhookNode('e3000000-0000-4000-8000-000000000001', 'Webhook', PATHS.recovery, '5e2d1c0a-7f3b-4c2e-9a1d-0e2e00000008'),
		splitSongs('e3000000-0000-4000-8000-000000000002'),
		diffRhythmNode('e3000000-0000-4000-8000-000000000003', {
			operation: 'generateAndWait',
			taskType: 'txt2audio-base',
			lyrics: LYRICS,
			stylePrompt: '={{ $json.style }}',
			downloadAudio: true,
			binaryPropertyName: 'data',
			options: { waitMode: 'suspend', maxWaitSeconds: 5 },
		}),
		successIf('e3000000-0000-4000-8000-000000000004'),
		{ id: 'e3000000-0000-4000-8000-000000000005', name: 'Song', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
		{
			...diffRhythmNode('e3000000-0000-4000-8000-000000000006', {
				operation: 'getTask',
				taskId: '={{ $json.taskId }}',
				downloadAudio: true,
				binaryPropertyName: 'data',
			}),
			name: 'Get Task',
		},
	];
	const to = (node) => [{ node, type: 'main', index: 0 }];
	return {
		...workflow(IDS.recovery, 'E2E: Max Wait ends a suspend, recovery with Get Task', nodes),
		connections: {
			Webhook: { main: [to('Songs')] },
			Songs: { main: [to('DiffRhythm')] },
			DiffRhythm: { main: [to('Success?')] },
			'Success?': { main: [to('Song'), to('Get Task')] },
		},
	};
}

/** One item per entry of the webhook body's `songs` list. */
function splitSongs(id) {
	return {
		id,
		name: 'Songs',
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		parameters: { fieldToSplitOut: 'body.songs', options: {} },
	};
}

/**
 * One song at a time in suspend mode, as the README once advised for several songs: every wait
 * of the execution has the same resume URL, so callbacks of one song reach the others' waits.
 */
function loopWorkflow({
	id = IDS.loop,
	name = 'E2E: loop over items (suspend)',
	webhookPath = PATHS.loop,
	webhookId = '5e2d1c0a-7f3b-4c2e-9a1d-0e2e00000004',
	stylePrompt = STYLES.loop,
	nodeIds = 'e0000000-0000-4000-8000-00000000000',
} = {}) {
	const nodes = [
		webhookNode(`${nodeIds}1`, 'Webhook', webhookPath, webhookId),
		splitSongs(`${nodeIds}2`),
		{
			id: `${nodeIds}3`,
			name: 'Loop Over Items',
			type: 'n8n-nodes-base.splitInBatches',
			typeVersion: 3,
			parameters: { batchSize: 1, options: {} },
		},
		diffRhythmNode(`${nodeIds}4`, {
			operation: 'generateAndWait',
			taskType: 'txt2audio-base',
			lyrics: LYRICS,
			stylePrompt,
			downloadAudio: true,
			binaryPropertyName: 'data',
			options: { waitMode: 'suspend', maxWaitSeconds: 600 },
		}),
		{ id: `${nodeIds}5`, name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
	];
	const to = (node) => [{ node, type: 'main', index: 0 }];
	return {
		...workflow(id, name, nodes),
		connections: {
			Webhook: { main: [to('Songs')] },
			Songs: { main: [to('Loop Over Items')] },
			'Loop Over Items': { main: [to('Done'), to('DiffRhythm')] },
			DiffRhythm: { main: [to('Loop Over Items')] },
		},
	};
}

/** PiAPI Trigger -> Drop Repeated Calls, taken from examples/piapi-trigger-receive.workflow.json. */
function receiverWorkflow() {
	const example = require('../../../examples/piapi-trigger-receive.workflow.json');
	const byName = (name) => example.nodes.find((node) => node.name === name);
	const trigger = { ...byName('PiAPI Trigger'), webhookId: RECEIVER_WEBHOOK_ID, credentials: credentialRef() };
	const recipe = byName('Drop Repeated Calls');
	return workflow(IDS.receiver, 'E2E: receiver (Remove Duplicates recipe)', [
		trigger,
		recipe,
		{ id: 'f0000000-0000-4000-8000-000000000003', name: 'Kept', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
	]);
}

/**
 * examples/recover-songs.workflow.json as shipped, except: the Schedule Trigger becomes a Webhook
 * of the same name (the suite starts the hourly run itself), and Save the Song a No Op of the same
 * name (its input is what would be written).
 */
function recoverWorkflow() {
	const example = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, 'recover-songs.workflow.json'), 'utf8'));
	const nodes = example.nodes
		.filter((node) => node.type !== 'n8n-nodes-base.stickyNote')
		.map((node) => {
			if (node.type === 'n8n-nodes-base.scheduleTrigger') {
				return { ...webhookNode(node.id, node.name, PATHS.recover, '5e2d1c0a-7f3b-4c2e-9a1d-0e2e00000008'), position: node.position };
			}
			if (node.name === 'Save the Song') {
				return { id: node.id, name: node.name, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: node.position, parameters: {} };
			}
			const copy = { ...node };
			if (copy.credentials && copy.credentials.piApiApi) copy.credentials = credentialRef();
			if (copy.type === TRIGGER) copy.webhookId = RECOVER_WEBHOOK_ID;
			return copy;
		});
	return { id: IDS.recover, name: 'E2E: recover songs (example)', active: false, nodes, connections: example.connections, settings: example.settings, pinData: {} };
}

module.exports = {
	CREDENTIAL,
	EXAMPLES,
	OPENAI_CREDENTIAL,
	DIFFRHYTHM,
	IDS,
	LYRICS,
	PATHS,
	STYLES,
	TRIGGER,
	TRIGGER_PATH,
	TRIGGER_WEBHOOK_ID,
	RECEIVER_PATH,
	RECOVER_TRIGGER_PATH,
	SOME_TASK_ID,
	MCP_CREDENTIAL,
	MCP_TOKEN,
	MCP_BOUND_SECONDS,
	credentialFile,
	mcpWorkflow,
	// Node and workflow builders, also used by the benchmarks' real-n8n workflows.
	agentWorkflow,
	diffRhythmNode,
	exampleWorkflow,
	loopWorkflow,
	splitSongs,
	triggerNode,
	webhookNode,
	workflow,
	workflows,
};
