/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- test fixtures, not real secrets */
import {
	API_KEY,
	credentialsFor,
	expectNoSecrets,
	items,
	LYRICS,
	runNode,
	useSimulator,
	WEBHOOK_SECRET,
} from './helpers';
import { wavBuffer } from '../simulator';

const sim = useSimulator({ pendingMs: 50, renderMs: 300, audioSeconds: 1 });

const generate = {
	operation: 'generate',
	taskType: 'txt2audio-base',
	lyrics: LYRICS,
	stylePrompt: 'pop, bright',
};

describe('Generate', () => {
	it('creates one task per item and returns it at once', async () => {
		const result = await runNode(sim, generate);
		expect(result.status).toBe('success');
		const output = result.output('DiffRhythm')!;
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual({ item: 0 });
		expect(output[0].json).toMatchObject({
			model: 'Qubico/diffrhythm',
			task_type: 'txt2audio-base',
			status: 'pending',
			audioUrl: null,
		});
		expect(output[0].json.meta).toMatchObject({ started_at: null, ended_at: null });

		const posts = sim.posts();
		expect(posts).toHaveLength(1);
		expect(posts[0].headers['x-api-key']).toBe(API_KEY);
		expect(posts[0].body).toEqual({
			model: 'Qubico/diffrhythm',
			task_type: 'txt2audio-base',
			input: { lyrics: LYRICS, style_prompt: 'pop, bright', style_audio: '' },
		});
		expect(output[0].json.task_id).toBe([...sim.tasks.keys()][0]);
		expect(output[0].json).toMatchObject({ success: true, status: 'pending' });
		expect(output[0].json).not.toHaveProperty('error');
		expect(sim.count('GET', '/api/v1/task')).toBe(0);
	});

	it('sends the callback URL with the credential webhook secret, and never outputs the secret', async () => {
		const result = await runNode(sim, {
			...generate,
			options: { callbackUrl: 'http://127.0.0.1:9/hook' },
		});
		expect(result.status).toBe('success');
		expect(sim.posts()[0].body.config).toEqual({
			webhook_config: { endpoint: 'http://127.0.0.1:9/hook', secret: WEBHOOK_SECRET },
		});
		const json = result.output('DiffRhythm')![0].json;
		expect(json.config).toMatchObject({ webhook_config: { endpoint: 'http://127.0.0.1:9/hook' } });
		expectNoSecrets(result);
	});

	it('submits several items, one task each, in item order', async () => {
		const result = await runNode(sim, generate, { items: items(4) });
		const output = result.output('DiffRhythm')!;
		expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(new Set(output.map((item) => item.json.task_id)).size).toBe(4);
		expect(sim.posts()).toHaveLength(4);
	});
});

describe('bad input costs nothing', () => {
	it('stops on a malformed lyric line, naming the field, the line and the item, before any POST', async () => {
		const result = await runNode(sim, { ...generate, lyrics: '[00:05.00] fine\n[0:9.5] broken' });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'Lyrics: line 2: "[0:9.5] broken" has a timestamp in the wrong format; write it as [mm:ss.xx], e.g. [00:10.00]',
		);
		expect(result.error?.description).toContain('Nothing was sent to PiAPI');
		expect(result.error?.context?.itemIndex).toBe(0);
		expect(sim.requests).toHaveLength(0);
	});

	it('checks every item before paying for any of them', async () => {
		const lyrics = '={{ $json.index === 2 ? "[00:05.00] a\\n[00:04.00] b" : "[00:05.00] fine" }}';
		const result = await runNode(sim, { ...generate, lyrics }, { items: items(4) });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'Lyrics: line 2: [00:04.00] is not later than line 1; timestamps must increase',
		);
		expect(result.error?.context?.itemIndex).toBe(2);
		expect(sim.posts()).toHaveLength(0);
	});

	it('rejects lyrics past the end of the song and a missing style', async () => {
		const late = await runNode(sim, { ...generate, lyrics: '[01:40.00] too late' });
		expect(late.error?.message).toContain(
			'Lyrics: line 1: [01:40.00] is past the end of a Base song (1:35)',
		);
		const empty = await runNode(sim, { ...generate, lyrics: '', stylePrompt: '' });
		expect(empty.error?.message).toBe(
			'Lyrics, Style Prompt or Reference Audio: give at least one of them (PiAPI needs lyrics, a style prompt or reference audio)',
		);
		expect(sim.requests).toHaveLength(0);
	});

	it('with Continue On Fail, creates the good items and returns an error item for the bad one', async () => {
		const stylePrompt = '={{ $json.index === 1 ? "" : "pop" }}';
		const result = await runNode(
			sim,
			{ ...generate, lyrics: '', stylePrompt },
			{ items: items(3), continueOnFail: true },
		);
		expect(result.status).toBe('success');
		const output = result.output('DiffRhythm')!;
		expect(output).toHaveLength(3);
		expect(output[0].json.task_id).toBeDefined();
		expect(output[1]).toEqual({
			json: {
				success: false,
				error: expect.stringContaining('give at least one of them'),
				description: 'Nothing was sent to PiAPI and nothing was charged.',
			},
			pairedItem: { item: 1 },
		});
		expect(output[2].json.task_id).toBeDefined();
		expect(sim.posts()).toHaveLength(2);
	});

	it('rejects a reference audio URL that is not http(s) or not mp3/wav/flac', async () => {
		const ftp = await runNode(sim, {
			...generate,
			referenceAudio: 'url',
			referenceAudioUrl: 'ftp://x.test/a.mp3',
		});
		expect(ftp.error?.message).toBe('Reference Audio URL: must be an http(s) URL');
		const ogg = await runNode(sim, {
			...generate,
			referenceAudio: 'url',
			referenceAudioUrl: 'https://x.test/a.ogg',
		});
		expect(ogg.error?.message).toBe(
			'Reference Audio URL: points to a .ogg file; DiffRhythm accepts only mp3, wav or flac',
		);
		expect(sim.requests).toHaveLength(0);
	});

	it('sends an http(s) reference audio URL as style_audio', async () => {
		const result = await runNode(sim, {
			...generate,
			referenceAudio: 'url',
			referenceAudioUrl: 'https://cdn.example.com/ref.flac',
		});
		expect(result.status).toBe('success');
		expect(sim.posts()[0].body.input.style_audio).toBe('https://cdn.example.com/ref.flac');
	});
});

