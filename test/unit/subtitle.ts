import type { INodeParameters, INodeType } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

/** A node's subtitle as the editor shows it: evaluated by n8n's expression engine. */
export function subtitleOf(nodeType: INodeType, parameters: INodeParameters): unknown {
	const node = {
		id: '1',
		name: nodeType.description.displayName,
		type: `n8n-nodes-piapi-diffrhythm.${nodeType.description.name}`,
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters,
	};
	const nodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return workflow.expression.getSimpleParameterValue(
		node,
		String(nodeType.description.subtitle),
		'internal',
		{},
	);
}
