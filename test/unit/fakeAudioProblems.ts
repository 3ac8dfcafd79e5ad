import type { FakeAudioName } from '../simulator';

/**
 * What the node says about each of the simulator's fake audio files (`fakeAudio`), for the unit
 * tests of the check and the tests through the engine, which must agree.
 */
export const FAKE_AUDIO_PROBLEMS: Array<[FakeAudioName, string]> = [
	['wavHtml', 'the audio data holds 1 KB of text (an HTML or XML page), not sound'],
	['wavHeaderHtml', 'the audio data holds 1 KB of text (an HTML or XML page), not sound'],
	['mpegHtml', 'the MPEG audio breaks off at byte 417, followed by text'],
	['id3Json', 'no MPEG audio frame where it should start (byte 32): JSON'],
	['ftypHtml', 'the file is cut short: an MP4 box runs past its end (byte 8244)'],
	['oggZeros', 'the Ogg page at byte 0 fails its checksum'],
	[
		'wavTruncated',
		'the file is cut short: its WAV header announces 160044 bytes, the file has 2048',
	],
];
