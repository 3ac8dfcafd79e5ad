import type { INode } from 'n8n-workflow';

import { inputError } from '../transport/errors';

/**
 * Checks for option values as n8n hands them over. A field typed "number" in the editor can still
 * hold anything an expression produced: `"abc"`, `NaN` (`{{ $json.minutes * 60 }}` on an item
 * without `minutes`), `1e13`, an object, or nothing. Each such value must stop the node with an
 * error that names the option, the value and the item, before anything is paid for: a NaN
 * deadline once made the poll loop spin without ever awaiting a timer.
 */

/** An option the user did not add to the node's Options collection: its default applies. */
export const NOT_SET: unique symbol = Symbol('not set');

/**
 * One entry of an Options collection as read with `getNodeParameter('options', …)`: `NOT_SET`
 * when the option was not added. An option that was added but whose expression produced nothing
 * is there with `undefined`, and is an error, not the default.
 */
export function optionOf(options: unknown, key: string): unknown {
	if (typeof options !== 'object' || options === null) return NOT_SET;
	return Object.prototype.hasOwnProperty.call(options, key)
		? (options as Record<string, unknown>)[key]
		: NOT_SET;
}

/** A value as an error message shows it: short, and never the whole of a long text. */
export function describeValue(value: unknown): string {
	if (value === undefined || value === null) return 'empty (the expression produced nothing)';
	if (typeof value === 'number') return Number.isNaN(value) ? 'NaN (not a number)' : String(value);
	if (typeof value === 'string') {
		const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
		return value.trim() === '' ? 'an empty text' : `the text "${shown}"`;
	}
	if (typeof value === 'boolean') return `the boolean ${String(value)}`;
	if (Array.isArray(value)) return 'a list';
	return `a ${typeof value === 'object' ? 'JSON object' : typeof value}`;
}

export interface NumberRule {
	min: number;
	max: number;
	/** Whole numbers only (counts); seconds may have decimals. */
	integer?: boolean;
	/** Used when the option is not set at all (`NOT_SET`). */
	default: number;
}

/**
 * A number option: a finite number, or a text that is exactly a decimal number (expressions often
 * give text), within `[min, max]`. `NOT_SET` (the option not added) takes the default; nothing
 * (`undefined`, `null`), an empty text, NaN, Infinity, objects, booleans and out-of-range values
 * are errors.
 */
export function numberOption(
	node: INode,
	label: string,
	value: unknown,
	rule: NumberRule,
	itemIndex: number,
): number {
	if (value === NOT_SET) return rule.default;
	let number: number | undefined;
	if (typeof value === 'number') number = value;
	else if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) number = Number(value);
	const range = `${rule.integer ? 'a whole number' : 'a number'} from ${rule.min} to ${rule.max}`;
	if (
		number === undefined ||
		!Number.isFinite(number) ||
		number < rule.min ||
		number > rule.max ||
		(rule.integer && !Number.isInteger(number))
	) {
		throw inputError(node, label, `is ${describeValue(value)}; it must be ${range}`, itemIndex);
	}
	return number;
}

/** A boolean option: `true`/`false`, or the texts "true"/"false" an expression may give. */
export function booleanOption(
	node: INode,
	label: string,
	value: unknown,
	fallback: boolean,
	itemIndex: number,
): boolean {
	if (value === NOT_SET) return fallback;
	if (typeof value === 'boolean') return value;
	if (typeof value === 'string' && /^\s*(true|false)\s*$/i.test(value)) {
		return value.trim().toLowerCase() === 'true';
	}
	throw inputError(node, label, `is ${describeValue(value)}; it must be true or false`, itemIndex);
}

/** One of a fixed set of values (an options field that an expression may have set). */
export function choiceOption<T extends string>(
	node: INode,
	label: string,
	value: unknown,
	choices: readonly T[],
	fallback: T,
	itemIndex: number,
): T {
	if (value === NOT_SET) return fallback;
	if (typeof value === 'string' && (choices as readonly string[]).includes(value))
		return value as T;
	throw inputError(
		node,
		label,
		`is ${describeValue(value)}; it must be one of ${choices.map((c) => `"${c}"`).join(', ')}`,
		itemIndex,
	);
}

/**
 * A short name such as a binary field: non-empty text of at most `maxLength` characters, trimmed.
 * Control characters are refused (they would end up in a file name or a JSON key nobody can type).
 */
