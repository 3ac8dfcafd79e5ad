// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * The publish workflow's scripts, which run on GitHub only: .ci/check-release.js, the gate before
 * `npm publish --provenance`, checked with the variables GitHub Actions sets; and
 * .ci/release-notes.js, which reads the integrity npm reports for the published tarball and writes
 * the release notes with a ready N8N_COMMUNITY_PACKAGES snippet pinning it.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

function check(env, packageJson) {
	const args = [path.join(ROOT, '.ci/check-release.js')];
	let dir;
	if (packageJson) {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'piapi-release-'));
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(packageJson));
		args.push(path.join(dir, 'package.json'));
	}
	const { GITHUB_REF_NAME, GITHUB_REPOSITORY, ...rest } = process.env;
	try {
		return spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...rest, ...env } });
	} finally {
		if (dir) fs.rmSync(dir, { recursive: true, force: true });
	}
}

const github = {
	GITHUB_REF_NAME: `v${pkg.version}`,
	GITHUB_REPOSITORY: 'owner/n8n-nodes-piapi-diffrhythm',
};
const ready = {
	...pkg,
	author: { name: 'A Maintainer', email: 'maintainer@example.com' },
	repository: { type: 'git', url: 'git+https://github.com/owner/n8n-nodes-piapi-diffrhythm.git' },
};

describe('.ci/check-release.js', () => {
	it('refuses this package.json until it names the public repository and a real author', () => {
		const run = check(github);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain('package.json "repository" is null; npm provenance needs');
		expect(run.stderr).toContain('"git+https://github.com/owner/n8n-nodes-piapi-diffrhythm.git"');
		expect(run.stderr).toContain(`"author" has no real email ("${pkg.author.email}")`);
		expect(run.stderr).not.toContain('tag');
	});

	it('passes a package.json that names the workflow repository and a real author', () => {
		const run = check(github, ready);
		expect(run.stderr).toBe('');
		expect(run.status).toBe(0);
		expect(run.stdout).toBe(
			`${pkg.name}@${pkg.version} from owner/n8n-nodes-piapi-diffrhythm: ready to publish\n`,
		);
	});

	it('refuses a tag that is not the package version, and another repository', () => {
		const run = check({ GITHUB_REF_NAME: 'v9.9.9', GITHUB_REPOSITORY: 'fork/other' }, ready);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain(
			`tag "v9.9.9" is not "v${pkg.version}", the version in package.json`,
		);
		expect(run.stderr).toContain(
			'"repository" is "git+https://github.com/owner/n8n-nodes-piapi-diffrhythm.git"',
		);
	});
});

/** Runs .ci/release-notes.js with these arguments. */
function releaseNotes(...args) {
	return spawnSync(process.execPath, [path.join(ROOT, '.ci/release-notes.js'), ...args], {
		encoding: 'utf8',
	});
}

