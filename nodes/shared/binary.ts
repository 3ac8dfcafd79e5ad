import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IBinaryData, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { detectAudioFormat, SNIFF_BYTES } from './audio';
import { attachTask, networkWords } from './errors';
import { DOWNLOAD_TIMEOUT_MS } from './constants';
import { sleepUnlessAborted } from './sleep';
import { cancelSignalOf } from './transport';
import { parseRetryAfter, retryDelayMs, type Failure } from './transport/retry';

/** The parts of a Node.js readable stream used here (the lint forbids importing `stream`). */
interface ByteStream {
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	off(event: string, listener: (...args: unknown[]) => void): unknown;
	read(): unknown;
	unshift(chunk: Buffer): void;
	destroy(error?: Error): unknown;
}

interface StreamResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: ByteStream;
}

/**
 * Reads the first bytes of a stream to identify the file, then puts them back so the whole file
 * still streams into n8n's binary store. Uses paused mode (`readable` + `read()`): once the
 * listener is removed the stream is neither flowing nor explicitly paused, so whatever n8n
 * attaches next (pipe or `data`) starts it. A file shorter than that is returned whole as a Buffer.
 */
async function peek(
	stream: ByteStream,
	bytes: number,
): Promise<{ head: Buffer; rest: ByteStream | Buffer }> {
	return await new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let length = 0;
		const cleanup = () => {
			stream.off('readable', onReadable);
			stream.off('end', onEnd);
			stream.off('error', onError);
		};
		const onReadable = () => {
			let chunk: unknown;
			while (length < bytes && (chunk = stream.read()) !== null) {
				const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
				chunks.push(buffer);
				length += buffer.length;
			}
			if (length >= bytes) {
				cleanup();
				const head = Buffer.concat(chunks);
				stream.unshift(head);
				resolve({ head, rest: stream });
			}
		};
		const onEnd = () => {
			cleanup();
			const whole = Buffer.concat(chunks);
			resolve({ head: whole, rest: whole });
		};
		const onError = (error: unknown) => {
			cleanup();
			reject(error);
		};
		stream.on('readable', onReadable);
		stream.on('end', onEnd);
		stream.on('error', onError);
	});
}

export interface DownloadRequest {
	url: string;
	/** Used for the file name and in errors, so a lost download never loses the task. */
	taskId: string;
	itemIndex: number;
}

/**
 * Downloads the song into n8n's binary data, streamed rather than held in memory where the binary
 * mode allows it. No credential is sent (audio lives on a CDN). Only http(s) URLs are fetched.
 */
export async function downloadAudio(
	this: IExecuteFunctions | IWebhookFunctions,
	{ url, taskId, itemIndex }: DownloadRequest,
): Promise<IBinaryData> {
	let parsed: URL | undefined;
	try {
		parsed = new URL(url);
	} catch {
		parsed = undefined;
	}
	if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
		throw new NodeOperationError(
			this.getNode(),
			`Task ${taskId} gave an audio URL that is not http(s)`,
			{
				itemIndex,
				description: `Task id: ${taskId}. Only http(s) audio URLs are downloaded.`,
			},
		);
	}
	const signal = cancelSignalOf(this);
	for (let attempt = 1; ; attempt++) {
		let failure: Failure;
		try {
			const response = (await this.helpers.httpRequest({
				method: 'GET',
				url,
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: DOWNLOAD_TIMEOUT_MS,
				abortSignal: signal,
			})) as StreamResponse;
			if (response.statusCode >= 200 && response.statusCode < 300) {
				const { head, rest } = await peek(response.body, SNIFF_BYTES);
				const format = detectAudioFormat({
					bytes: head,
					contentType: response.headers['content-type'],
					url,
				}) ?? { mimeType: 'application/octet-stream', extension: 'bin' };
				return await this.helpers.prepareBinaryData(
					rest as Buffer,
					`diffrhythm-${taskId}.${format.extension}`,
					format.mimeType,
				);
			}
			response.body.destroy();
			failure = {
				kind: 'http',
				status: response.statusCode,
				retryAfterMs: parseRetryAfter(response.headers['retry-after']),
			};
		} catch (error) {
			if (signal?.aborted) failure = { kind: 'aborted' };
			else
				failure = {
					kind: 'network',
					code: String((error as { code?: unknown }).code ?? 'UNKNOWN'),
				};
		}
		const delay = retryDelayMs(failure, attempt, true);
		if (delay === undefined || !(await sleepUnlessAborted(delay, signal))) {
			const reason =
				failure.kind === 'http'
					? `HTTP ${failure.status}`
					: failure.kind === 'network'
						? networkWords(failure.code)
						: 'cancelled';
			const error = new NodeApiError(
				this.getNode(),
				{ message: reason },
				{
					message: `Could not download the audio of task ${taskId} (${reason})`,
					description:
						`Task id: ${taskId}. PiAPI's audio URLs are temporary; if this one expired, the song cannot be ` +
						'downloaded again. Otherwise run Get Task with this id and Download Audio on.',
					httpCode: failure.kind === 'http' ? String(failure.status) : undefined,
					itemIndex,
				},
			);
			throw attachTask(error, taskId, 'completed');
		}
	}
}
