import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IBinaryData, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { inspectDownload, SNIFF_BYTES } from '../model/audio';
import { checkSong, SongCheck, type SongVerdict } from '../model/songCheck';
import { attachTask, networkWords } from '../transport/errors';
import {
	DOWNLOAD_TIMEOUT_MS,
	MAX_DOWNLOAD_REDIRECTS,
	WEBHOOK_DOWNLOADS_TIMEOUT_MS,
} from '../utils/constants';
import { processMemory } from '../utils/memory';
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
/** The bytes are not a song; the message says why. */
class NotSong extends Error {}

/**
 * The download's bytes as a new stream that fails once more than `maxBytes` have passed, when
 * `deadline` aborts, or when `check` finds the bytes are not a song (at once, or at the end: a
 * file cut short, or fewer or more bytes than the announced `declared`), with backpressure kept
 * (the source pauses while the store is behind). Counting has to happen in between: a `data`
 * listener on the source itself would start it flowing before n8n's store attaches, and those
 * bytes would be lost.
 */
function bounded(
	source: ByteStream,
	Readable: ReadableClass,
	limits: { maxBytes: number; deadline: AbortSignal; declared?: number },
): ByteStream {
	const check = new SongCheck();
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
	// Nothing flows until the store reads (`read()` resumes the source): a verdict reached before
	// n8n has attached to `out` would be an 'error' event nobody listens to, which ends the process.
	// The no-op listener is the last guard for that; the store still sees `out` fail.
	source.pause();
	out.on('error', () => {});
	source.on('data', (chunk: unknown) => {
		const buffer = chunk as Buffer;
		seen += buffer.length;
		if (seen > limits.maxBytes) return fail(new TooLarge());
		check.push(buffer);
		if (check.failed) return fail(new NotSong(check.failed));
		if (!out.push(buffer)) source.pause();
	});
	source.on('end', () => {
		const problem = lengthProblem(limits.declared, seen) ?? problemOf(check.finish());
		if (problem) return fail(new NotSong(problem));
		out.push(null);
	});
	source.on('error', (error: unknown) => out.destroy(error as Error));
	limits.deadline.addEventListener('abort', () => fail(new TooSlow()), { once: true });
	return out;
}

function problemOf(verdict: SongVerdict): string | undefined {
	return 'problem' in verdict ? verdict.problem : undefined;
}

/** A body that is not as long as its Content-Length said was cut short (or padded). */
function lengthProblem(declared: number | undefined, received: number): string | undefined {
	if (declared === undefined || declared === received) return undefined;
	return `the server announced ${declared} bytes and sent ${received}`;
}

/** The whole stream as one Buffer (only where Node's `Readable` cannot be found to stream it). */
async function collect(stream: ByteStream, maxBytes: number): Promise<Buffer> {
	return await new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let length = 0;
		stream.on('data', (chunk: unknown) => {
			length += (chunk as Buffer).length;
			if (length > maxBytes) {
				stream.destroy();
				reject(new TooLarge());
			}
			chunks.push(chunk as Buffer);
		});
		stream.on('end', () => resolve(Buffer.concat(chunks)));
		stream.on('error', reject);
	});
}

export interface DownloadRequest {
	url: string;
	/** Used for the file name and in errors, so a lost download never loses the task. */
	taskId: string;
	itemIndex: number;
	/** Larger files are refused (the Max Audio Size option). */
	maxBytes: number;
}

const tooSlow = (ms: number) => `not finished within ${ms / 1000} s`;

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
 * The time a download may take, in total. In an execution: `DOWNLOAD_TIMEOUT_MS` for each song,
 * or less if the execution is cancelled. A webhook (the trigger, a resumed Generate and Wait) has
 * no cancel signal, so all the downloads of one call share `WEBHOOK_DOWNLOADS_TIMEOUT_MS`, kept
 * here with the call's context (a weak key: it is gone with the call).
 */
const webhookDeadlines = processMemory('download.webhookDeadlines', {
	calls: new WeakMap<object, { signal: AbortSignal; ms: number }>(),
	clear() {
		this.calls = new WeakMap();
	},
});

function deadlineOf(context: IExecuteFunctions | IWebhookFunctions): {
	signal: AbortSignal;
	cancel?: AbortSignal;
	ms: number;
} {
	const cancel = cancelSignalOf(context);
	const own = { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), ms: DOWNLOAD_TIMEOUT_MS };
	if (cancel) return { signal: AbortSignal.any([cancel, own.signal]), cancel, ms: own.ms };
	let call = webhookDeadlines.calls.get(context);
	if (!call) {
		call = {
			signal: AbortSignal.timeout(WEBHOOK_DOWNLOADS_TIMEOUT_MS),
			ms: WEBHOOK_DOWNLOADS_TIMEOUT_MS,
		};
		webhookDeadlines.calls.set(context, call);
	}
	return call.ms < own.ms
		? { signal: AbortSignal.any([call.signal, own.signal]), ms: call.ms }
		: { signal: own.signal, ms: own.ms };
}

function isHttp(url: URL): boolean {
	return url.protocol === 'http:' || url.protocol === 'https:';
}