/** A temporary folder with these files; removed after `use` returns. */
function withFiles(files, use) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'piapi-notes-'));
	try {
		for (const [name, content] of Object.entries(files)) {
			fs.writeFileSync(
				path.join(dir, name),
				typeof content === 'string' ? content : JSON.stringify(content),
			);
		}
		return use((name) => path.join(dir, name));
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

const INTEGRITY = `sha512-${crypto.createHash('sha512').update('a tarball').digest('base64')}`;

describe('.ci/release-notes.js integrity', () => {
	it("reads what npm pack reports, and it is the sha512 of the tarball's bytes", () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'piapi-pack-'));
		try {
			const pack = spawnSync(
				'npm',
				['pack', '--json', '--ignore-scripts', '--pack-destination', dir],
				{ cwd: ROOT, encoding: 'utf8' },
			);
			expect(pack.status).toBe(0);
			fs.writeFileSync(path.join(dir, 'pack.json'), pack.stdout);
			const run = releaseNotes('integrity', path.join(dir, 'pack.json'));
			expect(run.stderr).toBe('');
			const [{ filename }] = JSON.parse(pack.stdout);
			const bytes = fs.readFileSync(path.join(dir, filename));
			const expected = `sha512-${crypto.createHash('sha512').update(bytes).digest('base64')}`;
			expect(run.stdout).toBe(`${expected}\n`);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('reads what npm publish --json reports (npm 11: keyed by package name; older: one object)', () => {
		const entry = { id: `${pkg.name}@${pkg.version}`, name: pkg.name, version: pkg.version };
		for (const report of [
			{ [pkg.name]: { ...entry, shasum: 'f9a56b93', integrity: INTEGRITY } },
			{ ...entry, integrity: INTEGRITY },
		]) {
			const run = withFiles({ 'publish.json': report }, (file) =>
				releaseNotes('integrity', file('publish.json')),
			);
			expect(run.stderr).toBe('');
			expect(run.stdout).toBe(`${INTEGRITY}\n`);
		}
	});

	it('refuses a report without this version, or without a sha512 integrity', () => {
		const entry = { name: pkg.name, version: pkg.version };
		const cases = [
			[
				[{ ...entry, version: '9.9.9', integrity: INTEGRITY }],
				`no entry for ${pkg.name}@${pkg.version}`,
			],
			[[{ ...entry, integrity: 'sha1-abc=' }], 'no sha512 integrity'],
			[[entry], 'no sha512 integrity'],
		];
		for (const [report, message] of cases) {
			const run = withFiles({ 'publish.json': report }, (file) =>
				releaseNotes('integrity', file('publish.json')),
			);
			expect(run.status).toBe(1);
			expect(run.stdout).toBe('');
			expect(run.stderr).toContain(message);
		}
	});
});

describe('.ci/release-notes.js notes', () => {
	/** The N8N_COMMUNITY_PACKAGES values of the notes' shell and Docker Compose snippets. */
	const snippets = (notes) =>
		[...notes.matchAll(/N8N_COMMUNITY_PACKAGES(?:=|: )'([^']*)'/g)].map((m) => JSON.parse(m[1]));

	it('pins the integrity as the checksum, ready for the shell and for Docker Compose', () => {
		const run = releaseNotes('notes', INTEGRITY);
		expect(run.stderr).toBe('');
		expect(run.status).toBe(0);
		const list = [{ name: pkg.name, version: pkg.version, checksum: INTEGRITY }];
		expect(snippets(run.stdout)).toEqual([list, list]);
		expect(run.stdout).toContain('N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV=true\n');
		expect(run.stdout).toContain("  N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV: 'true'\n");
		expect(run.stdout).toContain(`\`${INTEGRITY}\``);
		expect(run.stdout).toContain(`npm view ${pkg.name}@${pkg.version} dist.integrity`);
	});

	it("quotes the version's CHANGELOG entries, or points to the changelog", () => {
		const changelog =
			'# Changelog\n\n## Unreleased\n\n- next\n\n## 1.2.3\n\n- Fixed a thing.\n- Added another.\n\n## 1.2.2\n\n- Old.\n';
		const notesFor = (version) =>
			withFiles(
				{ 'package.json': { ...pkg, version }, 'CHANGELOG.md': changelog },
				(file) => releaseNotes('notes', INTEGRITY, file('package.json')).stdout,
			);
		const notes = notesFor('1.2.3');
		expect(
			notes.startsWith('- Fixed a thing.\n- Added another.\n\n## Install with a pinned checksum'),
		).toBe(true);
		expect(notes).not.toContain('Old.');
		expect(notes).not.toContain('next');
		expect(snippets(notes)[0][0].version).toBe('1.2.3');
		expect(notesFor('1.2.4').startsWith('See CHANGELOG.md for the changes in 1.2.4.')).toBe(true);
	});

	it('refuses what is not a sha512 integrity', () => {
		for (const value of ['', 'sha1-abc=', `${INTEGRITY}' ; rm -rf /`, 'sha512-short==']) {
			const run = releaseNotes('notes', value);
			expect(run.status).toBe(1);
			expect(run.stdout).toBe('');
			expect(run.stderr).toContain('is not a sha512 integrity');
		}
	});
});

describe('.github/workflows/publish.yml', () => {
	const workflow = fs.readFileSync(path.join(ROOT, '.github/workflows/publish.yml'), 'utf8');
	const job = (name) =>
		workflow.split(/\n {2}(?=[a-z]+:\n)/).find((part) => part.startsWith(`${name}:`));

	it('pins the integrity npm reports for the published tarball in the release notes', () => {
		expect(job('publish')).toContain(
			'npm publish --provenance --access public --json > "$RUNNER_TEMP/publish.json"',
		);
		expect(job('publish')).toContain(
			'node .ci/release-notes.js integrity "$RUNNER_TEMP/publish.json"',
		);
		expect(job('release')).toContain('needs: publish');
		expect(job('release')).toContain('INTEGRITY: ${{ needs.publish.outputs.integrity }}');
		expect(job('release')).toContain('node .ci/release-notes.js notes "$INTEGRITY"');
		expect(job('release')).toContain('--notes-file "$RUNNER_TEMP/notes.md"');
	});

	it('lets only the release job, which runs no package code, write to the repository', () => {
		expect(job('publish')).not.toContain('contents: write');
		expect(job('publish')).toContain('id-token: write');
		expect(job('release')).toContain('contents: write');
		expect(job('release')).not.toMatch(/npm (ci|install|test|run)/);
	});
});
