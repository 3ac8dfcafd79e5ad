// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * A scripted OpenAI-compatible model server on loopback, for n8n's OpenAI Chat Model node (its
 * credential's Base URL points here). It speaks both APIs that node uses: Chat Completions
 * (`POST /v1/chat/completions`) and, the default of the node's version 1.3, Responses
 * (`POST /v1/responses`); with or without streaming. Nothing is generated: each answer comes from
 * the script the test set, chosen by how many tool results the request already carries, so the
 * conversation is deterministic. Every request is recorded, with the tool results in it.
 */
'use strict';

const http = require('node:http');

/**
 * A script: `steps[k]` answers a request that carries k tool results; each step is a function of
 * the request (`{ api, tools, toolResults, userText }`) returning `{ toolCall: { args, name? } }`
 * or `{ text }`. `completion` answers requests without tools (a Basic LLM Chain).
 * @typedef {{ steps?: Array<(request: object) => object>, completion?: (request: object) => string }} Script
 */

function textOf(content) {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : part.text || '')).join('');
	return '';
}

/** What the request says, whichever API it uses. */
function readRequest(api, body) {
	if (api === 'chat') {
		const messages = body.messages || [];
		return {
			api,
			model: body.model,
			stream: body.stream === true,
			tools: (body.tools || []).map((tool) => ({ name: tool.function.name, description: tool.function.description, parameters: tool.function.parameters })),
			toolResults: messages.filter((m) => m.role === 'tool').map((m) => textOf(m.content)),
			userText: messages.filter((m) => m.role === 'user').map((m) => textOf(m.content)).join('\n'),
			systemText: messages.filter((m) => m.role === 'system').map((m) => textOf(m.content)).join('\n'),
		};
	}
	const input = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : body.input || [];
	return {
		api,
		model: body.model,
		stream: body.stream === true,
		tools: (body.tools || []).filter((tool) => tool.type === 'function').map((tool) => ({ name: tool.name, description: tool.description, parameters: tool.parameters })),
		toolResults: input.filter((item) => item.type === 'function_call_output').map((item) => textOf(item.output)),
		userText: input.filter((item) => item.role === 'user').map((item) => textOf(item.content)).join('\n'),
		systemText: [body.instructions || '', ...input.filter((item) => item.role === 'system' || item.role === 'developer').map((item) => textOf(item.content))].join('\n').trim(),
	};
}

const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };

function chatAnswer(reply, id, model) {
	const message = reply.toolCall
		? { role: 'assistant', content: null, tool_calls: [{ id: reply.toolCall.id, type: 'function', function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.args) } }] }
		: { role: 'assistant', content: reply.text };
	return {
		id: `chatcmpl-${id}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message, logprobs: null, finish_reason: reply.toolCall ? 'tool_calls' : 'stop' }],
		usage,
	};
}

function chatChunks(reply, id, model) {
	const base = { id: `chatcmpl-${id}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
	const delta = reply.toolCall
		? { role: 'assistant', content: null, tool_calls: [{ index: 0, id: reply.toolCall.id, type: 'function', function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.args) } }] }
		: { role: 'assistant', content: reply.text };
	return [
		{ ...base, choices: [{ index: 0, delta, finish_reason: null }] },
		{ ...base, choices: [{ index: 0, delta: {}, finish_reason: reply.toolCall ? 'tool_calls' : 'stop' }], usage },
	];
}

