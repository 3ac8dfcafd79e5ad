/**
 * How close the node's plain-lyrics timing comes to real singing. The songs are public LRC files
 * aligned to real recordings (test/fixtures/aligned-lyrics, SOURCES.md there); each sung line's
 * real length is the time until the next line starts, the node's is what it gives the same text
 * at its natural pace (before any squeezing to fit a song). docs/lyrics-timing.md explains the
 * method and keeps the figures; `npm run lyrics:compare` prints them, and
 * test/unit/lyricsCalibration.test.js holds the held-out songs to thresholds.
 *
 * The timing module is passed in (the TypeScript source in tests, a build in the script), so the
 * same measurement can be run on an older build for a before/after comparison.
 */
'use strict';

const fs = require('fs');
const path = require('path');

const FIXTURES = path.join(__dirname, '..', '..', 'test', 'fixtures', 'aligned-lyrics');

/**
 * A gap longer than this between two line starts holds an instrumental break or a section end,
 * not one sung line (the node's longest line is 10 s); such lines are left out of the figures.
 */
const BREAK_SECONDS = 10;

/**
 * Songs whose real line lengths vary at least this much (standard deviation over mean) count for
 * the correlation: where every line lasts about as long, there is nothing for lengths to follow.
 */
const VARYING = 0.2;

