import { lyricsTimingOf, timePlainLyrics } from '../../nodes/DiffRhythm/lyrics/timing';
import { GENERATE_AND_WAIT, items, runNode, useSimulator } from './helpers';

const sim = useSimulator({ pendingMs: 50, renderMs: 300, audioSeconds: 1 });

const PLAIN = `[Verse 1]
City lights are calling me home
Every street a song I know

Chorus:
Sing it loud and never let the morning find us sleeping`;

function timed(text: string, taskType: 'txt2audio-base' | 'txt2audio-full') {
	const result = timePlainLyrics(text, taskType);
	if (result.kind !== 'timed') throw new Error(result.kind);
	return result.lyrics;
}

const expectedLrc = (text: string, taskType: 'txt2audio-base' | 'txt2audio-full') =>
	timed(text, taskType).lrc;

/** More than a Base song holds at the natural pace: sung faster, the section pauses left out. */
const LONG = Array.from({ length: 20 }, (_, i) =>
	i % 4 === 0 ? '[Verse]\nEvery single night I dream of you and me' : 'Every single night I dream of you and me',
).join('\n');

describe('Lyrics Format "Plain Text, Timed for You"', () => {
	it('sends timed LRC and shows it in the output (input.lyrics)', async () => {
		const result = await runNode(sim, { ...GENERATE_AND_WAIT, lyricsFormat: 'plain', lyrics: PLAIN });
		expect(result.status).toBe('success');
		const lrc = expectedLrc(PLAIN, 'txt2audio-base');
		expect(lrc.split('\n')[0]).toBe('[00:10.00] City lights are calling me home');
		const posts = sim.posts();
		expect(posts).toHaveLength(1);
		expect(posts[0].body.input.lyrics).toBe(lrc);
		const [item] = result.output('DiffRhythm')!;
		expect(item.json.status).toBe('completed');
		expect((item.json.input as { lyrics: string }).lyrics).toBe(lrc);
		expect(item.json.lyricsTiming).toEqual({
			pace: 1,
			lines: 3,
			firstLineAt: '00:10.00',
			lastLineAt: expect.stringMatching(/^00:\d\d\.\d\d$/),
			squeezedLines: [],
			droppedPauses: [],
			summary: expect.stringMatching(/^3 lines from 0:10 to 0:\d\d, at the natural pace\.$/),
		});
	});

	it('says in the output how the lyrics were timed: the pace, the squeezed lines, the pauses left out', async () => {
		const result = await runNode(sim, { ...GENERATE_AND_WAIT, lyricsFormat: 'plain', lyrics: LONG });
		expect(result.status).toBe('success');
		const [item] = result.output('DiffRhythm')!;
		const expected = lyricsTimingOf(timed(LONG, 'txt2audio-base'), 'txt2audio-base')!;
		expect(item.json.lyricsTiming).toEqual(expected);
		expect(expected.pace).toBeGreaterThan(1);
		expect(expected.squeezedLines).toHaveLength(20);
		expect(expected.droppedPauses.map((pause) => pause.line)).toEqual([6, 11, 16, 21]);
		expect(expected.summary).toContain('faster than the natural pace to fit a Base (1:35) song');
		expect(sim.posts()[0].body.input.lyrics).toBe(expectedLrc(LONG, 'txt2audio-base'));
	});

	it('adds no lyricsTiming to LRC lyrics, which the node does not time', async () => {
		const result = await runNode(sim, { ...GENERATE_AND_WAIT, lyrics: '[00:10.00] one\n[00:17.50] two' });
		expect(result.output('DiffRhythm')![0].json).not.toHaveProperty('lyricsTiming');
	});

	it('times per item and task type (Generate, expressions per item)', async () => {
		const result = await runNode(
			sim,
			{
				operation: 'generate',
				taskType: '={{ $json.index === 0 ? "txt2audio-base" : "txt2audio-full" }}',
				lyricsFormat: 'plain',
				lyrics: PLAIN,
				stylePrompt: 'pop',
			},
			{ items: items(2) },
		);
		expect(result.status).toBe('success');
		const sent = sim.posts().map((post) => post.body.input.lyrics);
		expect(sent).toEqual([expectedLrc(PLAIN, 'txt2audio-base'), expectedLrc(PLAIN, 'txt2audio-full')]);
		// Generate's pending items say how each was timed too.
		expect(result.output('DiffRhythm')!.map((item) => item.json.lyricsTiming)).toEqual([
			lyricsTimingOf(timed(PLAIN, 'txt2audio-base'), 'txt2audio-base'),
			lyricsTimingOf(timed(PLAIN, 'txt2audio-full'), 'txt2audio-full'),
		]);
		// Only the Base song gets the closing empty line upstream drops instead of the last one.
		expect(sent[0]).toMatch(/\]$/);
		expect(sent[1]).toMatch(/sleeping$/);
	});

	it('refuses too much text before any POST, with the numbers and what to do', async () => {
		const long = Array.from({ length: 24 }, () => 'Every single night I dream of you and me').join('\n');
		const result = await runNode(sim, { ...GENERATE_AND_WAIT, lyricsFormat: 'plain', lyrics: long });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			/^Lyrics: too long for a Base \(1:35\) song: 24 lines with \d+ syllables need about \d:\d\d of singing .* Choose Task Type "Full \(4:45\)" .* or cut the lyrics to about \d+ lines\.$/,
		);
		expect(result.error?.description).toContain('Nothing was sent to PiAPI');
		expect(sim.posts()).toHaveLength(0);
	});

	it('leaves existing workflows (no Lyrics Format) on LRC, normalising almost-right timestamps', async () => {
		const result = await runNode(sim, { ...GENERATE_AND_WAIT, lyrics: '[00:10] one\n[0:17.5] two' });
		expect(result.status).toBe('success');
		expect(sim.posts()[0].body.input.lyrics).toBe('[00:10.00] one\n[00:17.50] two');
	});

	it('names the user’s own line and text when plain lyrics cannot be sent, and sends nothing', async () => {
		const lyrics = `[Verse 1]\nCity lights are calling me home\nEvery street a song I know\n\nChorus:\nwe met at [10:30] tonight\nSing it loud`;
		const result = await runNode(sim, { ...GENERATE_AND_WAIT, lyricsFormat: 'plain', lyrics });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'Lyrics: line 6: "we met at [10:30] tonight" has a timestamp in its text, which DiffRhythm would sing; remove it (plain text is timed for you) or time every line and choose Lyrics Format "Timed (LRC)"',
		);
		expect(result.error?.description).toContain('Nothing was sent to PiAPI');
		expect(sim.posts()).toHaveLength(0);
	});

	it('refuses plain lyrics made only of section headers instead of paying for an instrumental', async () => {
		const result = await runNode(sim, {
			...GENERATE_AND_WAIT,
			lyricsFormat: 'plain',
			lyrics: '[Verse 1]\nDrop:\n(Music)\nHook:',
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(
			/^Lyrics: no sung line: line 1 "\[Verse 1\]", line 2 "Drop:", line 3 "\(Music\)", and 1 more are section headers, .* leave Lyrics empty for an instrumental$/,
		);
		expect(sim.posts()).toHaveLength(0);
	});

	it('refuses a control character from an expression with its line, and never sends invisible characters', async () => {
		const refused = await runNode(sim, {
			...GENERATE_AND_WAIT,
			lyricsFormat: 'plain',
			lyrics: '={{ "first line\\n\\nsecond\\u001b line" }}',
		});
		expect(refused.status).toBe('error');
		expect(refused.error?.message).toBe(
			'Lyrics: line 3 contains a control character (U+001B, escape): "second<U+001B> line"; remove it (PiAPI would receive it inside the lyrics)',
		);
		expect(sim.posts()).toHaveLength(0);

		const cleaned = await runNode(sim, {
			...GENERATE_AND_WAIT,
			lyrics: '={{ "\\ufeff\\u200b[00:10.00] one\\u2028[00:15.00] two\\n\\u200b" }}',
		});
		expect(cleaned.status).toBe('success');
		expect(sim.posts()).toHaveLength(1);
		expect(sim.posts()[0].body.input.lyrics).toBe('[00:10.00] one\n[00:15.00] two');
	});

	it.each([
		['lyricsFormat', '={{ 5 }}', 'Lyrics Format: is 5; it must be one of "lrc", "plain"'],
		['lyricsFormat', '={{ { "format": "plain" } }}', 'Lyrics Format: is a JSON object; it must be one of "lrc", "plain"'],
		['lyricsFormat', '={{ null }}', 'Lyrics Format: is empty (the expression produced nothing); it must be one of "lrc", "plain"'],
		['taskType', '={{ 95 }}', 'Task Type: is 95; it must be one of "txt2audio-base", "txt2audio-full"'],
		['referenceAudio', '={{ true }}', 'Reference Audio: is the boolean true; it must be one of "none", "url", "binary"'],
	])('names the field when %s is %s (wrong type from an expression), and sends nothing', async (field, value, message) => {
		const result = await runNode(sim, { ...GENERATE_AND_WAIT, [field]: value });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(message);
		expect(result.error?.description).toContain('Nothing was sent to PiAPI');
		expect(sim.posts()).toHaveLength(0);
	});
});
