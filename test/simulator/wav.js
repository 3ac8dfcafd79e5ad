// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * WAV audio for the PiAPI simulator.
 *
 * - `wavHeader` builds the 44-byte canonical PCM header. The sizes are known up front, so the
 *   header is correct before a single sample exists, which is what lets the file be streamed.
 * - `wavChunks` / `createWavStream` generate the file piece by piece: benchmarks download files of
 *   100 MB and more, and holding them in memory would measure the simulator, not the node.
 * - The samples are a small deterministic song (melody on a scale, bass, kick) seeded from the task
 *   id, so a human listening to the node's output hears music, two tasks sound different, and the
 *   same task always yields the same bytes (tests can compare downloads).
 * - `parseWav` reads any RIFF/WAVE PCM file and throws on anything else, so tests can check what a
 *   node actually downloaded.
 */
'use strict';

const os = require('node:os');
const { Readable } = require('node:stream');

const HEADER_BYTES = 44;
const BITS_PER_SAMPLE = 16;
// RIFF sizes are unsigned 32-bit; a larger file cannot be described by the header.
const MAX_DATA_BYTES = 0xffffffff - 36;
const DEFAULT_CHUNK_FRAMES = 16384;
// Int16Array writes in platform byte order; WAV is little-endian.
const LITTLE_ENDIAN = os.endianness() === 'LE';

function assertPositiveInteger(name, value) {
	if (!Number.isInteger(value) || value <= 0) {
		throw new RangeError(`${name} must be a positive integer, got ${value}`);
	}
}

function assertFormat(sampleRate, channels) {
	assertPositiveInteger('sampleRate', sampleRate);
	assertPositiveInteger('channels', channels);
	if (channels > 0xffff) throw new RangeError(`channels out of range: ${channels}`);
}

/** Number of sample frames for a duration, rounded to the nearest frame. */
function wavFrames(seconds, sampleRate = 44100) {
	if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
		throw new RangeError(`seconds must be a finite number >= 0, got ${seconds}`);
	}
	assertPositiveInteger('sampleRate', sampleRate);
	return Math.round(seconds * sampleRate);
}

/** Bytes in the data chunk of a 16-bit PCM WAV of that duration. */
function wavDataBytes(seconds, sampleRate = 44100, channels = 2) {
	assertFormat(sampleRate, channels);
	const bytes = wavFrames(seconds, sampleRate) * channels * (BITS_PER_SAMPLE / 8);
	if (bytes > MAX_DATA_BYTES) {
		throw new RangeError(`${seconds} s of audio does not fit in a WAV file (4 GiB limit)`);
	}
	return bytes;
}

/** Total file size (header + data) of a 16-bit PCM WAV of that duration. */
function wavFileBytes(seconds, sampleRate = 44100, channels = 2) {
	return HEADER_BYTES + wavDataBytes(seconds, sampleRate, channels);
}

/** The canonical 44-byte header of a PCM WAV whose data chunk holds `dataBytes` bytes. */
function wavHeader({
	dataBytes,
	sampleRate = 44100,
	channels = 2,
	bitsPerSample = BITS_PER_SAMPLE,
}) {
	assertFormat(sampleRate, channels);
	if (![8, 16, 24, 32].includes(bitsPerSample)) {
		throw new RangeError(`bitsPerSample must be 8, 16, 24 or 32, got ${bitsPerSample}`);
	}
	if (!Number.isInteger(dataBytes) || dataBytes < 0 || dataBytes > MAX_DATA_BYTES) {
		throw new RangeError(`dataBytes out of range: ${dataBytes}`);
	}
	const blockAlign = (channels * bitsPerSample) / 8;
	const header = Buffer.alloc(HEADER_BYTES);
	header.write('RIFF', 0, 'ascii');
	header.writeUInt32LE(36 + dataBytes, 4);
	header.write('WAVE', 8, 'ascii');
	header.write('fmt ', 12, 'ascii');
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(1, 20);
	header.writeUInt16LE(channels, 22);
	header.writeUInt32LE(sampleRate, 24);
	header.writeUInt32LE(sampleRate * blockAlign, 28);
	header.writeUInt16LE(blockAlign, 32);
	header.writeUInt16LE(bitsPerSample, 34);
	header.write('data', 36, 'ascii');
	header.writeUInt32LE(dataBytes, 40);
	return header;
}

