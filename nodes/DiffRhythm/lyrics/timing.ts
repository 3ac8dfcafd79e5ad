import { TASK_TYPE_SECONDS, type DiffRhythmTaskType } from '../../shared/utils/constants';
import { sourceLines } from './characters';
import { formatTimestamp } from './lrc';
import { syllableCounts } from './syllables';

/**
 * Timing of plain lyrics, the way DiffRhythm wants them (upstream `infer_utils.py`, and PiAPI's
 * own example): each sung line starts at its `[mm:ss.xx]`, after an instrumental intro and ending
 * before an outro. Each line gets the time a singer takes for its syllables, bounded on both
 * sides: too short a gap makes DiffRhythm skip words, too long makes it repeat them.
 */
export const TIMING = {
	/** PiAPI's example lyrics start at 00:10. */
	introSeconds: 10,
	/** Room left after the last line: it still has to be sung, then the song ends. */
	outroSeconds: { 'txt2audio-base': 8, 'txt2audio-full': 15 } as Record<DiffRhythmTaskType, number>,
	/**
	 * A sung line takes about 1.25 s plus 0.26 s per English syllable and 0.25 s per Chinese
	 * character: fitted on real, audio-aligned songs and checked on songs left out of the fit
	 * (docs/lyrics-timing.md, `npm run lyrics:compare`). Real songs vary around it with their tempo.
	 */
	lineBaseSeconds: 1.25,
	secondsPerSyllable: 0.26,
	secondsPerCjkCharacter: 0.25,
	minLineSeconds: 2,
	maxLineSeconds: 8,
	/** When the text is long, lines may be sung up to this much faster, and no shorter than: */
	fastestPace: 0.75,
	minFastLineSeconds: 1.5,
	/** A single line longer than this is a paragraph, not something one can sing in one breath. */
	maxLineSyllables: 30,
	/** Pauses for blank lines, section headers and instrumental breaks (merged when adjacent). */
	pauseSeconds: { blank: 1.5, section: 2, instrumental: 5 },
} as const;

export type PauseKind = keyof typeof TIMING.pauseSeconds;

/**
 * One line of plain lyrics as the timing sees it (`line` is 1-based, as editors count; `seconds`
 * is the time the line takes at the natural pace).
 */
export type PlainLine =
	| { kind: 'lyric'; line: number; text: string; syllables: number; seconds: number }
	| { kind: 'pause'; line: number; pause: PauseKind };

type LyricLine = Extract<PlainLine, { kind: 'lyric' }>;

/** One line of the LRC the node made. */
export interface TimedLine {
	seconds: number;
	text: string;
	/** Line in the plain input; absent for the closing empty line of a Base song. */
	line?: number;
}

/** A line given less than its natural time so that the lyrics fit the song. */
export type SqueezedLine = { line: number; text: string; seconds: number; naturalSeconds: number };

/** A pause (blank line or header) left out because the lines did not fit with it. */
export type DroppedPause = { line: number; pause: PauseKind; seconds: number };

export interface TimedLyrics {
	/** The LRC to send: `[mm:ss.xx] text` lines. Empty for lyrics without a sung line. */
	lrc: string;
	lines: TimedLine[];
	syllables: number;
	/** How much faster than the natural pace the lines are sung (1 = natural). */
	pace: number;
	squeezed: SqueezedLine[];
	droppedPauses: DroppedPause[];
}

export type TimingResult =
	| { kind: 'timed'; lyrics: TimedLyrics }
	/** The lyrics already start with a timestamp: they are LRC and are checked as such. */
	| { kind: 'alreadyTimed' }
	| { kind: 'problem'; problem: string };

const SECTION_WORDS =
	'intro|verse|pre-?chorus|chorus|post-?chorus|refrain|hook|bridge|middle 8|outro|coda|ending|end|tag|' +
	'final chorus|spoken|rap|ad-?libs?|repeat|[x×]\\s?\\d|' +
	'前奏|引子|主歌|导歌|预副歌|副歌|桥段|过渡|结尾|尾声|尾奏|独白|说唱';
const INSTRUMENTAL_WORDS =
	'instrumental|inst|solo|guitar solo|piano solo|interlude|break|breakdown|drop|build-?up|music|' +
	'间奏|纯音乐|独奏|器乐';
