// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * The output examples in README.md and docs/*.md are what the nodes really output. Each example is
 * a ```json block right after a `<!-- output-example: NAME -->` comment; this test produces NAME's
 * output with the built package in n8n's engine against the PiAPI simulator and compares: the same
 * keys in the same order at every level (an example may not leave a field out, nor show one the
 * node does not give), and the same values, except strings shortened with `…` and values that
 * differ from run to run (ids, times, the delivery's timestamp), whose type must still match.
 * Likewise every plain-lyrics example (`<!-- lyrics-example: NAME plain -->`) is sent with
 * Generate, and the LRC PiAPI receives must be its `<!-- lyrics-example: NAME lrc TASK_TYPE -->`.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { randomUUID } = require('node:crypto');

const ROOT = path.resolve(__dirname, '..', '..');
const { PACKAGE_NAME, diffRhythmWorkflow, runWorkflow, startN8nServer } = require('../harness');
const { startSimulator } = require('../simulator');

const API_KEY = 'docs-example-key';
const WEBHOOK_SECRET = 'docs-example-webhook-secret';

/** Values that differ on every run: only their type is compared. */
const VARYING = new Set([
	'task_id',
	'created_at',
	'started_at',
	'ended_at',
	'timestamp',
	'dedupeKey',
]);

const DOCS = [
	'README.md',
	...fs
		.readdirSync(path.join(ROOT, 'docs'))
		.filter((name) => name.endsWith('.md'))
		.map((name) => `docs/${name}`),
];

/**
 * Every block marked `<!-- KIND: words -->` in the documentation, as { words, file, line, text }:
 * the marker must be followed by a fenced block (```json for output examples).
 */
function marked(kind, fence) {
	const found = [];
	for (const file of DOCS) {
		const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
		lines.forEach((line, index) => {
			const marker = new RegExp(`^<!-- ${kind}: ([a-z0-9 -]+) -->$`).exec(line.trim());
			if (!marker) return;
			if (lines[index + 1] !== fence) {
				throw new Error(`${file}:${index + 1}: the marker must be followed by a ${fence} block`);
			}
			const end = lines.indexOf('```', index + 2);
			const text = lines.slice(index + 2, end).join('\n');
			found.push({ words: marker[1].split(' '), file, line: index + 1, text });
		});
	}
	return found;
}

/** Output examples, as { name, file, line, value }. */
const examples = () =>
	marked('output-example', '```json').map(({ words, file, line, text }) => ({
		name: words[0],
		file,
		line,
		value: JSON.parse(text),
	}));

/** Plain-lyrics examples with the LRC they become, as { name, file, line, plain, lrc, taskType }. */
function lyricsExamples() {
	const blocks = marked('lyrics-example', '```');
	const plain = blocks.filter((b) => b.words[1] === 'plain');
	return blocks
		.filter((b) => b.words[1] === 'lrc')
		.map(({ words, file, line, text }) => {
			const input = plain.find((b) => b.words[0] === words[0] && b.file === file);
			if (!input) throw new Error(`${file}:${line}: no plain input marked for "${words[0]}"`);
			return { name: words[0], file, line, plain: input.text, lrc: text, taskType: words[2] };
		});
}

/** Differences between an example and a real output, as readable paths. */
function differences(example, real, at = '$') {
	if (example !== null && typeof example === 'object' && !Array.isArray(example)) {
		if (real === null || typeof real !== 'object' || Array.isArray(real)) {
			return [`${at}: the example shows an object, the node gives ${JSON.stringify(real)}`];
		}
		const shown = Object.keys(example);
		const given = Object.keys(real);
		if (shown.join(',') !== given.join(',')) {
			return [`${at}: the example has the keys [${shown}], the node gives [${given}]`];
		}
		return shown.flatMap((key) => differences(example[key], real[key], `${at}.${key}`));
	}
	if (Array.isArray(example)) {
		if (!Array.isArray(real))
			return [`${at}: the example shows a list, the node gives ${JSON.stringify(real)}`];
		if (example.length === 0)
			return real.length === 0 ? [] : [`${at}: the node gives ${real.length} entries`];
		return example.flatMap((entry, index) => differences(entry, real[index], `${at}[${index}]`));
	}
	const key = at.split('.').pop();
	const shortened = typeof example === 'string' && example.includes('…');
	if (shortened || VARYING.has(key)) {
		if (typeof real !== typeof example) {
			return [
				`${at}: the example shows a ${typeof example}, the node gives ${JSON.stringify(real)}`,
			];
		}
		// A shortened text shows how the node's begins; URLs are the simulator's here, not PiAPI's.
		const [before] = shortened ? example.split('…') : [''];
		if (shortened && !/^https?:/.test(before) && !real.startsWith(before)) {
			return [
				`${at}: the example starts ${JSON.stringify(before)}, the node gives ${JSON.stringify(real)}`,
			];
		}
		return [];
	}
	return Object.is(example, real)
		? []
		: [
				`${at}: the example shows ${JSON.stringify(example)}, the node gives ${JSON.stringify(real)}`,
			];
}

