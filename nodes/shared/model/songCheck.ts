import {
	describeNonAudio,
	id3Size,
	isId3Header,
	mpegFrame,
	sniffAudio,
	type AudioFormat,
	type MpegFrame,
} from './audio';

/**
 * Whether a whole download is a song, judged from its bytes as they stream past (a file can be
 * hundreds of megabytes, so nothing is held but the header of the unit being read). Each format is
 * walked unit by unit from its first byte to its last: RIFF chunks of a WAV, MPEG or ADTS frames,
 * FLAC metadata blocks and frames (with their CRCs), Ogg pages (with their CRCs), MP4 boxes. A file
 * whose structure breaks off, runs past its end, leaves bytes over, or announces a length its
 * bytes do not have is not a song; nor is one that plays less than `MIN_SONG_SECONDS` or more than
 * `MAX_SONG_SECONDS`. Reading only the first bytes let an HTML page behind a WAV header pass.
 */

/** DiffRhythm renders 95 s or 285 s; anything under a second is a stub, not a song. */
export const MIN_SONG_SECONDS = 1;
/** Longer than any DiffRhythm song by far; a header announcing more is not one of its files. */
export const MAX_SONG_SECONDS = 900;
/** The lowest MPEG bitrate (8 kbit/s): a file with fewer bytes per second of its length is hollow. */
const MIN_BYTES_PER_SECOND = 1000;
/**
 * Printable ASCII bytes in a row inside audio data that mean text, not sound. Sampled or
 * compressed audio never holds a kilobyte of them (a quiet 16-bit signal alternates bytes near
 * 0x00 and 0xFF); an HTML page or a JSON message is nothing else.
 */
const TEXT_RUN_BYTES = 1024;
/** The most a format's header may ask to hold at once (an MP4 `moov` box, a FLAC frame). */
const MAX_HELD_BYTES = 16 * 1024 * 1024;

export type SongVerdict = { format: AudioFormat; seconds: number } | { problem: string };

/** What a reader says about the bytes at its position. */
type Unit =
	/** A unit of `size` bytes (Infinity: to the end of the file); bytes from `payloadFrom` are audio data. */
	| { size: number; payloadFrom?: number }
	/** At least this many bytes (from the position) are needed to tell. */
	| { need: number }
	| { problem: string };

interface FormatReader {
	format: AudioFormat;
	/** The unit at absolute `offset`; `bytes` holds every byte buffered from there. */
	unit(bytes: Uint8Array, offset: number): Unit;
	/**
	 * At the end of the file: `rest` is what was buffered and not yet a unit, `missing` how many
	 * bytes the last unit lacks. The song's length in seconds, or why it is not a song.
	 */
	finish(
		rest: Uint8Array,
		missing: number,
		total: number,
	): { seconds: number } | { problem: string };
}

const ascii = (bytes: Uint8Array, start: number, end: number) =>
	String.fromCharCode(...bytes.subarray(start, end));
const u16be = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const u32be = (b: Uint8Array, at: number) =>
	b[at] * 0x1000000 + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
const u32le = (b: Uint8Array, at: number) =>
	b[at + 3] * 0x1000000 + ((b[at + 2] << 16) | (b[at + 1] << 8) | b[at]);
const isLabel = (b: Uint8Array, at: number) =>
	[0, 1, 2, 3].every((i) => b[at + i] >= 0x20 && b[at + i] <= 0x7e);

/** What came instead of the next unit, in words. */
function what(bytes: Uint8Array): string {
	const seen = describeNonAudio(bytes.subarray(0, 64));
	return seen === 'not a known audio format' ? 'bytes that are not audio' : seen;
}

function cutShort(missing: number, unit: string): { problem: string } {
	return { problem: `the file is cut short: ${missing} bytes of its last ${unit} are missing` };
}

