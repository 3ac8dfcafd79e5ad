// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
'use strict';

const fs = require('node:fs');
const path = require('node:path');

// The built package, as n8n loads it (`npm test` builds first).
const { DiffRhythm } = require('../../dist/nodes/DiffRhythm/DiffRhythm.node');
const { lineSyllables } = require('../../dist/nodes/DiffRhythm/lyrics/syllables');
const {
	songCapacity,
	timePlainLyrics,
	TYPICAL_LINE_SYLLABLES,
} = require('../../dist/nodes/DiffRhythm/lyrics/timing');

/**
 * How many lines a song holds is said in the editor's hints, the too-long error, the README, the
 * docs and the AI example; every one of them must be the number the timing gives.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const read = (file) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const base = songCapacity('txt2audio-base');
const full = songCapacity('txt2audio-full');

describe('song capacity: one number everywhere', () => {
	it('is what the timing fits into each song', () => {
		// 14-syllable lines at the natural pace fill the lyric window, and one more does not fit.
		const line = 'Every shadow hides a cosmos, burning without light'; // 14 syllables
		const lines = (n) => Array.from({ length: n }, () => line).join('\n');
		expect(lineSyllables(line)).toBe(TYPICAL_LINE_SYLLABLES);
		for (const [type, capacity] of [
			['txt2audio-base', base],
			['txt2audio-full', full],
		]) {
			const fits = timePlainLyrics(lines(capacity.lines), type);
			expect(fits.kind).toBe('timed');
			if (fits.kind === 'timed') expect(fits.lyrics.pace).toBe(1);
			expect(timePlainLyrics(lines(capacity.faster + 1), type).kind).toBe('problem');
		}
	});

	it("is the number in the editor's hints", () => {
		const text = JSON.stringify(new DiffRhythm().description.properties);
		expect(text).toContain(`room for about ${base.lines} lines`);
		expect(text).toContain(
			`A Base song holds about ${base.lines} lines, a Full song about ${full.lines}`,
		);
		expect(text).not.toMatch(/about (10|11|12) lines|8-15 syllables|6-14 syllables/);
	});

	it('is the number the README, the docs and the AI example give', () => {
		expect(read('README.md')).toContain(
			`room for about ${base.lines} lines of 14 syllables (${base.faster} sung faster), a Full song about ${full.lines} (${full.faster})`,
		);
		expect(read('docs/lyrics.md').replace(/\s+/g, ' ')).toContain(
			`A Base song holds about ${base.lines} lines of 14 syllables (about ${base.faster} sung faster), a Full song about ${full.lines} (${full.faster})`,
		);
		const example = read('examples/ai-agent-song-tool.workflow.json');
		expect(example).toContain(`up to about ${base.lines} lines`);
		expect(example).toContain(`up to about ${full.lines} for a full song`);
		for (const file of [
			'README.md',
			'docs/lyrics.md',
			'docs/ai-agents.md',
			'examples/ai-agent-song-tool.workflow.json',
		])
			expect(read(file)).not.toMatch(/about (8-12|10|11|12) lines|6-14 syllables|8-15 syllables/);
	});

	it('gives the too-long error the docs quote, word for word', () => {
		const text = Array.from(
			{ length: 24 },
			(_, i) => `City lights are calling me home tonight, line ${i + 1}`,
		).join('\n');
		const result = timePlainLyrics(text, 'txt2audio-base');
		expect(result.kind).toBe('problem');
		if (result.kind !== 'problem') return;
		for (const file of ['docs/lyrics.md', 'docs/ai-agents.md'])
			expect(read(file).replace(/\s+/g, ' ')).toContain(`Lyrics: ${result.problem}`);
	});
});
