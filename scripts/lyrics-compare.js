/**
 * `npm run lyrics:compare`: how close the node's plain-lyrics timing comes to real, audio-aligned
 * songs (scripts/lyrics/compare.js; method and figures in docs/lyrics-timing.md).
 *
 *   node scripts/lyrics-compare.js [--dist DIR] [--json] [--write]
 *   node scripts/lyrics-compare.js --example SONG [--lines N] [--dist DIR]
 *
 * `--dist` measures another build (default: this checkout's dist/, built by the npm script), e.g.
 * an older version's, for a before/after comparison. `--write` puts the figures into
 * docs/lyrics-timing.md between its `lyrics-compare` markers (a test checks they are current).
 * `--example` times the first N sung lines of one fixture song (default 8) as plain text for a
 * Base song and prints them beside the real ones.
 */
'use strict';

const path = require('path');
const fs = require('fs');

const { compare, figuresTable, loadSongs, median, songsTable, split } = require('./lyrics/compare');

function arg(name, fallback) {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : process.argv[index + 1];
}

const dist = path.resolve(arg('dist', path.join(__dirname, '..', 'dist')));
const timing = require(path.join(dist, 'nodes', 'DiffRhythm', 'lyrics', 'timing.js'));

const pct = (value) => `${Math.round(value * 100)} %`;
const sec = (value) => `${value.toFixed(2)} s`;

/** The node's LRC for the first lines of a song, beside the real times (shifted to the same start). */
function example(id, count) {
	const song = split(loadSongs()).find((candidate) => candidate.id === id);
	if (!song) throw new Error(`no fixture song "${id}"`);
	const sung = song.lines.filter((line) => line.text !== '' && !timing.headerOf(line.text));
	const chosen = sung.slice(0, count);
	const result = timing.timePlainLyrics(
		chosen.map((line) => line.text).join('\n'),
		'txt2audio-base',
	);
	if (result.kind !== 'timed') throw new Error(`not timed: ${JSON.stringify(result)}`);
	const timed = result.lyrics.lines.filter((line) => line.text !== '');
	const shift = timed[0].seconds - chosen[0].seconds;
	const clock = (seconds) => {
		const minutes = Math.floor(seconds / 60);
		return `${String(minutes).padStart(2, '0')}:${(seconds - minutes * 60).toFixed(2).padStart(5, '0')}`;
	};
	const rows = [
		`${song.id}, first ${chosen.length} lines as plain text, Base song; real times shifted by ${shift >= 0 ? '+' : ''}${shift.toFixed(2)} s to start together`,
		'',
		'| line | real start | real length | node start | node length |',
		'|---|---|---|---|---|',
	];
	chosen.forEach((line, index) => {
		const realNext = sung[index + 1]?.seconds;
		const nodeNext = result.lyrics.lines[index + 1]?.seconds;
		rows.push(
			`| ${line.text} | ${clock(line.seconds + shift)} | ${realNext === undefined ? '' : sec(realNext - line.seconds)} | ${clock(timed[index].seconds)} | ${nodeNext === undefined ? '' : sec(nodeNext - timed[index].seconds)} |`,
		);
	});
	const errors = chosen.slice(0, -1).map((line, index) => {
		const real = sung[index + 1].seconds - line.seconds;
		const node = result.lyrics.lines[index + 1].seconds - timed[index].seconds;
		return Math.abs(node - real) / real;
	});
	rows.push('', `Median error of a line's length over these lines: ${pct(median(errors))}`);
	rows.push('', 'LRC the node sends:', '', '```', result.lyrics.lrc, '```');
	return rows.join('\n');
}

const exampleId = arg('example');
if (exampleId) {
	console.log(example(exampleId, Number(arg('lines', '8'))));
} else {
	const result = compare(timing);
	if (process.argv.includes('--write')) {
		const docs = path.join(__dirname, '..', 'docs', 'lyrics-timing.md');
		const text = fs.readFileSync(docs, 'utf8');
		const block = /(<!-- lyrics-compare:start -->\n)[\s\S]*?(\n<!-- lyrics-compare:end -->)/;
		if (!block.test(text)) throw new Error(`${docs} has no lyrics-compare markers`);
		const tables = `${figuresTable(result)}\n\n${songsTable(result)}`;
		fs.writeFileSync(
			docs,
			text.replace(block, (_, start, end) => `${start}${tables}${end}`),
		);
		console.log(`Figures written to ${path.relative(process.cwd(), docs)}`);
	}
	if (process.argv.includes('--json')) {
		console.log(JSON.stringify(result, null, 2));
	} else {
		console.log(
			`Timing measured: ${path.relative(process.cwd(), dist) || '.'} (${result.songs.length} songs)\n`,
		);
		console.log(figuresTable(result));
		console.log('');
		console.log(songsTable(result));
	}
}