export function nameOption(
	node: INode,
	label: string,
	value: unknown,
	fallback: string,
	itemIndex: number,
	maxLength = 100,
): string {
	if (value === NOT_SET) return fallback;
	const text = typeof value === 'string' ? value.trim() : undefined;
	// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
	const control = /[\u0000-\u001f\u007f]/;
	if (text === undefined || text === '' || text.length > maxLength || control.test(text)) {
		throw inputError(
			node,
			label,
			`is ${describeValue(value)}; it must be a name of 1 to ${maxLength} characters`,
			itemIndex,
		);
	}
	return text;
}

/**
 * A security toggle (Verify Secret, Confirm With PiAPI): not added, it is on; only a real boolean
 * is read. Anything else, including `null`, an empty text (a variable that is missing) and the
 * text "false", is an error: a guard must never be switched off by an expression that went wrong,
 * and guessing "on" silently would hide the mistake, so the caller refuses the call and logs it.
 */
export function securityToggle(node: INode, label: string, value: unknown, itemIndex = 0): boolean {
	if (value === NOT_SET) return true;
	if (typeof value === 'boolean') return value;
	throw inputError(
		node,
		label,
		`is ${describeValue(value)}; this security option must be the boolean true or false (a text is not read, so that a guard cannot be switched off by mistake)`,
		itemIndex,
	);
}

/**
 * Several of a fixed set of values (a multi-options field that an expression may have set): a list
 * of known values, or one value on its own (an expression may give a text). `NOT_SET` takes the
 * fallback (none chosen, unless given); anything else is an error.
 */
export function choicesOption<T extends string>(
	node: INode,
	label: string,
	value: unknown,
	choices: readonly T[],
	itemIndex = 0,
	fallback: readonly T[] = [],
): T[] {
	if (value === NOT_SET) return [...fallback];
	const list = typeof value === 'string' ? [value] : value;
	if (
		Array.isArray(list) &&
		list.every((entry) => typeof entry === 'string' && (choices as readonly string[]).includes(entry))
	) {
		return [...new Set(list as T[])];
	}
	throw inputError(
		node,
		label,
		`is ${describeValue(value)}; it must be a list of ${choices.map((c) => `"${c}"`).join(', ')}`,
		itemIndex,
	);
}

/** Milliseconds by which `timeZone`'s clock is ahead of UTC at the instant `ms`. */
function zoneOffsetMs(ms: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: 'numeric',
		day: 'numeric',
		hour: 'numeric',
		minute: 'numeric',
		second: 'numeric',
	}).formatToParts(new Date(ms));
	const part = (type: string) => Number(parts.find((entry) => entry.type === type)?.value);
	const clock = Date.UTC(
		part('year'),
		part('month') - 1,
		part('day'),
		part('hour'),
		part('minute'),
		part('second'),
	);
	return clock - Math.floor(ms / 1000) * 1000;
}

/**
 * A date-and-time field as Unix milliseconds. The editor's picker gives a text without a zone
 * (`2026-12-04T10:00:00`), meant in the workflow's time zone; a text with a zone (`Z`,
 * `+02:00`), a JavaScript Date, or a Luxon DateTime from an expression (`{{ $now.minus(...) }}`)
 * is taken as it is. A bare number is refused: seconds or milliseconds cannot be told apart.
 */
export function dateOption(
	node: INode,
	label: string,
	value: unknown,
	timeZone: string,
	itemIndex: number,
): number {
	let ms: number | undefined;
	if (value instanceof Date) ms = value.getTime();
	else if (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as { toMillis?: unknown }).toMillis === 'function'
	) {
		ms = Number((value as { toMillis: () => unknown }).toMillis());
	} else if (typeof value === 'string' && value.trim() !== '') {
		const text = value.trim();
		const wall = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/.exec(text);
		if (wall) {
			const [, y, mo, d, h = '0', mi = '0', s = '0'] = wall;
			const asUtc = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
			let zone = 'UTC';
			try {
				zoneOffsetMs(0, timeZone);
				zone = timeZone;
			} catch {
				zone = 'UTC';
			}
			// Two rounds settle the offset across a daylight-saving change.
			const first = asUtc - zoneOffsetMs(asUtc, zone);
			ms = asUtc - zoneOffsetMs(first, zone);
		} else if (/\d{4}-\d{2}-\d{2}/.test(text)) ms = Date.parse(text);
	}
	if (ms === undefined || !Number.isFinite(ms)) {
		throw inputError(
			node,
			label,
			`is ${describeValue(value)}; it must be a date and time such as 2026-12-04T10:00:00`,
			itemIndex,
		);
	}
	return ms;
}
