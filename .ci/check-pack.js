// What `npm pack` would publish: dist/, README, LICENSE and package.json only, and no runtime
// dependencies (n8n's verification forbids them).
const { execFileSync } = require('child_process');
const pkg = require('../package.json');

const [report] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }));
const files = report.files.map((file) => file.path);
const unexpected = files.filter((file) => !/^(dist\/|README\.md$|LICENSE$|package\.json$)/.test(file));
const problems = [];
if (unexpected.length) problems.push(`unexpected files in the package: ${unexpected.join(', ')}`);
if (!files.includes('dist/nodes/DiffRhythm/DiffRhythm.node.js')) problems.push('the DiffRhythm node is missing');
if (!files.includes('dist/icons/diffrhythm.svg')) problems.push('the icons are missing');
if (Object.keys(pkg.dependencies ?? {}).length) problems.push('package.json has runtime dependencies');
if (JSON.stringify(pkg.peerDependencies) !== JSON.stringify({ 'n8n-workflow': '*' })) {
	problems.push('peerDependencies must be exactly {"n8n-workflow": "*"}');
}
if (files.some((file) => /\.test\.|\/test\//.test(file))) problems.push('tests would be published');
if (problems.length) {
	console.error(problems.join('\n'));
	process.exit(1);
}
console.log(`${files.length} files, ${(report.size / 1024).toFixed(1)} kB packed; no runtime dependencies`);
