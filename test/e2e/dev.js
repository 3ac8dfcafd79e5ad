// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * `npm run dev`: a real n8n 2.41.1 (Node.js 24) with this package installed as users get it (npm
 * pack), the PiAPI simulator running, a "PiAPI account" credential pointing at the simulator, an
 * OpenAI credential pointing at the e2e suite's scripted model server (so the AI examples run
 * without an OpenAI account) and examples/*.workflow.json imported. Prints the editor URL; Ctrl-C
 * stops everything.
 *
 * Environment:
 *   PIAPI_DEV_PORT   n8n's port (default 5678, or a free one when 5678 is taken)
 *   PIAPI_E2E_CACHE  where n8n and Node.js 24 are installed (shared with npm run test:e2e)
 *   PIAPI_DEV_KEEP=1 keep the user folder when stopping
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const agent = require('./lib/agent');
const { ROOT, ensureAll } = require('./lib/install');
const { ModelServer } = require('./lib/model-server');
const { N8n, PACKAGE_NAME } = require('./lib/n8n');
const { SimulatorProcess } = require('./lib/sim');
const { childEnv, freePort, installExitHandlers, isListening, runCommand, stopAll, tail } = require('./lib/util');

const API_KEY = 'dev-key';
const WEBHOOK_SECRET = 'dev-webhook-secret';
const CREDENTIAL = { id: 'piapi-credential', name: 'PiAPI account', type: 'piApiApi' };
const OPENAI_CREDENTIAL = { id: 'openai-credential', name: 'Scripted model (not OpenAI)', type: 'openAiApi' };
const OWNER = { email: 'dev@example.com', firstName: 'Dev', lastName: 'Owner', password: 'Passw0rd-dev!' };

const say = (message) => process.stdout.write(`${message}\n`);

const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'piapi-dev-'));
const keep = process.env.PIAPI_DEV_KEEP === '1';
const cleanup = () => {
	if (!keep) fs.rmSync(runDir, { recursive: true, force: true });
};

async function main() {
	installExitHandlers(() => {
		cleanup();
		say(keep ? `stopped; user folder kept in ${runDir}` : 'stopped');
	});

	await ensureAll(['v2'], (message) => say(message));

	const packDir = path.join(runDir, 'pack');
	fs.mkdirSync(packDir);
	const packed = await runCommand('npm pack', 'npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], {
		cwd: ROOT,
		env: childEnv(),
	});
	if (packed.code !== 0) throw new Error(`npm pack failed:\n${tail(packed.output)}`);
	const tarball = path.join(packDir, JSON.parse(packed.stdout)[0].filename);

	const sim = await SimulatorProcess.start({
		apiKey: API_KEY,
		pendingMs: 500,
		renderMs: 8000,
		audioSeconds: 30,
		logFile: path.join(runDir, 'simulator.log'),
	});

	let port = Number(process.env.PIAPI_DEV_PORT || 5678);
	if (await isListening(port)) {
		if (process.env.PIAPI_DEV_PORT) throw new Error(`port ${port} (PIAPI_DEV_PORT) is taken`);
		port = await freePort();
	}
	let brokerPort = await freePort();
	while (brokerPort === port) brokerPort = await freePort();
	const n8n = new N8n({ version: 'v2', runDir, port, brokerPort });
	await n8n.installPackage(tarball);
	// Always the same answers: the lyrics a Basic LLM Chain asks for, one DiffRhythm call, a reply.
	const model = await new ModelServer().start();
	model.use({
		...agent.songScript({ lyrics: agent.SEA_LYRICS, stylePrompt: agent.SEA_STYLE }),
		completion: () => agent.MODEL_LYRICS,
	});
	await n8n.importCredentials([
		{ ...CREDENTIAL, data: { apiKey: API_KEY, baseUrl: sim.url, webhookSecret: WEBHOOK_SECRET } },
		{ ...OPENAI_CREDENTIAL, data: { apiKey: 'dev-scripted', url: model.url, header: false } },
	]);

	// The examples, with every PiAPI credential reference pointing at the simulator credential,
	// and Callback URLs that name one of the examples' PiAPI Triggers pointing at this n8n.
	const examples = fs
		.readdirSync(path.join(ROOT, 'examples'))
		.filter((file) => file.endsWith('.workflow.json'))
		.sort();
	const workflows = examples.map((file, index) => {
		const workflow = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
		return { active: false, ...workflow, id: workflow.id || `piapiExample${String(index + 1).padStart(4, '0')}` };
	});
	const isTrigger = (node) => node.type === `${PACKAGE_NAME}.piApiTrigger`;
	const triggerIds = new Set(
		workflows.flatMap((workflow) => (workflow.nodes || []).filter(isTrigger).map((node) => node.webhookId)),
	);
	for (const workflow of workflows) {
		for (const node of workflow.nodes || []) {
			if (node.credentials && node.credentials.piApiApi) {
				node.credentials.piApiApi = { id: CREDENTIAL.id, name: CREDENTIAL.name };
			}
			if (node.credentials && node.credentials.openAiApi) {
				node.credentials.openAiApi = { id: OPENAI_CREDENTIAL.id, name: OPENAI_CREDENTIAL.name };
			}
			const options = node.parameters && node.parameters.options;
			const match = options && /\/webhook\/([^/]+)\/piapi$/.exec(String(options.callbackUrl || ''));
			if (match && triggerIds.has(match[1])) options.callbackUrl = `${n8n.baseUrl}/webhook/${match[1]}/piapi`;
		}
	}
	if (workflows.length) await n8n.importWorkflows(workflows);
	// Workflows with a PiAPI Trigger are published, so its production URL answers the simulator.
	const published = workflows.filter((workflow) => (workflow.nodes || []).some(isTrigger));
	for (const workflow of published) await n8n.publish(workflow.id);

	const triggerPaths = published.flatMap((workflow) => workflow.nodes.filter(isTrigger).map((node) => `${node.webhookId}/piapi`));
	await n8n.start(triggerPaths, { timeoutMs: 120000 });
	await n8n.setupOwnerAndLogin(OWNER);

	say('');
	say(`n8n 2.41.1 is running: ${n8n.baseUrl}`);
	say(`  log in as ${OWNER.email} / ${OWNER.password}`);
	say(`  credential "${CREDENTIAL.name}" -> PiAPI simulator ${sim.url} (API key ${API_KEY}, webhook secret ${WEBHOOK_SECRET})`);
	say(`  credential "${OPENAI_CREDENTIAL.name}" -> scripted model server ${model.url} (same lyrics and song every time)`);
	for (const [index, file] of examples.entries()) {
		const workflow = workflows[index];
		const trigger = published.includes(workflow) ? workflow.nodes.find(isTrigger) : undefined;
		say(
			`  workflow "${workflow.name}" (examples/${file})${trigger ? `, published: ${n8n.baseUrl}/webhook/${trigger.webhookId}/piapi` : ''}`,
		);
	}
	say(`  user folder ${runDir} (n8n log: ${n8n.logFile})`);
	say('Ctrl-C stops n8n and the simulator.');

	const { code, signal } = await n8n.server.exited;
	say(`n8n exited on its own (code ${code}, signal ${signal}):\n${tail(n8n.server.output(), 20)}`);
	await stopAll();
	cleanup();
	process.exitCode = 1;
}

main().catch(async (error) => {
	process.stderr.write(`npm run dev: ${error.stack || error}\n`);
	await stopAll();
	if (keep) process.stderr.write(`user folder and logs kept in ${runDir}\n`);
	cleanup();
	process.exitCode = 1;
});
