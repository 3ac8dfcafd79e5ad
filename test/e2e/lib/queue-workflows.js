// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * The workflows of the queue-mode suite, with fixed ids. Songs are started by production webhooks
 * (queue mode runs those on workers) and take their style prompt from the request body, so each
 * scenario can give the simulator its own behaviour for its songs (`byStylePrompt`). The PiAPI
 * Trigger workflow is examples/piapi-trigger-receive.workflow.json itself: docs/trigger.md's
 * "Drop repeated calls" recipe as users import it.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { ROOT } = require('./install');
const wf = require('./workflows');

const IDS = {
	poll: 'qWfPollWait00001',
	suspend: 'qWfSuspend000001',
	callback: 'qWfGenCallback01',
	receive: 'qWfTriggerRecv01',
	loop: 'qWfLoopSuspend01',
	batch: 'qWfBatchSuspend1',
};

const PATHS = {
	poll: 'queue-generate-poll',
	suspend: 'queue-generate-suspend',
	callback: 'queue-generate-callback',
	loop: 'queue-loop-suspend',
	batch: 'queue-batch-suspend',
};

/** Scenario 6's songs: one at a time through Loop Over Items, each waiting in Suspend mode. */
const LOOP_STYLE = 'queue loop pop';

/**
 * Scenario 7's songs: all in one suspended execution (Webhook → Split Out → Generate and Wait),
 * each song's style prompt from its entry (`{"songs": [{"style": "..."}, …]}`; the queue benchmark
 * runs the same workflow).
 */
const BATCH_STYLE = 'queue batch pop';

const RECEIVE_EXAMPLE = path.join(ROOT, 'examples', 'piapi-trigger-receive.workflow.json');

/** The style prompt of every song comes from the webhook request: `{"style": "..."}`. */
const STYLE_FROM_BODY = '={{ $json.body.style }}';

function songWorkflow(id, name, webhookPath, webhookId, parameters) {
	return wf.workflow(id, name, [
		wf.webhookNode(`${webhookId.slice(0, -2)}01`, 'Webhook', webhookPath, webhookId),
		wf.diffRhythmNode(`${webhookId.slice(0, -2)}02`, {
			taskType: 'txt2audio-base',
			lyrics: wf.LYRICS,
			stylePrompt: STYLE_FROM_BODY,
			...parameters,
		}),
	]);
}

/** The example receiver with its credential pointed at the suite's, imported under a fixed id. */
function receiveWorkflow() {
	const example = JSON.parse(fs.readFileSync(RECEIVE_EXAMPLE, 'utf8'));
	const nodes = example.nodes.map((node) =>
		node.credentials && node.credentials.piApiApi
			? { ...node, credentials: { piApiApi: { id: wf.CREDENTIAL.id, name: wf.CREDENTIAL.name } } }
			: node,
	);
	const trigger = nodes.find((node) => node.type === wf.TRIGGER);
	if (!trigger || !trigger.webhookId)
		throw new Error(`${RECEIVE_EXAMPLE} has no PiAPI Trigger with a webhookId`);
	return { ...example, id: IDS.receive, active: false, nodes };
}

/** The trigger's production path in the example receiver: `<webhookId>/piapi`. */
function receivePath() {
	return `${receiveWorkflow().nodes.find((node) => node.type === wf.TRIGGER).webhookId}/piapi`;
}

/** Every workflow of the suite; `triggerUrl` is the receiver's production URL at the webhook process. */
function workflows({ triggerUrl }) {
	return [
		songWorkflow(
			IDS.poll,
			'Queue: generate and wait (poll)',
			PATHS.poll,
			'7a1e0c00-1111-4000-8000-00000000000a',
			{
				operation: 'generateAndWait',
				downloadAudio: true,
				binaryPropertyName: 'data',
			},
		),
		songWorkflow(
			IDS.suspend,
			'Queue: generate and wait (suspend)',
			PATHS.suspend,
			'7a1e0c00-2222-4000-8000-00000000000b',
			{
				operation: 'generateAndWait',
				downloadAudio: true,
				binaryPropertyName: 'data',
				options: { waitMode: 'suspend', maxWaitSeconds: 600 },
			},
		),
		songWorkflow(
			IDS.callback,
			'Queue: generate with callback',
			PATHS.callback,
			'7a1e0c00-3333-4000-8000-00000000000c',
			{
				operation: 'generate',
				options: { callbackUrl: triggerUrl },
			},
		),
		receiveWorkflow(),
		wf.loopWorkflow({
			id: IDS.loop,
			name: 'Queue: loop over items (suspend)',
			webhookPath: PATHS.loop,
			webhookId: '7a1e0c00-4444-4000-8000-00000000000d',
			stylePrompt: LOOP_STYLE,
			nodeIds: '7a1e0c00-4444-4000-8000-00000000010',
		}),
		wf.workflow(IDS.batch, 'Queue: several items in one suspended execution', [
			wf.webhookNode(
				'7a1e0c00-5555-4000-8000-000000000001',
				'Webhook',
				PATHS.batch,
				'7a1e0c00-5555-4000-8000-00000000000e',
			),
			wf.splitSongs('7a1e0c00-5555-4000-8000-000000000002'),
			wf.diffRhythmNode('7a1e0c00-5555-4000-8000-000000000003', {
				operation: 'generateAndWait',
				taskType: 'txt2audio-base',
				lyrics: wf.LYRICS,
				stylePrompt: '={{ $json.style }}',
				downloadAudio: true,
				binaryPropertyName: 'data',
				options: { waitMode: 'suspend', maxWaitSeconds: 600 },
			}),
		]),
	];
}

module.exports = {
	BATCH_STYLE,
	IDS,
	LOOP_STYLE,
	PATHS,
	RECEIVE_EXAMPLE,
	receivePath,
	receiveWorkflow,
	workflows,
};
