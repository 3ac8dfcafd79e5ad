import type { PiApiTask } from '../../nodes/shared/model/piapi';
import { audioUrlOf, statusPhase, toOutputJson } from '../../nodes/shared/model/task';

function task(overrides: Partial<PiApiTask>): PiApiTask {
	return { task_id: 't-1', status: 'completed', ...overrides };
}

describe('statusPhase', () => {
	it.each([
		['pending', 'waiting'],
		['Staged', 'waiting'],
		['PROCESSING', 'waiting'],
		['running', 'waiting'],
		['completed', 'completed'],
		['Completed', 'completed'],
		[' COMPLETED ', 'completed'],
		['success', 'completed'],
		['failed', 'failed'],
		['Failed', 'failed'],
		['cancelled', 'failed'],
		['canceled', 'failed'],
		['something-new', 'waiting'],
		[undefined, 'waiting'],
	])('%j is %s', (status, phase) => {
		expect(statusPhase(status)).toBe(phase);
	});
});

describe('audioUrlOf', () => {
	it('prefers output.audio_url', () => {
		expect(
			audioUrlOf(
				task({ output: { url: 'https://b.test/x', audio_url: 'https://a.test/song.mp3' } }),
			),
		).toBe('https://a.test/song.mp3');
	});

	it('falls back to other fields, lists and nested objects', () => {
		expect(audioUrlOf(task({ output: { url: 'https://b.test/x.wav' } }))).toBe(
			'https://b.test/x.wav',
		);
		expect(audioUrlOf(task({ output: { audio_urls: ['', 'https://c.test/1.mp3'] } }))).toBe(
			'https://c.test/1.mp3',
		);
		expect(
			audioUrlOf(task({ output: { result: { files: [{ href: 'https://d.test/deep.flac' }] } } })),
		).toBe('https://d.test/deep.flac');
	});

	it('returns only http(s) URLs', () => {
		expect(
			audioUrlOf(task({ output: { audio_url: 'file:///etc/passwd', other: 'javascript:x' } })),
		).toBeUndefined();
		expect(audioUrlOf(task({ output: null }))).toBeUndefined();
	});
});

describe('toOutputJson', () => {
	const raw = task({
		config: {
			service_mode: '',
			webhook_config: { endpoint: 'https://hook.test/x', secret: 'hush-123' },
		},
		output: { audio_url: 'https://a.test/song.wav' },
		meta: {
			created_at: '2025-03-24T15:36:52.885258665Z',
			started_at: '0001-01-01T00:00:00Z',
			ended_at: '0001-01-01T00:00:00+00:00',
		},
	});

	it('removes the webhook secret, turns zero times into null and adds audioUrl', () => {
		const json = toOutputJson(raw);
		expect(JSON.stringify(json)).not.toContain('hush-123');
		expect(json.config).toEqual({
			service_mode: '',
			webhook_config: { endpoint: 'https://hook.test/x' },
		});
		expect(json.meta).toEqual({
			created_at: '2025-03-24T15:36:52.885258665Z',
			started_at: null,
			ended_at: null,
		});
		expect(json.audioUrl).toBe('https://a.test/song.wav');
	});

	it('leaves the original task untouched', () => {
		toOutputJson(raw);
		expect(raw.config?.webhook_config?.secret).toBe('hush-123');
	});
});
