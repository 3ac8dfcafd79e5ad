// No eslint-disable here: n8n's lint applies its rules to .ts files only.
/**
 * Small audio files of every format the node accepts (MP3, FLAC, Ogg Opus, M4A; WAV is in wav.js),
 * built byte by byte with valid structure and checksums, and the fakes a broken or hostile server
 * sends instead: files that only start like audio. The simulator serves the fakes on demand
 * (`kind: 'fakeAudio'` faults) and the tests check the node's verdict on each.
 *
 * The "sound" inside is deterministic noise: the node judges structure, not music.
 */
'use strict';

const wav = require('./wav');

/** Deterministic bytes that never form text (each has its top bit or a control value). */
function noise(length, seed = 1) {
	const out = Buffer.alloc(length);
	let state = seed >>> 0 || 1;
	for (let i = 0; i < length; i++) {
		state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
		out[i] = 0x80 | (state >>> 25);
	}
	return out;
}

// -- MP3 ---------------------------------------------------------------------------------------

/** MPEG-1 layer III, 128 kbit/s, 44.1 kHz, no padding: 417 bytes and 1152 samples a frame. */
const MP3_HEADER = Buffer.from([0xff, 0xfb, 0x90, 0x64]);
const MP3_FRAME_BYTES = 417;

function id3v2(bodyBytes = 22) {
	const header = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, bodyBytes]);
	return Buffer.concat([header, noise(bodyBytes, 7).map((b) => b & 0x7f)]);
}

/** An MP3 of about `seconds`, with an ID3v2 tag at the start and an ID3v1 tag at the end if asked. */
function mp3Buffer({ seconds, tags = false }) {
	const frames = Math.ceil((seconds * 44100) / 1152);
	const parts = [];
	if (tags) parts.push(id3v2());
	for (let i = 0; i < frames; i++) {
		parts.push(MP3_HEADER, noise(MP3_FRAME_BYTES - 4, i + 1));
	}
	if (tags) parts.push(Buffer.concat([Buffer.from('TAG', 'latin1'), Buffer.alloc(125)]));
	return Buffer.concat(parts);
}

// -- FLAC --------------------------------------------------------------------------------------

function crc8(bytes) {
	let crc = 0;
	for (const byte of bytes) {
		crc ^= byte;
		for (let bit = 0; bit < 8; bit++)
			crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
	}
	return crc;
}

function crc16(bytes) {
	let crc = 0;
	for (const byte of bytes) {
		crc ^= byte << 8;
		for (let bit = 0; bit < 8; bit++)
			crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
	}
	return crc;
}

/**
 * A mono 16-bit 44.1 kHz FLAC of `seconds`: STREAMINFO, then frames of 4096 samples (the last one
 * shorter), each a VERBATIM subframe of noise, with valid CRC-8 and CRC-16.
 */
function flacBuffer({ seconds }) {
	const sampleRate = 44100;
	const total = Math.round(seconds * sampleRate);
	const streaminfo = Buffer.alloc(34);
	streaminfo.writeUInt16BE(4096, 0);
	streaminfo.writeUInt16BE(4096, 2);
	// min/max frame size unknown (0); rate 20 bits, channels-1 3 bits, bps-1 5 bits, samples 36 bits.
	streaminfo.writeUIntBE(sampleRate >> 4, 10, 2);
	streaminfo[12] = ((sampleRate & 0x0f) << 4) | (0 << 1) | (15 >> 4);
	streaminfo[13] = ((15 & 0x0f) << 4) | Math.floor(total / 2 ** 32);
	streaminfo.writeUInt32BE(total % 2 ** 32, 14);
	const parts = [Buffer.from('fLaC', 'latin1'), Buffer.from([0x80, 0, 0, 34]), streaminfo];
	for (let frame = 0, done = 0; done < total; frame++) {
		const block = Math.min(4096, total - done);
		const header = [0xff, 0xf8];
		// Block size code 12 (4096) or 7 (16-bit value at the end of the header); rate code 9 (44.1 kHz).
		header.push(((block === 4096 ? 12 : 7) << 4) | 9);
		header.push((0 << 4) | (4 << 1)); // mono, 16 bits
		if (frame < 0x80) header.push(frame);
		else header.push(0xc0 | (frame >> 6), 0x80 | (frame & 0x3f));
		if (block !== 4096) header.push((block - 1) >> 8, (block - 1) & 0xff);
		header.push(crc8(header));
		// A VERBATIM subframe: the samples as they are.
		const body = Buffer.concat([Buffer.from([...header, 0x02]), noise(block * 2, frame + 1)]);
		const crc = crc16(body);
		parts.push(body, Buffer.from([crc >> 8, crc & 0xff]));
		done += block;
	}
	return Buffer.concat(parts);
}

// -- Ogg Opus ----------------------------------------------------------------------------------

const OGG_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let crc = n << 24;
		for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
		table[n] = crc >>> 0;
	}
	return table;
})();

function oggPage({ flags, granule, serial, sequence, payload }) {
	const segments = [];
	let left = payload.length;
	while (left >= 255) {
		segments.push(255);
		left -= 255;
	}
	segments.push(left);
	const header = Buffer.alloc(27 + segments.length);
	header.write('OggS', 0, 'latin1');
	header[5] = flags;
	header.writeUInt32LE(granule % 2 ** 32, 6);
	header.writeUInt32LE(Math.floor(granule / 2 ** 32), 10);
	header.writeUInt32LE(serial, 14);
	header.writeUInt32LE(sequence, 18);
	header[26] = segments.length;
	Buffer.from(segments).copy(header, 27);
	const page = Buffer.concat([header, payload]);
	let crc = 0;
	for (const byte of page) crc = ((crc << 8) ^ OGG_TABLE[((crc >>> 24) ^ byte) & 0xff]) >>> 0;
	page.writeUInt32LE(crc, 22);
	return page;
}

