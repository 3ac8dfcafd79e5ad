import { leadingTimestamps } from '../../nodes/DiffRhythm/lyrics/lrc';
import { lineSyllables, syllableCounts } from '../../nodes/DiffRhythm/lyrics/syllables';
import {
	lineSeconds,
	lyricsTimingOf,
	TIMING,
	timePlainLyrics,
	type TimedLyrics,
} from '../../nodes/DiffRhythm/lyrics/timing';
import { checkLyrics, prepareLyrics } from '../../nodes/DiffRhythm/validation';

type DiffRhythmTaskType = Parameters<typeof timePlainLyrics>[1];

function timed(text: string, taskType: DiffRhythmTaskType = 'txt2audio-base'): TimedLyrics {
	const result = timePlainLyrics(text, taskType);
	if (result.kind !== 'timed') throw new Error(`not timed: ${JSON.stringify(result)}`);
	return result.lyrics;
}

describe('the natural length of a sung line', () => {
	it('is a base plus each English syllable and each Chinese character at its own rate', () => {
		expect(lineSeconds('City lights are calling me home')).toBeCloseTo(
			TIMING.lineBaseSeconds + 8 * TIMING.secondsPerSyllable,
			5,
		);
		expect(lineSeconds('月光洒满窗台')).toBeCloseTo(
			TIMING.lineBaseSeconds + 6 * TIMING.secondsPerCjkCharacter,
			5,
		);
	});

	it('counts a mixed line as its characters plus its English syllables', () => {
		expect(syllableCounts('我们一起 sing along')).toEqual({ cjk: 4, other: 3 });
		expect(syllableCounts('只因你太美 baby 只因你太美 baby')).toEqual({ cjk: 10, other: 4 });
		expect(lineSyllables('甜蜜的奶油 it’s your birthday cake')).toBe(5 + 5);
		expect(lineSeconds('我们一起 sing along')).toBeCloseTo(
			TIMING.lineBaseSeconds + 4 * TIMING.secondsPerCjkCharacter + 3 * TIMING.secondsPerSyllable,
			5,
		);
	});

	it('stays within the line bounds', () => {
		expect(lineSeconds('Oh')).toBe(TIMING.minLineSeconds);
		const long =
			'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen';
		expect(lineSeconds(long)).toBe(TIMING.maxLineSeconds);
	});
});

describe('what the output says about the timing (lyricsTiming)', () => {
	it('says the lines were sung at the natural pace when they fit', () => {
		const lyrics = timed('[Verse]\nCity lights are calling me home\nEvery street a song I know');
		expect(lyricsTimingOf(lyrics, 'txt2audio-base')).toEqual({
			pace: 1,
			lines: 2,
			firstLineAt: '00:10.00',
			lastLineAt: '00:13.33',
			squeezedLines: [],
			droppedPauses: [],
			summary: '2 lines from 0:10 to 0:13, at the natural pace.',
		});
	});

	it('names the pace, the squeezed lines and the pauses left out when the lyrics are long', () => {
		const verse = 'Every single night I dream of you and me';
		const text = Array.from({ length: 20 }, (_, i) =>
			i % 4 === 0 ? `[Verse]\n${verse}` : verse,
		).join('\n');
		const lyrics = timed(text);
		const timing = lyricsTimingOf(lyrics, 'txt2audio-base')!;
		expect(timing.pace).toBeGreaterThan(1);
		expect(timing.pace).toBe(lyrics.pace);
		expect(timing.lines).toBe(20);
		// The first [Verse] opens the song (the intro covers it); the other four were pauses.
		expect(timing.droppedPauses).toEqual(
			[6, 11, 16, 21].map((line) => ({
				line,
				pause: 'section',
				seconds: TIMING.pauseSeconds.section,
			})),
		);
		expect(timing.squeezedLines).toHaveLength(20);
		expect(timing.squeezedLines[0]).toEqual({
			line: 2,
			text: verse,
			seconds: expect.any(Number),
			naturalSeconds: Math.round(lineSeconds(verse) * 100) / 100,
		});
		for (const line of timing.squeezedLines) expect(line.seconds).toBeLessThan(line.naturalSeconds);
		expect(timing.summary).toBe(
			`20 lines from 0:10 to ${timing.lastLineAt.replace(/^0(\d):(\d\d)\.\d\d$/, '$1:$2')}, sung ${Math.round((timing.pace - 1) * 100)} % faster than the natural pace to fit a Base (1:35) song; ` +
				'20 lines shorter than natural; 4 pauses between sections left out for lack of room (line 6, 11, 16, 21).',
		);
	});

	it('keeps the pauses and the pace when only a Full song is long enough', () => {
		const verse = 'Every single night I dream of you and me';
		const text = Array.from({ length: 20 }, (_, i) =>
			i % 4 === 0 ? `[Verse]\n${verse}` : verse,
		).join('\n');
		const timing = lyricsTimingOf(timed(text, 'txt2audio-full'), 'txt2audio-full')!;
		expect(timing).toMatchObject({ pace: 1, squeezedLines: [], droppedPauses: [] });
	});

	it('is absent for an instrumental, and for plain text that is LRC already', () => {
		expect(lyricsTimingOf(timed(''), 'txt2audio-base')).toBeUndefined();
		expect(
			prepareLyrics('[00:10.00] hi\n[00:15.00] there', 'plain', 'txt2audio-base').timing,
		).toBeUndefined();
		expect(prepareLyrics('[00:10.00] hi', 'lrc', 'txt2audio-base').timing).toBeUndefined();
		expect(prepareLyrics('hi there', 'plain', 'txt2audio-base').timing).toMatchObject({ lines: 1 });
	});
});