function responsesAnswer(reply, id, model) {
	const output = reply.toolCall
		? [{ type: 'function_call', id: `fc_${id}`, call_id: reply.toolCall.id, name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.args), status: 'completed' }]
		: [{ type: 'message', id: `msg_${id}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: reply.text, annotations: [] }] }];
	return {
		id: `resp_${id}`,
		object: 'response',
		created_at: Math.floor(Date.now() / 1000),
		status: 'completed',
		model,
		output,
		parallel_tool_calls: true,
		tool_choice: 'auto',
		tools: [],
		usage: { input_tokens: 10, output_tokens: 10, total_tokens: 20 },
	};
}

function responsesEvents(reply, id, model) {
	const response = responsesAnswer(reply, id, model);
	const item = response.output[0];
	const events = [
		{ type: 'response.created', response: { ...response, status: 'in_progress', output: [] } },
		{ type: 'response.output_item.added', output_index: 0, item: reply.toolCall ? { ...item, arguments: '' } : { ...item, content: [] } },
	];
	if (reply.toolCall) {
		events.push({ type: 'response.function_call_arguments.delta', output_index: 0, item_id: item.id, delta: item.arguments });
		events.push({ type: 'response.function_call_arguments.done', output_index: 0, item_id: item.id, arguments: item.arguments });
	} else {
		events.push({ type: 'response.output_text.delta', output_index: 0, item_id: item.id, content_index: 0, delta: reply.text });
		events.push({ type: 'response.output_text.done', output_index: 0, item_id: item.id, content_index: 0, text: reply.text });
	}
	events.push({ type: 'response.output_item.done', output_index: 0, item });
	events.push({ type: 'response.completed', response });
	return events.map((event, index) => ({ ...event, sequence_number: index }));
}

class ModelServer {
	constructor() {
		this.requests = [];
		this.script = {};
		this.server = null;
		this.url = '';
		this.counter = 0;
	}

	/** Starts on 127.0.0.1 at a free port; `url` is the Base URL for the OpenAI credential (…/v1). */
	async start() {
		this.server = http.createServer((req, res) => this.handle(req, res));
		await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.port = this.server.address().port;
		this.url = `http://127.0.0.1:${this.port}/v1`;
		return this;
	}

	async stop() {
		if (!this.server) return;
		this.server.closeAllConnections?.();
		await new Promise((resolve) => this.server.close(() => resolve()));
		this.server = null;
	}

	/** Sets the script for the next conversation and forgets earlier requests. */
	use(script) {
		this.script = script;
		this.requests = [];
	}

	handle(req, res) {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			const path = req.url.split('?')[0];
			const api = path.endsWith('/chat/completions') ? 'chat' : path.endsWith('/responses') ? 'responses' : null;
			let body;
			try {
				body = JSON.parse(raw || '{}');
			} catch {
				body = null;
			}
			if (req.method !== 'POST' || !api || !body) {
				const record = { method: req.method, path, api: null, status: 404, bodyBytes: Buffer.byteLength(raw) };
				this.requests.push(record);
				res.writeHead(404, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: `no such route: ${req.method} ${path}`, type: 'invalid_request_error' } }));
				return;
			}
			const request = readRequest(api, body);
			const record = { at: Date.now(), method: req.method, path, ...request, bodyBytes: Buffer.byteLength(raw), status: 200 };
			this.requests.push(record);
			let reply;
			try {
				reply = this.reply(request);
			} catch (error) {
				record.status = 500;
				record.error = error.message;
				res.writeHead(500, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: `script: ${error.message}`, type: 'server_error' } }));
				return;
			}
			record.reply = reply;
			const id = String(++this.counter);
			if (request.stream) {
				res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
				if (api === 'chat') {
					for (const chunk of chatChunks(reply, id, request.model)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
					res.end('data: [DONE]\n\n');
				} else {
					for (const event of responsesEvents(reply, id, request.model)) res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
					res.end();
				}
				return;
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(api === 'chat' ? chatAnswer(reply, id, request.model) : responsesAnswer(reply, id, request.model)));
		});
	}

	reply(request) {
		if (request.tools.length === 0) {
			if (!this.script.completion) throw new Error('a request without tools, and the script has no completion');
			return { text: this.script.completion(request) };
		}
		const step = (this.script.steps || [])[request.toolResults.length];
		if (!step) throw new Error(`no script step for a request with ${request.toolResults.length} tool result(s)`);
		const reply = step(request);
		if (reply.toolCall) {
			const tool = reply.toolCall.name ? request.tools.find((t) => t.name === reply.toolCall.name) : request.tools[0];
			if (!tool) throw new Error(`the request offers no tool ${reply.toolCall.name} (tools: ${request.tools.map((t) => t.name).join(', ')})`);
			return { toolCall: { id: `call_${this.counter + 1}_${request.toolResults.length}`, name: tool.name, args: reply.toolCall.args } };
		}
		return { text: reply.text };
	}

	/** Requests that offered tools (the agent's), in order. */
	agentRequests() {
		return this.requests.filter((r) => r.api && r.tools && r.tools.length > 0);
	}
}

module.exports = { ModelServer, readRequest };
