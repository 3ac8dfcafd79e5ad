import { z } from 'zod';

import { extensionOf } from '../shared/model/audio';
import { describeValue } from '../shared/parameters/options';
import { sourceLines, type SourceLine } from './lyrics/characters';
import { leadingTimestamps } from './lyrics/lrc';
import { lyricsTimingOf, timePlainLyrics, type LyricsTiming } from './lyrics/timing';
import {
	REFERENCE_AUDIO_FORMATS,
	TASK_TYPE_SECONDS,
	type DiffRhythmTaskType,
} from '../shared/utils/constants';
import { isHttpUrl } from '../shared/utils/url';

/** Display names of the node's fields, so that errors name what the user sees. */
export const FIELD_LABELS = {
	taskType: 'Task Type',
	lyrics: 'Lyrics',
	lyricsFormat: 'Lyrics Format',
	stylePrompt: 'Style Prompt',
	referenceAudio: 'Reference Audio',
	referenceAudioUrl: 'Reference Audio URL',
	referenceAudioBinaryProperty: 'Input Binary Field',
	callbackUrl: 'Callback URL',
	taskId: 'Task ID',
	input: 'Lyrics, Style Prompt or Reference Audio',
} as const;

export type FieldName = keyof typeof FIELD_LABELS;

/** The values of the Generate fields that are a choice (Task Type, Lyrics Format, Reference Audio). */
export const DIFFRHYTHM_TASK_TYPES = [
	'txt2audio-base',
	'txt2audio-full',
] as const satisfies readonly DiffRhythmTaskType[];
export const LYRICS_FORMATS = ['lrc', 'plain'] as const;
export const REFERENCE_AUDIO_SOURCES = ['none', 'url', 'binary'] as const;

/**
 * Lengths no real song comes near. Beyond them PiAPI would still take (and charge for) the input,
 * and DiffRhythm would skip or garble most of it: a 95 s song cannot sing 9,000 lines.
 */
export const INPUT_LIMITS = {
	/** Characters of one lyric line's text. */
	lineChars: 300,
	/** Characters of all lyrics together. */
	lyricsChars: 20_000,
	/** Seconds between two lines' timestamps; closer lines make DiffRhythm skip words. */
	minLineGapSeconds: 0.5,
	stylePromptChars: 1_000,
	urlChars: 2_048,
} as const;

/** One timed lyric line. */
export interface LyricLine {
	seconds: number;
	text: string;
}

function formatTime(seconds: number): string {
	const minutes = Math.floor(seconds / 60);
	return `${minutes}:${String(Math.round(seconds - minutes * 60)).padStart(2, '0')}`;
}

// Digits, colons, dots and brackets in ASCII or their fullwidth forms (an IME types those).
const TIMESTAMP_LIKE =
	/^[[［]\s*[\d０-９]{1,3}\s*[:：]\s*[\d０-９]{1,2}(?:[.:．：][\d０-９]{1,4})?\s*[\]］]/;
