/**
 * The one timestamp DiffRhythm reads is `[mm:ss.xx]`: upstream slices `line[1:9]` as the time
 * and drops any line that does not parse. These helpers write that form and turn the common
 * near-misses into it.
 */

/** `[mm:ss.xx]` for a time in seconds (rounded to hundredths). */
export function formatTimestamp(seconds: number): string {
	const hundredths = Math.round(seconds * 100);
	const minutes = Math.floor(hundredths / 6000);
	const rest = hundredths - minutes * 6000;
	const whole = Math.floor(rest / 100);
	const pad = (n: number) => String(n).padStart(2, '0');
	return `[${pad(minutes)}:${pad(whole)}.${pad(rest - whole * 100)}]`;
}

/**
 * `[m:ss]`, `[mm:ss]`, `[m:ss.x]`, `[mm:ss.x]`, `[m:ss.xx]` and `[mm:ss.xxx]`: one or two digits
 * of minutes, exactly two of seconds, none to three of fraction. Anything else (one digit of
 * seconds, a colon before the fraction, three digits of minutes) could mean more than one time.
 */
const ALMOST_LRC = /^\[(\d{1,2}):(\d{2})(?:\.(\d{1,3}))?\]/;

/**
 * The line with a near-miss timestamp rewritten as `[mm:ss.xx]` (milliseconds are cut to
 * hundredths, which never changes the minute or second); any other line unchanged. Seconds of 60
 * or more are kept as written, so the check that follows can name them.
 */
export function normaliseTimestamp(line: string): string {
	const match = ALMOST_LRC.exec(line);
	if (!match) return line;
	const [stamp, minutes, seconds, fraction = ''] = match;
	const hundredths = `${fraction}00`.slice(0, 2);
	return `[${minutes.padStart(2, '0')}:${seconds}.${hundredths}]${line.slice(stamp.length)}`;
}

const LRC_STAMP = /^\[\d{2}:\d{2}\.\d{2}\]/;
/** An enhanced-LRC word time, `<mm:ss.xx>`: karaoke players use it, DiffRhythm would sing it. */
const WORD_STAMP = /<\d{1,2}:\d{2}(?:[.:]\d{1,3})?>/g;

/**
 * The leading timestamps of an LRC line, each normalised like `normaliseTimestamp`, and the text
 * after them. `[00:10.00][01:20.00] chorus` (a line sung at two times, common in LRC files)
 * gives both stamps; spaces between the tags are allowed. Enhanced-LRC word times are removed
 * from the text. Whatever follows the last recognised stamp is the text, even if it starts with
 * a broken tag, so the check can name it.
 */
export function leadingTimestamps(line: string): { stamps: string[]; text: string } {
	const stamps: string[] = [];
	let rest = line;
	for (;;) {
		const candidate = stamps.length ? rest.trimStart() : rest;
		const normalised = normaliseTimestamp(candidate);
		const match = LRC_STAMP.exec(normalised);
		if (!match) break;
		stamps.push(match[0]);
		rest = normalised.slice(match[0].length);
	}
	return { stamps, text: rest.replace(WORD_STAMP, '').trim() };
}
