import { formatTimestamp, normaliseTimestamp } from '../../nodes/DiffRhythm/lyrics/lrc';
import { lineSyllables, wordSyllables } from '../../nodes/DiffRhythm/lyrics/syllables';
import {
	headerOf,
	lyricWindow,
	TIMING,
	timePlainLyrics,
	type TimedLyrics,
} from '../../nodes/DiffRhythm/lyrics/timing';
import {
	checkLyrics,
	firstIssue,
	generateInputSchema,
	prepareLyrics,
} from '../../nodes/DiffRhythm/validation';
import type { DiffRhythmTaskType } from '../../nodes/shared/utils/constants';

function timed(text: string, taskType: DiffRhythmTaskType = 'txt2audio-base'): TimedLyrics {
	const result = timePlainLyrics(text, taskType);
	if (result.kind !== 'timed') throw new Error(`not timed: ${JSON.stringify(result)}`);
	return result.lyrics;
}

function problemOf(text: string, taskType: DiffRhythmTaskType = 'txt2audio-base'): string {
	const result = timePlainLyrics(text, taskType);
	if (result.kind !== 'problem') throw new Error(`no problem: ${JSON.stringify(result)}`);
	return result.problem;
}

/** A line's natural length for its syllables (English). */
const natural = (syllables: number) =>
	Math.min(
		TIMING.maxLineSeconds,
		Math.max(TIMING.minLineSeconds, TIMING.lineBaseSeconds + syllables * TIMING.secondsPerSyllable),
	);

/** Gaps between the starts of consecutive lines, in seconds. */
function gaps(lyrics: TimedLyrics): number[] {
	return lyrics.lines.slice(1).map((line, index) => line.seconds - lyrics.lines[index].seconds);
}

const SONG = `[Verse 1]
City lights are calling me home
Every street a song I know
I keep on walking through the rain tonight

[Chorus]
Sing it loud
Sing it loud and never let the morning find us sleeping`;

describe('syllables', () => {
	it.each([
		['home', 1],
		['calling', 2],
		['beautiful', 3],
		['cosmos', 2],
		['drifting', 2],
		['Way’s', 1],
		['2024', 4],
	])('%s has %d', (word, count) => {
		expect(wordSyllables(word)).toBe(count);
	});

	it('counts English lines by word and Chinese lines by character', () => {
		// PiAPI's own example line: 13 sung syllables.
		expect(lineSyllables("Drifting through the Milky Way's glow, stars hum low and bright")).toBe(13);
		expect(lineSyllables('月光洒满窗台')).toBe(6);
		expect(lineSyllables('我们一起 sing along')).toBe(7);
		expect(lineSyllables('，。！')).toBe(0);
	});
});

describe('headerOf', () => {
	it.each([
		['[Verse 1]', 'section'],
		['[Chorus]', 'section'],
		['[Verse 2: female vocals]', 'section'],
		['Chorus:', 'section'],
		['Pre-Chorus:', 'section'],
		['Verse 2', 'section'],
		['Chorus x2', 'section'],
		['**[Bridge]**', 'section'],
		['## Outro', 'section'],
		['【副歌】', 'section'],
		['副歌：', 'section'],
		['(Instrumental)', 'instrumental'],
		['(Guitar solo)', 'instrumental'],
		['[Instrumental break]', 'instrumental'],
		['Interlude:', 'instrumental'],
		['（间奏）', 'instrumental'],
	])('%s is a %s header', (line, kind) => {
		expect(headerOf(line)).toBe(kind);
	});

	it.each(['(ooh, ooh)', '(break my heart)', 'Chorus of angels sing tonight', 'I verse the world', '[00:10.00]'])(
		'%s is not a header',
		(line) => {
			expect(headerOf(line)).toBeUndefined();
		},
	);
});

