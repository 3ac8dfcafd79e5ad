import type { IWebhookFunctions } from 'n8n-workflow';

import { statusPhase } from '../shared/model/task';
import { readWebhookCall, type WebhookClaim } from '../shared/webhook/answers';
import type { TriggerEvent } from './description';

/** A webhook call as PiAPI sends it (`{ timestamp, data }`), checked but not yet trusted. */
export interface Delivery extends WebhookClaim {
	/** The event the claimed status stands for. */
	event: TriggerEvent;
}

/** The event a status stands for, however PiAPI spells it; unknown statuses count as in progress. */
export function eventOf(status: unknown): TriggerEvent {
	const phase = statusPhase(status);
	return phase === 'waiting' ? 'processing' : phase;
}

/** Reads and checks a call's body (400 for the problem otherwise), and names its event. */
export function readDelivery(context: IWebhookFunctions): Delivery | { problem: string } {
	const claim = readWebhookCall(context);
	if ('problem' in claim) return claim;
	return { ...claim, event: eventOf(claim.task.status) };
}
