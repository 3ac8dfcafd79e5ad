// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * The code's layers, as CONTRIBUTING.md describes them, checked on every import of every source
 * file: `nodes/shared/` is layered bottom to top (utils → model → transport → parameters → output
 * → webhook) and a layer imports only from itself and the layers below; shared code imports no
 * node; a node's folder imports no other node's; inside DiffRhythm, `wait/` never imports
 * `actions/` and `lyrics/` imports nothing but itself.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/** Bottom to top: a layer may import from its own folder and those before it. */
const SHARED_LAYERS = ['utils', 'model', 'transport', 'parameters', 'output', 'webhook'];
const NODE_FOLDERS = ['DiffRhythm', 'PiApiTrigger'];

function sourceFiles(dir) {
	return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
		const rel = path.posix.join(dir, entry.name);
		if (entry.isDirectory()) return sourceFiles(rel);
		return entry.name.endsWith('.ts') ? [rel] : [];
	});
}

/** The repository-relative files (without extension) that `source` imports from this package. */
function importsOf(file, source) {
	const found = [];
	const pattern = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g;
	for (const match of source.matchAll(pattern)) {
		found.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1])));
	}
	return found;
}

function sharedLayerOf(file) {
	const parts = file.split('/');
	if (parts[0] !== 'nodes' || parts[1] !== 'shared') return undefined;
	return parts.length > 3 ? parts[2] : '(loose file)';
}

/** Every rule broken by one import of `file`, as readable sentences. */
function problemsOf(file, target) {
	const problems = [];
	const layer = sharedLayerOf(file);
	const targetLayer = sharedLayerOf(target);
	const [, fileNode, fileSub] = file.split('/');
	const [targetTop, targetNode, targetSub] = target.split('/');
	if (layer !== undefined) {
		if (targetTop === 'nodes' && NODE_FOLDERS.includes(targetNode))
			problems.push(`${file} (shared) imports the node folder ${target}`);
		const rank = SHARED_LAYERS.indexOf(layer);
		if (rank >= 0 && SHARED_LAYERS.indexOf(targetLayer) > rank)
			problems.push(
				`${file} (layer ${layer}) imports ${target} from the higher layer ${targetLayer}`,
			);
	}
	if (NODE_FOLDERS.includes(fileNode) && targetTop === 'nodes') {
		if (NODE_FOLDERS.includes(targetNode) && targetNode !== fileNode)
			problems.push(`${file} imports another node's folder: ${target}`);
		if (fileNode === 'DiffRhythm' && targetNode === 'DiffRhythm') {
			if (fileSub === 'wait' && targetSub === 'actions')
				problems.push(`${file} (wait/) imports actions/: ${target}`);
			if (fileSub === 'lyrics' && targetSub !== 'lyrics')
				problems.push(`${file} (lyrics/) imports outside lyrics/: ${target}`);
		}
	}
	if (targetTop === 'credentials' && file.startsWith('nodes/'))
		problems.push(`${file} imports the credential module ${target}`);
	return problems;
}

function layerProblems(files) {
	const problems = [];
	for (const [file, source] of files) {
		const layer = sharedLayerOf(file);
		if (layer !== undefined && !SHARED_LAYERS.includes(layer))
			problems.push(`${file} is not in a layer folder (${SHARED_LAYERS.join(', ')})`);
		for (const target of importsOf(file, source)) problems.push(...problemsOf(file, target));
	}
	return problems;
}

const files = [...sourceFiles('nodes'), ...sourceFiles('credentials')].map((file) => [
	file.replace(/\.ts$/, ''),
	fs.readFileSync(path.join(ROOT, file), 'utf8'),
]);

describe('layers', () => {
	it('finds the source files and their imports', () => {
		expect(files.length).toBeGreaterThan(30);
		const imports = files.flatMap(([file, source]) => importsOf(file, source));
		expect(imports).toContain('nodes/shared/transport/request');
	});

	it('has no import that breaks a layer rule', () => {
		expect(layerProblems(files)).toEqual([]);
	});

	it('has every shared layer folder it names, and nothing else under nodes/shared', () => {
		const folders = fs
			.readdirSync(path.join(ROOT, 'nodes', 'shared'), { withFileTypes: true })
			.map((entry) => (entry.isDirectory() ? entry.name : `${entry.name} (loose file)`));
		expect(folders.sort()).toEqual([...SHARED_LAYERS].sort());
	});

	// The checker itself, on imports planted in made-up files: each rule catches what it must.
	it.each([
		[
			'nodes/shared/utils/x',
			"import { a } from '../transport/errors';",
			/layer utils.*higher layer transport/,
		],
		[
			'nodes/shared/model/x',
			"import type { b } from '../parameters/options';",
			/higher layer parameters/,
		],
		['nodes/shared/transport/x', "export { c } from '../output/items';", /higher layer output/],
		[
			'nodes/shared/output/x',
			"import { d } from '../../DiffRhythm/tool';",
			/imports the node folder/,
		],
		['nodes/shared/loose', "import { e } from './utils/url';", /not in a layer folder/],
		[
			'nodes/DiffRhythm/wait/x',
			"import { f } from '../actions/types';",
			/wait\/\) imports actions/,
		],
		[
			'nodes/DiffRhythm/lyrics/x',
			"import { g } from '../validation';",
			/lyrics\/\) imports outside/,
		],
		['nodes/PiApiTrigger/x', "import { h } from '../DiffRhythm/tool';", /another node's folder/],
	])('catches a planted import in %s', (file, source, message) => {
		const problems = layerProblems([[file, source]]);
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatch(message);
	});

	it('lets a layer import itself and the layers below', () => {
		expect(
			layerProblems([
				[
					'nodes/shared/output/x',
					"import { a } from '../transport/errors';\nimport { b } from './download';",
				],
				[
					'nodes/DiffRhythm/actions/x',
					"import { c } from '../wait';\nimport { d } from '../../shared/webhook/answers';",
				],
			]),
		).toEqual([]);
	});
});
