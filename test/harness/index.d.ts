import type {
	IBinaryData,
	IDataObject,
	INodeExecutionData,
	IRun,
	ExecutionStatus,
	ExecutionError,
} from 'n8n-workflow';

/** One log line the nodes wrote through n8n's logger. */
export interface LogLine {
	level: 'error' | 'warn' | 'info' | 'debug';
	message: string;
	meta?: unknown;
}

/** Every line logged since the harness was loaded (tests slice it). */
export const logs: LogLine[];

export interface WorkflowNode {
	name: string;
	type: string;
	parameters?: IDataObject;
	typeVersion?: number;
	credentials?: IDataObject;
	id?: string;
	position?: [number, number];
	[key: string]: unknown;
}

export interface TestWorkflow {
	id?: string;
	name?: string;
	nodes: WorkflowNode[];
	connections?: IDataObject;
}

export interface RunResult {
	/** The execution's id (also the id in its resume URL). */
	executionId: string;
	status: ExecutionStatus;
	run: IRun;
	error?: ExecutionError;
	waitTill?: Date | null;
	/** Items of the node's first output in its last run; undefined if it did not run. */
	output(nodeName: string): INodeExecutionData[] | undefined;
	/** The node's error in its last run, if it failed. */
	nodeError(nodeName: string): ExecutionError | undefined;
	/** The bytes of an item's binary field, wherever n8n stored them. */
	binaryBuffer(item: INodeExecutionData, key?: string): Promise<Buffer>;
}

export interface RunOptions {
	workflow: TestWorkflow;
	/** Plain credential data by credential type, e.g. `{ piApiApi: { apiKey, baseUrl } }`. */
	credentials?: Record<string, IDataObject>;
	/** Items the first node (Manual Trigger) starts with. */
	items?: INodeExecutionData[];
	binaryMode?: 'default' | 'filesystem';
	/** Receives a function that cancels the execution, as the editor's Stop button does. */
	onStart?: (cancel: () => void) => void;
	/** Run through a harness n8n server: its URLs are used and a waiting run can be resumed. */
	server?: N8nServer;
}

export function runWorkflow(options: RunOptions): Promise<RunResult>;

/** One execution started through a harness n8n server. */
export interface ServerExecution {
	id: string;
	mode: 'manual' | 'webhook';
	status: ExecutionStatus;
	workflowName: string;
	/** The latest run (a waiting one, then the finished one). */
	result?: RunResult;
	runs: RunResult[];
	/** Resolves with the finished run. */
	done: Promise<RunResult>;
}

/** A request the harness n8n server answered. */
export interface ServerRequest {
	method: string;
	path: string;
	at: number;
	/** HTTP status of the answer; null until answered. */
	status: number | null;
	/** When the answer was sent. */
	answeredAt?: number;
	/** The webhook started an execution. */
	started?: boolean;
	/** The request resumed a waiting execution. */
	resumed?: boolean;
	/** Message of an error thrown by the node's webhook(). */
	error?: string;
}

/**
 * A stand-in for a running n8n on loopback: production webhooks (`/webhook/...`) of activated
 * workflows, and resume URLs (`/webhook-waiting/<id>`) of waiting executions, wired to the engine.
 */
export interface N8nServer {
	readonly url: string;
	readonly requests: ServerRequest[];
	readonly executions: Map<string, ServerExecution>;
	/** Registers the workflow's production webhooks (as publishing does); gives their URLs. */
	activate(workflow: TestWorkflow): Promise<{ webhookUrl(nodeName: string): string | undefined }>;
	/** Starts a manual execution; resolves when it finishes or waits. */
	run(options: Pick<RunOptions, 'workflow' | 'items' | 'onStart'>): Promise<RunResult>;
	/** Resolves with the run of that execution once it has finished. */
	finished(executionId: string): Promise<RunResult>;
	/** What n8n does when Max Wait passes: the waiting node reruns disabled with its input. */
	timeout(executionId: string): Promise<RunResult>;
	waitFor<T>(condition: () => T, timeoutMs?: number): Promise<T>;
	close(): Promise<void>;
}

export interface N8nServerOptions {
	credentials?: Record<string, IDataObject>;
	binaryMode?: 'default' | 'filesystem';
	/** 2.x signs resume URLs (`?signature=`); false gives 1.x's plain URLs. Default true. */
	resumeTokens?: boolean;
	/** Larger request bodies get 413, as n8n's N8N_PAYLOAD_SIZE_MAX (16 MB). */
	payloadMaxBytes?: number;
}

export function startN8nServer(options?: N8nServerOptions): Promise<N8nServer>;

/** Manual Trigger → DiffRhythm (credential `piApiApi`) with these parameters. */
export function diffRhythmWorkflow(parameters: IDataObject, extra?: IDataObject): TestWorkflow;

export function resolveCredentialExpression(value: unknown, credentials: IDataObject): unknown;

export function loadPackage(): Promise<{
	nodeTypes: Record<string, { type: unknown }>;
	credentialTypes: Record<
		string,
		{ type: { test?: unknown; authenticate?: unknown; properties: unknown[] } }
	>;
}>;

export const PACKAGE_NAME: string;
export const PACKAGE_ROOT: string;

export type { IBinaryData };
