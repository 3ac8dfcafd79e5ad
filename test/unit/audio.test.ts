import {
	audioSeconds,
	extensionOf,
	inspectDownload,
	MIN_SONG_BYTES,
	sniffAudio,
} from '../../nodes/shared/model/audio';
import { wavBuffer } from '../simulator';

const bytes = (...parts: Array<string | number[]>) =>
	Buffer.concat(
		parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))),
	);

describe('sniffAudio', () => {
	it.each([
		['wav', bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt ')],
		['flac', bytes('fLaC', [0, 0, 0, 34])],
		['ogg', bytes('OggS', [0, 2])],
		['m4a', bytes([0, 0, 0, 32], 'ftypM4A ')],
		['webm', bytes([0x1a, 0x45, 0xdf, 0xa3])],
		['mp3', bytes('ID3', [4, 0, 0, 0, 0, 0, 0x0a])],
		['mp3', bytes([0xff, 0xfb, 0x90, 0x64])],
		['aac', bytes([0xff, 0xf1, 0x50, 0x80])],
	])('recognises %s', (extension, head) => {
		expect(sniffAudio(head)?.extension).toBe(extension);
	});

	it('does not guess on other bytes', () => {
		expect(sniffAudio(bytes('<html>'))).toBeUndefined();
		expect(sniffAudio(Buffer.alloc(0))).toBeUndefined();
	});
});

describe('sniffAudio on what is not audio', () => {
	it('refuses MPEG-looking bytes whose frame header is invalid, and an ID3 tag that is cut off', () => {
		expect(sniffAudio(bytes([0xff, 0xfb, 0xf0, 0x64]))).toBeUndefined(); // bitrate index 15
		expect(sniffAudio(bytes([0xff, 0xeb, 0x90, 0x64]))).toBeUndefined(); // reserved version
		expect(sniffAudio(bytes([0xff, 0xfb, 0x9c, 0x64]))).toBeUndefined(); // reserved sample rate
		expect(sniffAudio(bytes('ID3', [4, 0]))).toBeUndefined();
	});
});

describe('audioSeconds', () => {
	it('reads the length of a WAV, an MP3 and a FLAC from their headers', () => {
		expect(audioSeconds(wavBuffer({ seconds: 3, sampleRate: 8000, channels: 1 }))).toBeCloseTo(
			3,
			3,
		);
		// 128 kbps MPEG-1 layer III: 16,000 bytes a second.
		const mp3 = Buffer.concat([bytes([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(16_000 * 12 - 4)]);
		expect(audioSeconds(mp3)).toBeCloseTo(12, 3);
		// STREAMINFO: 44.1 kHz, 441,000 samples = 10 s.
		const streaminfo = Buffer.alloc(34);
		streaminfo.writeUIntBE((44100 << 4) | (1 << 1), 10, 3); // rate, channels-1 = 1
		streaminfo.writeUInt32BE(441_000, 14);
		const flac = Buffer.concat([bytes('fLaC', [0, 0, 0, 34]), streaminfo]);
		expect(audioSeconds(flac)).toBeCloseTo(10, 3);
	});

	it('gives nothing for headers that cannot be read', () => {
		expect(audioSeconds(bytes('RIFF', [0, 0, 0, 0], 'WAVE'))).toBeUndefined();
		expect(audioSeconds(bytes('fLaC', [0, 0, 0, 34]))).toBeUndefined();
		expect(audioSeconds(bytes('<html>'))).toBeUndefined();
	});
});

describe('inspectDownload', () => {
	const song = wavBuffer({ seconds: 1, sampleRate: 8000, channels: 1 });

	it('accepts a song by its bytes', () => {
		expect(inspectDownload(song, song.length)).toEqual({
			format: { mimeType: 'audio/wav', extension: 'wav' },
		});
	});

	it.each([
		['an empty body', Buffer.alloc(0), 'the file is empty'],
		[
			'an HTML error page',
			Buffer.from('<!doctype html><h1>Error</h1>'),
			'the file is an HTML or XML page, not audio',
		],
		['JSON', Buffer.from('{"code":500,"message":"expired"}'), 'the file is JSON, not audio'],
		[
			'random bytes',
			Buffer.from([0x13, 0x37, 0x42, 0x00, 0x99, 0x12]),
			'the file is not a known audio format, not audio',
		],
		[
			'a stub with audio magic',
			song.subarray(0, 200),
			'the file has only 200 bytes, too few for a song',
		],
	])('refuses %s', (_name, body, problem) => {
		expect(inspectDownload(body, body.length)).toEqual({ problem });
		expect(body.length < MIN_SONG_BYTES || !sniffAudio(body)).toBe(true);
	});
});

describe('extensionOf', () => {
	it('reads extensions from paths and names', () => {
		expect(extensionOf('/a/b/song.Flac')).toBe('flac');
		expect(extensionOf('https://x.test/a.mp3?x=1.wav')).toBe('mp3');
		expect(extensionOf('/a/b/noext')).toBeUndefined();
	});
});
