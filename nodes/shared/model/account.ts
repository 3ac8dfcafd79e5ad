import type { IDataObject } from 'n8n-workflow';

import type { PiApiAccountInfo } from './piapi';

/** Fields never passed on from the account answer: one third-party doc lists the API key in it. */
const SECRET_FIELDS = /^(api_?key|key|secret|token|password)s?$/i;

function numberOrNull(value: unknown): number | null {
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
	return null;
}

function withoutSecrets(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(withoutSecrets);
	if (typeof value !== 'object' || value === null) return value;
	const copy: IDataObject = {};
	for (const [key, entry] of Object.entries(value)) {
		if (!SECRET_FIELDS.test(key)) copy[key] = withoutSecrets(entry) as IDataObject[string];
	}
	return copy;
}

/**
 * `GET /account/info` as an output item: credits, the balance in USD ("the actually valid balance
 * value in US dollar", as PiAPI's sibling docs put it) and the concurrency limit under plain names,
 * null where PiAPI did not say, and the whole answer (minus any key field) under `account`.
 */
export function accountJson(info: PiApiAccountInfo): IDataObject {
	const credits = (
		typeof info.credit_pack_info === 'object' && info.credit_pack_info !== null
			? info.credit_pack_info
			: {}
	) as IDataObject;
	return {
		accountId: info.id === undefined || info.id === null ? null : String(info.id),
		name: typeof info.name === 'string' ? info.name : null,
		plan: typeof info.plan === 'string' ? info.plan : null,
		balanceUsd: numberOrNull(info.equivalent_in_usd),
		creditsAvailable: numberOrNull(credits.available_credits),
		creditsUsed: numberOrNull(credits.used_credits),
		creditsFrozen: numberOrNull(credits.frozen_credits),
		creditsTotal: numberOrNull(credits.total_credits),
		maxConcurrentTasks: numberOrNull(info.max_concurrent_task_count),
		account: withoutSecrets(info) as IDataObject,
	};
}