/** Why a redirect cannot be followed, if it cannot: no target, another scheme, too many hops. */
function redirectProblem(location: unknown, from: string, hops: number): string | URL {
	if (hops >= MAX_DOWNLOAD_REDIRECTS) {
		return `more than ${MAX_DOWNLOAD_REDIRECTS} redirects, not followed further`;
	}
	let target: URL | undefined;
	try {
		target = typeof location === 'string' && location !== '' ? new URL(location, from) : undefined;
	} catch {
		target = undefined;
	}
	if (!target) return 'a redirect without a valid Location';
	if (!isHttp(target)) {
		return `a redirect to a ${target.protocol} address, which is never downloaded (only http and https are)`;
	}
	return target;
}

/**
 * Downloads the song into n8n's binary data, streamed rather than held in memory where the binary
 * mode allows it. No credential is sent (audio lives on a CDN); redirects are followed hop by hop,
 * to http(s) only and at most `MAX_DOWNLOAD_REDIRECTS` of them (a hopeless one fails at once, it is
 * not retried). What arrives must be a whole song (`songCheck.ts`): an audio file recognised and
 * walked by its bytes, not its label, as long as its Content-Length said, playing a plausible
 * time, at most `maxBytes`, within a total deadline. Anything else is an error naming the task id
 * and the URL, never a "song" that cannot be played.
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
	if (!parsed || !isHttp(parsed)) {
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
	// A total deadline, not only an idle timeout: a server trickling bytes would hold the item forever.
	const { signal, cancel, ms } = deadlineOf(this);
	for (let attempt = 1; ; attempt++) {
		let failure: Failure | undefined;
		let response: StreamResponse | undefined;
		// Each attempt starts at the task's URL and follows its redirects itself, so that every
		// hop is checked before it is requested.
		let at = url;
		for (let hops = 0; ; hops++) {
			try {
				response = (await this.helpers.httpRequest({
					method: 'GET',
					url: at,
					encoding: 'stream',
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					disableFollowRedirect: true,
					// The bytes are judged as sent, and their count against Content-Length.
					headers: { 'accept-encoding': 'identity' },
					timeout: ms,
					abortSignal: signal,
				})) as StreamResponse;
			} catch (error) {
				response = undefined;
				failure = cancel?.aborted
					? { kind: 'aborted' }
					: signal.aborted
						? { kind: 'timeout' }
						: { kind: 'network', code: String((error as { code?: unknown }).code ?? 'UNKNOWN') };
			}
			if (!response || response.statusCode < 300 || response.statusCode > 399) break;
			response.body.destroy();
			const next = redirectProblem(response.headers.location, at, hops);
			if (typeof next === 'string') throw downloadError(this, request, next, response.statusCode);
			at = next.href;
		}
		if (response && response.statusCode >= 200 && response.statusCode < 300) {
			// Not retried from here on: what the server sent is judged as it is.
			return await store.call(this, request, response, signal, ms);
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
							: tooSlow(ms);
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
	deadlineMs: number,
): Promise<IBinaryData> {
	const { taskId, maxBytes } = request;
	const header = Number(response.headers['content-length']);
	const declared =
		response.headers['content-length'] !== undefined && Number.isFinite(header)
			? header
			: undefined;
	if (declared !== undefined && declared > maxBytes) {
		response.body.destroy();
		throw downloadError(this, request, `${megabytes(declared)}, ${tooLarge(maxBytes)}`);
	}
	try {
		const { head, rest } = await peek(response.body, SNIFF_BYTES);
		// The first bytes say at once what most non-songs are (a page, JSON, a stub).
		const verdict = inspectDownload(
			head,
			Buffer.isBuffer(rest) ? rest.length : Math.max(head.length, declared ?? 0),
		);
		if ('problem' in verdict) {
			if (!Buffer.isBuffer(rest)) rest.destroy();
			throw new NotSong(verdict.problem);
		}
		const Readable = Buffer.isBuffer(rest) ? undefined : readableClassOf(rest);
		let body: Buffer | ByteStream;
		if (Buffer.isBuffer(rest) || !Readable) {
			const whole = Buffer.isBuffer(rest) ? rest : await collect(rest, maxBytes);
			if (whole.length > maxBytes) throw new TooLarge();
			const problem = lengthProblem(declared, whole.length) ?? problemOf(checkSong(whole));
			if (problem) throw new NotSong(problem);
			body = whole;
		} else {
			body = bounded(rest, Readable, { maxBytes, deadline, declared });
		}
		return await this.helpers.prepareBinaryData(
			body as Buffer,
			`diffrhythm-${taskId}.${verdict.format.extension}`,
			verdict.format.mimeType,
		);
	} catch (error) {
		const reason =
			error instanceof NotSong
				? error.message
				: error instanceof TooLarge
					? tooLarge(maxBytes)
					: error instanceof TooSlow || deadline.aborted
						? tooSlow(deadlineMs)
						: `the transfer broke off: ${(error as Error).message}`;
		throw downloadError(this, request, reason);
	}
}
