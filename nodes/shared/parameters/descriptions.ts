import type { INode, INodeProperties } from 'n8n-workflow';

import { booleanOption, nameOption, numberOption, optionOf } from './options';

/**
 * Fields that every node returning a song shares (DiffRhythm's Generate and Wait and Get Task, the
 * PiAPI Trigger), with the one reader that checks them. Kept here rather than in one node's
 * folder, so that no node imports another's.
 */

const binaryPropertyName: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	description: 'Name of the binary field the song is written to',
	displayOptions: { show: { downloadAudio: [true] } },
};

const DOWNLOAD_DESCRIPTION =
	'Whether to download the finished song into binary data. PiAPI deletes its files after a while, so keep a copy.';

/** Generate and Wait and the trigger return the song itself by default: a URL alone expires. */
export const downloadOn: INodeProperties[] = [
	{
		displayName: 'Download Audio',
		name: 'downloadAudio',
		type: 'boolean',
		default: true,
		description: DOWNLOAD_DESCRIPTION,
	},
	binaryPropertyName,
];

/** Get Task is often a status check, so it downloads only when asked. */
export const downloadOff: INodeProperties[] = [
	{
		displayName: 'Download Audio',
		name: 'downloadAudio',
		type: 'boolean',
		default: false,
		description: DOWNLOAD_DESCRIPTION,
	},
	binaryPropertyName,
];

/** Bounds of the Max Audio Size option, in MB. */
export const MAX_AUDIO_SIZE_MB = { default: 200, min: 1, max: 2048 } as const;

/** An entry of the node's Options collection. */
export const maxAudioSizeOption: INodeProperties = {
	displayName: 'Max Audio Size (MB)',
	name: 'maxAudioSizeMb',
	type: 'number',
	typeOptions: { minValue: MAX_AUDIO_SIZE_MB.min, maxValue: MAX_AUDIO_SIZE_MB.max },
	default: 200, // MAX_AUDIO_SIZE_MB.default; the lint wants a literal
	description:
		'Largest song file to download; a larger one fails with the task ID and the audio URL. A Full song as WAV is about 50 MB.',
};

export interface OutputOptions {
	/** Fetch the song into binary data when the task is completed. */
	downloadAudio: boolean;
	binaryPropertyName: string;
	/** Downloads above this many bytes are refused. */
	maxAudioBytes: number;
}

/**
 * Reads one parameter, whichever context asks (`getNodeParameter` takes an item index in an
 * execution, none in a webhook): `(name, fallback) => value`.
 */
export type ParameterReader = (name: string, fallback: unknown) => unknown;

/** Reads and checks the download fields above (and the Max Audio Size option) for one item. */
export function readOutputOptions(
	node: INode,
	read: ParameterReader,
	itemIndex: number,
	downloadByDefault: boolean,
): OutputOptions {
	const options = read('options', {});
	const downloadAudio = booleanOption(
		node,
		'Download Audio',
		read('downloadAudio', downloadByDefault),
		downloadByDefault,
		itemIndex,
	);
	return {
		downloadAudio,
		binaryPropertyName: downloadAudio
			? nameOption(
					node,
					'Put Output File in Field',
					read('binaryPropertyName', 'data'),
					'data',
					itemIndex,
				)
			: 'data',
		maxAudioBytes:
			numberOption(
				node,
				'Max Audio Size (MB)',
				optionOf(options, 'maxAudioSizeMb'),
				{ ...MAX_AUDIO_SIZE_MB },
				itemIndex,
			) * 1048576,
	};
}