describe('LRC lines with several timestamps', () => {
	it('reads every leading timestamp, normalising near-misses, and removes word times', () => {
		expect(leadingTimestamps('[00:10.00][1:20.5] chorus')).toEqual({
			stamps: ['[00:10.00]', '[01:20.50]'],
			text: 'chorus',
		});
		expect(leadingTimestamps('[00:10.00] [01:20.00]chorus')).toEqual({
			stamps: ['[00:10.00]', '[01:20.00]'],
			text: 'chorus',
		});
		expect(leadingTimestamps('[00:23.997]<00:23.997>又<00:24.694>是')).toEqual({
			stamps: ['[00:23.99]'],
			text: '又是',
		});
		expect(leadingTimestamps('plain')).toEqual({ stamps: [], text: 'plain' });
	});

	it('sends one line per timestamp, in time order', () => {
		const { text, lines, problems } = checkLyrics(
			'[00:10.00][01:20.00] chorus line\n[00:15.00] verse line\n[01:25.00] last line',
			'txt2audio-base',
		);
		expect(problems).toEqual([]);
		expect(text).toBe(
			'[00:10.00] chorus line\n[00:15.00] verse line\n[01:20.00] chorus line\n[01:25.00] last line',
		);
		expect(lines.map((line) => line.seconds)).toEqual([10, 15, 80, 85]);
	});

	it('checks every expanded line: the song end, the order and the gap name the line they come from', () => {
		expect(
			checkLyrics('[00:10.00][01:40.00] chorus\n[00:15.00] verse', 'txt2audio-base').problems,
		).toEqual([
			'line 1: [01:40.00] is past the end of a Base song (1:35); DiffRhythm would drop it',
		]);
		expect(
			checkLyrics('[00:10.00][00:20.00] chorus\n[00:20.00] verse', 'txt2audio-base').problems,
		).toEqual(['line 2: [00:20.00] is not later than line 1; timestamps must increase']);
		expect(checkLyrics('[00:10.00][00:10.20] echo', 'txt2audio-base').problems).toEqual([
			'line 1: [00:10.20] is less than 0.5 s after its [00:10.00]; DiffRhythm skips words of lines that close',
		]);
	});

	it('keeps refusing lines out of order when no line has several timestamps', () => {
		expect(checkLyrics('[00:20.00] b\n[00:10.00] a', 'txt2audio-base').problems).toEqual([
			'line 2: [00:10.00] is not later than line 1; timestamps must increase',
		]);
	});

	it('refuses a broken second timestamp and a timestamp inside the text, naming the line', () => {
		expect(checkLyrics('[00:10.00] one\n[00:15.00][1:2] two', 'txt2audio-base').problems).toEqual([
			'line 2: "[00:15.00][1:2] two" has a second timestamp in the wrong format; write each as [mm:ss.xx], e.g. [00:10.00][01:20.00]',
		]);
		expect(
			checkLyrics('[00:18.48]如果那两个字没有颤抖[00:22.30]我不会发现', 'txt2audio-base').problems,
		).toEqual([
			'line 1: "[00:18.48]如果那两个字没有颤抖[00:22.30]我不会发现" has a timestamp inside its text, which DiffRhythm would sing; put each timed line on a line of its own',
		]);
	});
});
