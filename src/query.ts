import { CATEGORIES, GroupBy, INITIATORS, POD_LIMIT, StreamKind } from '../pkg-proxy/src/contract';
import { LIST_FILTERS, takesPodFilters } from './params';
import { PodReasonsQuery, QueryType } from './types';

export const QUERY_TYPES: Array<{ value: QueryType; label: string; description: string }> = [
  { value: 'pods', label: 'Pods', description: 'One row per pod with its reason' },
  {
    value: 'counts',
    label: 'Reason counts',
    description: 'Pods per reason, category, namespace, initiator, workload or node pool',
  },
  { value: 'transitions', label: 'Transitions', description: 'Pods entering an abnormal reason in the time range' },
  { value: 'timeseries', label: 'Time series', description: 'Transitions per interval' },
];

/** What each grouping is called, in the editor's order; a workload group is `namespace/Kind/name`. */
export const GROUP_LABELS: Record<GroupBy, string> = {
  reason: 'Reason',
  category: 'Category',
  namespace: 'Namespace',
  initiator: 'Initiator',
  workload: 'Workload',
  nodepool: 'Node pool',
};

export const GROUP_BY = (Object.keys(GROUP_LABELS) as GroupBy[]).map((value) => ({
  value,
  label: GROUP_LABELS[value],
}));

/** Row limits of Pods and Transitions queries: the proxy's for /pods (it allows more transitions). */
export const DEFAULT_LIMIT = POD_LIMIT.default;
export const MAX_LIMIT = POD_LIMIT.max;

/** Only tables of pods and of transitions have a WebSocket stream (its `kind`). */
export function canStream(queryType: QueryType): queryType is StreamKind {
  return queryType === 'pods' || queryType === 'transitions';
}

const hasVariable = (value: string) => value.includes('$');

function unknown(values: string[] | undefined, vocabulary: readonly string[]): string | undefined {
  return values?.find((value) => !hasVariable(value) && !vocabulary.includes(value));
}

/** Why the proxy would refuse this query, or undefined when it is fine. */
export function queryProblem(query: PodReasonsQuery): string | undefined {
  if (query.queryType && !QUERY_TYPES.some((type) => type.value === query.queryType)) {
    return `Unknown query type "${query.queryType}".`;
  }
  if (query.groupBy && !GROUP_BY.some((group) => group.value === query.groupBy)) {
    return `Unknown grouping "${query.groupBy}".`;
  }
  if (query.limit !== undefined && !(Number.isInteger(query.limit) && query.limit >= 1 && query.limit <= MAX_LIMIT)) {
    return `Limit must be a whole number from 1 to ${MAX_LIMIT}.`;
  }
  const category = unknown(query.categories, CATEGORIES);
  if (category) {
    return `Unknown category "${category}".`;
  }
  const initiator = unknown(query.initiators, INITIATORS);
  if (initiator) {
    return `Unknown initiator "${initiator}".`;
  }
  return undefined;
}

/** A short line for query history and collapsed query rows. */
export function describeQuery(query: PodReasonsQuery): string {
  const queryType = query.queryType ?? 'pods';
  const parts = [QUERY_TYPES.find((type) => type.value === queryType)?.label ?? queryType];
  if (queryType === 'counts' || queryType === 'timeseries') {
    parts.push(`by ${query.groupBy ?? 'reason'}`);
  }
  for (const [field, name] of LIST_FILTERS) {
    const values = query[field];
    if (values?.length) {
      parts.push(`${name} ${values.join(', ')}`);
    }
  }
  if (takesPodFilters(queryType)) {
    if (query.labelSelector) {
      parts.push(`labels ${query.labelSelector}`);
    }
    if (query.abnormalOnly) {
      parts.push('abnormal only');
    }
    if (query.includeDeleted) {
      parts.push('with deleted');
    }
  }
  if (query.live && canStream(queryType)) {
    parts.push('live');
  }
  return parts.join(' · ');
}
