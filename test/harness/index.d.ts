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
}

export function runWorkflow(options: RunOptions): Promise<RunResult>;

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
