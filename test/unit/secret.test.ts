import { secretsMatch } from '../../nodes/shared/secret';

describe('secretsMatch', () => {
	it('matches only the exact secret', () => {
		expect(secretsMatch('s3cret-value', 's3cret-value')).toBe(true);
		expect(secretsMatch('s3cret-value', 's3cret-valuE')).toBe(false);
		expect(secretsMatch('s3cret-value', 's3cret-value ')).toBe(false);
		expect(secretsMatch('s3cret-value', 's3cret')).toBe(false);
		expect(secretsMatch('s3cret-value', 'x'.repeat(100_000))).toBe(false);
	});

	it('never matches an empty expected secret or anything but a string', () => {
		expect(secretsMatch('', '')).toBe(false);
		expect(secretsMatch('abc', undefined)).toBe(false);
		expect(secretsMatch('abc', ['abc'])).toBe(false);
		expect(secretsMatch('123', 123)).toBe(false);
	});

	it('compares non-ASCII secrets by their bytes', () => {
		expect(secretsMatch('clé-secrète', 'clé-secrète')).toBe(true);
		expect(secretsMatch('clé-secrète', 'cle-secrete')).toBe(false);
	});
});
