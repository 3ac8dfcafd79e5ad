// No eslint-disable here: n8n's lint applies its rules to .ts files only.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

// The built package, as n8n loads it (`npm test` builds first).
const { headerOf } = require('../../dist/nodes/DiffRhythm/lyrics/timing');
const { prepareLyrics } = require('../../dist/nodes/DiffRhythm/validation');

/**
 * docs/lyrics.md says which lines are section headers and quotes the errors for headers alone,
 * a timestamp in plain text and a control character: each claim is checked against the code.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const doc = fs.readFileSync(path.join(ROOT, 'docs/lyrics.md'), 'utf8');
const flat = doc.replace(/\s+/g, ' ');
const section = (title) => {
	const start = doc.indexOf(title);
	const end = doc.indexOf('\n#', start + title.length);
	return doc.slice(start, end === -1 ? undefined : end);
};
const problem = (lyrics, format = 'plain') =>
	prepareLyrics(lyrics, format, 'txt2audio-base').problems[0];

describe('docs/lyrics.md: section headers', () => {
	const headers = section('### Section headers');

	it('lists the lines that are headers, the words that are headers alone on a line, and the sung ones', () => {
		const marked = [
			'[Anything]',
			'【副歌】',
			'Drop:',
			'(Hook)',
			'## Drop',
			'**Chorus**',
			'Verse 1:',
			'Chorus x2:',
			'Verse 2 (Anna):',
			'Bridge - slow:',
			'Verse 2',
		];
		for (const line of marked) {
			expect(headers).toContain(`\`${line}\``);
			expect([line, headerOf(line)]).toEqual([line, expect.any(String)]);
		}
		for (const word of [
			'Verse',
			'Pre-Chorus',
			'Chorus',
			'Post-Chorus',
			'Bridge',
			'Intro',
			'Outro',
			'Instrumental',
			'Interlude',
			'主歌',
			'导歌',
			'预副歌',
			'副歌',
			'桥段',
			'前奏',
			'间奏',
			'尾奏',
		]) {
			expect(headers).toContain(word);
			expect([word, headerOf(word)]).toEqual([word, expect.any(String)]);
		}
		for (const word of [
			'Drop',
			'Hook',
			'Music',
			'Break',
			'Solo',
			'Rap',
			'End',
			'Drop it like this:',
		]) {
			expect(headers).toContain(`\`${word}\``);
			expect([word, headerOf(word)]).toEqual([word, undefined]);
		}
	});

	it('quotes the error for headers alone word for word', () => {
		expect(flat).toContain(`Lyrics: ${problem('[Verse 1]\nDrop:')}`);
	});
});

describe('docs/lyrics.md: errors and characters', () => {
	it('quotes the error naming the user’s own line word for word', () => {
		const lyrics = 'one\ntwo\nthree\n\nChorus:\nwe met at [10:30] tonight';
		expect(problem(lyrics)).toMatch(/^line 6: /);
		expect(flat).toContain(`Lyrics: ${problem(lyrics)}`);
	});

	it('quotes the control-character error word for word', () => {
		const message = problem('first line\n\nsecond\u001b line');
		expect(message).toMatch(/^line 3 contains a control character \(U\+001B, escape\)/);
		expect(flat).toContain(`Lyrics: ${message}`);
	});
});
