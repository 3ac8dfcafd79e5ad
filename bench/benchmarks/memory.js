/**
 * Memory (bench/memory.js): peak RSS growth while one large WAV goes into n8n binary data, each
 * variant in a fresh process, against one simulator in another process.
 */
'use strict';

const { SimulatorProcess } = require('../../test/e2e/lib/sim');
const { API_KEY, log, median, round, runChild } = require('../lib');

const name = 'memory';

const plan = {
	quick: { songSeconds: 30 },
	full: { songSeconds: 595 },
};

/** The streamed download must grow the process by less than this. */
const MAX_GROWTH_MB = 40;

async function run(plan, runCount) {
	const { songSeconds } = plan;
	const sim = await SimulatorProcess.start({
		apiKey: API_KEY,
		pendingMs: 50,
		renderMs: 200,
		audioSeconds: songSeconds,
	});
	const variants = ['streamed', 'buffered', 'inMemoryMode'];
	const raw = [];
	try {
		for (let run = 1; run <= runCount; run++) {
			log(`memory run ${run}/${runCount}: ${variants.join(', ')}`);
			for (const variant of variants) {
				raw.push(
					await runChild(
						'memory.js',
						['--sim-url', sim.url, '--variant', variant, '--song-seconds', String(songSeconds)],
						{
							nodeArgs: ['--expose-gc'],
						},
					),
				);
			}
		}
	} finally {
		await sim.stop();
	}
	const byVariant = {};
	for (const variant of variants) {
		const list = raw.filter((r) => r.variant === variant);
		byVariant[variant] = {
			runs: list.length,
			fileMB: round(list[0].fileBytes / 2 ** 20, 1),
			growthMB: round(median(list.map((r) => r.growthMB)), 1),
			growthMBMax: round(Math.max(...list.map((r) => r.growthMB)), 1),
			peakMark: list[0].peakMark,
		};
	}
	return { plan, variants: byVariant, raw };
}

function targets(result) {
	if (!result) return [];
	const m = result.variants.streamed;
	return [
		{
			what: `Download of a ${m.fileMB} MiB WAV: peak RSS growth < 40 MB`,
			measured: `${m.growthMB} MB (max ${m.growthMBMax})`,
			met: m.growthMBMax < MAX_GROWTH_MB,
		},
	];
}

function table(result) {
	const v = result.variants;
	return [
		`**Memory**: one ${v.streamed.fileMB} MiB WAV into n8n binary data; peak RSS growth of the n8n process (median / max):`,
		'',
		'| | Peak RSS growth |',
		'|---|---|',
		`| This package, filesystem binary mode (streamed) | ${v.streamed.growthMB} / ${v.streamed.growthMBMax} MB |`,
		`| Whole file buffered, then stored, filesystem mode (model) | ${v.buffered.growthMB} / ${v.buffered.growthMBMax} MB |`,
		`| This package, n8n's in-memory binary mode (n8n holds the file) | ${v.inMemoryMode.growthMB} / ${v.inMemoryMode.growthMBMax} MB |`,
		'',
	];
}

module.exports = { name, plan, run, table, targets };
