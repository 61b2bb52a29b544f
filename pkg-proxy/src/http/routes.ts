// The JSON endpoints under /api/v1 (docs/http-api.md): each validates its parameters, then
// projects the store.
import {
  FILTER_PARAMS,
  GROUP_BY,
  POD_FILTER_PARAMS,
  POD_LIMIT,
  POD_SORT_FIELDS,
  SERIES_MAX_POINTS,
  TRANSITION_LIMIT,
  VALUE_KINDS,
  type CountItem,
  type GroupBy,
  type PodItem,
  type PodsResponse,
  type SeriesResponse,
  type SummaryResponse,
  type TransitionItem,
  type TransitionsResponse,
  type ValueKind,
  type ValuesResponse,
  compareNamespaceAndName,
  compareText,
  workloadKey,
} from '../contract/index.ts';
import type { Filterable } from '../store/filters.ts';
import { firstInOrder } from './first-in-order.ts';
import type { PodStore, PodView, Transition, ValueOf } from '../store/store.ts';
import {
  ParamError,
  duration,
  int,
  list,
  oneOf,
  parseFilter,
  rejectUnknown,
  sortOrder,
  time,
  type Query,
} from './params.ts';

const HOUR = 3_600_000;
/** Series × points in one /series answer: bounds its size (about 2 bytes a value) and its memory. */
const MAX_VALUES = 500_000;
const MAX_STEP_MS = 366 * 86_400_000;
/** A workload's {@link workloadKey}; '' for history from before workloads were recorded. */
const workloadOf = (item: Filterable) => (item.workloadKind ? workloadKey(item) : '');

/** What each /values kind lists (empty values are left out). */
const VALUE_OF: Record<ValueKind, ValueOf> = {
  namespaces: (item) => item.namespace,
  nodes: (item) => item.node,
  reasons: (item) => item.reason,
  initiators: (item) => item.initiator,
  pods: (_, name) => name,
  workloads: workloadOf,
  nodepools: (item) => item.nodepool,
};

/** What /summary counts by and /series groups by; items with an empty value are in no group. */
const GROUP_OF = {
  reason: (item) => item.reason,
  namespace: (item) => item.namespace,
  initiator: (item) => item.initiator,
  category: (item) => item.category,
  workload: workloadOf,
  nodepool: (item) => item.nodepool,
} satisfies Record<GroupBy, (item: Filterable) => string>;

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function podItem(v: PodView): PodItem {
  return { ...v.answer, deleted: v.deleted, deletedAt: iso(v.deletedAt) };
}

export function transitionItem(t: Transition): TransitionItem {
  return { ...t, time: new Date(t.time).toISOString() };
}

function compareBy(field: (typeof POD_SORT_FIELDS)[number], descending: boolean) {
  const dir = descending ? -1 : 1;
  return (a: PodView, b: PodView) => {
    const x = a.answer[field] ?? '';
    const y = b.answer[field] ?? '';
    return x < y ? -dir : x > y ? dir : 0;
  };
}

export function pods(store: PodStore, q: Query): PodsResponse {
  rejectUnknown(q, [...POD_FILTER_PARAMS, 'limit', 'sort']);
  const filter = parseFilter(q, true);
  const limit = int(q, 'limit', 1, POD_LIMIT.max, POD_LIMIT.default);
  const order = sortOrder(q, POD_SORT_FIELDS);
  const matched = [...store.matchingPods(filter)];
  const byNamespaceThenName = (a: PodView, b: PodView) => compareNamespaceAndName(a.answer, b.answer);
  const primary = order ? compareBy(order.field, order.descending) : undefined;
  const page = firstInOrder(
    matched,
    limit,
    primary ? (a, b) => primary(a, b) || byNamespaceThenName(a, b) : byNamespaceThenName
  );
  return { items: page.map(podItem), total: matched.length };
}

