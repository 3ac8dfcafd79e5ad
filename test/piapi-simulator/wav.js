/**
 * WAV files for the simulator: a header, a streamed synthetic song (so a 100 MB file never sits in
 * memory), and a parser tests use to check what the nodes downloaded.
 */

/** 44-byte PCM WAV header. */
function wavHeader({ sampleRate, channels, bitsPerSample = 16, dataBytes }) {
	const header = Buffer.alloc(44);
	const blockAlign = (channels * bitsPerSample) / 8;
	header.write('RIFF', 0, 'latin1');
	header.writeUInt32LE(36 + dataBytes, 4);
	header.write('WAVE', 8, 'latin1');
	header.write('fmt ', 12, 'latin1');
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(1, 20);
	header.writeUInt16LE(channels, 22);
	header.writeUInt32LE(sampleRate, 24);
	header.writeUInt32LE(sampleRate * blockAlign, 28);
	header.writeUInt16LE(blockAlign, 32);
	header.writeUInt16LE(bitsPerSample, 34);
	header.write('data', 36, 'latin1');
	header.writeUInt32LE(dataBytes, 40);
	return header;
}

/** Bytes of 16-bit PCM audio of this length. */
function dataBytesFor(seconds, sampleRate, channels) {
	return Math.round(seconds * sampleRate) * channels * 2;
}

function seededRandom(seed) {
	let state = 2166136261;
	for (const char of String(seed)) state = Math.imul(state ^ char.charCodeAt(0), 16777619) >>> 0;
	return () => {
		state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
		return state / 4294967296;
	};
}

// A pentatonic melody over a four-chord bass line: recognisably music, deterministic per seed.
const SCALE = [0, 2, 4, 7, 9, 12, 14, 16];
const CHORDS = [0, -3, 5, 7];
const midiHz = (note) => 440 * 2 ** ((note - 69) / 12);

/**
 * Yields the WAV file in chunks of about half a second: header first, then samples.
 * @param {{ seconds: number, sampleRate?: number, channels?: number, seed?: string }} options
 */
function* songChunks({ seconds, sampleRate = 44100, channels = 2, seed = 'song' }) {
	const frames = Math.round(seconds * sampleRate);
	yield wavHeader({ sampleRate, channels, dataBytes: frames * channels * 2 });
	const random = seededRandom(seed);
	const beat = 0.5;
	const beatsTotal = Math.ceil(seconds / beat) + 1;
	const melody = Array.from({ length: beatsTotal }, () => 60 + SCALE[Math.floor(random() * SCALE.length)]);
	const chunkFrames = Math.max(1, Math.floor(sampleRate / 2));
	for (let start = 0; start < frames; start += chunkFrames) {
		const count = Math.min(chunkFrames, frames - start);
		const chunk = Buffer.alloc(count * channels * 2);
		for (let i = 0; i < count; i++) {
			const t = (start + i) / sampleRate;
			const beatIndex = Math.floor(t / beat);
			const inBeat = t - beatIndex * beat;
			const bar = Math.floor(beatIndex / 4);
			const lead = Math.sin(2 * Math.PI * midiHz(melody[beatIndex]) * t) * Math.exp(-4 * inBeat) * Math.min(1, inBeat * 200);
			const inBar = t - bar * 4 * beat;
			const bass = Math.sin(2 * Math.PI * midiHz(36 + CHORDS[bar % 4]) * t) * Math.exp(-1.2 * inBar) * Math.min(1, inBar * 100);
			const fade = Math.min(1, t / 0.05, (seconds - t) / 0.5);
			const left = (0.35 * lead + 0.3 * bass) * fade;
			const right = (0.25 * lead + 0.35 * bass) * fade;
			const offset = i * channels * 2;
			chunk.writeInt16LE(Math.round(left * 32767), offset);
			if (channels > 1) chunk.writeInt16LE(Math.round(right * 32767), offset + 2);
		}
		yield chunk;
	}
}

/** Reads a PCM WAV's format and length; throws on anything else. */
function parseWav(buffer) {
	if (buffer.length < 44 || buffer.toString('latin1', 0, 4) !== 'RIFF' || buffer.toString('latin1', 8, 12) !== 'WAVE') {
		throw new Error('not a WAV file');
	}
	let offset = 12;
	let format;
	while (offset + 8 <= buffer.length) {
		const id = buffer.toString('latin1', offset, offset + 4);
		const size = buffer.readUInt32LE(offset + 4);
		if (id === 'fmt ') {
			format = {
				audioFormat: buffer.readUInt16LE(offset + 8),
				channels: buffer.readUInt16LE(offset + 10),
				sampleRate: buffer.readUInt32LE(offset + 12),
				bitsPerSample: buffer.readUInt16LE(offset + 22),
			};
		} else if (id === 'data') {
			if (!format || format.audioFormat !== 1) throw new Error('not a PCM WAV file');
			const available = Math.min(size, buffer.length - offset - 8);
			if (available !== size) throw new Error(`WAV data is truncated: ${available} of ${size} bytes`);
			const bytesPerSecond = format.sampleRate * format.channels * (format.bitsPerSample / 8);
			return { ...format, dataBytes: size, durationSeconds: size / bytesPerSecond };
		}
		offset += 8 + size + (size % 2);
	}
	throw new Error('WAV file has no data chunk');
}

module.exports = { wavHeader, dataBytesFor, songChunks, parseWav };
