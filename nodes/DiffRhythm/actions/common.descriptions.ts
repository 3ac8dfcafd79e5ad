import type { INodeProperties } from 'n8n-workflow';

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
		description: 'Length of the song. Both cost the same at PiAPI.',
	},
	{
		displayName: 'Lyrics',
		name: 'lyrics',
		type: 'string',
		typeOptions: { rows: 8 },
		default: '',
		placeholder: '[00:10.00] First line of the song\n[00:17.00] Second line',
		description:
			'LRC lyrics: one line per lyric, each starting with its time as [mm:ss.xx]. Times must increase and stay within the song. Leave empty for an instrumental.',
	},
	{
		displayName: 'Style Prompt',
		name: 'stylePrompt',
		type: 'string',
		default: '',
		placeholder: 'pop, acoustic guitar, warm female vocals',
		description: 'Short comma-separated descriptors of genre, mood and instruments',
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