describe('timePlainLyrics', () => {
	it('times English lines after the intro, in proportion to their syllables, headers and blank lines as pauses', () => {
		const lyrics = timed(SONG);
		expect(lyrics.lines.map((line) => line.text)).toEqual([
			'City lights are calling me home',
			'Every street a song I know',
			'I keep on walking through the rain tonight',
			'Sing it loud',
			'Sing it loud and never let the morning find us sleeping',
			'',
		]);
		expect(lyrics.lines.map((line) => line.line)).toEqual([2, 3, 4, 7, 8, undefined]);
		expect(lyrics.lines[0].seconds).toBe(TIMING.introSeconds);
		const [home, street, rain, loud, morning] = gaps(lyrics);
		// 8 syllables: about 3.3 s; 10 syllables: longer.
		expect(home).toBeCloseTo(natural(8), 2);
		expect(street).toBeGreaterThanOrEqual(TIMING.minLineSeconds);
		// The blank line and [Chorus] merge into one section pause after the third line.
		expect(rain).toBeCloseTo(natural(10) + TIMING.pauseSeconds.section, 2);
		// Three syllables get about the shortest gap; 14 get about 4.9 s, as singers take them.
		expect(loud).toBeCloseTo(Math.max(TIMING.minLineSeconds, natural(3)), 2);
		expect(loud).toBeGreaterThanOrEqual(TIMING.minLineSeconds);
		expect(morning).toBeCloseTo(natural(14), 2);
		expect(morning).toBeLessThanOrEqual(TIMING.maxLineSeconds);
		expect(lyrics.lrc).toBe(
			[
				'[00:10.00] City lights are calling me home',
				'[00:13.33] Every street a song I know',
				'[00:16.66] I keep on walking through the rain tonight',
				'[00:22.51] Sing it loud',
				'[00:24.54] Sing it loud and never let the morning find us sleeping',
				'[00:29.43]',
			].join('\n'),
		);
		expect(lyrics.pace).toBe(1);
		expect(lyrics.squeezed).toEqual([]);
		expect(lyrics.droppedPauses).toEqual([]);
	});

	it('ends a Base song with an empty line, which upstream drops instead of the last sung line; not a Full song', () => {
		expect(timed('one line only').lrc).toBe('[00:10.00] one line only\n[00:12.29]');
		expect(timed('one line only', 'txt2audio-full').lrc).toBe('[00:10.00] one line only');
	});

	it('times Chinese lyrics one syllable per character', () => {
		const lyrics = timed('【主歌】\n月光洒满窗台\n我在等你回来的那一天到来\n\n【副歌】\n唱吧');
		expect(lyrics.syllables).toBe(6 + 12 + 2);
		const [short, long] = gaps(lyrics);
		expect(short).toBeCloseTo(TIMING.lineBaseSeconds + 6 * TIMING.secondsPerCjkCharacter, 2);
		expect(long).toBeCloseTo(
			TIMING.lineBaseSeconds + 12 * TIMING.secondsPerCjkCharacter + TIMING.pauseSeconds.section,
			2,
		);
		expect(lyrics.lrc.split('\n')[0]).toBe('[00:10.00] 月光洒满窗台');
	});

	it('gives an instrumental break a longer pause, and caps the gap of a long line', () => {
		const lyrics = timed(
			'A short line here\n(Instrumental)\nA short line here\none two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen\nend',
		);
		const [instrumental, , long] = gaps(lyrics);
		expect(instrumental).toBeCloseTo(natural(4) + TIMING.pauseSeconds.instrumental, 2);
		expect(long).toBe(TIMING.maxLineSeconds);
	});

	it('sings a little faster when the lyrics almost fill the song, without pauses, and keeps every line inside it', () => {
		const verse = 'Every single night I dream of you and me';
		const text = Array.from({ length: 20 }, (_, i) => (i % 4 === 0 ? `[Verse]\n${verse}` : verse)).join('\n');
		const lyrics = timed(text);
		expect(lyrics.pace).toBeGreaterThan(1);
		const { to } = lyricWindow('txt2audio-base');
		const sung = lyrics.lines.filter((line) => line.text);
		expect(sung).toHaveLength(20);
		expect(lyrics.lines[lyrics.lines.length - 1].seconds).toBeLessThanOrEqual(to + 0.01);
		for (const gap of gaps(lyrics)) expect(gap).toBeGreaterThanOrEqual(TIMING.minFastLineSeconds - 0.01);
		expect(checkLyrics(lyrics.lrc, 'txt2audio-base').problems).toEqual([]);
	});

	it('refuses lyrics too long for the song with the numbers and what to do', () => {
		const text = Array.from({ length: 24 }, (_, i) => `This is a fairly long line number ${i + 1} of it`).join('\n');
		expect(problemOf(text)).toBe(
			'too long for a Base (1:35) song: 24 lines with 303 syllables need about 1:49 of singing (1:22 at the fastest pace), ' +
				'but the song has 1:17 for lyrics (from 0:10 to 1:27). Choose Task Type "Full (4:45)" (4:20 for lyrics), or cut the lyrics to about 16 lines.',
		);
		expect(timePlainLyrics(text, 'txt2audio-full').kind).toBe('timed');
		const epic = Array.from({ length: 80 }, () => 'This is a fairly long line of the song again').join('\n');
		expect(problemOf(epic, 'txt2audio-full')).toMatch(
			/^too long for a Full \(4:45\) song: 80 lines with \d+ syllables .* the song has 4:20 for lyrics \(from 0:10 to 4:30\)\. Cut the lyrics to about \d+ lines, or split them into two songs\.$/,
		);
	});

	it('refuses a paragraph on one line, naming the line', () => {
		const paragraph =
			'and then we walked along the river for hours and hours talking about everything we ever wanted to become and everyone we loved';
		expect(problemOf(`fine line\n\n${paragraph}`)).toMatch(
			/^line 3 has \d+ syllables, more than one sung line can hold \(at most 30\); break it into lines/,
		);
	});

	it('returns empty lyrics for empty or blank text (an instrumental), and refuses headers without a sung line', () => {
		expect(timed('').lrc).toBe('');
		expect(timed('\n  \n').lrc).toBe('');
		expect(problemOf('[Intro]\n\n(Instrumental)\n')).toBe(
			'no sung line: line 1 "[Intro]", line 3 "(Instrumental)" are section headers, which are not sung; write the lines to sing, or leave Lyrics empty for an instrumental',
		);
	});

	it('leaves lyrics that start with a timestamp to the LRC check, and names a timestamp after plain lines', () => {
		expect(timePlainLyrics('[00:10.00] already timed\n[00:17.00] yes', 'txt2audio-base')).toEqual({
			kind: 'alreadyTimed',
		});
		expect(problemOf('plain line\n[00:17.00] timed line')).toContain(
			'line 2: "[00:17.00] timed line" starts with a timestamp, but the lyrics before it are plain text',
		);
	});
});

