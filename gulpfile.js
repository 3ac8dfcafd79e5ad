const fs = require('fs');
const path = require('path');
const { src, dest, parallel } = require('gulp');

// tsc emits only JavaScript; n8n resolves `file:` icons and codex files next to the compiled nodes.
function copyIcons() {
	return src('icons/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/icons'));
}

function copyCodex() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

// The package entry ("main"): npm always packs it, so it lives in dist/ with everything else.
function copyEntry() {
	return src('index.js').pipe(dest('dist'));
}

// A stale file in dist would ship in the package, so every build starts empty.
async function clean() {
	fs.rmSync(path.join(__dirname, 'dist'), { recursive: true, force: true });
}

exports.clean = clean;
exports['build:icons'] = parallel(copyIcons, copyCodex, copyEntry);
