// Canned answers of a Pod Reasons proxy for the browser test: a small cluster, filtered like the
// real proxy filters (docs/http-api.md), and a 400 for parameters it would refuse.
import { pod, status, transition } from '../../src/testing/samples.ts';
import { CATEGORIES } from '../../pkg-proxy/src/contract/index.ts';

const HOUR = 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

export const pods = [
  pod(),
  pod({
    name: 'db-0',
    uid: 'u-db-0',
    phase: 'Running',
    reason: 'OOMKilled',
    category: 'container',
    source: 'container.lastTerminated',
    initiator: 'container',
    detail: 'container db, exit code 137',
    message: 'OOMKilled',
    kubectlStatus: 'CrashLoopBackOff',
    node: 'ip-10-0-1-3',
  }),
  pod({
    name: 'web-2',
    uid: 'u-web-2',
    phase: 'Running',
    reason: 'EvictionByEvictionAPI',
    category: 'eviction',
    source: 'condition:DisruptionTarget',
    initiator: 'karpenter',
    detail: 'Underutilized',
    message: 'Eviction API: evicting',
    kubectlStatus: 'Terminating',
  }),
  pod({
    namespace: 'default',
    name: 'batch-7',
    uid: 'u-batch-7',
    phase: 'Pending',
    reason: 'Unschedulable',
    category: 'scheduling',
    source: 'condition:PodScheduled',
    initiator: 'scheduler',
    detail: '',
    message: '0/3 nodes are available: 3 Insufficient cpu.',
    kubectlStatus: 'Pending',
    node: '',
    since: null,
  }),
  pod({
    namespace: 'default',
    name: 'api-1',
    uid: 'u-api-1',
    phase: 'Running',
    reason: 'Running',
    category: 'healthy',
    source: 'phase',
    initiator: 'unknown',
    detail: '',
    message: '',
    abnormal: false,
    kubectlStatus: 'Running',
  }),
];

export const transitions = [
  transition({ time: ago(0.1 * HOUR), pod: 'web-2', uid: 'u-web-2' }),
  transition({
    time: ago(0.3 * HOUR),
    pod: 'db-0',
    uid: 'u-db-0',
    reason: 'OOMKilled',
    category: 'container',
    source: 'container.lastTerminated',
    initiator: 'container',
    detail: 'container db, exit code 137',
    message: 'OOMKilled',
  }),
  transition({
    time: ago(0.5 * HOUR),
    namespace: 'default',
    pod: 'batch-7',
    uid: 'u-batch-7',
    reason: 'Unschedulable',
    category: 'scheduling',
    source: 'condition:PodScheduled',
    initiator: 'scheduler',
    detail: '',
    message: '0/3 nodes are available: 3 Insufficient cpu.',
  }),
  transition({
    time: ago(0.8 * HOUR),
    reason: 'Evicted',
    source: 'status.reason',
    initiator: 'kubelet',
    detail: 'memory',
    message: 'The node was low on resource: memory.',
  }),
];

type Row = { namespace: string; reason: string; category: string; initiator: string; node: string };

/** The filter parameters of docs/http-api.md: values of one filter OR-ed, filters AND-ed. */
function matches(row: Row & { pod?: string; name?: string; abnormal?: boolean }, query: URLSearchParams): boolean {
  const list = (name: string) => query.getAll(name).flatMap((value) => value.split(','));
  const fields: Array<[string, string | undefined]> = [
    ['namespace', row.namespace],
    ['reason', row.reason],
    ['category', row.category],
    ['initiator', row.initiator],
    ['node', row.node],
    ['pod', row.pod ?? row.name],
  ];
  const abnormal = query.get('abnormal');
  return (
    fields.every(([name, value]) => !list(name).length || list(name).includes(value ?? '')) &&
    (abnormal === null || String(row.abnormal) === abnormal)
  );
}

function countBy(rows: Row[], key: keyof Row) {
  const counts = new Map<string, number>();
  rows.forEach((row) => counts.set(row[key], (counts.get(row[key]) ?? 0) + 1));
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

/** Status and body for a GET of `/api/v1/<path>`. */
export function answer(path: string, query: URLSearchParams): { status: number; body: unknown } {
  const bad = query
    .getAll('category')
    .flatMap((value) => value.split(','))
    .find((value) => !(CATEGORIES as readonly string[]).includes(value));
  if (bad) {
    return { status: 400, body: { error: `unknown category "${bad}"`, parameter: 'category' } };
  }
  const podRows = pods.filter((item) => matches(item, query));
  const transitionRows = transitions.filter((item) => matches(item, query));
  switch (path) {
    case 'pods':
      return { status: 200, body: { items: podRows, total: podRows.length } };
    case 'transitions':
      return { status: 200, body: { items: transitionRows } };
    case 'summary':
      return {
        status: 200,
        body: {
          total: podRows.length,
          byReason: countBy(podRows, 'reason'),
          byCategory: countBy(podRows, 'category'),
          byNamespace: countBy(podRows, 'namespace'),
          byInitiator: countBy(podRows, 'initiator'),
        },
      };
    case 'series': {
      const step = Number(query.get('step'));
      const from = Number(query.get('from'));
      const times = Array.from(
        { length: Math.ceil((Number(query.get('to')) - from) / step) },
        (_, i) => from + i * step
      );
      const groupBy = (query.get('groupBy') ?? 'reason') as keyof Row;
      const groups = [...new Set(transitionRows.map((row) => row[groupBy]))];
      const series = groups.map((group) => ({
        group,
        values: times.map(
          (start) =>
            transitionRows.filter(
              (row) => row[groupBy] === group && Date.parse(row.time) >= start && Date.parse(row.time) < start + step
            ).length
        ),
      }));
      return { status: 200, body: { step, times, series } };
    }
    case 'values/namespaces':
      return { status: 200, body: { values: [...new Set(pods.map((item) => item.namespace))].sort() } };
    case 'values/nodes':
      return { status: 200, body: { values: [...new Set(pods.map((item) => item.node).filter(Boolean))].sort() } };
    case 'values/reasons':
      return { status: 200, body: { values: [...new Set(pods.map((item) => item.reason))].sort() } };
    case 'values/initiators':
      return { status: 200, body: { values: [...new Set(pods.map((item) => item.initiator))].sort() } };
    case 'values/pods':
      return {
        status: 200,
        body: {
          values: pods
            .filter((item) => matches(item, query))
            .map((item) => item.name)
            .sort(),
        },
      };
    case 'status':
      return { status: 200, body: status() };
    default:
      return { status: 404, body: { error: `not found: /api/v1/${path}` } };
  }
}
