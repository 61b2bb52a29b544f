// Canned answers of a Pod Reasons proxy for the browser test: a small cluster, filtered like the
// real proxy filters (docs/http-api.md), and a 400 for parameters it would refuse.
import { pod, status, transition } from '../../src/testing/samples.ts';
import { CATEGORIES, workloadKey } from '../../pkg-proxy/src/contract/index.ts';

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
    workloadKind: 'StatefulSet',
    workload: 'db',
    capacityType: 'on-demand',
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
    workloadKind: 'CronJob',
    workload: 'batch',
    nodepool: '',
    capacityType: '',
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
    workload: 'api',
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
    workloadKind: 'StatefulSet',
    workload: 'db',
    capacityType: 'on-demand',
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
    workloadKind: 'CronJob',
    workload: 'batch',
    nodepool: '',
    capacityType: '',
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

type Row = {
  namespace: string;
  reason: string;
  category: string;
  initiator: string;
  node: string;
  workloadKind: string;
  workload: string;
  nodepool: string;
};

/** What `groupBy` and the summary lists group on: a workload is `namespace/Kind/name`. */
const groupValue = (row: Row, groupBy: string): string =>
  groupBy === 'workload' ? workloadKey(row) : String(row[groupBy as keyof Row]);

/** The filter parameters of docs/http-api.md: values of one filter OR-ed, filters AND-ed. */
function matches(row: Row & { pod?: string; name?: string; abnormal?: boolean }, query: URLSearchParams): boolean {
  const list = (name: string) => query.getAll(name).flatMap((value) => value.split(','));
  const fields: Array<[string, string[]]> = [
    ['namespace', [row.namespace]],
    ['reason', [row.reason]],
    ['category', [row.category]],
    ['initiator', [row.initiator]],
    ['node', [row.node]],
    ['pod', [row.pod ?? row.name ?? '']],
    // `Kind/name` names the workload in any namespace.
    ['workload', [workloadKey(row), `${row.workloadKind}/${row.workload}`]],
    ['nodepool', [row.nodepool]],
  ];
  const abnormal = query.get('abnormal');
  return (
    fields.every(([name, values]) => !list(name).length || values.some((value) => list(name).includes(value))) &&
    (abnormal === null || String(row.abnormal) === abnormal)
  );
}

function countBy(rows: Row[], groupBy: string, known = (_value: string) => true) {
  const counts = new Map<string, number>();
  rows
    .map((row) => groupValue(row, groupBy))
    .filter(known)
    .forEach((value) => counts.set(value, (counts.get(value) ?? 0) + 1));
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

const sortedValues = (values: string[]) => [...new Set(values.filter(Boolean))].sort();

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
          byWorkload: countBy(podRows, 'workload'),
          // Pods on nodes without a known pool are not counted.
          byNodepool: countBy(podRows, 'nodepool', Boolean),
        },
      };
    case 'series': {
      const step = Number(query.get('step'));
      const from = Number(query.get('from'));
      const times = Array.from(
        { length: Math.ceil((Number(query.get('to')) - from) / step) },
        (_, i) => from + i * step
      );
      const groupBy = query.get('groupBy') ?? 'reason';
      const groups = [...new Set(transitionRows.map((row) => groupValue(row, groupBy)))];
      const series = groups.map((group) => ({
        group,
        values: times.map(
          (start) =>
            transitionRows.filter(
              (row) =>
                groupValue(row, groupBy) === group &&
                Date.parse(row.time) >= start &&
                Date.parse(row.time) < start + step
            ).length
        ),
      }));
      return { status: 200, body: { step, times, series } };
    }
    case 'values/namespaces':
      return { status: 200, body: { values: sortedValues(pods.map((item) => item.namespace)) } };
    case 'values/nodes':
      return { status: 200, body: { values: sortedValues(pods.map((item) => item.node)) } };
    case 'values/reasons':
      return { status: 200, body: { values: sortedValues(pods.map((item) => item.reason)) } };
    case 'values/initiators':
      return { status: 200, body: { values: sortedValues(pods.map((item) => item.initiator)) } };
    case 'values/workloads':
      return { status: 200, body: { values: sortedValues(pods.map(workloadKey)) } };
    case 'values/nodepools':
      return { status: 200, body: { values: sortedValues(pods.map((item) => item.nodepool)) } };
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