export function transitions(store: PodStore, q: Query, now: number): TransitionsResponse {
  rejectUnknown(q, [...FILTER_PARAMS, 'from', 'to', 'limit']);
  const filter = parseFilter(q, false);
  const to = time(q, 'to', now);
  if ((q.from === undefined || q.from === '') && to < HOUR) {
    // The default `from` (an hour before `to`) would lie before the epoch.
    throw new ParamError('to', `to is within an hour of the epoch (${to} ms): give from as well`);
  }
  const from = time(q, 'from', to - HOUR);
  if (from > to) {
    throw new ParamError('from', 'from must not be after to');
  }
  const limit = int(q, 'limit', 1, TRANSITION_LIMIT.max, TRANSITION_LIMIT.default);
  return { items: store.transitions(filter, from, to, limit).map(transitionItem) };
}

/** Counts per value of each group, in one pass over the pods; pods with an empty value are in no group. */
function countByGroup(views: Iterable<PodView>): { total: number; counts: Record<GroupBy, CountItem[]> } {
  const maps = GROUP_BY.map((by) => [GROUP_OF[by], new Map<string, number>()] as const);
  let total = 0;
  for (const { answer } of views) {
    total++;
    for (const [groupOf, counts] of maps) {
      const value = groupOf(answer);
      if (value) {
        counts.set(value, (counts.get(value) ?? 0) + 1);
      }
    }
  }
  const sorted = (counts: Map<string, number>) =>
    [...counts]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || compareText(a.value, b.value));
  return {
    total,
    counts: Object.fromEntries(GROUP_BY.map((by, i) => [by, sorted(maps[i][1])])) as Record<GroupBy, CountItem[]>,
  };
}

export function summary(store: PodStore, q: Query): SummaryResponse {
  rejectUnknown(q, POD_FILTER_PARAMS);
  const { total, counts } = countByGroup(store.matchingPods(parseFilter(q, true)));
  return {
    total,
    byReason: counts.reason,
    byCategory: counts.category,
    byNamespace: counts.namespace,
    byInitiator: counts.initiator,
    byWorkload: counts.workload,
    byNodepool: counts.nodepool,
  };
}

export function series(store: PodStore, q: Query): SeriesResponse {
  rejectUnknown(q, [...FILTER_PARAMS, 'from', 'to', 'step', 'groupBy']);
  const filter = parseFilter(q, false);
  const from = time(q, 'from');
  const to = time(q, 'to');
  if (from >= to) {
    throw new ParamError('from', 'from must be before to');
  }
  const step = duration(q, 'step', MAX_STEP_MS);
  const points = Math.ceil((to - from) / step);
  if (points > SERIES_MAX_POINTS) {
    throw new ParamError(
      'step',
      `step ${step}ms gives ${points} points; at most ${SERIES_MAX_POINTS} (use a larger step)`
    );
  }
  const groupBy = oneOf(q, 'groupBy', GROUP_BY, 'reason');
  const start = Math.floor(from / step) * step;
  const buckets = Math.ceil((to - start) / step);
  const times = Array.from({ length: buckets }, (_, i) => start + i * step);
  const groups = new Map<string, number[]>();
  const groupOf = GROUP_OF[groupBy];
  for (const t of store.transitionsBetween(filter, start, to)) {
    const group = groupOf(t);
    if (!group) {
      continue;
    }
    let values = groups.get(group);
    if (!values) {
      if ((groups.size + 1) * buckets > MAX_VALUES) {
        throw new ParamError(
          'step',
          `more than ${groups.size} ${groupBy} series of ${buckets} points; at most ${MAX_VALUES} values (use a larger step, a shorter range or a filter)`
        );
      }
      groups.set(group, (values = new Array<number>(buckets).fill(0)));
    }
    values[Math.floor((t.time - start) / step)]++;
  }
  return {
    step,
    times,
    series: [...groups].sort(([a], [b]) => compareText(a, b)).map(([group, values]) => ({ group, values })),
  };
}

export function values(store: PodStore, kind: string, q: Query): ValuesResponse {
  if (!Object.hasOwn(VALUE_OF, kind)) {
    throw new ParamError('kind', `unknown value kind "${kind}" (one of: ${VALUE_KINDS.join(', ')})`);
  }
  // Pods and workloads are per namespace: a template variable may chain on a namespace one.
  rejectUnknown(q, kind === 'pods' || kind === 'workloads' ? ['namespace'] : []);
  const namespaces = list(q, 'namespace');
  return {
    values: store.values(VALUE_OF[kind as ValueKind], namespaces.length ? new Set(namespaces) : undefined),
  };
}
