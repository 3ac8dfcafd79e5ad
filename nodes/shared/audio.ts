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

const BY_MIME: Record<string, string> = {
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/wav': 'wav',
	'audio/wave': 'wav',
	'audio/x-wav': 'wav',
	'audio/vnd.wave': 'wav',
	'audio/flac': 'flac',
	'audio/x-flac': 'flac',
	'audio/ogg': 'ogg',
	'audio/aac': 'aac',
	'audio/mp4': 'm4a',
	'audio/x-m4a': 'm4a',
	'audio/webm': 'webm',
};

/** Bytes needed by `sniffAudio`. */
export const SNIFF_BYTES = 16;

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
	if (bytes.length >= 3 && ascii(bytes, 0, 3) === 'ID3') return BY_EXTENSION.mp3;
	if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0) {
		// Both are frame-synced; ADTS AAC has layer bits 00, MPEG audio does not.
		return (bytes[1] & 0x06) === 0 ? BY_EXTENSION.aac : BY_EXTENSION.mp3;
	}
	return undefined;
}

function fromContentType(contentType: unknown): AudioFormat | undefined {
	if (typeof contentType !== 'string') return undefined;
	const extension = BY_MIME[contentType.split(';')[0].trim().toLowerCase()];
	return extension ? BY_EXTENSION[extension] : undefined;
}

function fromUrl(url: string | undefined): AudioFormat | undefined {
	const match = /\.([a-z0-9]{2,5})(?:[?#]|$)/i.exec(url ?? '');
	return match ? BY_EXTENSION[match[1].toLowerCase()] : undefined;
}

/**
 * The format of a file, from the most reliable evidence available: its first bytes, then the
 * server's Content-Type, then the URL's extension. `undefined` when none of them is audio.
 */
export function detectAudioFormat(evidence: {
	bytes?: Uint8Array;
	contentType?: unknown;
	url?: string;
	fileName?: string;
}): AudioFormat | undefined {
	return (
		(evidence.bytes && sniffAudio(evidence.bytes)) ||
		fromContentType(evidence.contentType) ||
		fromUrl(evidence.url) ||
		fromUrl(evidence.fileName)
	);
}

/** The extension a URL or file name ends in (lowercase, without the dot), if any. */
export function extensionOf(name: string): string | undefined {
	const path = name.split(/[?#]/)[0];
	const match = /\.([a-z0-9]{1,8})$/i.exec(path.split('/').pop() ?? '');
	return match ? match[1].toLowerCase() : undefined;
}