/** An Ogg Opus file of `seconds`: OpusHead, OpusTags, then one page of "packets" a second. */
function oggBuffer({ seconds }) {
	const serial = 0x5eed;
	const head = Buffer.alloc(19);
	head.write('OpusHead', 0, 'latin1');
	head[8] = 1;
	head[9] = 2;
	head.writeUInt16LE(312, 10);
	head.writeUInt32LE(48000, 12);
	const tags = Buffer.concat([Buffer.from('OpusTags', 'latin1'), Buffer.alloc(8)]);
	const pages = [
		oggPage({ flags: 0x02, granule: 0, serial, sequence: 0, payload: head }),
		oggPage({ flags: 0, granule: 0, serial, sequence: 1, payload: tags }),
	];
	const count = Math.ceil(seconds);
	for (let i = 1; i <= count; i++) {
		const granule = 312 + Math.round(Math.min(i, seconds) * 48000);
		pages.push(
			oggPage({
				flags: i === count ? 0x04 : 0,
				granule,
				serial,
				sequence: i + 1,
				payload: noise(4000, i),
			}),
		);
	}
	return Buffer.concat(pages);
}

// -- M4A ---------------------------------------------------------------------------------------

function box(type, ...contents) {
	const body = Buffer.concat(contents);
	const header = Buffer.alloc(8);
	header.writeUInt32BE(8 + body.length, 0);
	header.write(type, 4, 'latin1');
	return Buffer.concat([header, body]);
}

/** An M4A of `seconds`: ftyp, moov with a movie header, and mdat of `bytesPerSecond` (16 kB) a second. */
function m4aBuffer({ seconds, bytesPerSecond = 16000 }) {
	const ftyp = box('ftyp', Buffer.from('M4A \0\0\0\0M4A isom', 'latin1'));
	const mvhd = Buffer.alloc(100);
	mvhd.writeUInt32BE(1000, 12); // timescale
	mvhd.writeUInt32BE(Math.round(seconds * 1000), 16); // duration
	const moov = box('moov', box('mvhd', mvhd));
	return Buffer.concat([ftyp, moov, box('mdat', noise(Math.round(seconds * bytesPerSecond), 3))]);
}

// -- Fakes: files that only start like audio ---------------------------------------------------

const HTML_403 =
	'<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1>' +
	'<p>Request could not be satisfied. The link to this object has expired or you do not have ' +
	'permission to access it.</p>';

/** An HTML page of at least `bytes` bytes. */
function htmlPage(bytes) {
	let page = HTML_403;
	while (page.length < bytes)
		page += '<p>Generated by cloudfront (CloudFront) Request ID: abc123</p>';
	return Buffer.from(`${page}</body></html>`, 'latin1');
}

/**
 * The fakes, by name: each starts with an audio format's magic bytes and is not a song.
 * - `wavHtml`: a WAV header whose data size matches 100 KB of HTML that follows it;
 * - `wavHeaderHtml`: the header of a 95 s WAV, then 100 KB of HTML;
 * - `mpegHtml`: one MPEG frame header, then a 5 KB HTML 403 page;
 * - `id3Json`: an ID3v2 tag, then a JSON error;
 * - `ftypHtml`: an MP4 `ftyp` box, then HTML;
 * - `oggZeros`: `OggS`, then 64 KB of zeros;
 * - `wavTruncated`: the first 2 KB of a 10 s WAV (served with a matching Content-Length).
 */
function fakeAudio(name) {
	switch (name) {
		case 'wavHtml': {
			const html = htmlPage(100 * 1024);
			return Buffer.concat([
				wav.wavHeader({ dataBytes: html.length, sampleRate: 44100, channels: 2 }),
				html,
			]);
		}
		case 'wavHeaderHtml':
			return Buffer.concat([
				wav.wavHeader({ dataBytes: wav.wavDataBytes(95), sampleRate: 44100, channels: 2 }),
				htmlPage(100 * 1024),
			]);
		case 'mpegHtml':
			return Buffer.concat([MP3_HEADER, htmlPage(5 * 1024)]);
		case 'id3Json':
			return Buffer.concat([
				id3v2(),
				Buffer.from(
					JSON.stringify({
						code: 403,
						message: 'signature expired',
						detail: 'x'.repeat(4000),
					}),
				),
			]);
		case 'ftypHtml':
			return Buffer.concat([
				box('ftyp', Buffer.from('M4A \0\0\0\0M4A isom', 'latin1')),
				htmlPage(8 * 1024),
			]);
		case 'oggZeros':
			return Buffer.concat([Buffer.from('OggS', 'latin1'), Buffer.alloc(64 * 1024)]);
		case 'wavTruncated':
			return wav.wavBuffer({ seconds: 10, sampleRate: 8000, channels: 1 }).subarray(0, 2048);
		default:
			throw new TypeError(`unknown fake audio "${name}"`);
	}
}

const FAKE_AUDIO = Object.freeze([
	'wavHtml',
	'wavHeaderHtml',
	'mpegHtml',
	'id3Json',
	'ftypHtml',
	'oggZeros',
	'wavTruncated',
]);

module.exports = { mp3Buffer, flacBuffer, oggBuffer, m4aBuffer, fakeAudio, FAKE_AUDIO, htmlPage };
