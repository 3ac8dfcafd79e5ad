/**
 * Characters nobody sees in the editor, before lyrics are parsed. Pasted text (web pages, word
 * processors, chat answers) carries zero-width spaces, byte-order marks and Unicode line
 * separators; an expression can carry NUL or ESC. Sent as they are, they reach PiAPI inside the
 * lyrics: a zero-width space before a timestamp hides the timestamp from the LRC check, and a
 * line made only of zero-width characters is a "sung" line of nothing.
 *
 * - removed: invisible format characters that change nothing the user sees (zero-width space,
 *   joiners, word joiner, byte-order mark, soft hyphen, left-to-right and right-to-left marks and
 *   the other Unicode format characters, such as emoji tag characters), so a line of only them is
 *   blank;
 * - line breaks: U+2028, U+2029 and U+0085 (NEL) end a line, as CR and LF do; a tab is a space;
 * - refused, with the line: every other control character (C0, DEL, C1), the bidirectional
 *   embedding, override and isolate controls (they make the text shown differ from the text sent)
 *   and unpaired surrogate halves (not text at all).
 *
 * Line numbers stay the user's: only CR and LF (the Enter key) start a new line; a U+2028 splits
 * a line into parts that keep its number.
 */

/** One line as the user wrote it (1-based, counted by CR/LF), cleaned. */
export interface SourceLine {
	line: number;
	text: string;
}

/** Bidirectional embedding, override and isolate controls: refused, not removed. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/u;
/** Format characters (Unicode category Cf) other than the bidi controls: removed. */
const INVISIBLE = /(?![\u202a-\u202e\u2066-\u2069])\p{Cf}/gu;
/** A tab is a space; the other control characters are refused (CR and LF split lines first). */
const TAB = /\t/g;
const SEPARATOR = /[\u2028\u2029\u0085]/;
/** Control characters, bidi controls and unpaired surrogate halves: what is refused. */
const REFUSED =
	// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
	/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const NAMES: Record<number, string> = {
	0x00: 'NUL',
	0x07: 'bell',
	0x08: 'backspace',
	0x0b: 'vertical tab',
	0x0c: 'form feed',
	0x1b: 'escape',
	0x7f: 'delete',
};

function codePoint(char: string): string {
	return `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A refused character as an error names it: "a control character (U+001B, escape)". */
export function describeCharacter(char: string): string {
	const code = char.charCodeAt(0);
	if (code >= 0xd800 && code <= 0xdfff)
		return `a broken character (${codePoint(char)}, half of a surrogate pair)`;
	if (BIDI_CONTROL.test(char)) {
		return `an invisible text-direction control (${codePoint(char)}), which makes the text shown differ from the text sent`;
	}
	const name = NAMES[code] ?? (code >= 0x80 ? 'C1 control' : undefined);
	return `a control character (${codePoint(char)}${name ? `, ${name}` : ''})`;
}

/** The line as an error quotes it: short, with refused characters shown as <U+001B>. */
function shown(text: string): string {
	const global = new RegExp(REFUSED.source, 'gu');
	const visible = text.replace(global, (char) => `<${codePoint(char)}>`);
	return `"${visible.length > 40 ? `${visible.slice(0, 40)}…` : visible}"`;
}

/**
 * The lyrics as lines, with invisible characters removed and line separators split, or the
 * lines that hold a character that cannot be sent (one problem per line, in line order).
 */
export function sourceLines(lyrics: string): { lines: SourceLine[]; problems: string[] } {
	const lines: SourceLine[] = [];
	const problems: string[] = [];
	lyrics.split(/\r\n|\r|\n/).forEach((raw, index) => {
		const line = index + 1;
		const text = raw.replace(INVISIBLE, '').replace(TAB, ' ');
		const refused = REFUSED.exec(text);
		if (refused) {
			problems.push(
				`line ${line} contains ${describeCharacter(refused[0])}: ${shown(text.trim())}; remove it (PiAPI would receive it inside the lyrics)`,
			);
			return;
		}
		for (const part of text.split(SEPARATOR)) lines.push({ line, text: part });
	});
	return { lines, problems };
}
