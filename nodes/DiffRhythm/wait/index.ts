import { pollStrategy } from './poll';
import { suspendStrategy } from './suspend';
import type { WaitMode, WaitStrategy } from './types';

export type { WaitMode, WaitOptions, WaitResult, WaitStrategy } from './types';

/** The wait modes of Generate and Wait; `readWaitOptions` has already checked the mode's name. */
const strategies: Record<WaitMode, WaitStrategy> = {
	poll: pollStrategy,
	suspend: suspendStrategy,
};

export function strategyFor(mode: WaitMode): WaitStrategy {
	return strategies[mode];
}
