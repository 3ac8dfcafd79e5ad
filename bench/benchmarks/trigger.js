/**
 * Trigger throughput (bench/trigger.js): PiAPI webhook deliveries to n8n's Webhook node and to the
 * PiAPI Trigger on one real n8n, then forged ones. CPU-bound, so it runs alone.
 */
'use strict';

const { log, median, round, runChild } = require('../lib');

const name = 'trigger';

const plan = {
	quick: { deliveries: 20, inFlight: 5, forged: 5, runs: 1, withBare: true },
	// `withBare` (or `--with-bare`) adds the trigger without confirmation and download (another 2 minutes).
	full: { deliveries: 500, inFlight: 10, forged: 50, runs: 3, withBare: false },
};

async function run(plan) {
	const { deliveries, inFlight, forged, runs, withBare } = plan;
	log(`trigger: ${deliveries} deliveries per target, ${runs} runs, on a real n8n`);
	try {
		const raw = await runChild('trigger.js', [
			'--deliveries',
			String(deliveries),
			'--in-flight',
			String(inFlight),
			'--forged',
			String(forged),
			'--runs',
			String(runs),
			...(withBare || process.argv.includes('--with-bare') ? ['--with-bare'] : []),
		]);
		const byTarget = {};
		for (const receiver of Object.keys(raw.runs[0])) {
			const list = raw.runs.map((r) => r[receiver]);
			byTarget[receiver] = {
				perSecond: round(median(list.map((r) => r.perSecond)), 1),
				deliveries: list.reduce((sum, r) => sum + r.deliveries, 0),
				exactlyOneExecutionPerDelivery: list.every(
					(r) => r.tasksWithExactlyOne === r.deliveries && r.executions === r.deliveries,
				),
				allSucceeded: list.every((r) => r.succeeded === r.deliveries),
				answered200: list.every((r) => r.answered200 === r.deliveries),
			};
		}
		const ratio = (receiver) =>
			raw.runs[0][receiver]
				? round(median(raw.runs.map((r) => r[receiver].perSecond / r.webhook.perSecond)))
				: undefined;
		return {
			plan,
			runs: raw.runs.length,
			targets: byTarget,
			ratio: { trigger: ratio('trigger'), triggerBare: ratio('triggerBare') },
			forged: raw.forged,
			raw,
		};
	} catch (error) {
		return { error: error.message };
	}
}

function targets(t) {
	if (!t) return [];
	return [
		t.error
			? {
					what: 'Trigger: every delivery exactly one execution, every forged one none',
					measured: 'not measured',
					met: null,
				}
			: {
					what: 'Trigger: every delivery exactly one execution, every forged one none',
					measured: `${t.ratio.trigger}× the Webhook node's throughput${t.ratio.triggerBare ? ` (${t.ratio.triggerBare}× without confirmation and download)` : ''}; forged: ${t.forged.answered401}/${t.forged.deliveries} refused, ${t.forged.executions} executions`,
					met:
						Object.values(t.targets).every(
							(x) => x.exactlyOneExecutionPerDelivery && x.allSucceeded,
						) &&
						t.forged.executions === 0 &&
						t.forged.answered401 === t.forged.deliveries,
				},
	];
}

function table(t) {
	if (t.error) return [`**Trigger throughput**: not measured (${t.error.split('\n')[0]}).`, ''];
	const row = (label, x, ratio) =>
		`| ${label} | ${x.perSecond} | ${ratio} | ${x.exactlyOneExecutionPerDelivery && x.allSucceeded ? 'yes' : 'NO'} |`;
	return [
		`**Trigger throughput** (real n8n): ${t.plan.deliveries} deliveries, ${t.plan.inFlight} in flight:`,
		'',
		'| Receiver | Deliveries per second | vs Webhook node | Exactly one successful execution per delivery |',
		'|---|---|---|---|',
		row("n8n's Webhook node", t.targets.webhook, '1'),
		row(
			'PiAPI Trigger, defaults (secret check, confirming GET, song downloaded)',
			t.targets.trigger,
			`${t.ratio.trigger}×`,
		),
		...(t.targets.triggerBare
			? [
					row(
						'PiAPI Trigger, secret check only (no confirmation, no download)',
						t.targets.triggerBare,
						`${t.ratio.triggerBare}×`,
					),
				]
			: []),
		'',
		`Forged deliveries (wrong secret): ${t.forged.deliveries} sent, ${t.forged.answered401} answered 401, ${t.forged.executions} executions.`,
		'',
	];
}

module.exports = { name, plan, run, table, targets };
