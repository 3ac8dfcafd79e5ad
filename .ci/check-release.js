// Run by .github/workflows/publish.yml before `npm publish`: the pushed tag must be the package's
// version, and package.json must name the GitHub repository the workflow runs in (npm refuses a
// provenance statement whose repository does not match it, and n8n's verification wants the same
// repository and a real author). Usage: node .ci/check-release.js [package.json]; reads
// GITHUB_REF_NAME (the tag) and GITHUB_REPOSITORY (owner/name), which GitHub Actions sets.
const fs = require('node:fs');
const path = require('node:path');

const file = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'package.json'));
const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
const tag = process.env.GITHUB_REF_NAME ?? '';
const repository = process.env.GITHUB_REPOSITORY ?? '';

const problems = [];
if (tag !== `v${pkg.version}`) {
	problems.push(`tag "${tag}" is not "v${pkg.version}", the version in package.json`);
}
const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
const normalised = (url ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
if (!repository || normalised !== `https://github.com/${repository}`) {
	problems.push(
		`package.json "repository" is ${JSON.stringify(url ?? null)}; npm provenance needs ` +
			`{ "type": "git", "url": "git+https://github.com/${repository || '<owner>/<name>'}.git" }`,
	);
}
const email =
	typeof pkg.author === 'string' ? /<([^>]*)>/.exec(pkg.author)?.[1] : pkg.author?.email;
if (!email || /\.invalid$/i.test(email)) {
	problems.push(`package.json "author" has no real email (${JSON.stringify(email ?? null)})`);
}

if (problems.length) {
	console.error(`Not ready to publish ${pkg.name}:\n- ${problems.join('\n- ')}`);
	process.exit(1);
}
console.log(`${pkg.name}@${pkg.version} from ${repository}: ready to publish`);
