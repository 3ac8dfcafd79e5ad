import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { audioSeconds, sniffAudio } from '../../shared/model/audio';
import {
	CREDENTIAL_TYPE,
	DIFFRHYTHM_MODEL,
	REFERENCE_AUDIO_FORMATS,
	REFERENCE_AUDIO_MAX_BYTES,
} from '../../shared/utils/constants';
import { asNodeError, inputError } from '../../shared/transport/errors';
import { choiceOption, nameOption } from '../../shared/parameters/options';
import type { CreateTaskBody, PiApiTask, WebhookConfig } from '../../shared/model/piapi';
import { mapWithConcurrency } from '../../shared/utils/concurrency';
import { createTask } from '../../shared/transport/api';
import { isError, type Step } from '../../shared/model/step';
import type { LyricsTiming } from '../lyrics/timing';
import {
	DIFFRHYTHM_TASK_TYPES,
	FIELD_LABELS,
	firstIssue,
	generateInputSchema,
	LYRICS_FORMATS,
	prepareLyrics,
	REFERENCE_AUDIO_SOURCES,
	type FieldName,
} from '../validation';
import { createUnlessRepeated, type Repeats } from '../repeats';

/** DiffRhythm reads 10 s from the middle of the reference; a shorter file fails after payment. */
const REFERENCE_AUDIO_MIN_SECONDS = 10;

function sizeOf(bytes: number): string {
	return `${bytes.toLocaleString('en-US')} bytes`;
}

async function referenceAudioData(this: IExecuteFunctions, itemIndex: number): Promise<string> {
	const property = nameOption(
		this.getNode(),
		FIELD_LABELS.referenceAudioBinaryProperty,
		this.getNodeParameter('referenceAudioBinaryProperty', itemIndex, 'data'),
		'data',
		itemIndex,
	);
	const item = this.getInputData()[itemIndex];
	const meta = item?.binary?.[property];
	if (!meta) {
		throw inputError(
			this.getNode(),
			FIELD_LABELS.referenceAudio,
			`the input item has no binary field "${property}"`,
			itemIndex,
		);
	}
	const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, property);
	const name = meta.fileName ?? meta.mimeType;
	if (buffer.length > REFERENCE_AUDIO_MAX_BYTES) {
		throw inputError(
			this.getNode(),
			FIELD_LABELS.referenceAudio,
			`"${property}" (${name}) has ${sizeOf(buffer.length)}; PiAPI accepts at most ${sizeOf(REFERENCE_AUDIO_MAX_BYTES)} (10 MiB)`,
			itemIndex,
		);
	}
	const format = sniffAudio(buffer);
	if (!format || !(REFERENCE_AUDIO_FORMATS as readonly string[]).includes(format.extension)) {
		throw inputError(
			this.getNode(),
			FIELD_LABELS.referenceAudio,
			`"${property}" (${name}) is ${format ? format.extension : 'not a recognised audio file'}; DiffRhythm accepts only mp3, wav or flac`,
			itemIndex,
		);
	}
	// Judged by the file's own header, so a few bytes that merely start like audio cannot pass.
	const seconds = audioSeconds(buffer);
	if (seconds === undefined || seconds < REFERENCE_AUDIO_MIN_SECONDS) {
		throw inputError(
			this.getNode(),
			FIELD_LABELS.referenceAudio,
			seconds === undefined
				? `"${property}" (${name}) starts like ${format.extension} but its audio cannot be read (${sizeOf(buffer.length)}); it may be cut off or damaged`
				: `"${property}" (${name}) is ${seconds.toFixed(1)} s long; DiffRhythm needs at least ${REFERENCE_AUDIO_MIN_SECONDS} s of reference audio`,
			itemIndex,
		);
	}
	// PiAPI documents base64 for style_audio; a data URI also tells it the format.
	return `data:${format.mimeType};base64,${buffer.toString('base64')}`;
}

/** How the node timed each item's plain lyrics, by item index (the output's `lyricsTiming`). */
export type LyricsTimings = Map<number, LyricsTiming>;

/** An item's output JSON with its `lyricsTiming`, when the node timed its lyrics. */
export function withLyricsTiming(json: IDataObject, timing: LyricsTiming | undefined): IDataObject {
	return timing ? { ...json, lyricsTiming: timing } : json;
}

/**
 * Reads and checks one item's song fields and builds the create-task body. Everything that can
 * be wrong with the input is found here, before any paid call; errors name the field and line.
 * When the node times plain lyrics, how it did so goes into `timings`.
 */
