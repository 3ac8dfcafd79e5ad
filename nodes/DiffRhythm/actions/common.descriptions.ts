import type { INodeProperties } from 'n8n-workflow';
import { TOOL } from '../../shared/utils/constants';
import { songCapacity, TYPICAL_LINE_SYLLABLES } from '../lyrics/timing';

const BASE = songCapacity('txt2audio-base');
const FULL = songCapacity('txt2audio-full');

/** The Lyrics field, one per Lyrics Format: same parameter, with help for what that format needs. */
function lyricsField(
	format: 'lrc' | 'plain',
	placeholder: string,
	description: string,
): INodeProperties {
	return {
		displayName: 'Lyrics',
		name: 'lyrics',
		type: 'string',
		typeOptions: { rows: 8 },
		default: '',
		placeholder,
		description,
		displayOptions: { show: { lyricsFormat: [format] } },
	};
}

/** Song fields shared by Generate and Generate and Wait. */
export const songFields: INodeProperties[] = [
	{
		displayName: 'Task Type',
		name: 'taskType',
		type: 'options',
		options: [
			{
				name: 'Base (1:35)',
				value: 'txt2audio-base',
				description: 'A song of 1 min 35 s (PiAPI calls it "1.35 min")',
			},
			{
				name: 'Full (4:45)',
				value: 'txt2audio-full',
				description: 'A song of 4 min 45 s (PiAPI calls it "4.45 min")',
			},
		],
		default: 'txt2audio-base',
		description:
			`Length of the song: Base (txt2audio-base) 1:35, room for about ${BASE.lines} lines; Full (txt2audio-full) 4:45, about ${FULL.lines} lines. Both cost the same at PiAPI.`,
	},
	{
		displayName: 'Lyrics Format',
		name: 'lyricsFormat',
		type: 'options',
		options: [
			{
				name: 'Timed (LRC)',
				value: 'lrc',
				description: 'Every line starts with its time, [mm:ss.xx]; sent as written',
			},
			{
				name: 'Plain Text, Timed for You',
				value: 'plain',
				description:
					'One sung line per line; the node times each line by its syllables. Headers such as [Chorus] and blank lines become pauses.',
			},
		],
		default: 'lrc',
		description: 'How the Lyrics are written',
	},
	lyricsField(
		'lrc',
		'[00:10.00] First line of the song\n[00:17.00] Second line',
		'LRC lyrics: one line per lyric, each starting with its time as [mm:ss.xx]. Times must increase and stay within the song. Leave empty for an instrumental.',
	),
	lyricsField(
		'plain',
		'[Verse]\nCity lights are calling me home\nEvery street a song I know\n\n[Chorus]\n…',
		`One sung line per line, about ${TYPICAL_LINE_SYLLABLES} syllables each, English or Chinese. Section headers ([Verse 1], Chorus:, (Instrumental)) and blank lines become short pauses. A Base song holds about ${BASE.lines} lines, a Full song about ${FULL.lines}. Leave empty for an instrumental.`,
	),
	{
		displayName: 'Style Prompt',
		name: 'stylePrompt',
		type: 'string',
		default: '',
		placeholder: 'pop, acoustic guitar, warm female vocals',
		description:
			'Short comma-separated descriptors of genre, mood, instruments and voice, e.g. "dreamy synth-pop, warm female vocals, slow tempo" or "folk, acoustic guitar, harmonica, hopeful"',
	},
	{
		displayName: 'Reference Audio',
		name: 'referenceAudio',
		type: 'options',
		options: [
			{ name: 'None', value: 'none' },
			{ name: 'URL', value: 'url', description: 'An http(s) link to an mp3, wav or flac file' },
			{
				name: 'Binary File',
				value: 'binary',
				description: 'An mp3, wav or flac of up to 10 MB from the input item, sent inline',
			},
		],
		default: 'none',
		description:
			'A song whose style DiffRhythm imitates, instead of or besides the style prompt. It should be at least 10 s long.',
	},
	{
		displayName: 'Reference Audio URL',
		name: 'referenceAudioUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/reference.mp3',
		displayOptions: { show: { referenceAudio: ['url'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'referenceAudioBinaryProperty',
		type: 'string',
		default: 'data',
		description: 'Name of the input binary field that holds the reference audio',
		displayOptions: { show: { referenceAudio: ['binary'] } },
	},
];

/** An entry of the Options collection of the operations that can return the song. */
export const audioInToolResultOption: INodeProperties = {
	displayName: 'Audio in Tool Result',
	name: 'audioInToolResult',
	type: 'boolean',
	default: false,
	description:
		"Whether to download the song into the tool's result when an AI Agent uses this node as a tool. Off, the model gets the audio URL, not megabytes of audio.",
};

/**
 * The model-facing description of the node as a tool, one per operation. n8n adds its own
 * "Tool Description" field only to nodes without a `toolDescription` property, and its
 * "Set Automatically" text comes from the operation's `action` only when the node has a
 * `resource` field, so a DiffRhythm tool got the node's one description whatever its operation.
 * Given here with a default per operation (shown only on the tool variant, `@tool`), the model
 * reads what this operation does; a user's own text replaces it as before.
 */
export function toolDescriptionField(text: string): INodeProperties {
	return {
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		default: text,
		required: true,
		typeOptions: { rows: 3 },
		displayOptions: { show: { '@tool': [true] } },
		description:
			'Explain to the LLM what this tool does, a good, specific description would allow LLMs to produce expected results much more often',
	};
}

/** Options → Tool Answer Within (Seconds), of the operations that can wait for a song. */
export function toolAnswerSecondsOption(description: string): INodeProperties {
	return {
		displayName: 'Tool Answer Within (Seconds)',
		name: 'toolAnswerSeconds',
		type: 'number',
		typeOptions: { minValue: TOOL.answerSeconds.min, maxValue: TOOL.answerSeconds.max },
		default: 40, // TOOL.answerSeconds.default; the lint wants a literal
		description,
	};
}

/** Options → New Take: the one way past the repeat rule (see repeats.ts). */
export const newTakeOption: INodeProperties = {
	displayName: 'New Take',
	name: 'newTake',
	type: 'boolean',
	default: false,
	description:
		"Whether a tool call makes a new song even when the same request (same lyrics, style prompt, task type and reference audio) reached this tool in the last 30 minutes. Off, such a call answers with the song already started and pays nothing. To let the model decide, set it to {{ $fromAI('newTake', 'true only if the user wants another version of a song already made', 'boolean') }}.",
};
