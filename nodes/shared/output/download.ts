import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IBinaryData, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { inspectDownload, SNIFF_BYTES } from '../model/audio';
import { attachTask, networkWords } from '../transport/errors';
import { DOWNLOAD_TIMEOUT_MS } from '../utils/constants';
import { sleepUnlessAborted } from '../utils/sleep';
import { cancelSignalOf } from '../transport/request';
import { parseRetryAfter, retryDelayMs, type Failure } from '../transport/retry';

/** The parts of a Node.js readable stream used here (the lint forbids importing `stream`). */
interface ByteStream {
	on(event: string, listener: (...args: unknown[]) => void): unknown;
	off(event: string, listener: (...args: unknown[]) => void): unknown;
	read(): unknown;
	unshift(chunk: Buffer): void;
	pause(): unknown;
	resume(): unknown;
	push(chunk: Buffer | null): boolean;
	destroy(error?: Error): unknown;
}

type ReadableClass = new (options: { read(): void }) => ByteStream;

interface StreamResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: ByteStream;
}

/**
 * Reads the first bytes of a stream to identify the file, then puts them back so the whole file
 * still streams into n8n's binary store. Uses paused mode (`readable` + `read()`). A file shorter
 * than that is returned whole as a Buffer.
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

/** Node's `Readable`, found through the response stream's prototypes (it cannot be imported). */
function readableClassOf(stream: object): ReadableClass | undefined {
	for (let proto = Object.getPrototypeOf(stream); proto; proto = Object.getPrototypeOf(proto)) {
		const ctor = (proto as { constructor?: { name?: string } }).constructor;
		if (ctor?.name === 'Readable') return ctor as unknown as ReadableClass;
	}
	return undefined;
}

class TooLarge extends Error {}
class TooSlow extends Error {}

/**
 * The download's bytes as a new stream that fails once more than `maxBytes` have passed, or when
 * `deadline` aborts, with backpressure kept (the source pauses while the store is behind). Counting
 * has to happen in between: a `data` listener on the source itself would start it flowing before
 * n8n's store attaches, and those bytes would be lost.
 */
function bounded(source: ByteStream, maxBytes: number, deadline: AbortSignal): ByteStream {
	const Readable = readableClassOf(source);
	if (!Readable) return source;
	let seen = 0;
	const out = new Readable({
		read() {
			source.resume();
		},
	});
	const fail = (error: Error) => {
		source.destroy();
		out.destroy(error);
	};
	source.on('data', (chunk: unknown) => {
		const buffer = chunk as Buffer;
		seen += buffer.length;
		if (seen > maxBytes) return fail(new TooLarge());
		if (!out.push(buffer)) source.pause();
	});
	source.on('end', () => out.push(null));
	source.on('error', (error: unknown) => out.destroy(error as Error));
	deadline.addEventListener('abort', () => fail(new TooSlow()), { once: true });
	return out;
}

export interface DownloadRequest {
	url: string;
	/** Used for the file name and in errors, so a lost download never loses the task. */
	taskId: string;
	itemIndex: number;
	/** Larger files are refused (the Max Audio Size option). */
	maxBytes: number;
}

const tooSlow = () => `not finished within ${DOWNLOAD_TIMEOUT_MS / 1000} s`;

function megabytes(bytes: number): string {
	return `${Math.round((bytes / 1048576) * 10) / 10} MB`;
}

const tooLarge = (maxBytes: number) => `more than Max Audio Size (${megabytes(maxBytes)})`;

/** The error every failed download ends in: the task id and the audio URL, both, always. */
function downloadError(
	context: IExecuteFunctions | IWebhookFunctions,
	{ url, taskId, itemIndex }: DownloadRequest,
	reason: string,
	httpCode?: number,
): NodeApiError {
	const error = new NodeApiError(
		context.getNode(),
		{ message: reason },
		{
			message: `Could not download the audio of task ${taskId} (${reason})`,
			description:
				`Task id: ${taskId}. Audio URL: ${url} . PiAPI's audio URLs are temporary: fetch the song from there ` +
				'while it is valid, or run Get Task with this id and Download Audio on.',
			httpCode: httpCode !== undefined ? String(httpCode) : undefined,
			itemIndex,
		},
	);
	return attachTask(error, taskId, 'completed');
}

