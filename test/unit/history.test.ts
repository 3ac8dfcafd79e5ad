import type { INode } from 'n8n-workflow';

import { accountJson } from '../../nodes/shared/model/account';
import {
	historyItemJson,
	historyTaskId,
	historyTime,
	isDiffRhythmModel,
	parseHistoryPage,
} from '../../nodes/shared/model/history';
import { choicesOption, dateOption, NOT_SET } from '../../nodes/shared/parameters/options';

const ID = '3c1e8a96-0b66-4d8b-91ed-2b7cfc914869';
const node = { name: 'DiffRhythm' } as INode;

describe('parseHistoryPage: where PiAPI puts the entries is not documented', () => {
	it.each([
		['a bare array', [{ task_id: ID }], undefined],
		['data.list with a total', { list: [{ task_id: ID }], page: 1, size: 10, total: 31 }, 31],
		['data.items', { items: [{ task_id: ID }] }, undefined],
		['data.histories with a total as text', { histories: [{ task_id: ID }], total: '7' }, 7],
		['the only list under another name', { page: 1, records_v2: [{ task_id: ID }] }, undefined],
	])('reads %s', (_, data, total) => {
		expect(parseHistoryPage(data)).toEqual({ entries: [{ task_id: ID }], total });
	});

	it('reads a page without a list but with a total as empty, and anything else as unreadable', () => {
		expect(parseHistoryPage({ total: 0, page: 3 })).toEqual({ entries: [], total: 0 });
		expect(parseHistoryPage({ a: [1], b: [2] })).toBeUndefined();
		expect(parseHistoryPage('nothing')).toBeUndefined();
		expect(parseHistoryPage({})).toBeUndefined();
	});

	it('drops entries that are not objects', () => {
		expect(parseHistoryPage([null, 3, { task_id: ID }])?.entries).toEqual([{ task_id: ID }]);
	});
});

describe('history entries', () => {
	it('take the task id from task_id, else detail.task_id, never the row id', () => {
		expect(historyTaskId({ task_id: ID, id: 9 })).toBe(ID);
		expect(historyTaskId({ id: 9, detail: { task_id: ID } })).toBe(ID);
		expect(historyTaskId({ id: ID })).toBeUndefined();
		expect(historyTaskId({ task_id: '../account/info' })).toBeUndefined();
	});

	it.each([
		['2026-12-04T10:00:00.123456789Z', '2026-12-04T10:00:00.123Z'],
		['2026-12-04T12:00:00+02:00', '2026-12-04T10:00:00.000Z'],
		[1764842400, '2025-12-04T10:00:00.000Z'],
		['1764842400', '2025-12-04T10:00:00.000Z'],
		[1764842400000, '2025-12-04T10:00:00.000Z'],
		['0001-01-01T00:00:00Z', null],
		['', null],
		[undefined, null],
		['soon', null],
	])('read the time %p as %p', (value, expected) => {
		expect(historyTime(value)).toBe(expected);
	});

	it('know DiffRhythm by any of its names', () => {
		for (const name of ['Qubico/diffrhythm', 'diffrhythm', 'diffrythm', 'DiffRhythm', 'diff-rhythm'])
			expect(isDiffRhythmModel(name)).toBe(true);
		for (const name of ['Qubico/ace-step', 'suno', 'flux']) expect(isDiffRhythmModel(name)).toBe(false);
	});

	it('become items with stable names, null where PiAPI said nothing, and the whole entry kept', () => {
		expect(historyItemJson({ task_id: ID, status: 'Completed', created_at: 1764842400 }, ID)).toEqual({
			task_id: ID,
			status: 'completed',
			piapiStatus: 'Completed',
			model: null,
			createdAt: '2025-12-04T10:00:00.000Z',
			usage: null,
			usageType: null,
			history: { task_id: ID, status: 'Completed', created_at: 1764842400 },
		});
	});
});

describe('accountJson', () => {
	it('names credits, balance and concurrency, and drops any key field at any depth', () => {
		const json = accountJson({
			id: 'acc',
			plan: 'creator',
			equivalent_in_usd: 12.34,
			credit_pack_info: { available_credits: 5, used_credits: 2, frozen_credits: 1, total_credits: 8 },
			max_concurrent_task_count: '10',
			api_key: 'sk-secret',
			wallet: { apiKey: 'sk-secret-2', llm_remain: 3 },
		});
		expect(json).toMatchObject({
			accountId: 'acc',
			balanceUsd: 12.34,
			creditsAvailable: 5,
			creditsUsed: 2,
			creditsFrozen: 1,
			creditsTotal: 8,
			maxConcurrentTasks: 10,
		});
		expect(JSON.stringify(json)).not.toContain('sk-secret');
		expect(json.account).toMatchObject({ wallet: { llm_remain: 3 } });
	});
});

describe('option checkers for the listing', () => {
	it('choicesOption takes a list of known values or one value, and refuses the rest', () => {
		expect(choicesOption(node, 'Status', ['a', 'b', 'a'], ['a', 'b'], 0)).toEqual(['a', 'b']);
		expect(choicesOption(node, 'Status', 'b', ['a', 'b'], 0)).toEqual(['b']);
		expect(choicesOption(node, 'Status', NOT_SET, ['a', 'b'], 0)).toEqual([]);
		expect(() => choicesOption(node, 'Status', undefined, ['a'], 2)).toThrow(
			'Status: is empty (the expression produced nothing); it must be a list of "a"',
		);
		expect(() => choicesOption(node, 'Status', ['c'], ['a'], 0)).toThrow('Status: is a list');
	});

	it('dateOption reads a picker value in the workflow time zone, and a zoned text, Date or Luxon value as it is', () => {
		expect(dateOption(node, 'From', '2026-07-01T12:00:00', 'Europe/Berlin', 0)).toBe(
			Date.parse('2026-07-01T10:00:00Z'),
		);
		expect(dateOption(node, 'From', '2026-01-01T12:00:00', 'Europe/Berlin', 0)).toBe(
			Date.parse('2026-01-01T11:00:00Z'),
		);
		expect(dateOption(node, 'From', '2026-01-01', 'America/New_York', 0)).toBe(
			Date.parse('2026-01-01T05:00:00Z'),
		);
		expect(dateOption(node, 'From', '2026-01-01T12:00:00', 'Not/AZone', 0)).toBe(
			Date.parse('2026-01-01T12:00:00Z'),
		);
		expect(dateOption(node, 'From', '2026-01-01T12:00:00+05:00', 'Europe/Berlin', 0)).toBe(
			Date.parse('2026-01-01T07:00:00Z'),
		);
		expect(dateOption(node, 'From', new Date(5000), 'UTC', 0)).toBe(5000);
		expect(dateOption(node, 'From', { toMillis: () => 7000 }, 'UTC', 0)).toBe(7000);
		for (const bad of [1764842400, '', 'yesterday', undefined, { toMillis: () => NaN }]) {
			expect(() => dateOption(node, 'From', bad, 'UTC', 1)).toThrow(/^From: is .*; it must be a date and time/);
		}
	});
});