/** A header's text starts with a section word, followed by nothing, a number or a separator. */
const KEYWORD = new RegExp(
	`^(?:(${INSTRUMENTAL_WORDS})|(${SECTION_WORDS}))(?=$|[\\s\\d:：,，.\\-–—(（/]|[^\\x00-\\x7f])`,
	'i',
);
/** A header's name: only a section word, maybe numbered ("Verse 2") or repeated ("Chorus x2"). */
const BARE_HEADER = new RegExp(
	`^(?:(${INSTRUMENTAL_WORDS})|(${SECTION_WORDS}))(?:\\s*\\d{1,2})?(?:\\s*[x×]\\s?\\d)?$`,
	'i',
);
/**
 * The section words that are headers even unmarked, alone on a line: nobody sings "Chorus" or
 * "副歌" as a line. Others ("Drop", "Hook", "Music", "Break", "End", "Rap", "Solo") are ordinary
 * words a song may sing, so they are headers only when marked as one: `[Drop]`, `Drop:`,
 * `(Drop)`, `## Drop`, `**Drop**`.
 */
const UNMARKED_HEADER =
	/^(?:(instrumental|interlude|间奏)|(verse|pre-?chorus|chorus|post-?chorus|bridge|intro|outro|主歌|导歌|预副歌|副歌|桥段|前奏|尾奏))(?:\s*\d{1,2})?(?:\s*[x×]\s?\d)?$/i;
/**
 * A label before a colon that names a section: the name, maybe numbered or repeated, maybe with
 * a note in parentheses or after a dash ("Verse 1 (Anna):", "Chorus - x2:"), but not a sung line
 * that happens to start with a section word and end with a colon ("Drop it like this:").
 */
const LABEL_HEADER = new RegExp(
	`^(?:(${INSTRUMENTAL_WORDS})|(${SECTION_WORDS}))(?:\\s*\\d{1,2})?(?:\\s*[x×]\\s?\\d)?(?:\\s*[(（][^)）]*[)）]|\\s+[-–—]\\s+.*)?$`,
	'i',
);
/** Words that make a parenthesised line an instrumental break wherever they stand in it. */
const INSTRUMENTAL_BREAK = /instrumental|solo|interlude|间奏|纯音乐/i;
const TIMESTAMP_START = /^\[\s*\d{1,3}\s*:\s*\d{1,2}/;

/**
 * Markdown emphasis and heading marks that models put around headers (`**[Chorus]**`,
 * `## Verse`), and whether there were any: a marked line is written as a header.
 */
function stripMarkup(line: string): { line: string; marked: boolean } {
	const stripped = line
		.replace(/^#{1,6}\s+/, '')
		.replace(/^(\*\*|__|\*|_)(.*)\1$/, '$2')
		.trim();
	return { line: stripped, marked: stripped !== line.trim() };
}

/** The pause a section name stands for, if `pattern` (first group: instrumental) matches it. */
function nameKind(pattern: RegExp, text: string): PauseKind | undefined {
	const match = pattern.exec(text.trim());
	if (!match) return undefined;
	return match[1] ? 'instrumental' : 'section';
}

/**
 * Whether a line is a section header, and which pause it is: `[Verse 1]`, `【副歌】`, `Chorus:`,
 * `Verse 2`, `(Instrumental)`, `**Bridge**`. A whole-line `[...]` is always a header (DiffRhythm
 * would drop it anyway); a parenthesised line only when it is nothing but a section name or
 * names an instrumental part, because `(ooh, ooh)` or `(break my heart)` is sung. A section word
 * alone on a line without any mark is a header only if nobody would sing it (`UNMARKED_HEADER`):
 * a line "Drop" or "Hook" is sung.
 */
export function headerOf(raw: string): PauseKind | undefined {
	const { line, marked } = stripMarkup(raw);
	if (TIMESTAMP_START.test(line)) return undefined;
	const bracketed = /^(?:\[([^\]]*)\]|【([^】]*)】)$/.exec(line);
	if (bracketed) return nameKind(KEYWORD, bracketed[1] ?? bracketed[2]) ?? 'section';
	const parenthesised = /^[(（]([^)）]*)[)）]$/.exec(line);
	if (parenthesised) {
		const inside = parenthesised[1].trim();
		if (INSTRUMENTAL_BREAK.test(inside)) return 'instrumental';
		return nameKind(BARE_HEADER, inside);
	}
	const labelled = /^([^:：]{1,30})[:：]$/.exec(line);
	if (labelled) return nameKind(LABEL_HEADER, labelled[1]);
	return nameKind(marked ? BARE_HEADER : UNMARKED_HEADER, line);
}

