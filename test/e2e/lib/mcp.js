// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * The MCP scenarios: examples/mcp-server.workflow.json (MCP Server Trigger + two DiffRhythm tools)
 * published in a real n8n and driven by the official MCP TypeScript SDK client over n8n's
 * production MCP endpoint (streamable HTTP), against the PiAPI simulator.
 *
 * Scaled down to keep the suite quick, with the proportions of the real case (tool bound 40 s,
 * render 90 s, client patience 60 s): the tools answer within 10 s, a slow song renders 25 s, and
 * the client gives up after 20 s. PIAPI_E2E_MCP_FULL=1 runs them at full scale (40 s, 70 s, 60 s).
 */
'use strict';

const { request, sleep, waitFor } = require('./util');

const { IDS, MCP_TOKEN, MCP_BOUND_SECONDS } = require('./workflows');

// PIAPI_E2E_MCP_FULL=1: the real proportions (bound 40 s, render 70 s, the SDK's default 60 s).
const FULL = process.env.PIAPI_E2E_MCP_FULL === '1';
const SLOW_RENDER_MS = FULL ? 70000 : 25000;
const CLIENT_TIMEOUT_MS = FULL ? 60000 : 20000;
const MCP_PATH = 'diffrhythm';
const MAKE = 'DiffRhythm_Make_Song';
const GET = 'DiffRhythm_Get_Task';

const SONG = {
	taskType: 'txt2audio-base',
	lyrics: 'Lanterns on the harbour wall\nThe tide is coming in\nI hear the sea at night\nCalling me again',
	stylePrompt: 'calm folk, acoustic guitar, soft male vocals',
	newTake: false,
};

/** The SDK, loaded when a scenario needs it, so a missing install fails the scenario, not the suite. */
function sdk() {
	const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
	const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
	return { Client, StreamableHTTPClientTransport };
}

/** A connected SDK client with a transcript of its calls: what was called, how long, how big. */
async function connect(url) {
	const { Client, StreamableHTTPClientTransport } = sdk();
	const client = new Client({ name: 'piapi-e2e', version: '1.0.0' });
	const transport = new StreamableHTTPClientTransport(new URL(url), {
		requestInit: { headers: { authorization: `Bearer ${MCP_TOKEN}` } },
	});
	await client.connect(transport);
	const transcript = [];
	const t0 = Date.now();
	return {
		client,
		transcript,
		async call(name, args, { timeout = CLIENT_TIMEOUT_MS } = {}) {
			const started = Date.now();
			const entry = { at: ((started - t0) / 1000).toFixed(1), tool: name, args: Object.keys(args).join(',') };
			transcript.push(entry);
			try {
				const result = await client.callTool({ name, arguments: args }, undefined, { timeout });
				const text = (result.content || []).map((part) => part.text || '').join('');
				Object.assign(entry, { seconds: ((Date.now() - started) / 1000).toFixed(1), bytes: Buffer.byteLength(text), isError: Boolean(result.isError) });
				return { text, answer: answerOf(text), isError: Boolean(result.isError) };
			} catch (error) {
				Object.assign(entry, { seconds: ((Date.now() - started) / 1000).toFixed(1), error: `${error.code ?? ''} ${error.message}`.trim() });
				throw error;
			}
		},
		async close() {
			await client.close().catch(() => undefined);
		},
	};
}

/** The tool's answer object in a text result (n8n sends the tool output as JSON text). */
function answerOf(text) {
	let value;
	try {
		value = JSON.parse(text);
	} catch {
		return { raw: text };
	}
	while (Array.isArray(value)) value = value[0];
	if (value && typeof value === 'object' && typeof value.response === 'string') return answerOf(value.response);
	if (value && typeof value === 'object' && value.json && typeof value.json === 'object') return value.json;
	return value && typeof value === 'object' ? value : { raw: text };
}

const formatTranscript = (transcript) =>
	transcript
		.map((e) => `t=${e.at}s ${e.tool}(${e.args}) → ${e.error ? `client error "${e.error}"` : `${e.bytes} bytes${e.isError ? ' (isError)' : ''}`} in ${e.seconds}s`)
		.join('; ');

/**
 * Runs the MCP scenarios with the suite's `check`; `ctx` gives the running n8n and simulator.
 */