describe('almost-right LRC', () => {
	it.each([
		['[00:10] a', '[00:10.00] a'],
		['[0:10] a', '[00:10.00] a'],
		['[00:10.5] a', '[00:10.50] a'],
		['[0:10.5] a', '[00:10.50] a'],
		['[01:02.345] a', '[01:02.34] a'],
		['[00:59.999] a', '[00:59.99] a'],
		['[00:10.00] a', '[00:10.00] a'],
		['[0:1.5] a', '[0:1.5] a'],
		['[00:10:00] a', '[00:10:00] a'],
		['[100:00] a', '[100:00] a'],
	])('%s becomes %s', (line, expected) => {
		expect(normaliseTimestamp(line)).toBe(expected);
	});

	it('is normalised by the LRC check; truly wrong lines are still refused with their line number', () => {
		const { text, problems } = checkLyrics('[00:10] one\n[0:17.5] two\n[00:24.250]three', 'txt2audio-base');
		expect(problems).toEqual([]);
		expect(text).toBe('[00:10.00] one\n[00:17.50] two\n[00:24.25] three');
		expect(checkLyrics('[00:10] one\n[0:7.5] two', 'txt2audio-base').problems).toEqual([
			'line 2: "[0:7.5] two" has a timestamp in the wrong format; write it as [mm:ss.xx], e.g. [00:10.00]',
		]);
		expect(checkLyrics('[0:75] one', 'txt2audio-base').problems[0]).toContain('has 75 seconds');
	});

	it('formats times as [mm:ss.xx]', () => {
		expect(formatTimestamp(10)).toBe('[00:10.00]');
		expect(formatTimestamp(87.456)).toBe('[01:27.46]');
		expect(formatTimestamp(59.999)).toBe('[01:00.00]');
	});
});