function kib(bytes: number): string {
	return bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} bytes`;
}

// ---------------------------------------------------------------------------------------------
// WAV: RIFF header, then chunks; `fmt ` before `data`; the RIFF size is the file's.

function wavReader(format: AudioFormat): FormatReader {
	let riffEnd = 0;
	let byteRate = 0;
	let dataBytes = 0;
	let lastOdd = false;
	return {
		format,
		unit(bytes, offset) {
			if (offset === 0) {
				if (bytes.length < 12) return { need: 12 };
				riffEnd = u32le(bytes, 4) + 8;
				return { size: 12 };
			}
			if (offset >= riffEnd) {
				return {
					problem: `the file goes on after the end of the WAV (its header says ${riffEnd} bytes)`,
				};
			}
			if (bytes.length < 8) return { need: 8 };
			if (!isLabel(bytes, 0)) {
				return { problem: `the WAV has no valid chunk at byte ${offset}` };
			}
			const id = ascii(bytes, 0, 4);
			const size = u32le(bytes, 4);
			lastOdd = size % 2 === 1;
			if (id === 'fmt ') {
				if (bytes.length < 24) return { need: 24 };
				byteRate = u32le(bytes, 16);
				if (byteRate === 0 || u16be(bytes, 10) === 0) {
					return { problem: 'the WAV format chunk describes no sound' };
				}
			}
			if (id === 'data') {
				if (!byteRate) return { problem: 'the WAV has audio data before its format chunk' };
				dataBytes += size;
				return { size: 8 + size + (size % 2), payloadFrom: 8 };
			}
			return { size: 8 + size + (size % 2) };
		},
		finish(rest, missing, total) {
			// A missing pad byte after an odd-sized last chunk is a common writer slip, not damage.
			if (!(missing === 1 && lastOdd) && (missing > 0 || rest.length > 0)) {
				return {
					problem: `the file is cut short: its WAV header announces ${riffEnd} bytes, the file has ${total}`,
				};
			}
			if (!dataBytes) return { problem: 'the WAV has no audio data' };
			if (Math.abs(riffEnd - total) > 1) {
				return { problem: `the WAV header announces ${riffEnd} bytes, the file has ${total}` };
			}
			return { seconds: dataBytes / byteRate };
		},
	};
}

// ---------------------------------------------------------------------------------------------
// MP3 (and MPEG layers I/II): an optional ID3v2 tag and padding, frames of one stream, then
// optional ID3v1 / APE tags.

function mpegReader(format: AudioFormat): FormatReader {
	let first: MpegFrame | undefined;
	let samples = 0;
	let tagsAtEnd = false;
	return {
		format,
		unit(bytes, offset) {
			if (offset === 0 && bytes[0] === 0x49 /* I */) {
				if (bytes.length < 10) return { need: 10 };
				if (ascii(bytes, 0, 3) === 'ID3' && isId3Header(bytes)) return { size: id3Size(bytes) };
			}
			// Zero padding may follow the ID3 tag, before the first frame.
			if (!first && bytes[0] === 0) {
				let zeros = 0;
				while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
				return zeros < bytes.length ? { size: zeros } : { need: bytes.length + 1 };
			}
			if (bytes.length < 4) return { need: 4 };
			const frame = tagsAtEnd ? undefined : mpegFrame(bytes, 0);
			if (frame && (!first || frame.stream === first.stream)) {
				first ??= frame;
				samples += frame.samples;
				return { size: frame.length };
			}
			if (first && bytes[0] === 0x54 /* T */ && ascii(bytes, 0, 3) === 'TAG') {
				tagsAtEnd = true;
				return { size: 128 };
			}
			if (first && bytes[0] === 0x41 /* A */) {
				if (bytes.length < 32) return { need: 32 };
				if (ascii(bytes, 0, 8) === 'APETAGEX') {
					tagsAtEnd = true;
					const hasHeader = (bytes[23] & 0x20) !== 0; // flags bit 29: this is the header
					return { size: hasHeader ? 32 + u32le(bytes, 12) : 32 };
				}
			}
			return {
				problem: first
					? `the MPEG audio breaks off at byte ${offset}, followed by ${what(bytes)}`
					: `no MPEG audio frame where it should start (byte ${offset}): ${what(bytes)}`,
			};
		},
		finish(rest, missing) {
			if (missing > 0 || rest.length > 0) return cutShort(missing || rest.length, 'frame');
			if (!first) return { problem: 'the file has no MPEG audio frame' };
			return { seconds: samples / first.sampleRate };
		},
	};
}

// ---------------------------------------------------------------------------------------------
// AAC in ADTS frames.

const ADTS_RATES = [
	96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];

function adtsReader(format: AudioFormat): FormatReader {
	let rate = 0;
	let samples = 0;
	return {
		format,
		unit(bytes, offset) {
			if (bytes.length < 7) return { need: 7 };
			const rateIndex = (bytes[2] >> 2) & 0x0f;
			const length = ((bytes[3] & 0x03) << 11) | (bytes[4] << 3) | (bytes[5] >> 5);
			const valid =
				bytes[0] === 0xff &&
				(bytes[1] & 0xf6) === 0xf0 &&
				rateIndex < ADTS_RATES.length &&
				length >= 7 &&
				(!rate || ADTS_RATES[rateIndex] === rate);
			if (!valid) {
				return {
					problem: `the AAC audio breaks off at byte ${offset}, followed by ${what(bytes)}`,
				};
			}
			rate = ADTS_RATES[rateIndex];
			samples += 1024 * ((bytes[6] & 0x03) + 1);
			return { size: length };
		},
		finish(rest, missing) {
			if (missing > 0 || rest.length > 0) return cutShort(missing || rest.length, 'frame');
			return rate ? { seconds: samples / rate } : { problem: 'the file has no AAC frame' };
		},
	};
}

// ---------------------------------------------------------------------------------------------
// FLAC: 'fLaC', metadata blocks (STREAMINFO first), then frames, each found by its sync code and
// header CRC-8 and closed by a CRC-16 over the whole frame.

function crc8(bytes: Uint8Array, end: number): number {
	let crc = 0;
	for (let i = 0; i < end; i++) {
		crc ^= bytes[i];
		for (let bit = 0; bit < 8; bit++)
			crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
	}
	return crc;
}

const CRC16_TABLE = (() => {
	const table = new Uint16Array(256);
	for (let n = 0; n < 256; n++) {
		let crc = n << 8;
		for (let bit = 0; bit < 8; bit++)
			crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
		table[n] = crc;
	}
	return table;
})();

function crc16(bytes: Uint8Array, end: number): number {
	let crc = 0;
	for (let i = 0; i < end; i++) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[(crc >> 8) ^ bytes[i]];
	return crc;
}

/** The block size (samples) of the FLAC frame header at `at`, if a valid header with its CRC-8 is there. */
function flacFrameHeader(
	bytes: Uint8Array,
	at: number,
): { blockSize: number } | 'short' | undefined {
	if (bytes.length < at + 4) return 'short';
	if (bytes[at] !== 0xff || (bytes[at + 1] & 0xfe) !== 0xf8) return undefined;
	const sizeCode = bytes[at + 2] >> 4;
	const rateCode = bytes[at + 2] & 0x0f;
	if (sizeCode === 0 || rateCode === 15 || (bytes[at + 3] & 0x01) !== 0) return undefined;
	if (bytes[at + 3] >> 4 > 10 || ((bytes[at + 3] >> 1) & 0x07) === 3) return undefined;
	// The frame or sample number, coded like UTF-8 in 1 to 7 bytes.
	let pos = at + 4;
	if (bytes.length < pos + 1) return 'short';
	const lead = bytes[pos];
	const extra = lead < 0x80 ? 0 : lead >= 0xc0 && lead < 0xfe ? Math.clz32(~(lead << 24)) - 1 : -1;
	if (extra < 0) return undefined;
	pos += 1 + extra;
	let blockSize =
		sizeCode === 1
			? 192
			: sizeCode <= 5
				? 576 << (sizeCode - 2)
				: sizeCode >= 8
					? 256 << (sizeCode - 8)
					: 0;
	const sizeBytes = sizeCode === 6 ? 1 : sizeCode === 7 ? 2 : 0;
	const rateBytes = rateCode === 12 ? 1 : rateCode === 13 || rateCode === 14 ? 2 : 0;
	if (bytes.length < pos + sizeBytes + rateBytes + 1) return 'short';
	if (sizeCode === 6) blockSize = bytes[pos] + 1;
	if (sizeCode === 7) blockSize = u16be(bytes, pos) + 1;
	pos += sizeBytes + rateBytes;
	if (crc8(bytes.subarray(at), pos - at) !== bytes[pos]) return undefined;
	return { blockSize };
}

function flacReader(format: AudioFormat): FormatReader {
	let sampleRate = 0;
	let totalSamples = 0;
	let maxFrame = 0;
	let inFrames = false;
	let counted = 0;
	/** Where the search for the next frame's sync code goes on, from the current frame's start. */
	let scanFrom = 2;
	/** The current frame, if it is whole: its CRC-16 holds. */
	const whole = (bytes: Uint8Array, end: number) =>
		end >= 6 && crc16(bytes, end - 2) === u16be(bytes, end - 2);
	return {
		format,
		unit(bytes, offset) {
			if (offset === 0) return bytes.length < 4 ? { need: 4 } : { size: 4 };
			if (!inFrames) {
				if (bytes.length < 4) return { need: 4 };
				const last = (bytes[0] & 0x80) !== 0;
				const type = bytes[0] & 0x7f;
				const length = (bytes[1] << 16) | (bytes[2] << 8) | bytes[3];
				if (type === 127 || (offset === 4 && (type !== 0 || length !== 34))) {
					return { problem: 'the FLAC file has no valid STREAMINFO block' };
				}
				if (type === 0) {
					if (bytes.length < 38) return { need: 38 };
					const at = 4 + 10;
					maxFrame = (bytes[11] << 16) | (bytes[12] << 8) | bytes[13];
					sampleRate = (bytes[at] << 12) | (bytes[at + 1] << 4) | (bytes[at + 2] >> 4);
					totalSamples = (bytes[at + 3] & 0x0f) * 2 ** 32 + u32be(bytes, at + 4);
					if (!sampleRate) return { problem: 'the FLAC STREAMINFO block has no sample rate' };
				}
				inFrames = last;
				return { size: 4 + length };
			}
			const header = flacFrameHeader(bytes, 0);
			if (header === 'short') return { need: bytes.length + 1 };
			if (!header) {
				return {
					problem: `the FLAC audio breaks off at byte ${offset}, followed by ${what(bytes)}`,
				};
			}
			const limit = (maxFrame || 1024 * 1024) + 16;
			for (let at = Math.max(scanFrom, 2); at + 1 < bytes.length; at++) {
				if (bytes[at] !== 0xff || (bytes[at + 1] & 0xfe) !== 0xf8) continue;
				const next = flacFrameHeader(bytes, at);
				if (next === 'short') {
					scanFrom = at;
					return { need: bytes.length + 1 };
				}
				if (next && whole(bytes, at)) {
					scanFrom = 2;
					counted += header.blockSize;
					return { size: at, payloadFrom: 4 };
				}
			}
			if (bytes.length > limit) {
				return {
					problem: `the FLAC audio breaks off at byte ${offset}: no frame ends within ${kib(limit)}`,
				};
			}
			scanFrom = Math.max(2, bytes.length - 1);
			return { need: bytes.length + 1 };
		},
		finish(rest, missing) {
			if (missing > 0) return cutShort(missing, 'metadata block');
			if (!inFrames || rest.length === 0) return { problem: 'the FLAC file has no audio frames' };
			const header = flacFrameHeader(rest, 0);
			if (!header || header === 'short' || !whole(rest, rest.length)) {
				return { problem: 'the file is cut short: its last FLAC frame is incomplete' };
			}
			counted += header.blockSize;
			if (totalSamples && counted !== totalSamples) {
				return {
					problem: `the FLAC file holds ${counted} samples, its header announces ${totalSamples}`,
				};
			}
			return { seconds: (totalSamples || counted) / sampleRate };
		},
	};
}

// ---------------------------------------------------------------------------------------------
// Ogg: pages with the capture pattern and a CRC-32 each, the first one opening an Opus or Vorbis
// stream; the length is the last granule position.

const OGG_CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let crc = n << 24;
		for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
		table[n] = crc >>> 0;
	}
	return table;
})();

/** Ogg's CRC-32 of a page, its own CRC field counted as zeros. */
export function oggCrc(page: Uint8Array): number {
	let crc = 0;
	for (let i = 0; i < page.length; i++) {
		const byte = i >= 22 && i < 26 ? 0 : page[i];
		crc = ((crc << 8) ^ OGG_CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]) >>> 0;
	}
	return crc;
}

function oggReader(format: AudioFormat): FormatReader {
	let serial = -1;
	let rate = 0;
	let preSkip = 0;
	let granule = 0;
	let sequence = -1;
	return {
		format,
		unit(bytes, offset) {
			if (bytes.length < 27) return { need: 27 };
			if (ascii(bytes, 0, 4) !== 'OggS' || bytes[4] !== 0) {
				return {
					problem: `the Ogg stream breaks off at byte ${offset}, followed by ${what(bytes)}`,
				};
			}
			const segments = bytes[26];
			if (bytes.length < 27 + segments) return { need: 27 + segments };
			let size = 27 + segments;
			for (let i = 0; i < segments; i++) size += bytes[27 + i];
			if (bytes.length < size) return { need: size };
			if (oggCrc(bytes.subarray(0, size)) !== u32le(bytes, 22)) {
				return { problem: `the Ogg page at byte ${offset} fails its checksum` };
			}
			const pageSerial = u32le(bytes, 14);
			const payload = bytes.subarray(27 + segments, size);
			if (offset === 0) {
				if (!(bytes[5] & 0x02))
					return { problem: 'the Ogg stream does not begin with a first page' };
				serial = pageSerial;
				if (ascii(payload, 0, 8) === 'OpusHead' && payload.length >= 19) {
					rate = 48000;
					preSkip = payload[10] | (payload[11] << 8);
				} else if (ascii(payload, 0, 7) === '\x01vorbis' && payload.length >= 16) {
					rate = u32le(payload, 12);
				} else {
					return { problem: 'the Ogg stream is neither Opus nor Vorbis audio' };
				}
			}
			if (pageSerial === serial) {
				const pageSequence = u32le(bytes, 18);
				if (sequence >= 0 && pageSequence !== sequence + 1) {
					return { problem: `the Ogg stream skips from page ${sequence} to ${pageSequence}` };
				}
				sequence = pageSequence;
				const low = u32le(bytes, 6);
				const high = u32le(bytes, 10);
				// -1 (all ones) marks a page on which no packet ends.
				if (!(low === 0xffffffff && high === 0xffffffff)) granule = high * 2 ** 32 + low;
			}
			return { size };
		},
		finish(rest, missing) {
			if (missing > 0 || rest.length > 0) return cutShort(missing || rest.length, 'page');
			if (!rate) return { problem: 'the Ogg stream has no audio' };
			return { seconds: Math.max(0, granule - preSkip) / rate };
		},
	};
}

// ---------------------------------------------------------------------------------------------
// MP4 / M4A: boxes from `ftyp` to the end of the file, with `moov` (its `mvhd` gives the length)
// and `mdat`.

function mvhdSeconds(moov: Uint8Array): number | undefined {
	for (let at = 8; at + 8 <= moov.length; ) {
		const size = u32be(moov, at);
		if (size < 8 || at + size > moov.length) return undefined;
		if (ascii(moov, at + 4, at + 8) === 'mvhd') {
			const box = moov.subarray(at + 8, at + size);
			const v1 = box[0] === 1;
			if (box.length < (v1 ? 32 : 20)) return undefined;
			const timescale = u32be(box, v1 ? 20 : 12);
			const duration = v1 ? u32be(box, 24) * 2 ** 32 + u32be(box, 28) : u32be(box, 16);
			return timescale ? duration / timescale : undefined;
		}
		at += size;
	}
	return undefined;
}

function mp4Reader(format: AudioFormat): FormatReader {
	let seconds: number | undefined;
	let sawMdat = false;
	let openEnded = false;
	return {
		format,
		unit(bytes, offset) {
			if (bytes.length < 8) return { need: 8 };
			const type = ascii(bytes, 4, 8);
			if (!isLabel(bytes, 4)) {
				return { problem: `the MP4 file has no valid box at byte ${offset}: ${what(bytes)}` };
			}
			if (offset === 0 && type !== 'ftyp')
				return { problem: 'the MP4 file does not begin with ftyp' };
			let size = u32be(bytes, 0);
			let header = 8;
			if (size === 1) {
				if (bytes.length < 16) return { need: 16 };
				size = u32be(bytes, 8) * 2 ** 32 + u32be(bytes, 12);
				header = 16;
			}
			if (size === 0) {
				// The last box runs to the end of the file.
				openEnded = true;
				size = Infinity;
			} else if (size < header) {
				return { problem: `the MP4 box at byte ${offset} has an impossible size (${size})` };
			}
			if (type === 'mdat') {
				sawMdat = true;
				return { size, payloadFrom: header };
			}
			if (type === 'moov') {
				if (size > MAX_HELD_BYTES)
					return { problem: `the MP4 moov box is implausibly large (${kib(size)})` };
				if (bytes.length < size) return { need: size };
				seconds = mvhdSeconds(bytes.subarray(0, size));
				if (seconds === undefined) return { problem: 'the MP4 moov box has no valid movie header' };
			}
			return { size };
		},
		finish(rest, missing, total) {
			if ((missing > 0 && !openEnded) || rest.length > 0) {
				return { problem: `the file is cut short: an MP4 box runs past its end (byte ${total})` };
			}
			if (!sawMdat || seconds === undefined)
				return { problem: 'the MP4 file has no moov or no mdat box' };
			return { seconds };
		},
	};
}

// ---------------------------------------------------------------------------------------------

function readerFor(format: AudioFormat): FormatReader | undefined {
	switch (format.extension) {
		case 'wav':
			return wavReader(format);
		case 'mp3':
			return mpegReader(format);
		case 'aac':
			return adtsReader(format);
		case 'flac':
			return flacReader(format);
		case 'ogg':
			return oggReader(format);
		case 'm4a':
			return mp4Reader(format);
		default:
			return undefined;
	}
}

/** Bytes needed to recognise a format (an ID3 header; `ftyp` at 4-8; `RIFF....WAVE`). */
const SNIFF_AT_LEAST = 12;

/**
 * The streaming check of a whole download: `push` every chunk in order, then `finish`. Holds only
 * the header of the unit being read (at most `MAX_HELD_BYTES`), so it suits any file size.
 */
export class SongCheck {
	private reader: FormatReader | undefined;
	private pending: Uint8Array = new Uint8Array(0);
	/** Absolute offset of `pending[0]`, or of the next byte while skipping. */
	private offset = 0;
	private skipLeft = 0;
	private skipPayload = false;
	private textRun = 0;
	/** The first bytes of the current run of text, to say what it looks like. */
	private textHead: number[] = [];
	private problem: string | undefined;
	private total = 0;

	/** The problem found so far, if any (the download can stop there). */
	get failed(): string | undefined {
		return this.problem;
	}

	push(chunk: Uint8Array): void {
		this.total += chunk.length;
		if (this.problem) return;
		let data = chunk;
		if (this.skipLeft > 0) {
			const n = Math.min(this.skipLeft, data.length);
			if (this.skipPayload) this.scanText(data.subarray(0, n));
			this.skipLeft -= n;
			this.offset += n;
			data = data.subarray(n);
			if (data.length === 0) return;
		}
		if (this.pending.length === 0) {
			this.pending = data;
		} else {
			const joined = new Uint8Array(this.pending.length + data.length);
			joined.set(this.pending);
			joined.set(data, this.pending.length);
			this.pending = joined;
		}
		this.walk();
	}

	private walk(): void {
		while (!this.problem && this.pending.length > 0) {
			if (!this.reader) {
				if (this.pending.length < SNIFF_AT_LEAST) return;
				const format = sniffAudio(this.pending);
				this.reader = format && readerFor(format);
				if (!this.reader) {
					this.problem = format
						? `${format.extension.toUpperCase()} files cannot be checked, so they are not accepted as songs`
						: `the file is ${describeNonAudio(this.pending)}, not audio`;
					return;
				}
			}
			const unit = this.reader.unit(this.pending, this.offset);
			if ('problem' in unit) {
				this.problem = unit.problem;
				return;
			}
			if ('need' in unit) {
				if (unit.need > MAX_HELD_BYTES) {
					this.problem = `the ${this.reader.format.extension.toUpperCase()} structure at byte ${this.offset} is implausibly large`;
				}
				if (unit.need <= this.pending.length) {
					// A reader must ask for more than it has; anything else would loop.
					this.problem = `the ${this.reader.format.extension.toUpperCase()} structure at byte ${this.offset} cannot be read`;
				}
				return;
			}
			const { size, payloadFrom } = unit;
			if (!(size > 0)) {
				this.problem = `the ${this.reader.format.extension.toUpperCase()} structure at byte ${this.offset} is empty`;
				return;
			}
			const taken = Math.min(size, this.pending.length);
			if (payloadFrom !== undefined) this.scanText(this.pending.subarray(payloadFrom, taken));
			else this.textRun = 0;
			this.offset += taken;
			this.pending = this.pending.subarray(taken);
			if (taken < size) {
				this.skipLeft = size - taken;
				this.skipPayload = payloadFrom !== undefined;
			}
		}
	}

	/** Audio data holding a long run of printable ASCII is text (an error page), not sound. */
	private scanText(bytes: Uint8Array): void {
		let run = this.textRun;
		for (let i = 0; i < bytes.length; i++) {
			const b = bytes[i];
			if ((b >= 0x20 && b <= 0x7e) || b === 0x0a || b === 0x0d || b === 0x09) {
				if (run === 0) this.textHead = [];
				if (this.textHead.length < 64) this.textHead.push(b);
				if (++run >= TEXT_RUN_BYTES) {
					const text = describeNonAudio(Uint8Array.from(this.textHead));
					this.problem = `the audio data holds ${kib(run)} of text (${text}), not sound`;
					return;
				}
			} else {
				run = 0;
			}
		}
		this.textRun = run;
	}

	/** The verdict on the whole file: its format and length, or why it is not a song. */
	finish(): SongVerdict {
		if (this.problem) return { problem: this.problem };
		if (this.total === 0) return { problem: 'the file is empty' };
		if (!this.reader) {
			const format = sniffAudio(this.pending);
			return {
				problem: format
					? `the file has only ${this.total} bytes, too few for a song`
					: `the file is ${describeNonAudio(this.pending)}, not audio`,
			};
		}
		const skipping = Number.isFinite(this.skipLeft) ? this.skipLeft : 0;
		const end = this.reader.finish(this.pending, skipping, this.total);
		if ('problem' in end) return end;
		const { seconds } = end;
		const name = this.reader.format.extension.toUpperCase();
		if (!(seconds >= MIN_SONG_SECONDS)) {
			return {
				problem: `the ${name} plays only ${Math.round(seconds * 100) / 100} s, too short for a song`,
			};
		}
		if (seconds > MAX_SONG_SECONDS) {
			return {
				problem: `the ${name} would play ${Math.round(seconds / 60)} min, longer than any song (at most ${MAX_SONG_SECONDS / 60} min)`,
			};
		}
		if (this.total / seconds < MIN_BYTES_PER_SECOND) {
			return {
				problem: `the ${name} claims ${Math.round(seconds)} s in ${kib(this.total)}, too few bytes for that much sound`,
			};
		}
		return { format: this.reader.format, seconds };
	}
}

/** The check of a download held whole in memory. */
export function checkSong(bytes: Uint8Array): SongVerdict {
	const check = new SongCheck();
	check.push(bytes);
	return check.finish();
}
