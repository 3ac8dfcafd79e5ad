// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * The end-to-end scenarios, run against one real n8n version. Every assertion reads what n8n
 * recorded (executions in its database, REST answers, HTTP status codes of its webhooks) and what
 * the PiAPI simulator saw; nothing is taken from n8n's log output.
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const { parseWav } = require('../../simulator/wav');
const agent = require('./agent');
const { mcpScenarios } = require('./mcp');
const { ModelServer } = require('./model-server');
const { N8n } = require('./n8n');
const { SimulatorProcess } = require('./sim');
const { freePort, isListening, request, seconds, sleep, waitFor } = require('./util');
const wf = require('./workflows');

const API_KEY = 'e2e-sim-key-3f9a';
const WEBHOOK_SECRET = 'e2e-webhook-secret-77c1';
const AUDIO_SECONDS = 3;

class AssertionError extends Error {
	constructor(message) {
		super(message);
		this.name = 'AssertionError';
	}
}

function assert(condition, message) {
	if (!condition) throw new AssertionError(message);
}

function assertEqual(actual, expected, what) {
	assert(
		actual === expected,
		`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
	);
}

/** Output items of a node's last run in an execution's run data. */
function nodeOutput(execution, nodeName) {
	const runs = execution && execution.data && execution.data.resultData.runData[nodeName];
	assert(runs && runs.length, `execution ${execution && execution.id} has no run of "${nodeName}"`);
	const last = runs[runs.length - 1];
	assert(!last.error, `"${nodeName}" failed: ${last.error && (last.error.message || JSON.stringify(last.error))}`);
	return (last.data && last.data.main && last.data.main[0]) || [];
}

function executionError(execution) {
	const error = execution && execution.data && execution.data.resultData && execution.data.resultData.error;
	if (!error) return '';
	return `: ${error.message || ''} ${error.description || ''}`.trimEnd();
}

/**
 * The bytes of a binary entry as n8n stored them: in the execution, in its binary data folder, or
 * (queue mode's `database` mode) in the `binary_data` table.
 */
async function binaryBytes(n8n, binary) {
	const id = binary.id;
	if (typeof id === 'string' && id.startsWith('database:')) {
		const rows = await n8n.executions.query(
			`select encode(data, 'base64') as data from binary_data where "fileId" = ?`,
			[id.slice('database:'.length)],
		);
		assert(rows.length === 1, `no binary_data row for ${id}`);
		return Buffer.from(rows[0].data, 'base64');
	}
	if (typeof id === 'string' && id.includes(':')) {
		const [mode, ...rest] = id.split(':');
		const relative = rest.join(':');
		assert(mode === 'filesystem-v2' || mode === 'filesystem', `unexpected binary data mode "${mode}" (${id})`);
		// 2.x keeps binary data in <user folder>/.n8n/storage, 1.x in .n8n/binaryData.
		const candidates = ['storage', 'binaryData'].map((folder) => path.join(n8n.userFolder, '.n8n', folder, relative));
		const file = candidates.find((candidate) => fs.existsSync(candidate));
		assert(file, `no binary data file for ${id} (looked in ${candidates.join(', ')})`);
		return fs.readFileSync(file);
	}
	assert(typeof binary.data === 'string' && binary.data.length > 0, 'the binary entry has neither id nor data');
	return Buffer.from(binary.data, 'base64');
}

const sha256 = (buffer) => crypto.createHash('sha256').update(buffer).digest('hex');

/** Asserts the item's binary is the simulator's WAV for `taskId`, byte for byte. */
async function assertSong(n8n, sim, item, taskId, property = 'data') {
	const binary = item.binary && item.binary[property];
	assert(binary, `the item has no binary "${property}" (binary keys: ${Object.keys(item.binary || {}).join(', ') || 'none'})`);
	assertEqual(binary.mimeType, 'audio/wav', 'binary mimeType');
	assert(binary.fileSize && !/^0\b/.test(String(binary.fileSize)), `binary fileSize is ${JSON.stringify(binary.fileSize)}`);
	const bytes = await binaryBytes(n8n, binary);
	assert(bytes.length > 0, 'the stored audio is empty');
	const wav = parseWav(bytes);
	assert(Math.abs(wav.durationSeconds - AUDIO_SECONDS) < 0.05, `the WAV lasts ${wav.durationSeconds} s, expected ${AUDIO_SECONDS}`);
	const original = await fetchBytes(`${sim.url}/files/${taskId}.wav`);
	assertEqual(original.status, 200, `simulator file for task ${taskId}`);
	assertEqual(sha256(bytes), sha256(original.body), 'sha256 of the stored audio vs the simulator file');
	return { binary, bytes: bytes.length };
}

function fetchBytes(url) {
	return new Promise((resolve, reject) => {
		http
			.get(url, { agent: false }, (res) => {
				const chunks = [];
				res.on('data', (chunk) => chunks.push(chunk));
				res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
				res.on('error', reject);
			})
			.on('error', reject);
	});
}

/** Resolves with the first task once a second one exists (a loop has moved on to its next song). */
function secondSongCreated(sim, timeoutMs = 40000) {
	return waitFor(
		'the second song to be created',
		async () => {
			const tasks = await sim.tasks();
			return tasks.length >= 2 ? tasks[0] : null;
		},
		{ timeoutMs, intervalMs: 200 },
	);
}

/** New executions of a workflow since `before` (a list of rows). */
async function newExecutions(n8n, workflowId, before) {
	const known = new Set(before.map((row) => row.id));
	return (await n8n.executions.executions(workflowId)).filter((row) => !known.has(row.id));
}

const FINAL = new Set(['success', 'error', 'crashed', 'canceled']);

/** Waits for exactly one new execution of the workflow to reach a final status; returns it with data. */
async function waitForFinishedExecution(n8n, workflowId, before, timeoutMs = 30000) {
	const rows = await waitFor(
		`a finished execution of ${workflowId}`,
		async () => {
			const rows = await newExecutions(n8n, workflowId, before);
			return rows.some((row) => FINAL.has(row.status)) ? rows : null;
		},
		{ timeoutMs, intervalMs: 200, describe: () => 'no finished execution' },
	);
	const finished = rows.filter((row) => FINAL.has(row.status));
	return completeExecution(n8n, finished[0].id);
}

/**
 * Reads an execution once its run data is complete. n8n can write the final status before the
 * final run data (1.123 was seen answering `success` with the data of the resumed state for a
 * moment, the resumed node's run list still empty), so wait until the last executed node has a run.
 */
function completeExecution(n8n, id, timeoutMs = 10000) {
	return waitFor(
		`the run data of execution ${id}`,
		async () => {
			const execution = await n8n.executions.execution(id);
			const result = execution && execution.data && execution.data.resultData;
			if (!result || !FINAL.has(execution.status)) return null;
			const last = result.lastNodeExecuted;
			// While resuming, n8n pops the waiting node's run and may save that state: an empty list.
			const runs = last && result.runData && result.runData[last];
			return Array.isArray(runs) && runs.length > 0 ? execution : null;
		},
		{ timeoutMs, intervalMs: 200, describe: () => 'status or run data not final yet' },
	);
}

/**
 * Runs every scenario on one n8n version. `check(name, fn)` records one result; setup failures
 * fail the scenarios that depend on them.
 */
async function runVersion(version, { tarball, check: record, keep, log }) {
	let failures = 0;
	// PIAPI_E2E_ONLY (a regular expression) runs only the scenarios whose title matches it, plus
	// setup, start and stop.
	const only = process.env.PIAPI_E2E_ONLY ? new RegExp(process.env.PIAPI_E2E_ONLY, 'i') : null;
	const check = async (title, fn, { always = false } = {}) => {
		if (only && !always && !only.test(title)) return;
		if (!(await record(title, fn))) failures++;
	};
	const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `piapi-e2e-${version}-`));
	let sim;
	let n8n;
	let model;
	let setupError;
	let hasTrigger = false;
	const label = version === 'v1' ? 'n8n 1.123.81' : 'n8n 2.41.1';
	const ports = [];
	const name = (text) => `[${label}] ${text}`;

	const setup = async () => {
		sim = await SimulatorProcess.start({
			apiKey: API_KEY,
			renderMs: 1500,
			pendingMs: 300,
			audioSeconds: AUDIO_SECONDS,
			logFile: path.join(runDir, 'simulator.log'),
		});
		model = await new ModelServer().start();
		const port = await freePort();
		let brokerPort = await freePort();
		while (brokerPort === port) brokerPort = await freePort();
		ports.push(port, sim.port, model.port, ...(version === 'v2' ? [brokerPort] : []));
		n8n = new N8n({ version, runDir, port, brokerPort });
		log(`${label}: run folder ${runDir}, n8n on ${n8n.baseUrl}, simulator on ${sim.url}, model server on ${model.url}`);
		const installed = await n8n.installPackage(tarball);
		const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
		// n8n skips a whole package when one of its listed files is missing.
		const listed = [...(manifest.n8n.nodes || []), ...(manifest.n8n.credentials || [])];
		const missing = listed.filter((file) => !fs.existsSync(path.join(installed, file)));
		assert(missing.length === 0, `the packed package lists files it does not contain: ${missing.join(', ')}`);
		hasTrigger = listed.some((file) => /PiApiTrigger\.node\.js$/.test(file));
		await n8n.importCredentials(wf.credentialFile({ apiKey: API_KEY, baseUrl: sim.url, webhookSecret: WEBHOOK_SECRET, modelUrl: model.url }));
		await n8n.importWorkflows(wf.workflows({ triggerUrl: triggerUrl() }));
	};
	const triggerUrl = () => `${n8n.baseUrl}/webhook/${wf.TRIGGER_PATH}`;
	/** The agent example's Chat Trigger: `/webhook/<webhookId>/chat`. */
	const chatPath = () => {
		const workflow = wf.exampleWorkflow(wf.IDS.exampleAgent);
		return `${workflow.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.chatTrigger').webhookId}/chat`;
	};
	/** Runs a workflow with `n8n execute` and returns its one new execution, complete. */
	const runByCli = async (workflowId) => {
		const before = await n8n.executions.executions(workflowId).catch(() => []);
		const result = await n8n.execute(workflowId);
		const rows = await newExecutions(n8n, workflowId, before);
		assertEqual(rows.length, 1, `new executions of ${workflowId} (n8n execute exit ${result.code}: ${result.output.slice(-800)})`);
		return completeExecution(n8n, rows[0].id);
	};
	const taskPosts = async () => (await sim.requests()).filter((r) => r.method === 'POST' && r.path === '/api/v1/task');
	const audioReads = async () => (await sim.requests()).filter((r) => r.method === 'GET' && r.path.startsWith('/files/'));
	const webhookPaths = () => [
		wf.PATHS.callback,
		wf.PATHS.suspend,
		wf.PATHS.loop,
		wf.PATHS.batch,
		wf.PATHS.recipe,
		wf.PATHS.recovery,
		chatPath(),
		...(hasTrigger ? [wf.TRIGGER_PATH, wf.RECEIVER_PATH, wf.RECOVER_TRIGGER_PATH, wf.PATHS.recover] : []),
	];
	const needSetup = () => {
		if (setupError) throw new Error(`not run: setup failed: ${setupError.message}`);
	};
	const needTrigger = () => {
		needSetup();
		assert(hasTrigger, 'not run: the packed package has no PiAPI Trigger node (dist/nodes/PiApiTrigger)');
	};

	try {
		await check(name('setup: simulator, package installed from npm pack, credential and workflows imported'), async () => {
			try {
				await setup();
			} catch (error) {
				setupError = error;
				throw error;
			}
		}, { always: true });

		// 1. Generate and Wait (poll) through `n8n execute`.
		await check(name('1. Generate and Wait (poll) via n8n execute: task completed, song in binary'), async () => {
			needSetup();
			await sim.reset();
			const before = await n8n.executions.executions(wf.IDS.poll).catch(() => []);
			const result = await n8n.execute(wf.IDS.poll);
			assertEqual(result.code, 0, `n8n execute exit code (output: ${result.output.slice(-1500)})`);
			const rows = await newExecutions(n8n, wf.IDS.poll, before);
			assertEqual(rows.length, 1, 'new executions of the workflow in the database');
			const execution = await completeExecution(n8n, rows[0].id);
			assertEqual(execution.status, 'success', `execution status${executionError(execution)}`);
			assertEqual(Boolean(execution.finished), true, 'execution finished');
			assertEqual(execution.mode, 'cli', 'execution mode');
			const tasks = await sim.tasks();
			assertEqual(tasks.length, 1, 'tasks created in the simulator');
			const items = nodeOutput(execution, 'DiffRhythm');
			assertEqual(items.length, 1, 'DiffRhythm output items');
			const [item] = items;
			assertEqual(item.json.status, 'completed', 'json.status');
			assertEqual(item.json.task_id, tasks[0].task_id, 'json.task_id vs the simulator task');
			assertEqual(item.json.input && item.json.input.lyrics, wf.LYRICS, 'json.input.lyrics');
			const song = await assertSong(n8n, sim, item, tasks[0].task_id);
			const requests = await sim.requests();
			const posts = requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/task');
			assertEqual(posts.length, 1, 'POST /api/v1/task requests');
			assertEqual(posts[0].headers['x-api-key'], API_KEY, 'x-api-key sent by n8n');
			assertEqual(posts[0].body.input.style_prompt, wf.STYLES.poll, 'style_prompt sent');
			return `execution ${execution.id}, task ${item.json.task_id}, ${song.bytes} bytes of audio/wav`;
		});

		// 10-12. n8n's AI Agent with the DiffRhythm node as its tool, the model a scripted server.
		await check(name('10. AI Agent (OpenAI Chat Model, Responses API) calls the DiffRhythm tool with plain lyrics: one song, compact tool result'), async () => {
			needSetup();
			await sim.reset();
			model.use(agent.songScript({ lyrics: agent.SEA_LYRICS, stylePrompt: agent.SEA_STYLE }));
			const execution = await runByCli(wf.IDS.agent);
			assertEqual(execution.status, 'success', `execution status${executionError(execution)}`);
			const posts = await taskPosts();
			assertEqual(posts.length, 1, 'POST /api/v1/task requests');
			const lrc = agent.timedLrc(agent.SEA_LYRICS, 'txt2audio-base');
			assertEqual(posts[0].body.input.lyrics, lrc, 'lyrics sent to PiAPI (timed by the node)');
			assertEqual(posts[0].body.input.style_prompt, agent.SEA_STYLE, 'style_prompt sent');
			const [task] = await sim.tasks();
			const requests = model.agentRequests();
			assertEqual(requests.map((r) => r.api).join(','), 'responses,responses', 'model requests (API)');
			const offered = requests[0].tools.map((tool) => `${tool.name}(${Object.keys(tool.parameters.properties || {}).sort().join(',')})`);
			assertEqual(offered.join(' '), 'DiffRhythm(lyrics,stylePrompt,taskType)', 'tools offered to the model');
			assertEqual(requests[1].toolResults.length, 1, 'tool results in the second model request');
			const text = requests[1].toolResults[0];
			const { bytes, answer } = agent.checkSongResult(assert, text, { taskId: task.task_id, audioUrl: `${sim.url}/files/${task.task_id}.wav`, lyrics: lrc });
			assertEqual((await audioReads()).length, 0, 'audio downloads (the tool does not fetch the song for the model)');
			const [output] = nodeOutput(execution, 'AI Agent');
			assertEqual(output && output.json.output, agent.finalText(answer), "the agent's final output");
			return `task ${task.task_id}; tool result ${bytes} bytes: ${text.slice(0, 700)}`;
		});

		await check(name('11. AI Agent (Chat Completions API): a bad first call gets the error text and costs nothing, the corrected call makes the song'), async () => {
			needSetup();
			await sim.reset();
			model.use(agent.retryScript());
			const execution = await runByCli(wf.IDS.agentRetry);
			assertEqual(execution.status, 'success', `execution status${executionError(execution)}`);
			const requests = model.agentRequests();
			assertEqual(requests.map((r) => r.api).join(','), 'chat,chat,chat', 'model requests (API)');
			const [refusal] = agent.parseToolResult(requests[1].toolResults[0]);
			assert(
				/^Lyrics: too long for a Base \(1:35\) song: 24 lines .*Choose Task Type "Full \(4:45\)".*Nothing was sent to PiAPI/.test(refusal.error || ''),
				`the error the model received: ${requests[1].toolResults[0]}`,
			);
			const posts = await taskPosts();
			assertEqual(posts.length, 1, 'POST /api/v1/task requests (the refused call made none)');
			assert(posts[0].at >= requests[1].at, 'the only POST came after the model had read the error');
			assertEqual(posts[0].body.task_type, 'txt2audio-full', 'task_type of the corrected call');
			const lrc = agent.timedLrc(agent.ROAD_LYRICS, 'txt2audio-full');
			assertEqual(posts[0].body.input.lyrics, lrc, 'lyrics sent');
			const [task] = await sim.tasks();
			const { answer } = agent.checkSongResult(assert, requests[2].toolResults[1], { taskId: task.task_id, audioUrl: `${sim.url}/files/${task.task_id}.wav`, lyrics: lrc });
			const [output] = nodeOutput(execution, 'AI Agent');
			assertEqual(output && output.json.output, agent.finalText(answer), "the agent's final output");
			return `error seen by the model: ${refusal.error.slice(0, 400)}`;
		});

		await check(name('12. AI Agent with the tool in Suspend mode: refused before any POST, with a message for the model'), async () => {
			needSetup();
			await sim.reset();
			model.use(agent.songScript({ lyrics: agent.SEA_LYRICS, stylePrompt: agent.SEA_STYLE }));
			const execution = await runByCli(wf.IDS.agentSuspend);
			assertEqual(execution.status, 'success', `execution status${executionError(execution)}`);
			const requests = model.agentRequests();
			assertEqual(requests.length, 2, 'model requests');
			const [refusal] = agent.parseToolResult(requests[1].toolResults[0]);
			assert(
				/Wait Mode "Suspend Until PiAPI Calls Back", which cannot answer an AI Agent: nothing was sent to PiAPI.*"Poll"/.test(refusal.error || ''),
				`the error the model received: ${requests[1].toolResults[0]}`,
			);
			assertEqual((await sim.requests()).filter((r) => r.path.startsWith('/api/v1/task')).length, 0, 'task requests');
			const [output] = nodeOutput(execution, 'AI Agent');
			assertEqual(output && output.json.output, `The tool failed: ${refusal.error}`, "the agent's final output");
			return refusal.error.slice(0, 300);
		});

		// 13. examples/ai-writes-lyrics.workflow.json: a Basic LLM Chain writes plain lyrics.
		await check(name('13. example "an AI model writes the lyrics": the model\'s plain lyrics are timed and the song made'), async () => {
			needSetup();
			await sim.reset();
			model.use({ completion: () => agent.MODEL_LYRICS });
			const execution = await runByCli(wf.IDS.exampleLyrics);
			assertEqual(execution.status, 'success', `execution status${executionError(execution)}`);
			const [asked] = model.requests;
			assert(asked && asked.api && /a night train crossing the mountains/.test(asked.userText), `the model was asked: ${JSON.stringify(asked && asked.userText)}`);
			const posts = await taskPosts();
			assertEqual(posts.length, 1, 'POST /api/v1/task requests');
			const lrc = agent.timedLrc(agent.MODEL_LYRICS, 'txt2audio-base');
			assertEqual(posts[0].body.input.lyrics, lrc, 'lyrics sent');
			const [item] = nodeOutput(execution, 'DiffRhythm');
			assertEqual(item.json.input.lyrics, lrc, 'json.input.lyrics (the LRC that was sent)');
			const song = await assertSong(n8n, sim, item, item.json.task_id);
			return `${asked.api} API; sent: ${lrc.split("\n").join(" / ")}; ${song.bytes} bytes of audio`;
		});

		// 9. n8n's HTTP helper follows redirects and strips only Authorization and Cookie: the node
		// must not let it carry x-api-key to another host.
		await check(name('9. PiAPI\'s address redirects to another host: not followed, the key never sent there'), async () => {
			needSetup();
			await sim.reset();
			const seen = [];
			const other = http.createServer((req, res) => {
				seen.push({ url: req.url, key: req.headers['x-api-key'] });
				res.end('{}');
			});
			await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
			const otherUrl = `http://127.0.0.1:${other.address().port}`;
			try {
				await sim.addFault({
					method: 'GET',
					path: '/api/v1/task',
					kind: 'status',
					status: 302,
					headers: { location: `${otherUrl}/collect` },
					rawBody: '',
					times: -1,
				});
				const before = await n8n.executions.executions(wf.IDS.getTask).catch(() => []);
				const result = await n8n.execute(wf.IDS.getTask);
				assert(result.code !== 0, 'n8n execute succeeded although PiAPI redirected');
				const rows = await newExecutions(n8n, wf.IDS.getTask, before);
				assertEqual(rows.length, 1, 'new executions of the workflow');
				const execution = await completeExecution(n8n, rows[0].id);
				assertEqual(execution.status, 'error', 'execution status');
				const error = executionError(execution);
				assert(error.includes(`redirect (HTTP 302) to ${otherUrl}`), `the error names the other host: ${error}`);
				assertEqual(seen.length, 0, `requests that reached the other host (${JSON.stringify(seen)})`);
				const reads = (await sim.requests()).filter((r) => r.path === `/api/v1/task/${wf.SOME_TASK_ID}`);
				assertEqual(reads.length, 1, 'reads of the task at PiAPI (a redirect is not retried)');
				return `error: ${error.slice(2, 120)}…; other host contacted 0 times`;
			} finally {
				await new Promise((resolve) => other.close(resolve));
			}
		});

		let started = false;
		await check(name('n8n start: published workflows registered their production webhooks'), async () => {
			needSetup();
			if (hasTrigger) await n8n.publish(wf.IDS.trigger);
			await n8n.publish(wf.IDS.callback);
			await n8n.publish(wf.IDS.suspend);
			await n8n.publish(wf.IDS.loop);
			await n8n.publish(wf.IDS.batch);
			await n8n.publish(wf.IDS.recipe);
			await n8n.publish(wf.IDS.recovery);
			if (hasTrigger) await n8n.publish(wf.IDS.receiver);
			if (hasTrigger) await n8n.publish(wf.IDS.recover);
			await n8n.publish(wf.IDS.exampleAgent);
			await n8n.publish(wf.IDS.mcp);
			const t0 = Date.now();
			await n8n.start(webhookPaths());
			started = true;
			await n8n.setupOwnerAndLogin();
			return `ready in ${seconds(Date.now() - t0)}`;
		}, { always: true });
		const needServer = () => {
			needSetup();
			assert(started, 'not run: n8n did not start');
		};

		// 5. Credential test through the editor's REST API.
		await check(name('5. credential test: passes with the right key, fails with a wrong one, creates no task'), async () => {
			needServer();
			await sim.reset();
			const testWith = async (apiKey) => {
				const res = await n8n.rest('POST', '/credentials/test', {
					// The route tests the given data on behalf of a stored credential the user may read
					// (TestCredentialRequestDto: { credentials: { id, name, type, data } }).
					credentials: {
						id: wf.CREDENTIAL.id,
						name: wf.CREDENTIAL.name,
						type: wf.CREDENTIAL.type,
						data: { apiKey, baseUrl: sim.url, webhookSecret: WEBHOOK_SECRET },
					},
				});
				assertEqual(res.status, 200, `POST /rest/credentials/test HTTP status (${res.text.slice(0, 300)})`);
				return res.json().data;
			};
			const good = await testWith(API_KEY);
			assertEqual(good && good.status, 'OK', `test result with the right key (${JSON.stringify(good)})`);
			const bad = await testWith('wrong-key-000');
			assertEqual(bad && bad.status, 'Error', `test result with a wrong key (${JSON.stringify(bad)})`);
			const requests = await sim.requests();
			const seen = requests.map((r) => `${r.method} ${r.path} key=${r.headers['x-api-key']} -> ${r.status}`).join('; ');
			const reads = requests.filter((r) => r.method === 'GET' && r.path === '/account/info');
			assert(reads.length >= 2 && reads.every((r) => r.path === '/account/info'), `requests: ${seen}`);
			assertEqual(reads[0].headers['x-api-key'], API_KEY, 'first test x-api-key');
			assertEqual(reads[0].status, 200, 'first test answered');
			// n8n 1.123 and 2.41 both send the failing test request twice (seen in the simulator log).
			const wrong = reads.slice(1);
			assert(wrong.every((r) => r.headers['x-api-key'] === 'wrong-key-000' && r.status === 401), `requests of the second test: ${seen}`);
			assertEqual(requests.length, reads.length, `requests other than GET /account/info (${seen})`);
			assertEqual(requests.filter((r) => r.path.startsWith('/api/v1/task')).length, 0, `task requests (${seen})`);
			assertEqual((await sim.tasks()).length, 0, 'tasks in the simulator');

			// A base URL that redirects elsewhere: the test fails and the key does not follow.
			const seenElsewhere = [];
			const other = http.createServer((req, res) => {
				seenElsewhere.push(req.url);
				res.end('{}');
			});
			await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
			try {
				await sim.addFault({
					method: 'GET',
					path: '/account/info',
					kind: 'status',
					status: 302,
					headers: { location: `http://127.0.0.1:${other.address().port}/account/info` },
					rawBody: '',
					times: -1,
				});
				const redirected = await testWith(API_KEY);
				assertEqual(redirected && redirected.status, 'Error', `test result behind a redirect (${JSON.stringify(redirected)})`);
				assertEqual(seenElsewhere.length, 0, `requests that reached the redirect's target (${seenElsewhere.join(', ')})`);
			} finally {
				await new Promise((resolve) => other.close(resolve));
				await sim.reset();
			}
			return `OK / Error: ${bad.message}; GET /account/info x${reads.length}; behind a redirect: Error, target contacted 0 times`;
		});

		// 2. Generate with a callback URL; the PiAPI Trigger receives the song.
		let callbackTask = null;
		await check(name('2. Generate with callback URL -> PiAPI Trigger execution with the song'), async () => {
			needServer();
			needTrigger();
			await sim.reset();
			const triggerBefore = await n8n.executions.executions(wf.IDS.trigger);
			const callbackBefore = await n8n.executions.executions(wf.IDS.callback);
			const res = await request(`${n8n.baseUrl}/webhook/${wf.PATHS.callback}`, { method: 'POST', body: { from: 'e2e' } });
			assertEqual(res.status, 200, `POST /webhook/${wf.PATHS.callback} (${res.text.slice(0, 200)})`);

			const generated = await waitForFinishedExecution(n8n, wf.IDS.callback, callbackBefore);
			assertEqual(generated.status, 'success', `Generate execution status${executionError(generated)}`);
			const [created] = nodeOutput(generated, 'DiffRhythm');
			const taskId = created && created.json.task_id;
			assert(taskId, 'the Generate node returned no task_id');
			const tasks = await sim.tasks();
			assertEqual(tasks.length, 1, 'tasks created in the simulator');
			assertEqual(tasks[0].task_id, taskId, 'task id');
			assertEqual(tasks[0].config.webhook_config.endpoint, triggerUrl(), 'webhook endpoint sent to PiAPI');
			assertEqual(tasks[0].config.webhook_config.secret, WEBHOOK_SECRET, 'webhook secret sent to PiAPI');

			const execution = await waitForFinishedExecution(n8n, wf.IDS.trigger, triggerBefore, 30000);
			assertEqual(execution.status, 'success', `trigger execution status${executionError(execution)}`);
			const items = nodeOutput(execution, 'PiAPI Trigger');
			assertEqual(items.length, 1, 'trigger output items');
			const [item] = items;
			assertEqual(item.json.task_id, taskId, 'json.task_id');
			assertEqual(item.json.event, 'completed', 'json.event');
			assertEqual(item.json.dedupeKey, `${taskId}:completed`, 'json.dedupeKey');
			const song = await assertSong(n8n, sim, item, taskId);
			// The `processing` webhook was answered but started nothing (events: completed, failed).
			const deliveries = (await sim.deliveries()).filter((d) => d.taskId === taskId);
			const final = deliveries.filter((d) => d.kind === 'final');
			assert(final.some((d) => d.statusCode === 200), `final webhook answers: ${JSON.stringify(final)}`);
			const intermediate = deliveries.filter((d) => d.kind === 'intermediate');
			assert(intermediate.some((d) => d.statusCode >= 200 && d.statusCode < 300), `processing webhook answers: ${JSON.stringify(intermediate)}`);
			await sleep(500);
			assertEqual((await newExecutions(n8n, wf.IDS.trigger, triggerBefore)).length, 1, 'trigger executions for the task');
			callbackTask = taskId;
			return `trigger execution ${execution.id}, task ${taskId}, ${song.bytes} bytes`;
		});

		// 4. A forged webhook is refused and starts nothing.
		await check(name('4. forged webhook to the trigger URL: 401 and no execution'), async () => {
			needServer();
			needTrigger();
			let taskId = callbackTask;
			if (!taskId) {
				// Scenario 2 failed: forge the callback of a fresh task (webhook pointing elsewhere).
				const res = await request(`${sim.url}/api/v1/task`, {
					method: 'POST',
					headers: { 'x-api-key': API_KEY },
					body: { model: 'Qubico/diffrhythm', task_type: 'txt2audio-base', input: { lyrics: wf.LYRICS, style_prompt: 'forged' } },
				});
				taskId = res.json().data.task_id;
			}
			const before = await n8n.executions.executions(wf.IDS.trigger);
			const wrong = await sim.deliver({ taskId, url: triggerUrl(), secret: 'forged-secret', status: 'completed' });
			assertEqual(wrong.statusCode, 401, `answer to a wrong x-webhook-secret (${wrong.body})`);
			const missing = await sim.deliver({ taskId, url: triggerUrl(), secret: '', status: 'completed' });
			assertEqual(missing.statusCode, 401, `answer to a missing x-webhook-secret (${missing.body})`);
			await sleep(1500);
			const after = await newExecutions(n8n, wf.IDS.trigger, before);
			assertEqual(after.length, 0, 'executions started by forged webhooks');
			return 'wrong and missing secret: 401, no execution';
		});

		// 3. Generate and Wait in suspend mode, resumed by PiAPI's webhook.
		await check(name('3. Generate and Wait (suspend): execution waits, webhook resumes it, song in binary'), async () => {
			needServer();
			await sim.reset();
			// A longer render leaves time to see the execution parked as `waiting`.
			await sim.behaviour({ byStylePrompt: { [wf.STYLES.suspend]: { renderMs: 5000 } } });
			const before = await n8n.executions.executions(wf.IDS.suspend);
			const res = await request(`${n8n.baseUrl}/webhook/${wf.PATHS.suspend}`, { method: 'POST', body: { from: 'e2e' } });
			assertEqual(res.status, 200, `POST /webhook/${wf.PATHS.suspend} (${res.text.slice(0, 200)})`);
			const waiting = await waitFor(
				'the execution to be waiting',
				async () => {
					const rows = await newExecutions(n8n, wf.IDS.suspend, before);
					const finished = rows.find((row) => FINAL.has(row.status));
					if (finished) {
						const execution = await n8n.executions.execution(finished.id);
						throw new AssertionError(`the execution finished (${finished.status}${executionError(execution)}) without waiting`);
					}
					return rows.find((row) => row.status === 'waiting');
				},
				{ timeoutMs: 15000, intervalMs: 100 },
			).catch((error) => {
				if (error instanceof AssertionError) throw error;
				throw new AssertionError(error.message);
			});
			const tasks = await sim.tasks();
			assertEqual(tasks.length, 1, 'tasks created in the simulator');
			const task = tasks[0];
			const endpoint = task.config.webhook_config.endpoint;
			const resume = new URL(endpoint);
			assertEqual(`${resume.origin}${resume.pathname}`, `${n8n.baseUrl}/webhook-waiting/${waiting.id}`, 'webhook endpoint (resume URL)');
			if (version === 'v2') assert(/^[0-9a-f]{16,}$/i.test(resume.searchParams.get('signature') || ''), `2.x resume URL carries a signature: ${endpoint}`);

			// A forged callback to the resume URL is refused and leaves the execution waiting.
			const forged = await sim.deliver({ taskId: task.task_id, secret: 'forged-secret', status: 'completed' });
			assertEqual(forged.statusCode, 401, `answer to a forged resume callback (${forged.body})`);
			const [stillWaiting] = await n8n.executions.query('select status from execution_entity where id = ?', [Number(waiting.id)]);
			assertEqual(stillWaiting.status, 'waiting', 'execution status after the forged callback');

			const execution = await waitForFinishedExecution(n8n, wf.IDS.suspend, before, 30000);
			assertEqual(execution.id, waiting.id, 'the resumed execution is the waiting one');
			assertEqual(execution.status, 'success', `execution status${executionError(execution)}`);
			const items = nodeOutput(execution, 'DiffRhythm');
			assertEqual(items.length, 1, 'DiffRhythm output items');
			const [item] = items;
			assertEqual(item.json.task_id, task.task_id, 'json.task_id');
			assertEqual(item.json.status, 'completed', 'json.status');
			const song = await assertSong(n8n, sim, item, task.task_id);
			const deliveries = (await sim.deliveries()).filter((d) => d.taskId === task.task_id && d.kind === 'final');
			assert(deliveries.some((d) => d.statusCode === 200), `final webhook answers: ${JSON.stringify(deliveries)}`);
			const conflicts = (await sim.deliveries()).filter((d) => d.statusCode === 409).length;
			return `execution ${execution.id} waited, resumed via ${resume.pathname}${resume.search ? '?signature=…' : ''}; ${song.bytes} bytes${conflicts ? `; ${conflicts} delivery attempt(s) got 409` : ''}`;
		});

		// 14. examples/ai-agent-song-tool.workflow.json: a chat message to the published agent.
		await check(name('14. example "an AI Agent that makes songs on request": a chat message gets the song\'s URL'), async () => {
			needServer();
			await sim.reset();
			model.use(agent.songScript({ lyrics: agent.SEA_LYRICS, stylePrompt: agent.SEA_STYLE }));
			const before = await n8n.executions.executions(wf.IDS.exampleAgent);
			const res = await request(`${n8n.baseUrl}/webhook/${chatPath()}`, {
				method: 'POST',
				headers: { cookie: n8n.cookie },
				body: { action: 'sendMessage', sessionId: 'e2e-session', chatInput: 'Make me a calm folk song about the sea at night.' },
				timeoutMs: 120000,
			});
			assertEqual(res.status, 200, `POST /webhook/${chatPath()} (${res.text.slice(0, 300)})`);
			const execution = await waitForFinishedExecution(n8n, wf.IDS.exampleAgent, before, 60000);
			assertEqual(execution.status, 'success', `execution status${executionError(execution)}`);
			const posts = await taskPosts();
			assertEqual(posts.length, 1, 'POST /api/v1/task requests');
			const [task] = await sim.tasks();
			const requests = model.agentRequests();
			assertEqual(requests.length, 2, 'model requests');
			assert(/make songs for the user with the DiffRhythm tool/i.test(requests[0].systemText), `system message: ${requests[0].systemText.slice(0, 200)}`);
			const lrc = agent.timedLrc(agent.SEA_LYRICS, 'txt2audio-base');
			const { answer } = agent.checkSongResult(assert, requests[1].toolResults[0], { taskId: task.task_id, audioUrl: `${sim.url}/files/${task.task_id}.wav`, lyrics: lrc });
			assertEqual(res.json().output, agent.finalText(answer), 'the chat answer');
			return `chat answer: ${res.json().output}`;
		});

		// MCP 1-5: examples/mcp-server.workflow.json driven by the official MCP SDK client.
		await mcpScenarios({
			check,
			name,
			needServer,
			getN8n: () => n8n,
			getSim: () => sim,
			assert,
			assertEqual,
			log,
		});

		// 6. Loop Over Items -> Generate and Wait (suspend): every wait of the execution shares one
		// resume URL, so callbacks of one song reach the others' waits.
		await check(name('6. Loop Over Items with Suspend, 3 songs, every final callback twice and one replayed late: 3 distinct songs, 3 POSTs'), async () => {
			needServer();
			await sim.reset();
			await sim.behaviour({ byStylePrompt: { [wf.STYLES.loop]: { webhookRepeat: 2, renderMs: 1500 } } });
			const before = await n8n.executions.executions(wf.IDS.loop);
			const res = await request(`${n8n.baseUrl}/webhook/${wf.PATHS.loop}`, {
				method: 'POST',
				body: { songs: [{ n: 1 }, { n: 2 }, { n: 3 }] },
			});
			assertEqual(res.status, 200, `POST /webhook/${wf.PATHS.loop} (${res.text.slice(0, 200)})`);
			// While the second song waits, replay the first song's final callback (PiAPI repeats late too).
			const first = await secondSongCreated(sim);
			// The second task exists a moment before n8n has parked the execution again; a call in
			// between gets n8n's 409 "running already".
			await waitFor(
				'the execution to wait for the second song',
				async () => (await newExecutions(n8n, wf.IDS.loop, before)).some((row) => row.status === 'waiting'),
				{ timeoutMs: 10000, intervalMs: 50 },
			);
			const late = await sim.deliver({ taskId: first.task_id, status: 'completed' });
			assertEqual(late.statusCode, 200, `answer to the first song's late replay during the second wait (${late.body})`);
			const execution = await waitForFinishedExecution(n8n, wf.IDS.loop, before, 60000);
			assertEqual(execution.status, 'success', `execution status${executionError(execution)}`);
			const tasks = await sim.tasks();
			assertEqual(tasks.length, 3, 'tasks created in the simulator');
			const posts = (await sim.requests()).filter((r) => r.method === 'POST' && r.path === '/api/v1/task');
			assertEqual(posts.length, 3, 'POST /api/v1/task requests');
			const items = nodeOutput(execution, 'Done');
			assertEqual(items.length, 3, 'songs out of the loop');
			const ids = items.map((item) => item.json.task_id);
			assertEqual(new Set(ids).size, 3, `distinct task ids out of the loop (${ids.join(', ')})`);
			assertEqual([...ids].sort().join(','), tasks.map((t) => t.task_id).sort().join(','), 'the songs out are the tasks created');
			for (const item of items) await assertSong(n8n, sim, item, item.json.task_id);
			// Each final callback twice, plus the simulator's retries of those n8n answered 409.
			const finals = (await sim.deliveries()).filter((d) => d.kind === 'final');
			assert(finals.length >= 6, `final callbacks delivered: ${finals.length}, expected each twice`);
			// Once the execution finished, a late replay is refused by n8n itself.
			const after = await sim.deliver({ taskId: first.task_id, status: 'completed' });
			assert([200, 409].includes(after.statusCode), `answer to a replay after the end: ${after.statusCode} ${after.body}`);
			const answers = finals.map((d) => d.statusCode).join(',');
			return `execution ${execution.id}: 3 songs, 3 POSTs; final callback answers ${answers}; late replay 200; after the end ${after.statusCode}`;
		});

		// 8. Several items in one suspended execution: n8n hands the resume webhook the saved items.
		await check(name('8. Suspend with 3 items in one execution: waits once, resumes when the last song is done, 3 songs in order'), async () => {
			needServer();
			await sim.reset();
			const before = await n8n.executions.executions(wf.IDS.batch);
			const res = await request(`${n8n.baseUrl}/webhook/${wf.PATHS.batch}`, {
				method: 'POST',
				body: { songs: [{ n: 1 }, { n: 2 }, { n: 3 }] },
			});
			assertEqual(res.status, 200, `POST /webhook/${wf.PATHS.batch} (${res.text.slice(0, 200)})`);
			const execution = await waitForFinishedExecution(n8n, wf.IDS.batch, before, 60000);
			assertEqual(execution.status, 'success', `execution status${executionError(execution)}`);
			const tasks = await sim.tasks();
			assertEqual(tasks.length, 3, 'tasks created in the simulator');
			const items = nodeOutput(execution, 'DiffRhythm');
			assertEqual(items.length, 3, 'DiffRhythm output items');
			const created = (await sim.requests())
				.filter((r) => r.method === 'POST' && r.path === '/api/v1/task');
			assertEqual(created.length, 3, 'POST /api/v1/task requests');
			items.forEach((item, index) => assertEqual(item.pairedItem && item.pairedItem.item, index, `pairedItem of item ${index}`));
			assertEqual(new Set(items.map((item) => item.json.task_id)).size, 3, 'distinct task ids');
			for (const item of items) await assertSong(n8n, sim, item, item.json.task_id);
			const endpoints = new Set(tasks.map((t) => t.config.webhook_config.endpoint));
			assertEqual(endpoints.size, 1, 'one resume URL for the three tasks');
			return `execution ${execution.id}: 3 tasks, one wait, 3 songs`;
		});

		// 15. examples/recover-songs.workflow.json, the README's "Recover songs" recipe.
		await check(name('15. recipe "Recover songs": a song whose callback was dropped is recovered byte for byte; the delivered one is not saved twice'), async () => {
			needServer();
			needTrigger();
			await sim.reset();
			// The simulator's fault: the second song's callback is never sent.
			await sim.behaviour({ byStylePrompt: { 'e2e dropped callback': { webhookRepeat: 0, webhookIntermediate: false } } });
			const endpoint = `${n8n.baseUrl}/webhook/${wf.RECOVER_TRIGGER_PATH}`;
			const create = async (style) =>
				(await request(`${sim.url}/api/v1/task`, {
					method: 'POST',
					headers: { 'x-api-key': API_KEY },
					body: {
						model: 'Qubico/diffrhythm',
						task_type: 'txt2audio-base',
						input: { lyrics: wf.LYRICS, style_prompt: style },
						config: { webhook_config: { endpoint, secret: WEBHOOK_SECRET } },
					},
				})).json().data.task_id;
			const before = await n8n.executions.executions(wf.IDS.recover);
			const delivered = await create('e2e delivered callback');
			const dropped = await create('e2e dropped callback');
			const byCallback = await waitForFinishedExecution(n8n, wf.IDS.recover, before, 30000);
			assertEqual(byCallback.status, 'success', `callback execution status${executionError(byCallback)}`);
			const savedByCallback = nodeOutput(byCallback, 'Save the Song');
			assertEqual(savedByCallback.map((item) => item.json.task_id).join(','), delivered, 'song saved by the callback');
			await assertSong(n8n, sim, savedByCallback[0], delivered);
			await waitFor('both songs to complete', async () => (await sim.tasks()).filter((t) => t.status === 'completed').length === 2, { timeoutMs: 20000, intervalMs: 200 });
			await sleep(1000);
			const deliveries = await sim.deliveries();
			assertEqual(deliveries.filter((d) => d.taskId === dropped).length, 0, 'callbacks sent for the dropped song');
			assertEqual((await newExecutions(n8n, wf.IDS.recover, before)).length, 1, 'executions before the recovery run');

			// The hourly run: list the last day's songs, drop the one already saved, fetch the other.
			const recoverRun = async () => {
				const start = (await sim.requests()).length;
				const ran = await n8n.executions.executions(wf.IDS.recover);
				const res = await request(`${n8n.baseUrl}/webhook/${wf.PATHS.recover}`, { method: 'POST', body: {} });
				assertEqual(res.status, 200, 'answer of the recovery webhook');
				const execution = await waitForFinishedExecution(n8n, wf.IDS.recover, ran, 30000);
				assertEqual(execution.status, 'success', `recovery execution status${executionError(execution)}`);
				const requests = (await sim.requests()).slice(start);
				const count = (method, prefix) => requests.filter((r) => r.method === method && r.path.startsWith(prefix)).length;
				return {
					execution,
					history: requests.filter((r) => r.path === '/api/open/tasks/histories'),
					taskReads: count('GET', '/api/v1/task/'),
					downloads: count('GET', '/files/'),
					posts: count('POST', '/api/'),
				};
			};
			const first = await recoverRun();
			const listed = nodeOutput(first.execution, 'Songs of the Last Day');
			assertEqual(listed.map((item) => item.json.task_id).sort().join(','), [delivered, dropped].sort().join(','), 'songs listed');
			const saved = nodeOutput(first.execution, 'Save the Song');
			assertEqual(saved.map((item) => item.json.task_id).join(','), dropped, 'songs recovered');
			const song = await assertSong(n8n, sim, saved[0], dropped);
			assertEqual(first.history.length, 2, 'history requests (diffrhythm and diffrythm)');
			assert(first.history.every((r) => Number(r.query.page_size) <= 100), 'page_size at most 100');
			assertEqual(first.taskReads, 1, 'task reads in the recovery run');
			assertEqual(first.downloads, 1, 'downloads in the recovery run');
			assertEqual(first.posts, 0, 'POST requests in the recovery run');

			const second = await recoverRun();
			const again = second.execution.data.resultData.runData['Save the Song'];
			assert(!again || nodeOutput(second.execution, 'Save the Song').length === 0, 'a song was saved twice');
			assertEqual(second.downloads, 0, 'downloads in the second recovery run');
			return `callback saved ${delivered}; recovery run listed ${listed.length} songs in ${first.history.length} history requests, ${first.taskReads} task read, ${first.downloads} download: recovered ${dropped} (${song.bytes} bytes, sha256 equal); second run: 0 saved, 0 downloads`;
		});

		// 16. The README's IF-on-success recipe, behind Suspend with per-item download fields.
		await check(name('16. Suspend, per-item download fields and the README\'s IF on success: songs in their own fields, the failed song on the false branch'), async () => {
			needServer();
			await sim.reset();
			await sim.behaviour({ byStylePrompt: { [wf.STYLES.recipeFails]: { outcome: 'failed' } } });
			try {
				const before = await n8n.executions.executions(wf.IDS.recipe);
				const songs = [
					{ field: 'first', download: true, style: 'e2e recipe one' },
					{ field: 'second', download: true, style: 'e2e recipe two' },
					{ field: 'third', download: false, style: 'e2e recipe three' },
					{ field: 'fourth', download: true, style: wf.STYLES.recipeFails },
				];
				const res = await request(`${n8n.baseUrl}/webhook/${wf.PATHS.recipe}`, { method: 'POST', body: { songs } });
				assertEqual(res.status, 200, `POST /webhook/${wf.PATHS.recipe} (${res.text.slice(0, 200)})`);
				const execution = await waitForFinishedExecution(n8n, wf.IDS.recipe, before, 60000);
				assertEqual(execution.status, 'success', `execution status${executionError(execution)}`);
				const tasks = await sim.tasks();
				assertEqual(tasks.length, 4, 'tasks created in the simulator');
				const out = nodeOutput(execution, 'DiffRhythm');
				const fields = out.map((item) => Object.keys(item.binary || {}).join('+') || '-').join(',');
				assertEqual(fields, 'first,second,-,-', 'binary fields of the resumed items (Poll gives first, second, none, none)');
				assertEqual(out.map((item) => String(item.json.success)).join(','), 'true,true,true,false', 'success of the resumed items');
				for (const [index, name] of [[0, 'first'], [1, 'second']]) {
					await assertSong(n8n, sim, out[index], out[index].json.task_id, name);
				}
				assertEqual(typeof out[0].json.error, 'undefined', 'a song has no error field');
				assertEqual(typeof out[3].json.error, 'string', 'the failed song has error as a text');
				const kept = nodeOutput(execution, 'Song');
				const looked = nodeOutput(execution, 'Needs a Look');
				assertEqual(kept.length, 3, 'items on the IF\'s true branch');
				assertEqual(looked.length, 1, 'items on the IF\'s false branch');
				assertEqual(looked[0].json.taskId, out[3].json.taskId, 'the failed song on the false branch, with its task id');
				return `execution ${execution.id}: fields ${fields}; IF true ${kept.length}, false ${looked.length} (${String(looked[0].json.error).slice(0, 80)})`;
			} finally {
				await sim.behaviour({});
			}
		});

		// 17. Max Wait ends a Suspend: n8n passes the saved items on; the README's Get Task recovery.
		await check(name('17. Max Wait ends a Suspend with one song done: every item a failure with its task id; Get Task on the IF\'s false branch recovers the song'), async () => {
			needServer();
			await sim.reset();
			await sim.behaviour({ byStylePrompt: { [wf.STYLES.recoveryStuck]: { outcome: 'stuck' } } });
			try {
				const before = await n8n.executions.executions(wf.IDS.recovery);
				const songs = [{ style: 'e2e recovery done' }, { style: wf.STYLES.recoveryStuck }];
				const res = await request(`${n8n.baseUrl}/webhook/${wf.PATHS.recovery}`, { method: 'POST', body: { songs } });
				assertEqual(res.status, 200, `POST /webhook/${wf.PATHS.recovery} (${res.text.slice(0, 200)})`);
				// n8n's wait tracker looks for due executions once a minute.
				const finished = await waitForFinishedExecution(n8n, wf.IDS.recovery, before, 150000);
				assertEqual(finished.status, 'success', `execution status${executionError(finished)}`);
				// 1.123 may report the status with the run data of the parked state for a moment.
				const execution = await waitFor(
					`the run of "Get Task" in execution ${finished.id}`,
					async () => {
						const read = await n8n.executions.execution(finished.id);
						return read && read.data && read.data.resultData.runData['Get Task'] ? read : null;
					},
					{ timeoutMs: 15000, intervalMs: 200 },
				);
				const tasks = await sim.tasks();
				assertEqual(tasks.length, 2, 'tasks created in the simulator');
				const finals = (await sim.deliveries()).filter((d) => d.kind === 'final');
				assertEqual(finals.map((d) => d.statusCode).join(','), '200', 'the done song\'s final callback, answered');
				// Tasks are created side by side, so the simulator's order need not be the items'.
				const ids = songs.map((song) => tasks.find((t) => t.input.style_prompt === song.style).task_id);
				const out = nodeOutput(execution, 'DiffRhythm');
				assertEqual(out.map((item) => String(item.json.success)).join(','), 'false,false', 'success of the timed-out items');
				assertEqual(out.map((item) => item.json.taskId).join(','), ids.join(','), 'task ids of the timed-out items');
				assert(out.every((item) => /may have finished since: use Get Task/.test(String(item.json.error))), `error of a timed-out item: ${out[0].json.error}`);
				const recovered = nodeOutput(execution, 'Get Task');
				assertEqual(recovered.map((item) => item.json.status).join(','), 'completed,processing', 'statuses Get Task found');
				await assertSong(n8n, sim, recovered[0], ids[0]);
				assertEqual((await sim.requests()).filter((r) => r.method === 'POST').length, 2, 'POST requests (nothing paid twice)');
				return `execution ${execution.id}: timed out with 2 failures, Get Task recovered ${recovered[0].json.task_id}`;
			} finally {
				await sim.behaviour({});
			}
		});

		// 7. One execution per delivery, and the README's Remove Duplicates recipe behind it.
		await check(name('7. the same final delivery twice at the same moment: one execution; after a restart the recipe drops it'), async () => {
			needServer();
			needTrigger();
			await sim.reset();
			const receiverUrl = `${n8n.baseUrl}/webhook/${wf.RECEIVER_PATH}`;
			const created = await request(`${sim.url}/api/v1/task`, {
				method: 'POST',
				headers: { 'x-api-key': API_KEY },
				body: {
					model: 'Qubico/diffrhythm',
					task_type: 'txt2audio-base',
					input: { lyrics: wf.LYRICS, style_prompt: 'e2e receiver' },
					config: { webhook_config: { endpoint: `${n8n.baseUrl}/webhook/nobody/piapi`, secret: WEBHOOK_SECRET } },
				},
			});
			const taskId = created.json().data.task_id;
			await waitFor('the task to complete', async () => (await sim.tasks()).find((t) => t.task_id === taskId && t.status === 'completed'), { timeoutMs: 20000, intervalMs: 200 });
			const before = await n8n.executions.executions(wf.IDS.receiver);
			const both = await Promise.all([
				sim.deliver({ taskId, url: receiverUrl }),
				sim.deliver({ taskId, url: receiverUrl }),
			]);
			assertEqual(both.map((a) => a.statusCode).join(','), '200,200', 'answers to the two copies');
			const execution = await waitForFinishedExecution(n8n, wf.IDS.receiver, before, 30000);
			assertEqual(execution.status, 'success', `receiver execution status${executionError(execution)}`);
			assertEqual(nodeOutput(execution, 'Kept').length, 1, 'items past the recipe');
			await sleep(1500);
			assertEqual((await newExecutions(n8n, wf.IDS.receiver, before)).length, 1, 'receiver executions for two copies');

			// A restarted n8n (or another process in queue mode) has no memory of the first copy:
			// the delivery starts an execution, and the recipe stops it at Remove Duplicates.
			await n8n.stop();
			await n8n.start(webhookPaths());
			const beforeAgain = await n8n.executions.executions(wf.IDS.receiver);
			const again = await sim.deliver({ taskId, url: receiverUrl });
			assertEqual(again.statusCode, 200, 'answer to the copy after the restart');
			const second = await waitForFinishedExecution(n8n, wf.IDS.receiver, beforeAgain, 30000);
			assertEqual(second.status, 'success', `second receiver execution status${executionError(second)}`);
			const kept = second.data.resultData.runData.Kept;
			assert(!kept || nodeOutput(second, 'Drop Repeated Calls').length === 0, 'the recipe let the repeat through');
			return `2 copies at once: 1 execution (${execution.id}); after a restart: execution ${second.id} stopped by Remove Duplicates`;
		});
	} finally {
		await check(name('stop: every process stopped by PID, nothing left listening'), async () => {
			if (n8n) await n8n.stop();
			if (sim) await sim.stop();
			if (model) await model.stop();
			const listening = [];
			for (const port of ports) if (await isListening(port)) listening.push(port);
			assertEqual(listening.length, 0, `ports still listening (${listening.join(', ')})`);
			return `ports ${ports.join(', ')} closed`;
		}, { always: true });
		if (keep || failures) log(`${label}: logs and user folder kept in ${runDir}`);
		else fs.rmSync(runDir, { recursive: true, force: true });
	}
}

module.exports = {
	runVersion,
	API_KEY,
	AUDIO_SECONDS,
	WEBHOOK_SECRET,
	// Assertions and execution reads, shared with the queue-mode scenarios.
	AssertionError,
	FINAL,
	assert,
	assertEqual,
	assertSong,
	completeExecution,
	executionError,
	newExecutions,
	nodeOutput,
	secondSongCreated,
	waitForFinishedExecution,
};