const FULLWIDTH = /[０-９：．［］]/;
const TAG_LIKE = /^\[[^\]\d]*\]/;
/** A time tag inside a line's text, which DiffRhythm would sing as words. */
const INNER_TIMESTAMP = /\[\s*\d{1,3}\s*:\s*\d{1,2}/;

function quoted(line: string): string {
	return `"${line.length > 40 ? `${line.slice(0, 40)}…` : line}"`;
}

/** Why a line that does not start with a usable `[mm:ss.xx]` cannot be sent. */
function untimedProblem(line: string, lineNumber: number): string {
	const shown = quoted(line);
	if (TIMESTAMP_LIKE.test(line) && FULLWIDTH.test(line.slice(0, 16))) {
		return `line ${lineNumber}: ${shown} has a timestamp in fullwidth characters; write it with ASCII digits, colon and dot as [mm:ss.xx], e.g. [00:10.00]`;
	}
	if (TIMESTAMP_LIKE.test(line)) {
		return `line ${lineNumber}: ${shown} has a timestamp in the wrong format; write it as [mm:ss.xx], e.g. [00:10.00]`;
	}
	if (TAG_LIKE.test(line)) {
		return `line ${lineNumber}: ${shown} is a section tag; DiffRhythm ignores such lines, so remove it or give it a timestamp`;
	}
	return `line ${lineNumber}: ${shown} does not start with a [mm:ss.xx] timestamp`;
}

/** One timestamp of the lyrics, with the line of the input it came from. */
interface Stamp {
	stamp: string;
	seconds: number;
	text: string;
	line: number;
}

/**
 * Checks LRC lyrics the way upstream DiffRhythm reads them: it slices `line[1:9]` as the time,
 * silently drops any line that does not parse and places the lines in the order given, so
 * `[0:10.5]`, `[00:10.000]` or `[verse]` would be lost or garbled after PiAPI has charged for the
 * song. Blank lines and surrounding spaces are harmless and removed. A line sung at several times
 * (`[00:10.00][01:20.00] chorus`, common in LRC files) becomes one line per time; lyrics with such
 * lines are put in time order, as LRC players do, since their lines are not written in it.
 * Enhanced-LRC word times (`<00:10.50>`) are removed; invisible characters are removed and control
 * characters refused first (lyrics/characters.ts). Lyrics whose timestamps have no text at all
 * sing nothing and are refused: an instrumental is asked for with empty Lyrics. Returns the
 * normalised text and lines, or the problems found (1-based lines, in line order).
 */
export function checkLyrics(
	lyrics: string,
	taskType: DiffRhythmTaskType,
): { text: string; lines: LyricLine[]; problems: string[] } {
	const source = sourceLines(lyrics);
	if (source.problems.length > 0) return { text: '', lines: [], problems: source.problems };
	return checkLrcLines(source.lines, taskType, 'lrc');
}

/**
 * The LRC check of `checkLyrics`, on lines that carry the user's line numbers. For `plain`, the
 * lines are the LRC the node made from plain text: problems name the plain line and quote only
 * the user's text, not the timestamp the node put before it.
 */
function checkLrcLines(
	source: SourceLine[],
	taskType: DiffRhythmTaskType,
	origin: LyricsFormat,
): { text: string; lines: LyricLine[]; problems: string[] } {
	const songSeconds = TASK_TYPE_SECONDS[taskType];
	const problems: Array<{ line: number; message: string }> = [];
	const stamps: Stamp[] = [];
	let repeated = false;
	for (const { line, text: raw } of source) {
		const trimmed = raw.trim();
		if (trimmed === '') continue;
		// Near-misses such as [00:10] or [0:10.500] are rewritten as [mm:ss.xx] first.
		const { stamps: times, text } = leadingTimestamps(trimmed);
		if (times.length === 0) {
			problems.push({ line, message: untimedProblem(trimmed, line) });
			continue;
		}
		const shown = quoted(origin === 'plain' ? text : trimmed);
		if (origin === 'plain' && (TIMESTAMP_LIKE.test(text) || INNER_TIMESTAMP.test(text))) {
			problems.push({
				line,
				message: `line ${line}: ${shown} has a timestamp in its text, which DiffRhythm would sing; remove it (plain text is timed for you) or time every line and choose Lyrics Format "Timed (LRC)"`,
			});
			continue;
		}
		if (TIMESTAMP_LIKE.test(text)) {
			problems.push({
				line,
				message: `line ${line}: ${shown} has a second timestamp in the wrong format; write each as [mm:ss.xx], e.g. [00:10.00][01:20.00]`,
			});
			continue;
		}
		if (INNER_TIMESTAMP.test(text)) {
			problems.push({
				line,
				message: `line ${line}: ${shown} has a timestamp inside its text, which DiffRhythm would sing; put each timed line on a line of its own`,
			});
			continue;
		}
		if (text.length > INPUT_LIMITS.lineChars) {
			problems.push({
				line,
				message: `line ${line}: its text has ${text.length} characters, more than ${INPUT_LIMITS.lineChars}; split it into several ${origin === 'plain' ? '' : 'timed '}lines`,
			});
		}
		if (times.length > 1) repeated = true;
		for (const stamp of times) {
			const [mm, ss, xx] = stamp.slice(1, -1).split(/[:.]/);
			if (Number(ss) >= 60) {
				problems.push({
					line,
					message: `line ${line}: ${stamp} has ${ss} seconds; seconds must be below 60`,
				});
				continue;
			}
			stamps.push({ stamp, seconds: Number(mm) * 60 + Number(ss) + Number(xx) / 100, text, line });
		}
	}
	if (repeated) stamps.sort((a, b) => a.seconds - b.seconds);
	let previous: Stamp | undefined;
	for (const current of stamps) {
		const { stamp, seconds, line } = current;
		if (previous && seconds <= previous.seconds) {
			problems.push({
				line,
				message: `line ${line}: ${stamp} is not later than ${previous.line === line ? `its ${previous.stamp}` : `line ${previous.line}`}; timestamps must increase`,
			});
		} else if (previous && seconds - previous.seconds < INPUT_LIMITS.minLineGapSeconds) {
			problems.push({
				line,
				message: `line ${line}: ${stamp} is less than ${INPUT_LIMITS.minLineGapSeconds} s after ${previous.line === line ? `its ${previous.stamp}` : `line ${previous.line}`}; DiffRhythm skips words of lines that close`,
			});
		}
		if (seconds >= songSeconds) {
			problems.push({
				line,
				message: `line ${line}: ${stamp} is past the end of a ${taskType === 'txt2audio-base' ? 'Base' : 'Full'} song (${formatTime(songSeconds)}); DiffRhythm would drop it`,
			});
		}
		previous = current;
	}
	if (problems.length === 0 && stamps.length > 0 && stamps.every((stamp) => stamp.text === '')) {
		problems.push({
			line: stamps[0].line,
			message: `line ${stamps[0].line}: no line has words to sing, only timestamps; write the words after each timestamp, or leave Lyrics empty for an instrumental`,
		});
	}
	problems.sort((a, b) => a.line - b.line);
	return {
		text: stamps.map(({ stamp, text }) => `${stamp}${text ? ` ${text}` : ''}`).join('\n'),
		lines: stamps.map(({ seconds, text }) => ({ seconds, text })),
		// A few problems are enough to act on; a pasted book should not make a message of megabytes.
		problems: problems.slice(0, 20).map((problem) => problem.message),
	};
}

/** What the Lyrics Format field says the Lyrics are. */
export type LyricsFormat = (typeof LYRICS_FORMATS)[number];

/**
 * The lyrics to send, whatever their format: LRC is checked as it is; plain text is timed first
 * (lyrics/timing.ts), unless it already starts with a timestamp, then it is checked as LRC.
 * Either way, invisible characters are removed and control characters refused first, and every
 * problem names the user's own line (for plain text, not the line of the LRC the node made).
 * `timing` says how the node timed plain text (the output's `lyricsTiming`).
 */
export function prepareLyrics(
	lyrics: string,
	format: LyricsFormat,
	taskType: DiffRhythmTaskType,
): { text: string; lines: LyricLine[]; problems: string[]; timing?: LyricsTiming } {
	const { problems } = sourceLines(lyrics);
	if (problems.length > 0) return { text: '', lines: [], problems: problems.slice(0, 20) };
	if (format !== 'plain') return checkLyrics(lyrics, taskType);
	const timed = timePlainLyrics(lyrics, taskType);
	if (timed.kind === 'problem') return { text: '', lines: [], problems: [timed.problem] };
	if (timed.kind === 'alreadyTimed') return checkLyrics(lyrics, taskType);
	// The closing empty line of a Base song has no plain line: it takes the last one's number.
	let last = 1;
	const made = timed.lyrics.lrc === '' ? [] : timed.lyrics.lrc.split('\n');
	const source = made.map((text, index) => {
		last = timed.lyrics.lines[index]?.line ?? last;
		return { line: last, text };
	});
	const checked = checkLrcLines(source, taskType, 'plain');
	const timing = lyricsTimingOf(timed.lyrics, taskType);
	return timing ? { ...checked, timing } : checked;
}

/**
 * A text field, as n8n hands it over: an expression may have produced a number, an object or
 * nothing, and each gets its own message (an empty field is `''`, which is fine).
 */
function text(label: string, maxLength: number, tooLong: string) {
	return z
		.unknown()
		.superRefine((value, ctx) => {
			if (typeof value !== 'string') {
				ctx.addIssue({
					code: 'custom',
					message:
						value === undefined || value === null
							? `is empty (the expression produced nothing); ${label === 'Lyrics' ? 'use an empty text for an instrumental' : 'use an empty text to leave it out'}`
							: `must be text, not ${describeValue(value)}`,
					fatal: true,
				});
			}
		})
		.pipe(z.string().max(maxLength, tooLong));
}

/** The Generate fields as the node reads them, before anything is sent. */
export const generateInputSchema = z
	.object({
		taskType: z.enum(DIFFRHYTHM_TASK_TYPES, {
			errorMap: () => ({ message: 'must be Base (txt2audio-base) or Full (txt2audio-full)' }),
		}),
		lyrics: text(
			'Lyrics',
			INPUT_LIMITS.lyricsChars,
			`have more than ${INPUT_LIMITS.lyricsChars} characters; a Full song (4:45) sings far fewer`,
		),
		lyricsFormat: z
			.enum(LYRICS_FORMATS, {
				errorMap: () => ({ message: 'must be Timed (LRC) ("lrc") or Plain Text ("plain")' }),
			})
			.default('lrc'),
		stylePrompt: text(
			'Style Prompt',
			INPUT_LIMITS.stylePromptChars,
			`has more than ${INPUT_LIMITS.stylePromptChars} characters; use a few comma-separated descriptors`,
		).transform((s) => s.trim()),
		referenceAudio: z.enum(REFERENCE_AUDIO_SOURCES, {
			errorMap: () => ({ message: 'must be None, URL or Binary' }),
		}),
		referenceAudioUrl: text(
			'Reference Audio URL',
			INPUT_LIMITS.urlChars,
			`is longer than ${INPUT_LIMITS.urlChars} characters`,
		).transform((s) => s.trim()),
		callbackUrl: text(
			'Callback URL',
			INPUT_LIMITS.urlChars,
			`is longer than ${INPUT_LIMITS.urlChars} characters`,
		).transform((s) => s.trim()),
	})
	.superRefine((input, ctx) => {
		const { problems, lines } = prepareLyrics(input.lyrics, input.lyricsFormat, input.taskType);
		for (const message of problems) ctx.addIssue({ code: 'custom', path: ['lyrics'], message });
		if (input.referenceAudio === 'url') {
			if (!isHttpUrl(input.referenceAudioUrl)) {
				ctx.addIssue({
					code: 'custom',
					path: ['referenceAudioUrl'],
					message: 'must be an http(s) URL',
				});
			} else {
				const extension = extensionOf(new URL(input.referenceAudioUrl).pathname);
				if (extension && !(REFERENCE_AUDIO_FORMATS as readonly string[]).includes(extension)) {
					ctx.addIssue({
						code: 'custom',
						path: ['referenceAudioUrl'],
						message: `points to a .${extension} file; DiffRhythm accepts only mp3, wav or flac`,
					});
				}
			}
		}
		if (input.callbackUrl !== '' && !isHttpUrl(input.callbackUrl)) {
			ctx.addIssue({ code: 'custom', path: ['callbackUrl'], message: 'must be an http(s) URL' });
		}
		if (
			lines.length === 0 &&
			problems.length === 0 &&
			input.stylePrompt === '' &&
			input.referenceAudio === 'none'
		) {
			ctx.addIssue({
				code: 'custom',
				path: ['input'],
				message:
					'give at least one of them (PiAPI needs lyrics, a style prompt or reference audio)',
			});
		}
	});

/** The first problem, as `[field, message]`, and how many more there are. */
export function firstIssue(error: z.ZodError): { field: FieldName; message: string; more: number } {
	const [issue] = error.issues;
	const key = String(issue.path[0] ?? 'input');
	const field = (key in FIELD_LABELS ? key : 'input') as FieldName;
	return { field, message: issue.message, more: error.issues.length - 1 };
}
