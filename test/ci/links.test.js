// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * The links a user follows from n8n (the nodes' and the credential's Docs links) and from npm
 * (homepage) lead to the package's npm page, whose text is this README, and their anchors are
 * README headings.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const NPM_PAGE = 'https://www.npmjs.com/package/n8n-nodes-piapi-diffrhythm';
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** GitHub's and npm's heading anchors: lower case, punctuation dropped, spaces to dashes. */
const anchors = new Set(
	fs
		.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
		.split('\n')
		.filter((line) => /^#{1,6} /.test(line))
		.map((line) =>
			line
				.replace(/^#+ /, '')
				.toLowerCase()
				.replace(/[^a-z0-9 -]/g, '')
				.replace(/ /g, '-'),
		),
);

function docLinks() {
	const links = [['package.json homepage', pkg.homepage]];
	const { PiApiApi } = require(path.join(ROOT, 'dist/credentials/PiApiApi.credentials.js'));
	links.push(['credential documentationUrl', new PiApiApi().documentationUrl]);
	for (const node of pkg.n8n.nodes) {
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
		if (anchor !== undefined) expect(anchors).toContain(anchor);
	});
});
