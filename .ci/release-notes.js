// Run by .github/workflows/publish.yml around `npm publish`; both answers are checked by
// test/ci/release.test.js.
//
//   node .ci/release-notes.js integrity <npm-json-file> [package.json]
//     prints the sha512 integrity of this package version's tarball, read from what
//     `npm publish --json` (or `npm pack --json`) printed; fails when it holds none for this
//     name and version.
//   node .ci/release-notes.js notes <sha512-integrity> [package.json] [CHANGELOG.md]
//     prints the GitHub release notes: the version's CHANGELOG.md entries, the integrity, and a
//     ready N8N_COMMUNITY_PACKAGES snippet with it pinned as the checksum. n8n (2.21 and later)
//     installs the listed packages at start; with N8N_UNVERIFIED_PACKAGES_ENABLED=false, the
//     default from n8n 3.0, it installs a package it has not verified only with its checksum.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
/** npm's integrity of a tarball: `sha512-` and the base64 of its SHA-512 (64 bytes). */
const INTEGRITY = /^sha512-[A-Za-z0-9+/]{86}==$/;

function fail(message) {
	console.error(`release-notes: ${message}`);
	process.exit(1);
}

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (error) {
		return fail(`cannot read ${file}: ${error.message}`);
	}
}

/**
 * The integrity npm reported for `name@version`. `npm pack --json` prints a list of packed
 * tarballs, `npm publish --json` one object (or, for workspaces, objects keyed by package name).
 */
function integrityOf(report, name, version) {
	const entries = Array.isArray(report)
		? report
		: report && typeof report === 'object' && 'integrity' in report
			? [report]
			: Object.values(report ?? {});
	const entry = entries.find((e) => e && e.name === name && e.version === version);
	if (!entry) return fail(`npm's report has no entry for ${name}@${version}`);
	if (typeof entry.integrity !== 'string' || !INTEGRITY.test(entry.integrity)) {
		return fail(`npm's report gives ${name}@${version} no sha512 integrity`);
	}
	return entry.integrity;
}

/** The entries under `## <version>` in the changelog, or undefined when there is no such section. */
function changelogSection(text, version) {
	const lines = text.split('\n');
	const start = lines.findIndex((line) =>
		new RegExp(`^## \\[?v?${version.replace(/\./g, '\\.')}\\]?(\\s|$)`).test(line),
	);
	if (start < 0) return undefined;
	const end = lines.findIndex((line, index) => index > start && /^## /.test(line));
	return lines
		.slice(start + 1, end < 0 ? undefined : end)
		.join('\n')
		.trim();
}

function notes(integrity, pkg, changelog) {
	if (!INTEGRITY.test(integrity)) fail(`${JSON.stringify(integrity)} is not a sha512 integrity`);
	const list = JSON.stringify([{ name: pkg.name, version: pkg.version, checksum: integrity }]);
	const changes = changelogSection(changelog, pkg.version);
	return [
		changes ?? `See CHANGELOG.md for the changes in ${pkg.version}.`,
		'',
		'## Install with a pinned checksum',
		'',
		`npm integrity of \`${pkg.name}@${pkg.version}\` (the sha512 of its tarball): \`${integrity}\``,
		'',
		'n8n 2.21 and later install community packages from environment variables at every start. ' +
			'From n8n 3.0 (`N8N_UNVERIFIED_PACKAGES_ENABLED=false` by default), a package n8n has not ' +
			'verified is installed only with its checksum pinned:',
		'',
		'```bash',
		'N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV=true',
		`N8N_COMMUNITY_PACKAGES='${list}'`,
		'```',
		'',
		'In Docker Compose:',
		'',
		'```yaml',
		'environment:',
		"  N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV: 'true'",
		`  N8N_COMMUNITY_PACKAGES: '${list}'`,
		'```',
		'',
		'n8n then uninstalls community packages that are not in the list: add your others to it. ' +
			`\`npm view ${pkg.name}@${pkg.version} dist.integrity\` shows the same integrity.`,
		'',
	].join('\n');
}

const [command, first, packageFile = path.join(ROOT, 'package.json'), changelogFile] =
	process.argv.slice(2);
const pkg = readJson(packageFile);
if (command === 'integrity' && first !== undefined) {
	console.log(integrityOf(readJson(first), pkg.name, pkg.version));
} else if (command === 'notes' && first !== undefined) {
	const file = changelogFile ?? path.join(path.dirname(packageFile), 'CHANGELOG.md');
	const changelog = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
	process.stdout.write(notes(first, pkg, changelog));
} else {
	fail('usage: release-notes.js integrity <npm-json-file> | notes <sha512-integrity>');
}