const TIME_TAG = /^\[(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?\]/;
const WORD_TAG = /<\d{1,3}:\d{1,2}(?:[.:]\d{1,3})?>/g;

/**
 * An aligned LRC file as `{ seconds, text }` lines in time order: metadata tags (`[ar:…]`) are
 * skipped, a line with several time tags gives one line per tag, enhanced-LRC word times are
 * removed, and empty lines (end marks) are kept with an empty text.
 */
function parseAligned(text) {
	const lines = [];
	for (const raw of text.split(/\r\n|\r|\n/)) {
		let rest = raw.trim();
		const times = [];
		for (let match = TIME_TAG.exec(rest); match; match = TIME_TAG.exec(rest)) {
			const fraction = match[3] ? Number(`0.${match[3]}`) : 0;
			times.push(Number(match[1]) * 60 + Number(match[2]) + fraction);
			rest = rest.slice(match[0].length);
		}
		const lyric = rest.replace(WORD_TAG, '').replace(/\s+/g, ' ').trim();
		for (const seconds of times) lines.push({ seconds, text: lyric });
	}
	return lines.sort((a, b) => a.seconds - b.seconds);
}

/** The fixture songs, by file name: `en-…` English, `zh-…` Chinese. */
function loadSongs(dir = FIXTURES) {
	return fs
		.readdirSync(dir)
		.filter((name) => name.endsWith('.lrc'))
		.sort()
		.map((name) => ({
			id: name.replace(/\.lrc$/, ''),
			language: name.slice(0, 2),
			lines: parseAligned(fs.readFileSync(path.join(dir, name), 'utf8')),
		}));
}

/**
 * Calibration and held-out songs, decided by name alone: per language, in name order, every
 * second song (the 2nd, 4th, …) is held out. The timing constants are fitted on the others.
 */
function split(songs) {
	const seen = new Map();
	return songs.map((song) => {
		const index = seen.get(song.language) ?? 0;
		seen.set(song.language, index + 1);
		return { ...song, heldOut: index % 2 === 1 };
	});
}

/** The node's natural length of one line; a build without `lineSeconds` is asked for a one-line song. */
function nodeSeconds(timing, text) {
	if (typeof timing.lineSeconds === 'function') return timing.lineSeconds(text);
	const result = timing.timePlainLyrics(text, 'txt2audio-base');
	if (result.kind !== 'timed' || result.lyrics.lines.length < 2) return undefined;
	return result.lyrics.lines[1].seconds - result.lyrics.lines[0].seconds;
}

/**
 * One song's measured lines: each sung line followed by another one within `BREAK_SECONDS`, with
 * its real and its node length. Lines the node takes for headers (`(Instrumental)`) are left out.
 */
function measureSong(song, timing) {
	const sung = song.lines.filter((line) => line.text !== '');
	const rows = [];
	for (let i = 0; i + 1 < sung.length; i++) {
		const real = sung[i + 1].seconds - sung[i].seconds;
		const text = sung[i].text;
		if (real <= 0 || real > BREAK_SECONDS || timing.headerOf(text)) continue;
		const node = nodeSeconds(timing, text);
		if (node === undefined) continue;
		rows.push({ text, at: sung[i].seconds, real, node });
	}
	return rows;
}

function median(values) {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function mean(values) {
	return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Pearson correlation; NaN when either side does not vary. */
function correlation(xs, ys) {
	const mx = mean(xs);
	const my = mean(ys);
	let sxy = 0;
	let sxx = 0;
	let syy = 0;
	xs.forEach((x, i) => {
		sxy += (x - mx) * (ys[i] - my);
		sxx += (x - mx) ** 2;
		syy += (ys[i] - my) ** 2;
	});
	return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** How far a line's node length is from its real one, relative to the real one. */
const errorOf = (row) => Math.abs(row.node - row.real) / row.real;

function songFigures(song, rows) {
	const real = rows.map((row) => row.real);
	const spread = Math.sqrt(mean(real.map((value) => (value - mean(real)) ** 2))) / mean(real);
	return {
		id: song.id,
		language: song.language,
		heldOut: song.heldOut,
		lines: rows.length,
		medianReal: median(real),
		medianNode: median(rows.map((row) => row.node)),
		medianError: median(rows.map(errorOf)),
		spread,
		varying: spread >= VARYING,
		correlation: correlation(
			rows.map((row) => row.node),
			real,
		),
	};
}

/**
 * The figures of one set of songs: all their lines pooled (median error of a line's length,
 * median real and node line) and the correlation of node and real lengths per varying song.
 */
function setFigures(songs) {
	const rows = songs.flatMap((song) => song.rows);
	const correlations = songs
		.filter((song) => song.figures.varying && !Number.isNaN(song.figures.correlation))
		.map((song) => song.figures.correlation);
	return {
		songs: songs.length,
		lines: rows.length,
		medianReal: median(rows.map((row) => row.real)),
		medianNode: median(rows.map((row) => row.node)),
		medianError: median(rows.map(errorOf)),
		varyingSongs: correlations.length,
		medianCorrelation: median(correlations),
		minCorrelation: correlations.length ? Math.min(...correlations) : NaN,
		maxCorrelation: correlations.length ? Math.max(...correlations) : NaN,
	};
}

/**
 * Measures a timing module on the songs: per song, and per language for the calibration songs,
 * the held-out songs and all of them.
 */
function compare(timing, songs = split(loadSongs())) {
	const measured = songs.map((song) => {
		const rows = measureSong(song, timing);
		return { ...song, rows, figures: songFigures(song, rows) };
	});
	const sets = {};
	for (const language of [...new Set(measured.map((song) => song.language))]) {
		const own = measured.filter((song) => song.language === language);
		sets[language] = {
			calibration: setFigures(own.filter((song) => !song.heldOut)),
			heldOut: setFigures(own.filter((song) => song.heldOut)),
			all: setFigures(own),
		};
	}
	return { songs: measured.map((song) => song.figures), sets };
}

const pct = (value) => (Number.isNaN(value) ? 'n/a' : `${Math.round(value * 100)} %`);
const sec = (value) => `${value.toFixed(2)} s`;
const cor = (value) => (Number.isNaN(value) ? 'n/a' : value.toFixed(2));
const LANGUAGES = { en: 'English', zh: 'Chinese' };

/** The figures per language and set as a Markdown table (the one docs/lyrics-timing.md keeps). */
function figuresTable(result) {
	const rows = [
		"| | songs | lines | real median line | node median line | median error of a line's length | correlation where lines vary: median (range, songs) |",
		'|---|---|---|---|---|---|---|',
	];
	for (const [language, sets] of Object.entries(result.sets)) {
		for (const [name, label] of [
			['calibration', 'calibration'],
			['heldOut', 'held out'],
			['all', 'all'],
		]) {
			const set = sets[name];
			const range = set.varyingSongs
				? `${cor(set.medianCorrelation)} (${cor(set.minCorrelation)} to ${cor(set.maxCorrelation)}, ${set.varyingSongs})`
				: 'n/a';
			rows.push(
				`| ${LANGUAGES[language] ?? language}, ${label} | ${set.songs} | ${set.lines} | ${sec(set.medianReal)} | ${sec(set.medianNode)} | ${pct(set.medianError)} | ${range} |`,
			);
		}
	}
	return rows.join('\n');
}

/** The figures of every song as a Markdown table. */
function songsTable(result) {
	const rows = [
		'| song | set | lines | real median line | node median line | median error | spread of real lines | correlation |',
		'|---|---|---|---|---|---|---|---|',
	];
	for (const song of result.songs) {
		rows.push(
			`| ${song.id} | ${song.heldOut ? 'held out' : 'calibration'} | ${song.lines} | ${sec(song.medianReal)} | ${sec(song.medianNode)} | ${pct(song.medianError)} | ${song.spread.toFixed(2)}${song.varying ? '' : ' (steady)'} | ${cor(song.correlation)} |`,
		);
	}
	return rows.join('\n');
}

module.exports = {
	BREAK_SECONDS,
	FIXTURES,
	VARYING,
	compare,
	correlation,
	figuresTable,
	songsTable,
	loadSongs,
	measureSong,
	median,
	parseAligned,
	split,
};
