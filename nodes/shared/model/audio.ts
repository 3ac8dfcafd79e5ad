/** An audio format as n8n's binary data needs it. */
export interface AudioFormat {
	mimeType: string;
	extension: string;
}

const BY_EXTENSION: Record<string, AudioFormat> = {
	mp3: { mimeType: 'audio/mpeg', extension: 'mp3' },
	wav: { mimeType: 'audio/wav', extension: 'wav' },
	flac: { mimeType: 'audio/flac', extension: 'flac' },
	ogg: { mimeType: 'audio/ogg', extension: 'ogg' },
	aac: { mimeType: 'audio/aac', extension: 'aac' },
	m4a: { mimeType: 'audio/mp4', extension: 'm4a' },
	webm: { mimeType: 'audio/webm', extension: 'webm' },
};

/**
 * Bytes read from the start of a download to judge it: enough for a WAV's chunk headers, a FLAC's
 * STREAMINFO or an MP3's ID3 header and first frame in any real file.
 */
export const SNIFF_BYTES = 4096;

function ascii(bytes: Uint8Array, start: number, end: number): string {
	return String.fromCharCode(...bytes.subarray(start, end));
}

/** Recognises an audio file from its first bytes (magic numbers), which beat any label. */
export function sniffAudio(bytes: Uint8Array): AudioFormat | undefined {
	if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WAVE') {
		return BY_EXTENSION.wav;
	}
	if (bytes.length >= 4 && ascii(bytes, 0, 4) === 'fLaC') return BY_EXTENSION.flac;
	if (bytes.length >= 4 && ascii(bytes, 0, 4) === 'OggS') return BY_EXTENSION.ogg;
	if (bytes.length >= 8 && ascii(bytes, 4, 8) === 'ftyp') return BY_EXTENSION.m4a;
	if (
		bytes.length >= 4 &&
		bytes[0] === 0x1a &&
		bytes[1] === 0x45 &&
		bytes[2] === 0xdf &&
		bytes[3] === 0xa3
	) {
		return BY_EXTENSION.webm;
	}
	if (bytes.length >= 10 && ascii(bytes, 0, 3) === 'ID3' && isId3Header(bytes)) {
		return BY_EXTENSION.mp3;
	}
	if (bytes.length >= 4 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0) {
		// Both are frame-synced; ADTS AAC has layer bits 00, MPEG audio does not.
		if ((bytes[1] & 0x06) === 0) return BY_EXTENSION.aac;
		return mpegFrame(bytes, 0) ? BY_EXTENSION.mp3 : undefined;
	}
	return undefined;
}

/** An ID3v2 header: version 2 to 4, and a size in four 7-bit ("syncsafe") bytes. */
export function isId3Header(bytes: Uint8Array): boolean {
	return (
		bytes[3] >= 2 &&
		bytes[3] <= 4 &&
		bytes[4] !== 0xff &&
		[6, 7, 8, 9].every((index) => bytes[index] < 0x80)
	);
}

export function id3Size(bytes: Uint8Array): number {
	const size = ((bytes[6] << 21) | (bytes[7] << 14) | (bytes[8] << 7) | bytes[9]) + 10;
	// A footer (flag bit 4) adds another 10 bytes.
	return bytes[5] & 0x10 ? size + 10 : size;
}

