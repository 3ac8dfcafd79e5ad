import { detectAudioFormat, extensionOf, sniffAudio } from '../../nodes/shared/audio';

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
		['mp3', bytes('ID3', [4, 0])],
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

describe('detectAudioFormat', () => {
	const wav = bytes('RIFF', [0, 0, 0, 0], 'WAVE');

	it('trusts the bytes over a wrong Content-Type and URL', () => {
		expect(
			detectAudioFormat({ bytes: wav, contentType: 'audio/mpeg', url: 'https://x.test/a.mp3' }),
		).toEqual({
			mimeType: 'audio/wav',
			extension: 'wav',
		});
	});

	it('falls back to Content-Type (with parameters), then to the URL extension', () => {
		expect(
			detectAudioFormat({ bytes: bytes('????'), contentType: 'audio/x-flac; charset=binary' })
				?.extension,
		).toBe('flac');
		expect(
			detectAudioFormat({
				contentType: 'application/octet-stream',
				url: 'https://x.test/a.MP3?sig=1',
			}),
		).toEqual({
			mimeType: 'audio/mpeg',
			extension: 'mp3',
		});
		expect(
			detectAudioFormat({ contentType: 'text/html', url: 'https://x.test/file' }),
		).toBeUndefined();
	});

	it('reads extensions from paths and names', () => {
		expect(extensionOf('/a/b/song.Flac')).toBe('flac');
		expect(extensionOf('https://x.test/a.mp3?x=1.wav')).toBe('mp3');
		expect(extensionOf('/a/b/noext')).toBeUndefined();
	});
});
