import {
	checkLyrics,
	FIELD_LABELS,
	firstIssue,
	generateInputSchema,
} from '../../nodes/DiffRhythm/validation';

const valid = {
	taskType: 'txt2audio-base',
	lyrics: '',
	stylePrompt: 'pop',
	referenceAudio: 'none',
	referenceAudioUrl: '',
	callbackUrl: '',
};

function problemOf(overrides: Partial<typeof valid>) {
	const result = generateInputSchema.safeParse({ ...valid, ...overrides });
	if (result.success) return undefined;
	return firstIssue(result.error);
}

describe('checkLyrics', () => {
	it('accepts well-formed LRC and normalises spacing and blank lines', () => {
		const { text, lines, problems } = checkLyrics(
			'  [00:10.00] First line  \r\n\r\n[00:17.50]Second line\n[01:34.99] last',
			'txt2audio-base',
		);
		expect(problems).toEqual([]);
		expect(lines).toEqual([
			{ seconds: 10, text: 'First line' },
			{ seconds: 17.5, text: 'Second line' },
			{ seconds: 94.99, text: 'last' },
		]);
		expect(text).toBe('[00:10.00] First line\n[00:17.50] Second line\n[01:34.99] last');
	});

	it.each([
		['[0:1.5] one-digit seconds', 'line 1: "[0:1.5] one-digit seconds" has a timestamp in the wrong format'],
		['[00:10:00] colon before hundredths', 'has a timestamp in the wrong format; write it as [mm:ss.xx]'],
		['[verse]', 'line 1: "[verse]" is a section tag'],
		['no timestamp here', 'line 1: "no timestamp here" does not start with a [mm:ss.xx] timestamp'],
		['[00:75.00] too many seconds', 'has 75 seconds; seconds must be below 60'],
	])('names the line and the problem for %j', (lyrics, expected) => {
		const { problems } = checkLyrics(lyrics, 'txt2audio-base');
		expect(problems).toHaveLength(1);
		expect(problems[0]).toContain(expected);
	});

	it('requires increasing timestamps and names both lines', () => {
		const { problems } = checkLyrics(
			'[00:10.00] a\n\n[00:20.00] b\n[00:20.00] c',
			'txt2audio-base',
		);
		expect(problems).toEqual([
			'line 4: [00:20.00] is not later than line 3; timestamps must increase',
		]);
	});

	it('rejects lines past the end of the song, by task type', () => {
		expect(checkLyrics('[01:35.00] too late', 'txt2audio-base').problems[0]).toContain(
			'past the end of a Base song (1:35)',
		);
		expect(checkLyrics('[01:35.00] fine in a full song', 'txt2audio-full').problems).toEqual([]);
		expect(checkLyrics('[04:45.00] too late', 'txt2audio-full').problems[0]).toContain(
			'past the end of a Full song (4:45)',
		);
	});
});

describe('generateInputSchema', () => {
	it('accepts a style prompt alone, lyrics alone, or reference audio alone', () => {
		expect(problemOf({})).toBeUndefined();
		expect(problemOf({ stylePrompt: '', lyrics: '[00:05.00] hi' })).toBeUndefined();
		expect(
			problemOf({
				stylePrompt: '',
				referenceAudio: 'url',
				referenceAudioUrl: 'https://x.test/a.mp3',
			}),
		).toBeUndefined();
	});

	it('requires at least one of lyrics, style prompt and reference audio', () => {
		expect(problemOf({ stylePrompt: '   ' })).toEqual({
			field: 'input',
			message: expect.stringContaining('give at least one of them'),
			more: 0,
		});
	});

	it('reports the first lyric problem and how many more there are', () => {
		expect(problemOf({ lyrics: 'a\nb\n[00:01.00] ok' })).toEqual({
			field: 'lyrics',
			message: 'line 1: "a" does not start with a [mm:ss.xx] timestamp',
			more: 1,
		});
	});

	it.each([
		['ftp://x.test/a.mp3', 'must be an http(s) URL'],
		['not a url', 'must be an http(s) URL'],
		['https://x.test/song.ogg', 'points to a .ogg file; DiffRhythm accepts only mp3, wav or flac'],
	])('checks the reference audio URL %s', (url, message) => {
		expect(problemOf({ referenceAudio: 'url', referenceAudioUrl: url })).toEqual({
			field: 'referenceAudioUrl',
			message,
			more: 0,
		});
	});

	it('accepts a reference URL without an extension, and checks the callback URL', () => {
		expect(
			problemOf({ referenceAudio: 'url', referenceAudioUrl: 'https://cdn.test/file?id=3' }),
		).toBeUndefined();
		expect(problemOf({ callbackUrl: 'javascript:alert(1)' })).toEqual({
			field: 'callbackUrl',
			message: 'must be an http(s) URL',
			more: 0,
		});
	});
});

describe('choice fields of Generate', () => {
	it.each([5, { format: 'plain' }, null])(
		'names Lyrics Format when it is %j, not "Lyrics, Style Prompt or Reference Audio"',
		(value) => {
			const result = generateInputSchema.safeParse({ ...valid, lyricsFormat: value });
			expect(result.success).toBe(false);
			if (!result.success) {
				expect(firstIssue(result.error)).toEqual({
					field: 'lyricsFormat',
					message: 'must be Timed (LRC) ("lrc") or Plain Text ("plain")',
					more: 0,
				});
				expect(FIELD_LABELS[firstIssue(result.error).field]).toBe('Lyrics Format');
			}
		},
	);
});

describe('lyrics with control characters', () => {
	it('are refused under Lyrics, naming the line, before anything is sent', () => {
		expect(problemOf({ lyrics: '[00:10.00] one\n[00:15.00] t\u001bwo' })).toEqual({
			field: 'lyrics',
			message:
				'line 2 contains a control character (U+001B, escape): "[00:15.00] t<U+001B>wo"; remove it (PiAPI would receive it inside the lyrics)',
			more: 0,
		});
	});
});
