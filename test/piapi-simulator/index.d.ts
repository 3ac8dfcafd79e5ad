/** Per-task behaviour of the simulator; every field optional in overrides. */
export interface TaskBehaviour {
	outcome: 'completed' | 'failed' | 'stuck';
	pendingMs: number;
	renderMs: number;
	/** Length of the WAV; default: the task type's length (95 s or 285 s). */
	audioSeconds?: number;
	statusCase: 'lower' | 'upper' | 'title';
	/** Where the audio URL sits in `output`: `audio_url`, `url`, or nested in `result.files[0].href`. */
	audioField: 'audio_url' | 'url' | 'nested';
	audioContentType: string;
	/** Extension of the audio URL's path, e.g. `.wav`; `''` for none. */
	audioPathExtension: string;
	/** Whether a `processing` webhook is sent before the final one. */
	webhookIntermediate: boolean;
	/** How many times the final webhook is delivered. */
	webhookRepeat: number;
}

export interface SimulatorOptions {
	apiKey?: string;
	host?: string;
	port?: number;
	pendingMs?: number;
	renderMs?: number;
	/** Tasks pending/processing at once; the rest are `staged`. */
	concurrency?: number;
	audioSeconds?: number;
	sampleRate?: number;
	channels?: number;
	/** Tasks the account can pay for; then POST answers 402. */
	credits?: number;
	behaviour?: (input: Record<string, unknown>, index: number) => Partial<TaskBehaviour>;
}

export type FaultKind =
	| 'status'
	| 'statusAfterCreate'
	| 'dropAfterCreate'
	| 'drop'
	| 'delay'
	| 'malformed';

export interface Fault {
	method?: 'GET' | 'POST';
	/** Exact path, or a pattern, without the query. */
	path?: string | RegExp;
	/** How many matching requests it applies to (default 1). */
	times?: number;
	kind: FaultKind;
	status?: number;
	/** Seconds, sent as `Retry-After`. */
	retryAfter?: number;
	delayMs?: number;
	body?: unknown;
}

export interface LoggedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
	/** HTTP status answered, or null when the connection was dropped. */
	status: number | null;
	fault: FaultKind | null;
	/** Date.now() when it arrived. */
	at: number;
	/** Date.now() when the answer started (or the connection was dropped); null before. */
	doneAt: number | null;
}

export interface Delivery {
	taskId: string;
	status: string;
	url: string;
	at: number;
	attempt: number;
	statusCode?: number | null;
	error?: string | null;
}

export interface SimulatedTask {
	id: string;
	index: number;
	createdAt: number;
	behaviour: TaskBehaviour;
}

export interface Simulator {
	url: string;
	port: number;
	requests: LoggedRequest[];
	deliveries: Delivery[];
	tasks: Map<string, SimulatedTask>;
	count(method: string, pathPrefix?: string): number;
	posts(): LoggedRequest[];
	/** The most requests matching `filter` that were being answered at the same moment. */
	maxInFlight(filter?: (request: LoggedRequest) => boolean): number;
	/** The task as GET returns it. */
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	getTask(id: string): any;
	addFault(fault: Fault): void;
	clearFaults(): void;
	setBehaviour(fn: SimulatorOptions['behaviour']): void;
	/** Sends one webhook delivery by hand (forged, repeated, to another URL). */
	deliver(
		taskId: string,
		overrides?: { status?: string; secret?: string; body?: unknown; url?: string },
	): Promise<{ statusCode?: number; body?: string; error?: string; refused?: boolean } | undefined>;
	reset(): void;
	close(): Promise<void>;
}

export function startSimulator(options?: SimulatorOptions): Promise<Simulator>;

export interface WavInfo {
	audioFormat: number;
	channels: number;
	sampleRate: number;
	bitsPerSample: number;
	dataBytes: number;
	durationSeconds: number;
}

/** Reads a PCM WAV's format and length; throws on anything else. */
export function parseWav(buffer: Buffer): WavInfo;

export function wavHeader(format: {
	sampleRate: number;
	channels: number;
	bitsPerSample?: number;
	dataBytes: number;
}): Buffer;
export function songChunks(options: {
	seconds: number;
	sampleRate?: number;
	channels?: number;
	seed?: string;
}): Generator<Buffer>;
export function dataBytesFor(seconds: number, sampleRate: number, channels: number): number;
export const TASK_SECONDS: Record<string, number>;