/**
 * Plain lyrics as lyric lines and pauses; adjacent pauses merge into the longest, and pauses
 * before the first and after the last sung line are dropped (the intro and outro cover them).
 */
export function parsePlainLyrics(text: string): PlainLine[] {
	const parsed: PlainLine[] = [];
	// Lines with a refused character are left out here; timePlainLyrics refuses them first.
	sourceLines(text).lines.forEach(({ line, text: raw }) => {
		const trimmed = raw.trim();
		const pause: PauseKind | undefined = trimmed === '' ? 'blank' : headerOf(trimmed);
		if (pause) {
			const previous = parsed[parsed.length - 1];
			if (!previous) return;
			if (previous.kind === 'pause') {
				if (TIMING.pauseSeconds[pause] > TIMING.pauseSeconds[previous.pause])
					previous.pause = pause;
				return;
			}
			parsed.push({ kind: 'pause', line, pause });
			return;
		}
		const sung = trimmed.replace(/\s+/g, ' ');
		const { cjk, other } = syllableCounts(sung);
		parsed.push({
			kind: 'lyric',
			line,
			text: sung,
			syllables: cjk + other,
			seconds: lineSeconds(sung),
		});
	});
	while (parsed.length && parsed[parsed.length - 1].kind === 'pause') parsed.pop();
	return parsed;
}

