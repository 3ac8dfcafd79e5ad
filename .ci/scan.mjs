// n8n's own verification scanner (@n8n/scan-community-package), run offline. Its CLI downloads the
// published package and the source its npm provenance points to; this runs the same analysis on
// this checkout instead: the source tree with the scanner's SOURCE_FILE_PATTERNS and the unpacked
// `npm pack` output with the patterns the CLI uses for a tarball. Any finding fails (exit 1).
//
// Usage: node .ci/scan.mjs [package folder, default: this repository]. dist/ must be built.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const scannerRequire = createRequire(
	import.meta.resolve('@n8n/scan-community-package/scanner/scanner.mjs'),
);
// The scanner makes a temporary folder when it is loaded, for the downloads of its CLI; have its
// own `tmp` remove it at exit.
scannerRequire('tmp').setGracefulCleanup();
// The scanner's own file search, to count what it will lint.
const glob = scannerRequire('fast-glob');

// eslint-plugin-n8n-nodes-base switches to fixture file names and package names when NODE_ENV is
// "test" (as under jest), which makes its file-name rules report every node. It is loaded by the
// first analyzePackage call, so clearing it here is in time.
if (process.env.NODE_ENV === 'test') delete process.env.NODE_ENV;

const PACKAGE_PATTERNS = ['**/*.js', 'package.json'];

const root = path.resolve(
	process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'),
);

/** Packs `dir` the way `npm publish` would and unpacks the tarball; returns the unpacked folder. */
function packAndUnpack(dir, into) {
	const [report] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', into], {
			cwd: dir,
			encoding: 'utf8',
		}),
	);
	const unpacked = path.join(into, 'package');
	execFileSync('tar', ['-xzf', path.join(into, report.filename), '-C', into]);
	return unpacked;
}

async function scan(label, dir, patterns) {
	// Same search as analyzePackage. A folder without code would pass the scanner; here it means a
	// wrong folder or an unbuilt package, not a clean one.
	const files = glob.sync(patterns, {
		cwd: dir,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	const code = files.filter((file) => file !== 'package.json');
	if (code.length === 0) {
		return {
			ok: false,
			text: `scanner (${label}): no code matched ${patterns.join(', ')} in ${dir}`,
		};
	}
	const result = await analyzePackage(dir, patterns);
	if (result.passed)
		return { ok: true, text: `scanner (${label}): ${files.length} files, no findings` };
	return {
		ok: false,
		text: `scanner (${label}): ${result.message}\n${result.details ?? result.error ?? ''}`,
	};
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'piapi-scan-'));
let failed = false;
try {
	const results = [
		await scan('source', root, SOURCE_FILE_PATTERNS),
		await scan('npm pack', packAndUnpack(root, work), PACKAGE_PATTERNS),
	];
	for (const { ok, text } of results) {
		(ok ? console.log : console.error)(text);
		failed ||= !ok;
	}
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