async function mcpScenarios({ check, name, needServer, getN8n, getSim, assert, assertEqual, log }) {
	const url = () => `${getN8n().baseUrl}/mcp/${MCP_PATH}`;
	const posts = async () => (await getSim().requests()).filter((r) => r.method === 'POST' && r.path === '/api/v1/task');
	let ready = false;
	const needMcp = async () => {
		needServer();
		if (ready) return;
		// The MCP Server Trigger's production endpoint is registered when n8n activates the workflow.
		await waitFor(
			'the MCP endpoint to be registered',
			async () => {
				// A DELETE without a session: 404 until the endpoint exists, then 400 "No sessionId".
				const res = await request(url(), { method: 'DELETE', headers: { authorization: `Bearer ${MCP_TOKEN}` }, timeoutMs: 2000 });
				return res.status !== 404 ? true : null;
			},
			{ timeoutMs: 30000, intervalMs: 250 },
		);
		ready = true;
	};

	/** A fresh simulator (songs rendering `renderMs`) and a connected client, closed afterwards. */
	const session = async (renderMs, fn) => {
		await needMcp();
		const sim = getSim();
		await sim.reset();
		await sim.behaviour({ renderMs });
		const mcp = await connect(url());
		try {
			return await fn(mcp, sim);
		} finally {
			await mcp.close();
		}
	};

	await check(name('MCP 1. the MCP client lists the DiffRhythm tools, each with its own description and input schema'), async () => {
		return await session(SLOW_RENDER_MS, async (mcp) => {
			const { tools } = await mcp.client.listTools();
			const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
			assertEqual(Object.keys(byName).sort().join(','), [GET, MAKE].sort().join(','), 'tool names');
			const make = byName[MAKE];
			const get = byName[GET];
			assert(/^Makes a song .*waits for it/.test(make.description), `${MAKE} description: ${make.description}`);
			assert(/does not start or charge another song/.test(make.description), `${MAKE} description names the repeat rule: ${make.description}`);
			assert(/^Reads a DiffRhythm song task by its task_id/.test(get.description), `${GET} description: ${get.description}`);
			const props = (tool) => tool.inputSchema.properties || {};
			assertEqual(Object.keys(props(make)).sort().join(','), 'lyrics,newTake,stylePrompt,taskType', `${MAKE} input properties`);
			assertEqual(props(make).newTake.type, 'boolean', 'newTake type');
			assertEqual(props(make).lyrics.type, 'string', 'lyrics type');
			assertEqual(Object.keys(props(get)).sort().join(','), 'task_id,wait', `${GET} input properties`);
			assertEqual(props(get).wait.type, 'boolean', 'wait type');
			return `${tools.length} tools: ${tools.map((t) => `${t.name} (${Object.keys(props(t)).join(', ')})`).join('; ')}`;
		});
	});

	await check(name('MCP 2. a quick song returns in one call'), async () => {
		return await session(1500, async (mcp, sim) => {
			const { answer, isError } = await mcp.call(MAKE, { ...SONG, stylePrompt: 'quick folk' });
			assert(!isError, `isError for a quick song: ${JSON.stringify(answer)}`);
			const [task] = await sim.tasks();
			assertEqual(answer.taskId, task.task_id, 'taskId');
			assertEqual(answer.status, 'completed', 'status');
			assertEqual(answer.audioUrl, `${sim.url}/files/${task.task_id}.wav`, 'audioUrl');
			assertEqual((await posts()).length, 1, 'POST /api/v1/task');
			return formatTranscript(mcp.transcript);
		});
	});

	let slowTranscript = '';
	await check(name(`MCP 3. a slow song (render ${SLOW_RENDER_MS / 1000} s, client timeout ${CLIENT_TIMEOUT_MS / 1000} s): the task id in time, then Get Task returns the song; 1 POST`), async () => {
		return await session(SLOW_RENDER_MS, async (mcp, sim) => {
			const first = await mcp.call(MAKE, SONG);
			assert(!first.isError, `isError: ${first.text}`);
			const [task] = await sim.tasks();
			assertEqual(first.answer.taskId, task.task_id, 'taskId of the first answer');
			assert(/^(pending|processing)$/.test(first.answer.status), `status of the first answer: ${first.answer.status}`);
			assert(Number(mcp.transcript[0].seconds) < CLIENT_TIMEOUT_MS / 1000, `the first answer took ${mcp.transcript[0].seconds} s`);
			assert(first.answer.message.includes(`with task_id "${task.task_id}"`), `the answer names the follow-up: ${first.answer.message}`);
			const wait = first.answer.checkAgainInSeconds;
			assert(Number.isFinite(wait) && wait > 0, `checkAgainInSeconds: ${wait}`);
			let answer = first.answer;
			for (let call = 0; call < 4 && answer.status !== 'completed'; call++) {
				const result = await mcp.call(GET, { task_id: task.task_id, wait: true });
				assert(!result.isError, `isError from Get Task: ${result.text}`);
				answer = result.answer;
			}
			assertEqual(answer.status, 'completed', 'status after Get Task');
			assertEqual(answer.audioUrl, `${sim.url}/files/${task.task_id}.wav`, 'audioUrl');
			assertEqual((await posts()).length, 1, 'POST /api/v1/task');
			slowTranscript = `${formatTranscript(mcp.transcript)}; POSTs: 1`;
			log(`MCP first answer (slow song): ${first.text}`);
			log(`MCP transcript (slow song): ${slowTranscript}`);
			return slowTranscript;
		});
	});

	await check(name('MCP 4. the same call sent again after a client-side timeout makes exactly one POST'), async () => {
		return await session(SLOW_RENDER_MS, async (mcp, sim) => {
			const song = { ...SONG, stylePrompt: 'retried folk' };
			const previous = await getN8n().executions.executions(IDS.mcp);
			const lastExecution = previous.length ? Number(previous[previous.length - 1].id) : 0;
			let timedOut = null;
			try {
				// A client far less patient than the tool's bound: it gives up first.
				await mcp.call(MAKE, song, { timeout: 3000 });
			} catch (error) {
				timedOut = error;
			}
			assert(timedOut && /timed out/i.test(timedOut.message), `the first call should time out at the client: ${timedOut && timedOut.message}`);
			const again = await mcp.call(MAKE, song);
			assert(!again.isError, `isError: ${again.text}`);
			const tasks = await sim.tasks();
			assertEqual(tasks.length, 1, 'tasks in the simulator');
			assertEqual(again.answer.taskId, tasks[0].task_id, 'taskId of the retried call');
			assertEqual(again.answer.alreadyStarted, true, 'alreadyStarted');
			assert(/^This tool got the same song request/.test(again.answer.message), `message: ${again.answer.message}`);
			await sleep(500);
			assertEqual((await posts()).length, 1, 'POST /api/v1/task');
			// Where n8n kept the task id: the executions of the MCP workflow since the first call.
			// One execution per tool call is expected; after 20 s, whatever n8n has saved is judged.
			const final = (row) => row.status !== 'running' && row.status !== 'new';
			let saved = [];
			for (const end = Date.now() + 20000; Date.now() < end; await sleep(500)) {
				saved = await getN8n().executions.query(
					`select e.id, e.status, d.data from execution_entity e left join execution_data d on d."executionId" = e.id
					 where e."workflowId" = ? and e.id > ? order by e.id`,
					[IDS.mcp, lastExecution],
				);
				if (saved.length >= 2 && saved.every(final)) break;
			}
			const withTask = saved.filter((row) => String(row.data || '').includes(tasks[0].task_id));
			assert(withTask.length >= 1, `no execution of the MCP workflow holds task ${tasks[0].task_id}`);
			return `${formatTranscript(mcp.transcript)}; POSTs: 1; executions ${saved.map((row) => `${row.id} (${row.status}${withTask.includes(row) ? ', holds the task id' : ''})`).join(', ')}`;
		});
	});

	await check(name('MCP 5. bad input gets a correctable error and costs nothing'), async () => {
		return await session(SLOW_RENDER_MS, async (mcp, sim) => {
			const result = await mcp.call(MAKE, { ...SONG, lyrics: '', stylePrompt: '' });
			const text = result.text;
			assert(/Lyrics, Style Prompt or Reference Audio: give at least one of them/.test(text), `answer: ${text}`);
			assert(/Nothing was sent to PiAPI and nothing was charged/.test(text), `answer: ${text}`);
			assertEqual((await sim.requests()).length, 0, 'requests to the simulator');
			return `${formatTranscript(mcp.transcript)}; POSTs: 0`;
		});
	});
	return slowTranscript;
}

module.exports = { mcpScenarios, MCP_PATH, MCP_BOUND_SECONDS };