describe('Lyrics Format in the input schema', () => {
	const base = {
		taskType: 'txt2audio-base',
		stylePrompt: 'pop',
		referenceAudio: 'none',
		referenceAudioUrl: '',
		callbackUrl: '',
	};

	it('defaults to LRC, so plain lines are refused as before', () => {
		const result = generateInputSchema.safeParse({ ...base, lyrics: 'plain line' });
		expect(result.success).toBe(false);
		if (!result.success) expect(firstIssue(result.error).message).toContain('does not start with a [mm:ss.xx] timestamp');
	});

	it('times plain text, and reports too much text under Lyrics before anything is sent', () => {
		expect(generateInputSchema.safeParse({ ...base, lyrics: SONG, lyricsFormat: 'plain' }).success).toBe(true);
		const many = Array.from({ length: 25 }, () => 'Every single night I dream of you and me').join('\n');
		const result = generateInputSchema.safeParse({ ...base, lyrics: many, lyricsFormat: 'plain' });
		expect(result.success).toBe(false);
		if (!result.success) {
			expect(firstIssue(result.error)).toEqual({
				field: 'lyrics',
				message: expect.stringMatching(/^too long for a Base \(1:35\) song: 25 lines/),
				more: 0,
			});
		}
	});

	it('sends the timed LRC, and LRC given in plain mode as checked LRC', () => {
		expect(prepareLyrics(SONG, 'plain', 'txt2audio-base').text).toBe(timed(SONG).lrc);
		expect(prepareLyrics('[00:10] hi\n[00:15] there', 'plain', 'txt2audio-base')).toEqual({
			text: '[00:10.00] hi\n[00:15.00] there',
			lines: [
				{ seconds: 10, text: 'hi' },
				{ seconds: 15, text: 'there' },
			],
			problems: [],
		});
	});
});

describe('section words: headers only when written as headers', () => {
	it('a section word is a header when written as one, or alone when nobody would sing it; otherwise it is sung', () => {
		const unmarked = ['Verse', 'Chorus', 'Pre-Chorus', 'Bridge', 'Intro', 'Outro', 'Instrumental', 'Interlude', 'Verse 3', '副歌'];
		for (const line of unmarked) expect([line, headerOf(line)]).toEqual([line, expect.any(String)]);
		const marked: Array<[string, string]> = [
			['[Drop]', 'instrumental'],
			['Drop:', 'instrumental'],
			['(Drop)', 'instrumental'],
			['## Drop', 'instrumental'],
			['**Hook**', 'section'],
			['Hook:', 'section'],
			['(Music)', 'instrumental'],
			['Verse 1 (Anna):', 'section'],
		];
		for (const [line, kind] of marked) expect([line, headerOf(line)]).toEqual([line, kind]);
		// The same words unmarked are sung.
		for (const line of ['Drop', 'Hook', 'Music']) expect([line, headerOf(line)]).toEqual([line, undefined]);
	});

	it.each(['Drop', 'Hook', 'Music', 'Break', 'Solo', 'End', 'Drop it like this:', 'Music is my life:'])(
		'%s is sung',
		(line) => {
			expect(headerOf(line)).toBeUndefined();
		},
	);

	it('sings a line "Drop" in the middle of a song instead of pausing 5 s', () => {
		const lyrics = timed('Hold me close tonight\nDrop\nHold me close again');
		expect(lyrics.lines.map((line) => line.text)).toEqual([
			'Hold me close tonight',
			'Drop',
			'Hold me close again',
			'',
		]);
		expect(lyrics.lines.map((line) => line.line)).toEqual([1, 2, 3, undefined]);
	});

	it('refuses text made only of section headers, naming the lines, instead of a paid instrumental', () => {
		const result = prepareLyrics('[Verse 1]\nDrop:\n(Music)\n\nHook:\n', 'plain', 'txt2audio-base');
		expect(result.problems).toEqual([
			'no sung line: line 1 "[Verse 1]", line 2 "Drop:", line 3 "(Music)", and 1 more are section headers, which are not sung; write the lines to sing, or leave Lyrics empty for an instrumental',
		]);
		expect(result.text).toBe('');
		// Empty Lyrics still ask for an instrumental.
		expect(prepareLyrics('', 'plain', 'txt2audio-base')).toEqual({ text: '', lines: [], problems: [] });
	});

	it('refuses LRC whose timestamps have no words, and keeps empty LRC as an instrumental', () => {
		expect(checkLyrics('[00:10.00]\n[00:20.00]', 'txt2audio-base').problems).toEqual([
			'line 1: no line has words to sing, only timestamps; write the words after each timestamp, or leave Lyrics empty for an instrumental',
		]);
		expect(checkLyrics('  \n', 'txt2audio-base')).toEqual({ text: '', lines: [], problems: [] });
	});
});

