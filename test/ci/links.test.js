// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * Every link in the documentation leads somewhere: each relative link in README.md,
 * CONTRIBUTING.md, CHANGELOG.md and docs/*.md names a file of the repository, and each #anchor one
 * of that page's headings, computed as GitHub (and npm) compute them. The links a user follows from
 * n8n (the nodes' and the credential's Docs links, in their descriptions or codex files) and from
 * npm (homepage) lead to the package's npm page, whose text is README.md, and their anchors are
 * README headings. The README stays the short
 * front door: at most about 250 lines, with a table of contents of all its sections.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const NPM_PAGE = 'https://www.npmjs.com/package/n8n-nodes-piapi-diffrhythm';
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

const PAGES = [
	'README.md',
	'CONTRIBUTING.md',
	'CHANGELOG.md',
	...fs
		.readdirSync(path.join(ROOT, 'docs'))
		.filter((name) => name.endsWith('.md'))
		.map((name) => `docs/${name}`),
];

/** A page's lines outside fenced code blocks, with their line numbers. */
function proseLines(file) {
	let fenced = false;
	const out = [];
	fs.readFileSync(path.join(ROOT, file), 'utf8')
		.split('\n')
		.forEach((text, index) => {
			if (/^\s*(```|~~~)/.test(text)) {
				fenced = !fenced;
				return;
			}
			if (!fenced) out.push({ text, line: index + 1 });
		});
	return out;
}

/** A heading's anchor as GitHub makes it: text only, lower case, punctuation dropped. */
function slug(heading) {
	return heading
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/<[^>]+>/g, '')
		.replace(/[`*]/g, '')
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
		.replace(/ /g, '-');
}

/** The anchors of a page's headings; a repeated heading gets -1, -2, … as on GitHub. */
function anchorsOf(file) {
	const seen = new Map();
	const anchors = new Set();
	for (const { text } of proseLines(file)) {
		const heading = /^#{1,6} +(.*?)\s*#*\s*$/.exec(text);
		if (!heading) continue;
		const base = slug(heading[1]);
		const count = seen.get(base) ?? 0;
		seen.set(base, count + 1);
		anchors.add(count === 0 ? base : `${base}-${count}`);
	}
	return anchors;
}

/** Every link target of a page (inline Markdown links and images), outside code. */
function linksOf(file) {
	const links = [];
	for (const { text, line } of proseLines(file)) {
		const prose = text.replace(/`[^`]*`/g, '');
		for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
			links.push({ target: match[1], line });
		}
	}
	return links;
}

/** What is wrong with one link, or undefined when it leads somewhere. */
function problemOf(file, target) {
	if (/^(https?:|mailto:)/.test(target)) return undefined;
	const [pathPart, anchor] = target.split('#');
	const resolved = pathPart
		? path.normalize(path.join(path.dirname(file), decodeURIComponent(pathPart)))
		: file;
	if (resolved.startsWith('..')) return `${target} leaves the repository`;
	if (!fs.existsSync(path.join(ROOT, resolved))) return `${target}: no file ${resolved}`;
	if (anchor === undefined) return undefined;
	if (!resolved.endsWith('.md')) return `${target}: an anchor into a file that is not Markdown`;
	if (!anchorsOf(resolved).has(anchor)) {
		return `${target}: ${resolved} has no heading with the anchor #${anchor}`;
	}
	return undefined;
}

function docLinks() {
	const links = [['package.json homepage', pkg.homepage]];
	const { PiApiApi } = require(path.join(ROOT, 'dist/credentials/PiApiApi.credentials.js'));
	links.push(['credential documentationUrl', new PiApiApi().documentationUrl]);
	for (const node of pkg.n8n.nodes) {
		// The node's own Docs link, where it has one (n8n keeps its anchor; the codex's gets
		// `?utm_source=…` appended after it).
		const [NodeClass] = Object.values(require(path.join(ROOT, node)));
		const { documentationUrl } = new NodeClass().description;
		if (documentationUrl) links.push([`${path.basename(node)} documentationUrl`, documentationUrl]);
		const codex = JSON.parse(
			fs.readFileSync(path.join(ROOT, node.replace(/\.js$/, '.json')), 'utf8'),
		);
		for (const [kind, entries] of Object.entries(codex.resources)) {
			for (const { url } of entries) links.push([`${path.basename(node)} ${kind}`, url]);
		}
	}
	return links;
}

describe('documentation links', () => {
	it.each(docLinks())('%s is the npm page or one of its README headings (%s)', (_, url) => {
		const [page, anchor] = url.split('#');
		expect(page).toBe(NPM_PAGE);
		if (anchor !== undefined) expect(anchorsOf('README.md')).toContain(anchor);
	});

	it.each(PAGES)('every relative link and #anchor in %s leads somewhere', (file) => {
		const links = linksOf(file);
		const problems = links
			.map(({ target, line }) => {
				const problem = problemOf(file, target);
				return problem && `${file}:${line}: ${problem}`;
			})
			.filter(Boolean);
		expect(problems).toEqual([]);
	});

	it('reaches every docs page from the README', () => {
		const linked = new Set(
			linksOf('README.md').map(({ target }) => path.normalize(target.split('#')[0])),
		);
		const pages = PAGES.filter((file) => file.startsWith('docs/'));
		expect(pages.filter((file) => !linked.has(file))).toEqual([]);
	});

	it('computes anchors as GitHub does, and sees a broken one', () => {
		expect(slug('Two ways to wait: Poll or Suspend')).toBe('two-ways-to-wait-poll-or-suspend');
		expect(slug('What a song costs: the GET budget')).toBe('what-a-song-costs-the-get-budget');
		expect(slug("Suspend and the agent's patience")).toBe('suspend-and-the-agents-patience');
		expect(slug('`N8N_COMMUNITY_PACKAGES` and **n8n 3.0**')).toBe(
			'n8n_community_packages-and-n8n-30',
		);
		expect(anchorsOf('docs/benchmarks.md')).toContain('queue-mode');
		expect(problemOf('README.md', 'docs/wait-modes.md#no-such-heading')).toBe(
			'docs/wait-modes.md#no-such-heading: docs/wait-modes.md has no heading with the anchor #no-such-heading',
		);
		expect(problemOf('docs/errors.md', 'operations.md#output')).toBeUndefined();
		expect(problemOf('docs/errors.md', 'docs/operations.md')).toBe(
			'docs/operations.md: no file docs/docs/operations.md',
		);
		expect(problemOf('README.md', '#no-such-section')).toContain('README.md has no heading');
	});
});

describe('the README is the front door', () => {
	const lines = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n');

	it('is at most about 250 lines', () => {
		expect(lines.length).toBeLessThanOrEqual(260);
	});

	it('lists every section in its table of contents, in order', () => {
		const sections = proseLines('README.md')
			.map(({ text }) => /^## +(.*)$/.exec(text))
			.filter(Boolean)
			.map((match) => `#${slug(match[1])}`);
		const contents = lines.find((line) => line.startsWith('**Contents:**'));
		expect(contents).toBeDefined();
		const start = lines.indexOf(contents);
		const block = lines.slice(start, lines.indexOf('', start)).join(' ');
		const listed = [...block.matchAll(/\]\((#[^)]+)\)/g)].map((match) => match[1]);
		expect(listed).toEqual(sections);
	});
});