function clock(seconds: number): string {
	const whole = Math.round(seconds);
	return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

const TASK_NAMES: Record<DiffRhythmTaskType, string> = {
	'txt2audio-base': 'Base (1:35)',
	'txt2audio-full': 'Full (4:45)',
};

/** Seconds from the intro to the outro: where sung lines can go. */
export function lyricWindow(taskType: DiffRhythmTaskType): { from: number; to: number } {
	return {
		from: TIMING.introSeconds,
		to: TASK_TYPE_SECONDS[taskType] - TIMING.outroSeconds[taskType],
	};
}

/**
 * The time a singer takes for one line at the natural pace: `TIMING`'s base plus the line's
 * English syllables and Chinese characters at their own rates, within the line bounds.
 */
export function lineSeconds(text: string): number {
	const { cjk, other } = syllableCounts(text);
	const seconds =
		TIMING.lineBaseSeconds +
		other * TIMING.secondsPerSyllable +
		cjk * TIMING.secondsPerCjkCharacter;
	return Math.min(TIMING.maxLineSeconds, Math.max(TIMING.minLineSeconds, seconds));
}

/** The line length the capacity figures are given for: a typical sung line. */
export const TYPICAL_LINE_SYLLABLES = 14;

/**
 * How many typical lines a song holds, at the natural pace and sung as fast as the node allows.
 * The one source of the figure the editor's hints, the errors and the docs give (a test compares
 * them), so they cannot disagree again.
 */
export function songCapacity(taskType: DiffRhythmTaskType): { lines: number; faster: number } {
	const { from, to } = lyricWindow(taskType);
	const natural = Math.min(
		TIMING.maxLineSeconds,
		Math.max(
			TIMING.minLineSeconds,
			TIMING.lineBaseSeconds + TYPICAL_LINE_SYLLABLES * TIMING.secondsPerSyllable,
		),
	);
	const fastest = Math.max(TIMING.minFastLineSeconds, natural * TIMING.fastestPace);
	return { lines: Math.floor((to - from) / natural), faster: Math.floor((to - from) / fastest) };
}

/** The shortest a line may get at the fastest pace. */
function fastestSeconds(line: LyricLine): number {
	return Math.max(TIMING.minFastLineSeconds, line.seconds * TIMING.fastestPace);
}

function tooLong(lyrics: LyricLine[], taskType: DiffRhythmTaskType, fastest: number): string {
	const { from, to } = lyricWindow(taskType);
	const available = to - from;
	const syllables = lyrics.reduce((sum, line) => sum + line.syllables, 0);
	const natural = lyrics.reduce((sum, line) => sum + line.seconds, 0);
	// How many lines of this length fit at the natural pace: what to cut to for a good song.
	const fit = Math.max(1, Math.floor((lyrics.length * available) / natural));
	const advice =
		taskType === 'txt2audio-base'
			? `Choose Task Type "${TASK_NAMES['txt2audio-full']}" (${clock(lyricWindow('txt2audio-full').to - TIMING.introSeconds)} for lyrics), or cut the lyrics to about ${fit} lines`
			: `Cut the lyrics to about ${fit} lines, or split them into two songs`;
	return (
		`too long for a ${TASK_NAMES[taskType]} song: ${lyrics.length} lines with ${syllables} syllables need about ${clock(natural)} of singing ` +
		`(${clock(fastest)} at the fastest pace), but the song has ${clock(available)} for lyrics (from ${clock(from)} to ${clock(to)}). ${advice}.`
	);
}

const round2 = (seconds: number) => Math.round(seconds * 100) / 100;

/**
 * Times plain lyrics for a task type. Lines start at the intro and follow each other at their
 * natural pace (pauses included); when that does not fit before the outro, pauses are dropped and
 * then the lines are sung faster, down to `TIMING.fastestPace`; beyond that it is a problem with
 * the numbers. For Base songs a closing empty line is added: upstream drops the last line of a
 * 95 s song, and an empty one is what it can spare. What was dropped or squeezed is reported.
 */
export function timePlainLyrics(text: string, taskType: DiffRhythmTaskType): TimingResult {
	const characters = sourceLines(text).problems;
	if (characters.length > 0) return { kind: 'problem', problem: characters[0] };
	const parsed = parsePlainLyrics(text);
	const lyrics = parsed.filter((line): line is LyricLine => line.kind === 'lyric');
	if (lyrics.length === 0) {
		const headers = sourceLines(text).lines.filter((line) => line.text.trim() !== '');
		if (headers.length > 0) {
			// Only headers would make a paid instrumental nobody asked for: empty Lyrics ask for one.
			const shown = headers
				.slice(0, 3)
				.map((line) => `line ${line.line} "${line.text.trim().slice(0, 30)}"`)
				.join(', ');
			const more = headers.length > 3 ? `, and ${headers.length - 3} more` : '';
			return {
				kind: 'problem',
				problem: `no sung line: ${shown}${more} ${headers.length === 1 ? 'is a section header' : 'are section headers'}, which are not sung; write the lines to sing, or leave Lyrics empty for an instrumental`,
			};
		}
		return {
			kind: 'timed',
			lyrics: { lrc: '', lines: [], syllables: 0, pace: 1, squeezed: [], droppedPauses: [] },
		};
	}
	if (TIMESTAMP_START.test(lyrics[0].text)) return { kind: 'alreadyTimed' };
	for (const line of lyrics) {
		if (TIMESTAMP_START.test(line.text)) {
			return {
				kind: 'problem',
				problem: `line ${line.line}: "${line.text.slice(0, 40)}" starts with a timestamp, but the lyrics before it are plain text; remove the timestamps (plain text is timed for you) or time every line and choose Lyrics Format "Timed (LRC)"`,
			};
		}
		if (line.syllables > TIMING.maxLineSyllables) {
			return {
				kind: 'problem',
				problem: `line ${line.line} has ${line.syllables} syllables, more than one sung line can hold (at most ${TIMING.maxLineSyllables}); break it into lines of about 8-15 syllables`,
			};
		}
	}

	const { from, to } = lyricWindow(taskType);
	const available = to - from;
	const sung = lyrics.reduce((sum, line) => sum + line.seconds, 0);
	const pauses = parsed.filter((line) => line.kind === 'pause');
	const paused = pauses.reduce((sum, line) => sum + TIMING.pauseSeconds[line.pause], 0);
	let durations = lyrics.map((line) => line.seconds);
	let keepPauses = true;
	let pace = 1;
	if (sung + paused > available) {
		keepPauses = false;
		if (sung > available) {
			pace = sung / available;
			durations = lyrics.map((line) => Math.max(fastestSeconds(line), line.seconds / pace));
			const fastest = lyrics.reduce((sum, line) => sum + fastestSeconds(line), 0);
			if (fastest > available)
				return { kind: 'problem', problem: tooLong(lyrics, taskType, fastest) };
			// The floor may have lengthened short lines: spread what is left over the others.
			const total = durations.reduce((sum, seconds) => sum + seconds, 0);
			if (total > available) {
				const squeeze = (available - fastest) / (total - fastest);
				durations = lyrics.map((line, index) => {
					const floor = fastestSeconds(line);
					return floor + (durations[index] - floor) * squeeze;
				});
			}
		}
	}

	const lines: TimedLine[] = [];
	let at = from;
	let lyricIndex = 0;
	for (const entry of parsed) {
		if (entry.kind === 'pause') {
			if (keepPauses) at += TIMING.pauseSeconds[entry.pause];
			continue;
		}
		lines.push({ seconds: round2(at), text: entry.text, line: entry.line });
		at += durations[lyricIndex++];
	}
	if (taskType === 'txt2audio-base') lines.push({ seconds: round2(at), text: '' });
	const squeezed = lyrics.flatMap((line, index) =>
		durations[index] < line.seconds - 0.005
			? [
					{
						line: line.line,
						text: line.text,
						seconds: round2(durations[index]),
						naturalSeconds: round2(line.seconds),
					},
				]
			: [],
	);
	return {
		kind: 'timed',
		lyrics: {
			lrc: lines
				.map((line) => `${formatTimestamp(line.seconds)}${line.text ? ` ${line.text}` : ''}`)
				.join('\n'),
			lines,
			syllables: lyrics.reduce((sum, line) => sum + line.syllables, 0),
			pace: round2(pace),
			squeezed,
			droppedPauses: keepPauses
				? []
				: pauses.map((line) => ({
						line: line.line,
						pause: line.pause,
						seconds: TIMING.pauseSeconds[line.pause],
					})),
		},
	};
}

/**
 * What the output's `lyricsTiming` field says about plain lyrics the node timed, so that a user
 * can see why a song sounds rushed: the pace, the lines sung below their natural time and the
 * pauses left out for lack of room (line numbers are the plain text's).
 */
export type LyricsTiming = {
	/** 1 = the natural pace; 1.2 = every line sung 20 % faster to fit the song. */
	pace: number;
	lines: number;
	firstLineAt: string;
	lastLineAt: string;
	squeezedLines: SqueezedLine[];
	droppedPauses: DroppedPause[];
	summary: string;
};

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The `lyricsTiming` of timed lyrics; undefined when there is no sung line (an instrumental). */
export function lyricsTimingOf(
	lyrics: TimedLyrics,
	taskType: DiffRhythmTaskType,
): LyricsTiming | undefined {
	const sung = lyrics.lines.filter((line) => line.text !== '');
	if (sung.length === 0) return undefined;
	const first = sung[0].seconds;
	const last = sung[sung.length - 1].seconds;
	const pace =
		lyrics.pace > 1
			? `sung ${Math.round((lyrics.pace - 1) * 100)} % faster than the natural pace to fit a ${TASK_NAMES[taskType]} song`
			: 'at the natural pace';
	const parts = [`${plural(sung.length, 'line')} from ${clock(first)} to ${clock(last)}, ${pace}`];
	if (lyrics.squeezed.length > 0) {
		parts.push(`${plural(lyrics.squeezed.length, 'line')} shorter than natural`);
	}
	if (lyrics.droppedPauses.length > 0) {
		const where = lyrics.droppedPauses.map((pause) => pause.line).join(', ');
		parts.push(
			`${plural(lyrics.droppedPauses.length, 'pause')} between sections left out for lack of room (line ${where})`,
		);
	}
	return {
		pace: lyrics.pace,
		lines: sung.length,
		firstLineAt: formatTimestamp(first).slice(1, -1),
		lastLineAt: formatTimestamp(last).slice(1, -1),
		squeezedLines: lyrics.squeezed,
		droppedPauses: lyrics.droppedPauses,
		summary: `${parts.join('; ')}.`,
	};
}
