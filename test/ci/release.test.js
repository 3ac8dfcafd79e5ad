// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * .ci/check-release.js, the publish workflow's gate before `npm publish --provenance`: it runs on
 * GitHub only, so its answers are checked here with the variables GitHub Actions sets.
 */
'use strict';

const { spawnSync } = require('node:child_process');
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
