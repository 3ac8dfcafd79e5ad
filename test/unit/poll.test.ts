import { POLL } from '../../nodes/shared/constants';
import { pollDelayMs } from '../../nodes/DiffRhythm/wait/poll';

describe('pollDelayMs', () => {
	it('starts near 2 s and backs off to at most 15 s', () => {
		const delays = Array.from({ length: 20 }, (_, round) => pollDelayMs(round, 0));
		expect(delays[0]).toBe(POLL.firstDelayMs);
		for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
		expect(Math.max(...delays)).toBe(POLL.maxDelayMs);
	});

	it('needs few checks for a long render', () => {
		let elapsed = 0;
		let checks = 0;
		while (elapsed < 90_000) elapsed += pollDelayMs(checks++, 0);
		expect(checks).toBeLessThanOrEqual(15);
	});

	it('uses a fixed interval when set, never below one second', () => {
		expect(pollDelayMs(7, 5)).toBe(5000);
		expect(pollDelayMs(0, 0.1)).toBe(POLL.minFixedDelayMs);
	});
});
