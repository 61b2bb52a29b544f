import { TimeRange } from '@grafana/data';

import { FilterParam, PodFilterParam } from '../pkg-proxy/src/contract';
import { PodReasonsQuery, QueryType } from './types';

/** List fields of a query and the proxy parameter each becomes (repeated once per value). */
export const LIST_FILTERS = [
  ['namespaces', 'namespace'],
  ['reasons', 'reason'],
  ['categories', 'category'],
  ['initiators', 'initiator'],
  ['nodes', 'node'],
  ['pods', 'pod'],
  ['workloads', 'workload'],
  ['nodepools', 'nodepool'],
] as const satisfies ReadonlyArray<readonly [keyof PodReasonsQuery, FilterParam]>;
export type ListField = (typeof LIST_FILTERS)[number][0];

/** `labelSelector`, `abnormal` and `deleted` filter current pods, so only /pods and /summary take them. */
export function takesPodFilters(queryType: QueryType): boolean {
  return queryType === 'pods' || queryType === 'counts';
}

/** The filter parameters of docs/http-api.md, for the query's own type. */
export function filterParams(query: PodReasonsQuery): URLSearchParams {
  const params = new URLSearchParams();
  const set = (name: PodFilterParam, value: string) => params.set(name, value);
  for (const [field, name] of LIST_FILTERS) {
    for (const value of query[field] ?? []) {
      params.append(name, value);
    }
  }
  if (takesPodFilters(query.queryType ?? 'pods')) {
    if (query.labelSelector?.trim()) {
      set('labelSelector', query.labelSelector.trim());
    }
    if (query.abnormalOnly) {
      set('abnormal', 'true');
    }
    if (query.includeDeleted) {
      set('deleted', 'true');
    }
  }
  return params;
}

/** Milliseconds since the epoch, which the proxy takes as they are. */
export function setRange(params: URLSearchParams, range: TimeRange): URLSearchParams {
  params.set('from', String(range.from.valueOf()));
  params.set('to', String(range.to.valueOf()));
  return params;
}