export async function buildCreateTaskBody(
	this: IExecuteFunctions,
	itemIndex: number,
	webhook?: { endpoint: string; secret?: string },
	timings?: LyricsTimings,
): Promise<CreateTaskBody> {
	// The choice fields first, through the same checker as every option: an expression may give a
	// number, an object or nothing, and the error must name the field the user set.
	const choice = <T extends string>(name: FieldName, choices: readonly T[], fallback: T): T =>
		choiceOption(
			this.getNode(),
			FIELD_LABELS[name],
			this.getNodeParameter(name, itemIndex, fallback),
			choices,
			fallback,
			itemIndex,
		);
	const parsed = generateInputSchema.safeParse({
		taskType: choice('taskType', DIFFRHYTHM_TASK_TYPES, 'txt2audio-base'),
		lyrics: this.getNodeParameter('lyrics', itemIndex, ''),
		lyricsFormat: choice('lyricsFormat', LYRICS_FORMATS, 'lrc'),
		stylePrompt: this.getNodeParameter('stylePrompt', itemIndex, ''),
		referenceAudio: choice('referenceAudio', REFERENCE_AUDIO_SOURCES, 'none'),
		referenceAudioUrl: this.getNodeParameter('referenceAudioUrl', itemIndex, ''),
		callbackUrl: webhook?.endpoint ?? '',
	});
	if (!parsed.success) {
		const { field, message, more } = firstIssue(parsed.error);
		const suffix = more > 0 ? ` (and ${more} more problem${more > 1 ? 's' : ''})` : '';
		throw inputError(this.getNode(), FIELD_LABELS[field], `${message}${suffix}`, itemIndex);
	}
	const input = parsed.data;
	let styleAudio = '';
	if (input.referenceAudio === 'url') styleAudio = input.referenceAudioUrl;
	if (input.referenceAudio === 'binary')
		styleAudio = await referenceAudioData.call(this, itemIndex);

	const lyrics = prepareLyrics(input.lyrics, input.lyricsFormat, input.taskType);
	if (lyrics.timing) timings?.set(itemIndex, lyrics.timing);
	const body: CreateTaskBody = {
		model: DIFFRHYTHM_MODEL,
		task_type: input.taskType,
		input: {
			lyrics: lyrics.text,
			style_prompt: input.stylePrompt,
			style_audio: styleAudio,
		},
	};
	if (webhook) {
		const config: WebhookConfig = { endpoint: input.callbackUrl, secret: webhook.secret ?? '' };
		body.config = { webhook_config: config };
	}
	return body;
}

/** The credential's webhook secret, sent with callback URLs so the receiver can check it. */
export async function credentialWebhookSecret(this: IExecuteFunctions): Promise<string> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	return typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
}

/**
 * Builds every item's body first; with `failFast` (no Continue On Fail) the first bad item stops
 * the node before anything is paid for.
 */
export async function prepareAll(
	this: IExecuteFunctions,
	itemIndexes: number[],
	failFast: boolean,
	build: (this: IExecuteFunctions, itemIndex: number) => Promise<CreateTaskBody>,
): Promise<Array<Step<CreateTaskBody>>> {
	const steps: Array<Step<CreateTaskBody>> = [];
	for (const itemIndex of itemIndexes) {
		try {
			steps.push({ itemIndex, value: await build.call(this, itemIndex) });
		} catch (error) {
			const nodeError = asNodeError(this, error, itemIndex);
			if (failFast) throw nodeError;
			steps.push({ itemIndex, error: nodeError });
		}
	}
	return steps;
}

/**
 * Creates one task per prepared item, `concurrency` at a time; under a tool's repeat rule, an item
 * whose request was made lately gets that task instead. Never throws: once the first task is paid
 * for, every other item's task id must reach the output or the error.
 */
export async function createAll(
	this: IExecuteFunctions,
	prepared: Array<Step<CreateTaskBody>>,
	concurrency: number,
	repeats?: Repeats,
): Promise<Array<Step<PiApiTask>>> {
	return await mapWithConcurrency(prepared, concurrency, async (step): Promise<Step<PiApiTask>> => {
		if (isError(step)) return step;
		const { itemIndex } = step;
		try {
			const { task, repeatOf } = await createUnlessRepeated(
				repeats?.keys.get(itemIndex),
				async () => await createTask.call(this, step.value, itemIndex),
			);
			if (repeatOf === undefined) {
				this.logger.info(
					`DiffRhythm item ${itemIndex}: created task ${task.task_id} (${task.status})`,
				);
			} else {
				repeats?.repeatOf.set(itemIndex, repeatOf);
				this.logger.info(
					`DiffRhythm item ${itemIndex}: the same request as ${Math.round((Date.now() - repeatOf) / 1000)} s ago; answering with task ${task.task_id}, nothing created`,
				);
			}
			return { itemIndex, value: task };
		} catch (error) {
			return { itemIndex, error: asNodeError(this, error, itemIndex) };
		}
	});
}
