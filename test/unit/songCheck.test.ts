import { checkSong, MIN_SONG_SECONDS, SongCheck } from '../../nodes/shared/model/songCheck';
import {
	fakeAudio,
	flacBuffer,
	htmlPage,
	m4aBuffer,
	mp3Buffer,
	oggBuffer,
	wavBuffer,
	wavHeader,
} from '../simulator';
import { FAKE_AUDIO_PROBLEMS } from './fakeAudioProblems';

/** The verdict when the bytes arrive in pieces of `size` (as a download streams them). */
function inPieces(body: Buffer, size: number) {
	const check = new SongCheck();
	for (let at = 0; at < body.length; at += size) check.push(body.subarray(at, at + size));
	return check.finish();
}

const valid: Array<[string, Buffer, string, number]> = [
	['a 16-bit stereo WAV', wavBuffer({ seconds: 3, seed: 'a' }), 'wav', 3],
	['a mono 8 kHz WAV', wavBuffer({ seconds: 1, sampleRate: 8000, channels: 1 }), 'wav', 1],
	['an MP3', mp3Buffer({ seconds: 3 }), 'mp3', 3],
	['an MP3 with ID3v2 and ID3v1 tags', mp3Buffer({ seconds: 3, tags: true }), 'mp3', 3],
	['a FLAC', flacBuffer({ seconds: 3 }), 'flac', 3],
	['an Ogg Opus', oggBuffer({ seconds: 3 }), 'ogg', 3],
	['an M4A', m4aBuffer({ seconds: 3 }), 'm4a', 3],
];

describe('a whole song passes', () => {
	it.each(valid)('%s, whole and in pieces of 7 bytes and 64 KB', (_name, body, ext, seconds) => {
		for (const verdict of [
			checkSong(body),
			inPieces(body, 7),
			inPieces(body, 65536),
			inPieces(body.subarray(0, 5000), 1).constructor === Object ? inPieces(body, 1) : undefined,
		]) {
			expect(verdict).toMatchObject({ format: { extension: ext } });
			expect((verdict as { seconds: number }).seconds).toBeCloseTo(seconds, 1);
		}
	});

	it('many seeds of the simulator’s song never look like text', () => {
		for (let seed = 0; seed < 20; seed++) {
			expect(
				checkSong(wavBuffer({ seconds: 1.5, sampleRate: 22050, channels: 1, seed })),
			).toHaveProperty('format');
		}
	});
});

describe('a file that only starts like audio is not a song', () => {
	it.each(FAKE_AUDIO_PROBLEMS)('%s', (name, problem) => {
		expect(checkSong(fakeAudio(name))).toEqual({ problem });
		expect(inPieces(fakeAudio(name), 1000)).toEqual({ problem });
	});

	const wav = wavBuffer({ seconds: 2, sampleRate: 8000, channels: 1 });
	const mp3 = mp3Buffer({ seconds: 2 });
	const flac = flacBuffer({ seconds: 2 });
	const ogg = oggBuffer({ seconds: 2 });
	const m4a = m4aBuffer({ seconds: 2 });
	const flip = (body: Buffer, at: number) => {
		const copy = Buffer.from(body);
		copy[at] ^= 0x01;
		return copy;
	};
	it.each<[string, Buffer, RegExp]>([
		[
			'a WAV cut short',
			wav.subarray(0, 20_000),
			/^the file is cut short: its WAV header announces 32044 bytes, the file has 20000$/,
		],
		[
			'a WAV with a page after it',
			Buffer.concat([wav, htmlPage(2000)]),
			/goes on after the end of the WAV/,
		],
		[
			'a WAV of half a second',
			wavBuffer({ seconds: 0.5, sampleRate: 8000, channels: 1 }),
			/plays only 0\.5 s, too short for a song$/,
		],
		[
			'a WAV header with a JSON body of its announced size',
			Buffer.concat([
				wavHeader({ dataBytes: 3000, sampleRate: 8000, channels: 1 }),
				Buffer.from(JSON.stringify({ message: 'x'.repeat(2980) })),
			]),
			/holds 1 KB of text \(JSON\)/,
		],
		[
			'an MP3 cut in a frame',
			mp3.subarray(0, mp3.length - 100),
			/^the file is cut short: 100 bytes of its last frame are missing$/,
		],
		[
			'an MP3 with an HTML page after its frames',
			Buffer.concat([mp3, htmlPage(3000)]),
			/^the MPEG audio breaks off at byte \d+, followed by an HTML or XML page$/,
		],
		[
			'an MP3 whose frames change stream',
			Buffer.concat([mp3, Buffer.from([0xff, 0xf3, 0x90, 0x64]), Buffer.alloc(400, 0x80)]),
			/MPEG audio breaks off/,
		],
		[
			'a FLAC cut in a frame',
			flac.subarray(0, flac.length - 50),
			/its last FLAC frame is incomplete|holds \d+ samples/,
		],
		['a FLAC with a damaged frame', flip(flac, 20_000), /FLAC/],
		[
			'an Ogg cut short',
			ogg.subarray(0, ogg.length - 10),
			/^the file is cut short: \d+ bytes of its last page are missing$/,
		],
		['an Ogg with a damaged page', flip(ogg, 5000), /fails its checksum/],
		[
			'an M4A cut short',
			m4a.subarray(0, m4a.length - 10),
			/^the file is cut short: an MP4 box runs past its end/,
		],
		[
			'an M4A claiming 20 minutes',
			m4aBuffer({ seconds: 1200, bytesPerSecond: 1100 }),
			/would play 20 min, longer than any song/,
		],
		[
			'an M4A claiming 95 s in 2 KB',
			m4aBuffer({ seconds: 95, bytesPerSecond: 20 }),
			/claims 95 s in 2 KB, too few bytes/,
		],
		[
			'a WebM',
			Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(5000, 0x81)]),
			/^WEBM files cannot be checked/,
		],
		['an HTML page', htmlPage(5000), /^the file is an HTML or XML page, not audio$/],
		['nothing', Buffer.alloc(0), /^the file is empty$/],
	])('%s', (_name, body, problem) => {
		const verdict = checkSong(body);
		expect(verdict).toEqual({ problem: expect.stringMatching(problem) });
		expect(inPieces(body, 333)).toEqual(verdict);
	});

	it('a song needs at least MIN_SONG_SECONDS', () => {
		expect(MIN_SONG_SECONDS).toBe(1);
		expect(checkSong(wavBuffer({ seconds: 0.99, sampleRate: 8000, channels: 1 }))).toHaveProperty(
			'problem',
		);
		expect(checkSong(wavBuffer({ seconds: 1, sampleRate: 8000, channels: 1 }))).toHaveProperty(
			'format',
		);
	});
});
