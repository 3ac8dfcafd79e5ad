/** Types of ./wav.js; declared once in ./index.d.ts, which re-exports these helpers. */
export {
	HEADER_BYTES,
	WavInfo,
	WavOptions,
	Song,
	wavHeader,
	wavFrames,
	wavDataBytes,
	wavFileBytes,
	createSong,
	wavChunks,
	createWavStream,
	wavBuffer,
	parseWav,
} from './index';