const outputs = {};
let sim;
let server;

beforeAll(async () => {
	sim = await startSimulator({ apiKey: API_KEY, pendingMs: 100, renderMs: 300, audioSeconds: 1 });
	const credentials = {
		piApiApi: { apiKey: API_KEY, baseUrl: sim.url, webhookSecret: WEBHOOK_SECRET },
	};

	// Generate and Wait: the example workflow the README's first song follows.
	const workflow = JSON.parse(
		fs.readFileSync(path.join(ROOT, 'examples/generate-song.workflow.json'), 'utf8'),
	);
	const run = await runWorkflow({ workflow, credentials });
	expect(run.status).toBe('success');
	outputs['generate-and-wait'] = run.output('DiffRhythm')[0].json;

	// PiAPI Trigger with its defaults, called back by a song that Generate started.
	server = await startN8nServer({ credentials });
	const { webhookUrl } = await server.activate({
		id: `wf-${randomUUID()}`,
		name: 'Receive',
		nodes: [
			{
				name: 'PiAPI Trigger',
				type: `${PACKAGE_NAME}.piApiTrigger`,
				webhookId: randomUUID(),
				parameters: {},
				credentials: { piApiApi: { id: 'cred-1', name: 'PiAPI' } },
			},
		],
	});
	sim.setBehaviour({ webhookIntermediate: false });
	const generate = await server.run({
		workflow: diffRhythmWorkflow({
			operation: 'generate',
			taskType: 'txt2audio-base',
			lyrics: '[00:10.00] City lights are calling me home',
			stylePrompt: 'pop',
			options: { callbackUrl: webhookUrl('PiAPI Trigger') },
		}),
	});
	expect(generate.status).toBe('success');
	await server.waitFor(() =>
		[...server.executions.values()].some((e) => e.workflowName === 'Receive'),
	);
	const received = [...server.executions.values()].find((e) => e.workflowName === 'Receive');
	const trigger = await received.done;
	outputs['piapi-trigger'] = trigger.output('PiAPI Trigger')[0].json;
}, 60_000);

afterAll(async () => {
	await server?.close();
	await sim?.close();
});

describe('output examples in the documentation', () => {
	const found = examples();

	it('marks the Generate and Wait and the PiAPI Trigger examples', () => {
		expect(found.map((e) => e.name)).toEqual(
			expect.arrayContaining(['generate-and-wait', 'piapi-trigger']),
		);
	});

	it.each(found.map((e) => [`${e.file}:${e.line} (${e.name})`, e]))(
		'%s matches what the node outputs',
		(_, example) => {
			expect(outputs[example.name]).toBeDefined();
			expect(differences(example.value, outputs[example.name])).toEqual([]);
		},
	);

	it('sees a field the example leaves out', () => {
		const [example] = found.filter((e) => e.name === 'generate-and-wait');
		const { piapiStatus, ...without } = example.value;
		expect(piapiStatus).toBe('completed');
		expect(differences(without, outputs['generate-and-wait'])).toEqual([
			expect.stringContaining('the node gives [success,task_id,model,task_type,status,'),
		]);
	});
});

describe('plain-lyrics examples in the documentation', () => {
	const found = lyricsExamples();

	it("marks the README's and docs/lyrics.md's examples", () => {
		expect(found.map((e) => e.file)).toEqual(
			expect.arrayContaining(['README.md', 'docs/lyrics.md']),
		);
	});

	it.each(found.map((e) => [`${e.file}:${e.line} (${e.name}, ${e.taskType})`, e]))(
		'%s is the LRC the node sends',
		async (_, example) => {
			const run = await runWorkflow({
				workflow: diffRhythmWorkflow({
					operation: 'generate',
					taskType: example.taskType,
					lyricsFormat: 'plain',
					lyrics: example.plain,
					stylePrompt: 'pop',
				}),
				credentials: { piApiApi: { apiKey: API_KEY, baseUrl: sim.url } },
			});
			expect(run.status).toBe('success');
			expect(sim.posts().at(-1).body.input.lyrics).toBe(example.lrc);
		},
	);
});