// ---------------------------------------------------------------------------------------------
// The song. Everything per sample is a table lookup: a 285 s stereo file is 12.5 M frames and
// the benchmarks download many of them, so synthesis must be much faster than the network.

const SINE_SIZE = 4096;
const SINE = new Float32Array(SINE_SIZE);
for (let i = 0; i < SINE_SIZE; i++) SINE[i] = Math.sin((2 * Math.PI * i) / SINE_SIZE);

function sine(cycles) {
	return SINE[((cycles - Math.floor(cycles)) * SINE_SIZE) | 0];
}

function hashSeed(seed) {
	const text = String(seed);
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

// mulberry32: tiny, fast, and identical on every platform, so a seed always gives the same song.
function rngFrom(seed) {
	let state = hashSeed(seed);
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const MAJOR = [0, 2, 4, 5, 7, 9, 11];
const MINOR = [0, 2, 3, 5, 7, 8, 10];
// I-vi-IV-V (i-VI-iv-v in minor): the most familiar four-bar loop there is.
const PROGRESSION = [0, 5, 3, 4];
const STEPS_PER_BAR = 8; // eighth notes in 4/4
const PHRASE_BARS = 4;
const PHRASE_STEPS = STEPS_PER_BAR * PHRASE_BARS;
const ARRANGEMENT = [0, 0, 1, 0]; // phrases A A B A
const LOOP_STEPS = PHRASE_STEPS * ARRANGEMENT.length;

function midiToHz(midi) {
	return 440 * Math.pow(2, (midi - 69) / 12);
}

function pick(rng, list) {
	return list[Math.floor(rng() * list.length)];
}

function composePhrase(rng, degreeToMidi, resolve) {
	const notes = [];
	let degree = 7 + PROGRESSION[0];
	for (let bar = 0; bar < PHRASE_BARS; bar++) {
		const chord = PROGRESSION[bar];
		const chordTones = [chord, chord + 2, chord + 4, chord + 7, chord + 9, chord + 11];
		let step = 0;
		while (step < STEPS_PER_BAR) {
			const length = Math.min(pick(rng, [1, 1, 2, 2, 2, 3, 4]), STEPS_PER_BAR - step);
			if (step === 0) {
				// Downbeats land on a chord tone near the current pitch: it sounds intentional.
				degree = chordTones.reduce((best, tone) =>
					Math.abs(tone - degree) < Math.abs(best - degree) ? tone : best,
				);
			} else {
				degree += pick(rng, [-2, -1, -1, 0, 1, 1, 2]);
			}
			degree = Math.max(4, Math.min(14, degree));
			const isLast = bar === PHRASE_BARS - 1 && step + length === STEPS_PER_BAR;
			if (isLast && resolve) degree = 7;
			const rest = !isLast && step > 0 && rng() < 0.08;
			if (!rest)
				notes.push({ start: bar * STEPS_PER_BAR + step, length, midi: degreeToMidi(degree) });
			step += length;
		}
	}
	return notes;
}

/**
 * A deterministic song for a seed: `render(startFrame, frames, channels)` returns the 16-bit PCM
 * bytes of any range, so a stream can be generated chunk by chunk from any position.
 */
function createSong(seed, sampleRate = 44100) {
	assertPositiveInteger('sampleRate', sampleRate);
	const rng = rngFrom(seed);
	const bpm = 92 + Math.floor(rng() * 37);
	const scale = rng() < 0.4 ? MINOR : MAJOR;
	const tonic = 57 + Math.floor(rng() * 8);
	const degreeToMidi = (degree) =>
		tonic + 12 * Math.floor(degree / 7) + scale[((degree % 7) + 7) % 7];
	const stepFrames = Math.max(1, Math.round((sampleRate * 60) / bpm / 2));
	const loopFrames = LOOP_STEPS * stepFrames;

	const phrases = [composePhrase(rng, degreeToMidi, false), composePhrase(rng, degreeToMidi, true)];
	const melody = [];
	ARRANGEMENT.forEach((phrase, i) => {
		for (const note of phrases[phrase]) {
			melody.push({
				start: note.start + i * PHRASE_STEPS,
				length: note.length,
				hz: midiToHz(note.midi),
			});
		}
	});
	const melodyAt = new Int32Array(LOOP_STEPS).fill(-1);
	melody.forEach((note, index) => {
		for (let s = note.start; s < note.start + note.length; s++) melodyAt[s] = index;
	});

	// Bass: chord root on beat 1, fifth on beat 3, two octaves under the melody.
	const bass = [];
	for (let bar = 0; bar < LOOP_STEPS / STEPS_PER_BAR; bar++) {
		const chord = PROGRESSION[bar % PROGRESSION.length];
		bass.push({ start: bar * STEPS_PER_BAR, length: 4, hz: midiToHz(degreeToMidi(chord) - 12) });
		bass.push({
			start: bar * STEPS_PER_BAR + 4,
			length: 4,
			hz: midiToHz(degreeToMidi(chord + 4) - 12),
		});
	}

	// Envelopes as tables: a soft attack (no clicks) and an exponential decay like a plucked string.
	const attack = Math.max(1, Math.round(sampleRate * 0.012));
	const release = Math.max(1, Math.round(sampleRate * 0.02));
	const longest = 4 * stepFrames;
	const melodyEnvelope = new Float32Array(longest);
	const bassEnvelope = new Float32Array(longest);
	for (let t = 0; t < longest; t++) {
		const rise = Math.min(1, t / attack);
		melodyEnvelope[t] = rise * Math.exp(-t / (sampleRate * 0.5));
		bassEnvelope[t] = rise * Math.exp(-t / (sampleRate * 1.1));
	}
	// Kick drum on every beat: a sine swept from 110 Hz down to 45 Hz, precomputed once.
	const kick = new Float32Array(Math.min(Math.round(sampleRate * 0.16), 2 * stepFrames));
	let kickPhase = 0;
	for (let t = 0; t < kick.length; t++) {
		const hz = 45 + 65 * Math.exp(-t / (sampleRate * 0.03));
		kickPhase += hz / sampleRate;
		kick[t] =
			Math.sin(2 * Math.PI * kickPhase) * Math.exp(-t / (sampleRate * 0.05)) * Math.min(1, t / 40);
	}

	function voice(notes, at, envelope, pos, step, harmonics) {
		const index = at[step];
		if (index < 0) return 0;
		const note = notes[index];
		const t = pos - note.start * stepFrames;
		const left = note.length * stepFrames - t;
		const gate = left < release ? left / release : 1;
		const cycles = (note.hz * t) / sampleRate;
		return (
			envelope[t] *
			gate *
			(sine(cycles) + harmonics * sine(2 * cycles) + harmonics * 0.4 * sine(3 * cycles))
		);
	}

	const bassAt = new Int32Array(LOOP_STEPS).fill(-1);
	bass.forEach((note, index) => {
		for (let s = note.start; s < note.start + note.length; s++) bassAt[s] = index;
	});

	function render(startFrame, frames, channels = 2) {
		assertPositiveInteger('channels', channels);
		const samples = new Int16Array(frames * channels);
		const pcm = (x) => Math.round((x > 1 ? 1 : x < -1 ? -1 : x) * 32767);
		let pos = startFrame % loopFrames;
		for (let i = 0; i < frames; i++) {
			const step = (pos / stepFrames) | 0;
			const lead = voice(melody, melodyAt, melodyEnvelope, pos, step, 0.3);
			const low = voice(bass, bassAt, bassEnvelope, pos, step, 0.15);
			const sinceBeat = pos - (step & ~1) * stepFrames;
			const drum = sinceBeat < kick.length ? kick[sinceBeat] : 0;
			// Gains keep the worst-case peak (every voice at its maximum) under full scale.
			const centre = 0.28 * low + 0.28 * drum;
			// The lead sits a little left of centre, so stereo files are not two identical channels.
			const l = centre + 0.2 * lead;
			const r = centre + 0.15 * lead;
			const base = i * channels;
			if (channels === 1) {
				samples[base] = pcm((l + r) / 2);
			} else {
				samples[base] = pcm(l);
				samples[base + 1] = pcm(r);
				for (let c = 2; c < channels; c++) samples[base + c] = pcm((l + r) / 2);
			}
			pos++;
			if (pos === loopFrames) pos = 0;
		}
		if (LITTLE_ENDIAN) return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
		const bytes = Buffer.alloc(samples.length * 2);
		for (let i = 0; i < samples.length; i++) bytes.writeInt16LE(samples[i], i * 2);
		return bytes;
	}

	return { bpm, tonic, minor: scale === MINOR, render };
}

/**
 * Generates a whole WAV file as Buffers: the header, then PCM chunks of `chunkFrames` frames.
 * Only one chunk exists at a time.
 */
function* wavChunks({
	seconds,
	sampleRate = 44100,
	channels = 2,
	seed = 0,
	chunkFrames = DEFAULT_CHUNK_FRAMES,
}) {
	const dataBytes = wavDataBytes(seconds, sampleRate, channels);
	assertPositiveInteger('chunkFrames', chunkFrames);
	const totalFrames = wavFrames(seconds, sampleRate);
	const song = createSong(seed, sampleRate);
	yield wavHeader({ dataBytes, sampleRate, channels });
	for (let frame = 0; frame < totalFrames; frame += chunkFrames) {
		yield song.render(frame, Math.min(chunkFrames, totalFrames - frame), channels);
	}
}

/** A byte stream of the WAV file (backpressure-aware: it only synthesises what is read). */
function createWavStream(options) {
	// Validate eagerly so a bad duration throws here, not later as a stream error.
	wavDataBytes(options.seconds, options.sampleRate, options.channels);
	return Readable.from(wavChunks(options), { objectMode: false });
}

/** The whole WAV file in memory: convenient for small files in tests. */
function wavBuffer(options) {
	return Buffer.concat([...wavChunks(options)]);
}

/**
 * Reads a RIFF/WAVE file's format and data size. Throws on anything that is not a complete PCM
 * WAV file (wrong magic, missing chunks, truncated data).
 */
function parseWav(buffer) {
	if (!Buffer.isBuffer(buffer) && !(buffer instanceof Uint8Array)) {
		throw new TypeError('parseWav expects a Buffer');
	}
	const bytes = Buffer.isBuffer(buffer)
		? buffer
		: Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
	if (bytes.length < 12) throw new Error(`not a WAV file: only ${bytes.length} bytes`);
	if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
		throw new Error('not a WAV file: missing RIFF/WAVE magic');
	}
	const riffEnd = 8 + bytes.readUInt32LE(4);
	if (riffEnd > bytes.length) {
		throw new Error(`truncated WAV file: header announces ${riffEnd} bytes, got ${bytes.length}`);
	}
	let format = null;
	let offset = 12;
	while (offset + 8 <= riffEnd) {
		const id = bytes.toString('ascii', offset, offset + 4);
		const size = bytes.readUInt32LE(offset + 4);
		const body = offset + 8;
		if (body + size > riffEnd) {
			throw new Error(
				`truncated WAV file: chunk "${id}" needs ${size} bytes, ${riffEnd - body} left`,
			);
		}
		if (id === 'fmt ') {
			if (size < 16) throw new Error(`invalid WAV file: fmt chunk of ${size} bytes`);
			const audioFormat = bytes.readUInt16LE(body);
			// 1 = PCM; 0xFFFE = WAVE_FORMAT_EXTENSIBLE, which wraps PCM for >2 channels or >16 bits.
			if (audioFormat !== 1 && audioFormat !== 0xfffe) {
				throw new Error(`unsupported WAV encoding ${audioFormat} (only PCM)`);
			}
			format = {
				channels: bytes.readUInt16LE(body + 2),
				sampleRate: bytes.readUInt32LE(body + 4),
				blockAlign: bytes.readUInt16LE(body + 12),
				bitsPerSample: bytes.readUInt16LE(body + 14),
			};
			if (!format.channels || !format.sampleRate || !format.bitsPerSample) {
				throw new Error('invalid WAV file: zero channels, sample rate or sample size');
			}
		} else if (id === 'data') {
			if (!format) throw new Error('invalid WAV file: data chunk before fmt chunk');
			if (size % format.blockAlign !== 0) {
				throw new Error(`invalid WAV file: ${size} data bytes is not a whole number of frames`);
			}
			return {
				sampleRate: format.sampleRate,
				channels: format.channels,
				bitsPerSample: format.bitsPerSample,
				dataBytes: size,
				durationSeconds: size / (format.sampleRate * format.blockAlign),
				dataOffset: body,
			};
		}
		offset = body + size + (size % 2);
	}
	throw new Error(format ? 'invalid WAV file: no data chunk' : 'invalid WAV file: no fmt chunk');
}

module.exports = {
	HEADER_BYTES,
	wavHeader,
	wavFrames,
	wavDataBytes,
	wavFileBytes,
	createSong,
	wavChunks,
	createWavStream,
	wavBuffer,
	parseWav,
};