describe('plain lyrics: problems name the user’s own line and text', () => {
	const song = (line6: string) =>
		`[Verse 1]\nCity lights are calling me home\nEvery street a song I know\n\nChorus:\n${line6}\nSing it loud tonight`;

	it('names line 6 and quotes the user’s text, not the timed LRC line', () => {
		expect(prepareLyrics(song('we met at [10:30] tonight'), 'plain', 'txt2audio-base').problems).toEqual([
			'line 6: "we met at [10:30] tonight" has a timestamp in its text, which DiffRhythm would sing; remove it (plain text is timed for you) or time every line and choose Lyrics Format "Timed (LRC)"',
		]);
		expect(prepareLyrics(song('［００：１０］ hello'), 'plain', 'txt2audio-base').problems[0]).toMatch(
			/^line 6: "［００：１０］ hello" has a timestamp in its text/,
		);
		expect(prepareLyrics(song(`ooh ${'h'.repeat(300)}`), 'plain', 'txt2audio-base').problems).toEqual([
			'line 6: its text has 304 characters, more than 300; split it into several lines',
		]);
	});

	it('counts lines as the user does when a line holds a Unicode line separator', () => {
		const result = prepareLyrics('first line\u2028second part\n\nthird [1:00] line', 'plain', 'txt2audio-base');
		expect(result.problems[0]).toMatch(/^line 3: "third \[1:00\] line"/);
	});
});

describe('invisible and control characters', () => {
	it('removes zero-width characters and byte-order marks before parsing, in both formats', () => {
		const lrc = '\ufeff\u200b[00:10.00] one\u200d\n\u200b\u2060\n[00:15.00] t\u200cwo';
		expect(prepareLyrics(lrc, 'lrc', 'txt2audio-base')).toEqual({
			text: '[00:10.00] one\n[00:15.00] two',
			lines: [
				{ seconds: 10, text: 'one' },
				{ seconds: 15, text: 'two' },
			],
			problems: [],
		});
		// A zero-width-only line is a blank line (a pause), not a sung line of nothing.
		const plain = prepareLyrics('\u200bfirst line\n\u200b\u200b\nsecond line', 'plain', 'txt2audio-full');
		expect(plain.problems).toEqual([]);
		expect(plain.text).toBe(timed('first line\n\nsecond line', 'txt2audio-full').lrc);
		// Invisible characters only: nothing to sing, the same as empty Lyrics.
		expect(prepareLyrics('\u200b\ufeff', 'plain', 'txt2audio-base').text).toBe('');
	});

	it.each([
		['\u2028', 'U+2028'],
		['\u2029', 'U+2029'],
		['\u0085', 'U+0085'],
	])('treats %j as a line break, not as a timestamp in the wrong format (%s)', (separator) => {
		const result = prepareLyrics(`[00:10.00] one${separator}[00:15.00] two`, 'lrc', 'txt2audio-base');
		expect(result.problems).toEqual([]);
		expect(result.text).toBe('[00:10.00] one\n[00:15.00] two');
		const sameLine = checkLyrics(`[00:10.00] one${separator}[00:10.20] two`, 'txt2audio-base');
		expect(sameLine.problems).toEqual([
			'line 1: [00:10.20] is less than 0.5 s after its [00:10.00]; DiffRhythm skips words of lines that close',
		]);
	});

	it.each([
		['\u0000', 'a control character (U+0000, NUL)'],
		['\u001b', 'a control character (U+001B, escape)'],
		['\u0007', 'a control character (U+0007, bell)'],
		['\u007f', 'a control character (U+007F, delete)'],
		['\u0090', 'a control character (U+0090, C1 control)'],
		['\u202e', 'an invisible text-direction control (U+202E)'],
		['\ud800', 'a broken character (U+D800, half of a surrogate pair)'],
	])('refuses %j with the line and a readable name, in both formats', (char, name) => {
		const lrc = prepareLyrics(`[00:10.00] one\n\n\n[00:20.00] t${char}wo`, 'lrc', 'txt2audio-base');
		expect(lrc.text).toBe('');
		expect(lrc.problems).toHaveLength(1);
		expect(lrc.problems[0]).toContain(`line 4 contains ${name}`);
		expect(lrc.problems[0]).not.toContain(char);
		const plain = prepareLyrics(`one\n\n\nt${char}wo`, 'plain', 'txt2audio-base');
		expect(plain.problems).toHaveLength(1);
		expect(plain.problems[0]).toContain(`line 4 contains ${name}`);
		expect(plain.problems[0]).toContain(`"t<U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>wo"`);
	});

	it('keeps tabs as spaces', () => {
		expect(prepareLyrics('[00:10.00]\tone\ttwo', 'lrc', 'txt2audio-base').text).toBe('[00:10.00] one two');
	});
});
