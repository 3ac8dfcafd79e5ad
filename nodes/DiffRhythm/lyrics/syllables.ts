/**
 * How long a lyric line takes to sing, counted in syllables. DiffRhythm sings English and
 * Chinese; a Chinese (or other CJK) character is one syllable, an English word is estimated from
 * its vowel groups. The estimate only has to be good enough to share the song's time between
 * lines, so it is a heuristic, not a dictionary.
 */

/** Han, kana and Hangul: one character is sung as one syllable. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Syllables of one Latin-script word, by vowel groups (silent final e, -ed and -es dropped). */
export function wordSyllables(word: string): number {
	const letters = word
		.toLowerCase()
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/['’]/g, '');
	if (/^\d+$/.test(letters)) return letters.length; // "2024": about one syllable a digit
	const latin = letters.replace(/[^a-z]/g, '');
	if (latin === '') return letters === '' ? 0 : 1;
	if (latin.length <= 3) return 1;
	const trimmed = latin.replace(/(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$/, '').replace(/^y/, '');
	const groups = trimmed.match(/[aeiouy]+/g);
	return Math.max(1, groups ? groups.length : 0);
}

/**
 * Syllables of a lyric line by script: CJK characters (one each) and the syllables of the other
 * words. A mixed line such as "我们一起 sing along" counts both: 4 characters and 3 syllables.
 */
export function syllableCounts(line: string): { cjk: number; other: number } {
	const cjk = line.match(CJK)?.length ?? 0;
	let other = 0;
	for (const word of line.replace(CJK, ' ').match(WORD) ?? []) other += wordSyllables(word);
	return { cjk, other };
}

/** Syllables of a lyric line: CJK characters one each, other words by `wordSyllables`. */
export function lineSyllables(line: string): number {
	const { cjk, other } = syllableCounts(line);
	return cjk + other;
}
