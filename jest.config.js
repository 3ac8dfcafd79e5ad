// In a file rather than package.json: n8n's lint reads package.json and rejects `<rootDir>`.
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts', '**/*.test.js'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json' }] },
	testTimeout: 60000,
	// The harness's temporary n8n user folders go into one folder per run, removed at the end.
	globalSetup: '<rootDir>/test/harness/jest-setup.js',
	globalTeardown: '<rootDir>/test/harness/jest-teardown.js',
};
