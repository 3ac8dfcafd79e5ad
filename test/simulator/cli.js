// No eslint-disable here: n8n's lint applies its rules to .ts files only, and naming those rules in
// a .js file is itself a lint error ("Definition for rule ... was not found").
/**
 * Runs the PiAPI simulator as its own process, for suites where the client is another process
 * (a real n8n): they point the credential's base URL at the printed URL and drive the simulator
 * through its /__sim/ control routes.
 *
 *   node test/simulator/cli.js --port 8765 --api-key KEY [--render-ms N] [--audio-seconds N]
 *                              [--concurrency N] [--pending-ms N] [--credits N] [--host H]
 *                              [--sample-rate N] [--channels N]
 *                              [--webhook-retries N] [--webhook-retry-gap-ms N]
 *
 * Prints one JSON line {"url": "...", "pid": ...} once listening (a parent waits for it), and
 * exits cleanly on SIGTERM/SIGINT.
 */
'use strict';

const { startSimulator } = require('./index');

const FLAGS = {
	'--port': ['port', 'integer'],
	'--host': ['host', 'string'],
	'--api-key': ['apiKey', 'string'],
	'--pending-ms': ['pendingMs', 'number'],
	'--render-ms': ['renderMs', 'number'],
	'--audio-seconds': ['audioSeconds', 'number'],
	'--concurrency': ['concurrency', 'number'],
	'--credits': ['credits', 'number'],
	'--sample-rate': ['sampleRate', 'integer'],
	'--channels': ['channels', 'integer'],
	'--webhook-retries': ['webhookRetries', 'integer'],
	'--webhook-retry-gap-ms': ['webhookRetryGapMs', 'number'],
};

function usage(message) {
	process.stderr.write(
		`${message}\nusage: node test/simulator/cli.js [${Object.keys(FLAGS)
			.map((flag) => `${flag} V`)
			.join('] [')}]\n`,
	);
	process.exit(2);
}

function parseArgs(argv) {
	const options = {};
	for (let i = 0; i < argv.length; i++) {
		let flag = argv[i];
		let value;
		const eq = flag.indexOf('=');
		if (flag.startsWith('--') && eq > 0) {
			value = flag.slice(eq + 1);
			flag = flag.slice(0, eq);
		} else {
			value = argv[++i];
		}
		if (flag === '--help' || flag === '-h') usage('PiAPI simulator');
		const spec = FLAGS[flag];
		if (!spec) usage(`unknown option ${flag}`);
		if (value === undefined) usage(`${flag} needs a value`);
		const [key, type] = spec;
		if (type === 'string') {
			options[key] = value;
			continue;
		}
		const number = /^(inf|infinity)$/i.test(value) ? Infinity : Number(value);
		if (Number.isNaN(number) || (type === 'integer' && !Number.isInteger(number))) {
			usage(`${flag} expects ${type === 'integer' ? 'an integer' : 'a number'}, got "${value}"`);
		}
		options[key] = number;
	}
	return options;
}

async function main() {
	const options = parseArgs(process.argv.slice(2));
	const sim = await startSimulator(options);
	process.stdout.write(`${JSON.stringify({ url: sim.url, pid: process.pid })}\n`);
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		sim.close().then(() => process.exit(0));
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
}

main().catch((error) => {
	process.stderr.write(`piapi simulator failed to start: ${error.message}\n`);
	process.exit(1);
});