describe('reference audio from binary data', () => {
	const binaryItem = (bytes: Buffer, fileName: string, mimeType: string) => [
		{ json: {}, binary: { data: { data: bytes.toString('base64'), fileName, mimeType } } },
	];
	const fromBinary = {
		...generate,
		referenceAudio: 'binary',
		referenceAudioBinaryProperty: 'data',
	};

	it('sends a wav inline as a base64 data URI', async () => {
		const wav = wavBuffer({ seconds: 10, sampleRate: 8000, channels: 1 });
		const result = await runNode(sim, fromBinary, {
			items: binaryItem(wav, 'ref.wav', 'audio/wav'),
		});
		expect(result.status).toBe('success');
		expect(sim.posts()[0].body.input.style_audio).toBe(
			`data:audio/wav;base64,${wav.toString('base64')}`,
		);
	});

	it('rejects a file that is not mp3, wav or flac, whatever its name says', async () => {
		const png = Buffer.from('\x89PNG\r\n\x1a\n0000000000', 'latin1');
		const result = await runNode(sim, fromBinary, {
			items: binaryItem(png, 'ref.mp3', 'audio/mpeg'),
		});
		expect(result.error?.message).toBe(
			'Reference Audio: "data" (ref.mp3) is not a recognised audio file; DiffRhythm accepts only mp3, wav or flac',
		);
		expect(sim.requests).toHaveLength(0);
	});

	it('rejects a file over 10 MB and a missing binary field', async () => {
		const big = Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.alloc(10 * 1024 * 1024)]);
		const result = await runNode(sim, fromBinary, {
			items: binaryItem(big, 'big.mp3', 'audio/mpeg'),
		});
		// 3 bytes over the limit must not read as "10.0 MB, at most 10 MB".
		expect(result.error?.message).toBe(
			'Reference Audio: "data" (big.mp3) has 10,485,763 bytes; PiAPI accepts at most 10,485,760 bytes (10 MiB)',
		);
		const missing = await runNode(sim, { ...fromBinary, referenceAudioBinaryProperty: 'song' });
		expect(missing.error?.message).toBe(
			'Reference Audio: the input item has no binary field "song"',
		);
		expect(sim.requests).toHaveLength(0);
	});

	it('refuses audio shorter than 10 s, or only a few bytes that start like audio, before paying', async () => {
		const short = wavBuffer({ seconds: 9, sampleRate: 8000, channels: 1 });
		const tooShort = await runNode(sim, fromBinary, {
			items: binaryItem(short, 'short.wav', 'audio/wav'),
		});
		expect(tooShort.error?.message).toBe(
			'Reference Audio: "data" (short.wav) is 9.0 s long; DiffRhythm needs at least 10 s of reference audio',
		);
		const stubs: Array<[string, Buffer]> = [
			['stub.wav', Buffer.from('RIFF\0\0\0\0WAVE', 'latin1')],
			['stub.mp3', Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0, 0xff, 0xfb])],
			['stub.flac', Buffer.from('fLaC\0\0\0\x22', 'latin1')],
			['frame.mp3', Buffer.from([0xff, 0xfb, 0x90, 0x64])],
		];
		for (const [name, bytes] of stubs) {
			const result = await runNode(sim, fromBinary, {
				items: binaryItem(bytes, name, 'audio/mpeg'),
			});
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(
				new RegExp(
					`^Reference Audio: "data" \\(${name.replace('.', '\\.')}\\) (starts like|is 0\\.0 s long)`,
				),
			);
		}
		expect(sim.requests).toHaveLength(0);
	});
});

describe('credentials', () => {
	it('keeps the API key out of errors when PiAPI rejects it', async () => {
		const result = await runNode(sim, generate, { apiKey: 'sk-wrong-key-123456' });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('PiAPI rejected the API key (HTTP 401)');
		expect(result.error?.description).toContain('Check the API key in the PiAPI API credential');
		expect(sim.requests).toHaveLength(1);
		expect(JSON.stringify(result.run)).not.toContain('sk-wrong-key-123456');
		expect(credentialsFor(sim).piApiApi.apiKey).toBe(API_KEY);
	});
});