/**
 * Downloads the song into n8n's binary data, streamed rather than held in memory where the binary
 * mode allows it. No credential is sent (audio lives on a CDN); redirects are followed, over
 * http(s) only. What arrives must be a song: an audio file recognised by its bytes, not its label,
 * of at least a plausible size and at most `maxBytes`, within a total deadline. Anything else is
 * an error naming the task id and the URL, never a "song" that cannot be played.
 */
export async function downloadAudio(
	this: IExecuteFunctions | IWebhookFunctions,
	request: DownloadRequest,
): Promise<IBinaryData> {
	const { url, taskId, itemIndex } = request;
	let parsed: URL | undefined;
	try {
		parsed = new URL(url);
	} catch {
		parsed = undefined;
	}
	if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
		throw attachTask(
			new NodeOperationError(
				this.getNode(),
				`Task ${taskId} gave an audio URL that is not http(s)`,
				{
					itemIndex,
					description: `Task id: ${taskId}. Only http(s) audio URLs are downloaded.`,
				},
			),
			taskId,
			'completed',
		);
	}
	const cancel = cancelSignalOf(this);
	// A total deadline, not only an idle timeout: a server trickling bytes would hold the item forever.
	const deadline = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
	const signal = cancel ? AbortSignal.any([cancel, deadline]) : deadline;
	for (let attempt = 1; ; attempt++) {
		let failure: Failure;
		let response: StreamResponse | undefined;
		try {
			response = (await this.helpers.httpRequest({
				method: 'GET',
				url,
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: DOWNLOAD_TIMEOUT_MS,
				abortSignal: signal,
			})) as StreamResponse;
		} catch (error) {
			failure = cancel?.aborted
				? { kind: 'aborted' }
				: deadline.aborted
					? { kind: 'timeout' }
					: { kind: 'network', code: String((error as { code?: unknown }).code ?? 'UNKNOWN') };
		}
		if (response && response.statusCode >= 200 && response.statusCode < 300) {
			// Not retried from here on: what the server sent is judged as it is.
			return await store.call(this, request, response, deadline);
		}
		if (response) {
			response.body.destroy();
			failure = {
				kind: 'http',
				status: response.statusCode,
				retryAfterMs: parseRetryAfter(response.headers['retry-after']),
			};
		}
		failure ??= { kind: 'network', code: 'UNKNOWN' };
		const delay = retryDelayMs(failure, attempt, true);
		if (delay === undefined || !(await sleepUnlessAborted(delay, signal))) {
			const reason =
				failure.kind === 'http'
					? `HTTP ${failure.status}`
					: failure.kind === 'network'
						? networkWords(failure.code)
						: cancel?.aborted
							? 'cancelled'
							: tooSlow();
			throw downloadError(
				this,
				request,
				reason,
				failure.kind === 'http' ? failure.status : undefined,
			);
		}
	}
}

/** Checks an answered download and streams it into the binary store (see `downloadAudio`). */
async function store(
	this: IExecuteFunctions | IWebhookFunctions,
	request: DownloadRequest,
	response: StreamResponse,
	deadline: AbortSignal,
): Promise<IBinaryData> {
	const { taskId, maxBytes } = request;
	const declared = Number(response.headers['content-length']);
	if (Number.isFinite(declared) && declared > maxBytes) {
		response.body.destroy();
		throw downloadError(this, request, `${megabytes(declared)}, ${tooLarge(maxBytes)}`);
	}
	const { head, rest } = await peek(response.body, SNIFF_BYTES);
	const total = Buffer.isBuffer(rest) ? rest.length : Math.max(head.length, declared || 0);
	const verdict = inspectDownload(head, total);
	if ('problem' in verdict) {
		if (!Buffer.isBuffer(rest)) rest.destroy();
		throw downloadError(this, request, verdict.problem);
	}
	if (Buffer.isBuffer(rest) && rest.length > maxBytes) {
		throw downloadError(this, request, tooLarge(maxBytes));
	}
	const body = Buffer.isBuffer(rest) ? rest : bounded(rest, maxBytes, deadline);
	try {
		return await this.helpers.prepareBinaryData(
			body as Buffer,
			`diffrhythm-${taskId}.${verdict.format.extension}`,
			verdict.format.mimeType,
		);
	} catch (error) {
		const reason =
			error instanceof TooLarge
				? tooLarge(maxBytes)
				: error instanceof TooSlow || deadline.aborted
					? tooSlow()
					: `the transfer broke off: ${(error as Error).message}`;
		throw downloadError(this, request, reason);
	}
}
