// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * The credential and workflows the end-to-end suite imports into n8n, with fixed ids so runs and
 * assertions can name them.
 */
'use strict';

const PKG = 'n8n-nodes-piapi-diffrhythm';
const DIFFRHYTHM = `${PKG}.diffRhythm`;
const TRIGGER = `${PKG}.piApiTrigger`;

const CREDENTIAL = { id: 'e2ePiApiCred0001', name: 'PiAPI (simulator)', type: 'piApiApi' };

const IDS = {
	poll: 'e2eWfPollWait001',
	trigger: 'e2eWfPiApiTrig01',
	callback: 'e2eWfGenCallbk01',
	suspend: 'e2eWfSuspend0001',
	loop: 'e2eWfLoopSusp001',
	receiver: 'e2eWfReceiver001',
	batch: 'e2eWfBatchSusp01',
	getTask: 'e2eWfGetTask0001',
};

/** Production webhook paths (`/webhook/<path>`). */
const PATHS = {
	callback: 'e2e-generate-callback',
	suspend: 'e2e-generate-suspend',
	loop: 'e2e-loop-suspend',
	batch: 'e2e-batch-suspend',
};

const TRIGGER_WEBHOOK_ID = '5e2d1c0a-7f3b-4c2e-9a1d-0e2e00000001';
/** The trigger node's production path: `/webhook/<webhookId>/piapi`. */
const TRIGGER_PATH = `${TRIGGER_WEBHOOK_ID}/piapi`;
/** The receiving example's trigger (PiAPI Trigger -> the README's Remove Duplicates recipe). */
const RECEIVER_WEBHOOK_ID = '5e2d1c0a-7f3b-4c2e-9a1d-0e2e00000005';
const RECEIVER_PATH = `${RECEIVER_WEBHOOK_ID}/piapi`;

const LYRICS = '[00:05.00] hello';
/** Style prompts per scenario: the simulator can be told to treat each one differently. */
const STYLES = {
	poll: 'pop',
	callback: 'e2e callback pop',
	suspend: 'e2e suspend pop',
	loop: 'e2e loop pop',
	batch: 'e2e batch pop',
};

const credentialRef = () => ({ piApiApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } });

function credentialFile({ apiKey, baseUrl, webhookSecret }) {
	return [{ ...CREDENTIAL, data: { apiKey, baseUrl, webhookSecret } }];
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

/** A task id that the redirect scenario reads (the simulator redirects before looking it up). */
const SOME_TASK_ID = '3c1e8a96-0b66-4d8b-91ed-2b7cfc914869';

/** Every workflow of the suite; `triggerUrl` is the trigger's production URL. */
function workflows({ triggerUrl }) {
	return [
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
function loopWorkflow() {
	const nodes = [
		webhookNode('e0000000-0000-4000-8000-000000000001', 'Webhook', PATHS.loop, '5e2d1c0a-7f3b-4c2e-9a1d-0e2e00000004'),
		splitSongs('e0000000-0000-4000-8000-000000000002'),
		{
			id: 'e0000000-0000-4000-8000-000000000003',
			name: 'Loop Over Items',
			type: 'n8n-nodes-base.splitInBatches',
			typeVersion: 3,
			parameters: { batchSize: 1, options: {} },
		},
		diffRhythmNode('e0000000-0000-4000-8000-000000000004', {
			operation: 'generateAndWait',
			taskType: 'txt2audio-base',
			lyrics: LYRICS,
			stylePrompt: STYLES.loop,
			downloadAudio: true,
			binaryPropertyName: 'data',
			options: { waitMode: 'suspend', maxWaitSeconds: 600 },
		}),
		{ id: 'e0000000-0000-4000-8000-000000000005', name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
	];
	const to = (node) => [{ node, type: 'main', index: 0 }];
	return {
		...workflow(IDS.loop, 'E2E: loop over items (suspend)', nodes),
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

module.exports = {
	CREDENTIAL,
	DIFFRHYTHM,
	IDS,
	LYRICS,
	PATHS,
	STYLES,
	TRIGGER,
	TRIGGER_PATH,
	TRIGGER_WEBHOOK_ID,
	RECEIVER_PATH,
	SOME_TASK_ID,
	credentialFile,
	// Node and workflow builders, also used by the benchmarks' real-n8n workflows.
	diffRhythmNode,
	triggerNode,
	webhookNode,
	workflow,
	workflows,
};