const MPEG_BITRATES_KBPS: Record<string, number[]> = {
	// [version 1 | 2], layer: index 1..14
	'1-1': [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
	'1-2': [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
	'1-3': [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
	'2-1': [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
	'2-2': [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
	'2-3': [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const MPEG_SAMPLE_RATES = [44100, 48000, 32000];

/** One MPEG audio frame, as its four-byte header describes it. */
export interface MpegFrame {
	/** Version, layer and sample rate bits: the same in every frame of one stream. */
	stream: number;
	bitrate: number;
	sampleRate: number;
	/** Bytes of the whole frame, header included. */
	length: number;
	/** Samples per channel it decodes to. */
	samples: number;
}

/** The MPEG audio frame header at `offset`, if the four bytes there are a valid one. */
export function mpegFrame(bytes: Uint8Array, offset: number): MpegFrame | undefined {
	if (offset + 4 > bytes.length || bytes[offset] !== 0xff || (bytes[offset + 1] & 0xe0) !== 0xe0) {
		return undefined;
	}
	const versionBits = (bytes[offset + 1] >> 3) & 0x03; // 00 2.5, 01 reserved, 10 v2, 11 v1
	const layerBits = (bytes[offset + 1] >> 1) & 0x03; // 01 layer III, 10 II, 11 I
	const bitrateIndex = bytes[offset + 2] >> 4;
	const rateIndex = (bytes[offset + 2] >> 2) & 0x03;
	const padding = (bytes[offset + 2] >> 1) & 0x01;
	if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15) {
		return undefined;
	}
	if (rateIndex === 3) return undefined;
	const version = versionBits === 3 ? 1 : 2;
	const layer = 4 - layerBits;
	const bitrate = MPEG_BITRATES_KBPS[`${version}-${layer}`][bitrateIndex - 1] * 1000;
	const divisor = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 4;
	const sampleRate = MPEG_SAMPLE_RATES[rateIndex] / divisor;
	const samples = layer === 1 ? 384 : layer === 3 && version === 2 ? 576 : 1152;
	const length =
		layer === 1
			? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
			: Math.floor(((samples / 8) * bitrate) / sampleRate) + padding;
	return {
		stream: (versionBits << 4) | (layerBits << 2) | rateIndex,
		bitrate,
		sampleRate,
		length,
		samples,
	};
}

function uint32le(bytes: Uint8Array, offset: number): number {
	return (
		(bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16)) +
		bytes[offset + 3] * 0x1000000
	);
}

/** Seconds of a WAV from its `fmt ` byte rate and `data` size (capped by the bytes there are). */
function wavSeconds(bytes: Uint8Array, totalBytes: number): number | undefined {
	let byteRate: number | undefined;
	for (let offset = 12; offset + 8 <= bytes.length; ) {
		const id = ascii(bytes, offset, offset + 4);
		const size = uint32le(bytes, offset + 4);
		if (id === 'fmt ' && offset + 16 <= bytes.length) byteRate = uint32le(bytes, offset + 16);
		if (id === 'data') {
			if (!byteRate) return undefined;
			const available = Math.max(0, totalBytes - offset - 8);
			return Math.min(size, available) / byteRate;
		}
		offset += 8 + size + (size % 2);
	}
	return undefined;
}

/** Seconds of a FLAC from its STREAMINFO block (total samples / sample rate). */
function flacSeconds(bytes: Uint8Array): number | undefined {
	// 'fLaC', then the first metadata block: 4-byte header, STREAMINFO (type 0) of 34 bytes.
	if (bytes.length < 8 + 18 || (bytes[4] & 0x7f) !== 0) return undefined;
	const at = 8 + 10;
	const sampleRate = (bytes[at] << 12) | (bytes[at + 1] << 4) | (bytes[at + 2] >> 4);
	const samples =
		(bytes[at + 3] & 0x0f) * 2 ** 32 +
		bytes[at + 4] * 0x1000000 +
		((bytes[at + 5] << 16) | (bytes[at + 6] << 8) | bytes[at + 7]);
	return sampleRate > 0 && samples > 0 ? samples / sampleRate : undefined;
}

/** Seconds of an MP3, from its first frame's bitrate (exact for constant bitrate, near for VBR). */
function mp3Seconds(bytes: Uint8Array, totalBytes: number): number | undefined {
	const start = ascii(bytes, 0, 3) === 'ID3' ? id3Size(bytes) : 0;
	const frame = mpegFrame(bytes, start);
	if (!frame) return undefined;
	return ((totalBytes - start) * 8) / frame.bitrate;
}

/**
 * How long an audio file plays, from its header: WAV, FLAC and MP3 only (the formats DiffRhythm
 * reads); `undefined` when the header cannot be read. `bytes` is the start of the file (or all of
 * it), `totalBytes` its whole size.
 */
export function audioSeconds(
	bytes: Uint8Array,
	totalBytes: number = bytes.length,
): number | undefined {
	const format = sniffAudio(bytes);
	if (format === BY_EXTENSION.wav) return wavSeconds(bytes, totalBytes);
	if (format === BY_EXTENSION.flac) return flacSeconds(bytes);
	if (format === BY_EXTENSION.mp3) return mp3Seconds(bytes, totalBytes);
	return undefined;
}

/** What bytes that are not audio look like, for an error: a page, JSON, text, or unknown bytes. */
export function describeNonAudio(bytes: Uint8Array): string {
	const text = ascii(bytes, 0, Math.min(bytes.length, 64));
	if (/^\s*</.test(text)) return 'an HTML or XML page';
	if (/^\s*[[{]/.test(text)) return 'JSON';
	if (bytes.length > 0 && bytes.every((byte) => byte === 0)) return 'zeros';
	if (bytes.length >= 16 && /^[\t\n\r\x20-\x7e]+$/.test(text)) return 'text';
	return 'not a known audio format';
}

/**
 * The smallest download accepted as a song. DiffRhythm renders 95 s or 285 s, which is hundreds
 * of kilobytes even at a low bitrate; a few hundred bytes with audio magic numbers is a stub or an
 * error page, and keeping it would let the real song's URL expire unnoticed.
 */
export const MIN_SONG_BYTES = 1024;

/**
 * Whether the start of a download is a song: an audio format recognised by its bytes (never by
 * its label) with a readable header, and not implausibly small. Returns the format, or why not.
 */
export function inspectDownload(
	head: Uint8Array,
	totalBytes: number,
): { format: AudioFormat } | { problem: string } {
	if (totalBytes === 0) return { problem: 'the file is empty' };
	const format = sniffAudio(head);
	if (!format) {
		return { problem: `the file is ${describeNonAudio(head)}, not audio` };
	}
	if (totalBytes < MIN_SONG_BYTES) {
		return { problem: `the file has only ${totalBytes} bytes, too few for a song` };
	}
	return { format };
}

/** The extension a URL or file name ends in (lowercase, without the dot), if any. */
export function extensionOf(name: string): string | undefined {
	const path = name.split(/[?#]/)[0];
	const match = /\.([a-z0-9]{1,8})$/i.exec(path.split('/').pop() ?? '');
	return match ? match[1].toLowerCase() : undefined;
}
