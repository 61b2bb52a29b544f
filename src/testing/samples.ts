// Proxy answers for tests, shaped like docs/http-api.md. Only type imports, so Node can load this
// file as it is (the browser test's canned proxy uses it too).
import type { PodItem, StatusResponse, SummaryResponse, TransitionItem } from '../../pkg-proxy/src/contract';

export function pod(overrides: Partial<PodItem> = {}): PodItem {
  return {
    namespace: 'shop',
    name: 'web-1',
    uid: 'uid-web-1',
    node: 'ip-10-0-1-2',
    phase: 'Failed',
    reason: 'Evicted',
    category: 'eviction',
    source: 'status.reason',
    initiator: 'kubelet',
    detail: 'memory',
    message: 'The node was low on resource: memory.',
    abnormal: true,
    since: '2026-11-28T08:00:00Z',
    kubectlStatus: 'Error',
    signals: [
      { reason: 'Evicted', source: 'status.reason', message: 'The node was low on resource: memory.' },
      { reason: 'Error', source: 'container.terminated', message: 'exit code 137', container: 'app' },
    ],
    workloadKind: 'Deployment',
    workload: 'web',
    nodepool: 'default',
    capacityType: 'spot',
    deleted: false,
    deletedAt: null,
    ...overrides,
  };
}

export function transition(overrides: Partial<TransitionItem> = {}): TransitionItem {
  return {
    time: '2026-11-28T08:00:00Z',
    namespace: 'shop',
    pod: 'web-1',
    uid: 'uid-web-1',
    node: 'ip-10-0-1-2',
    reason: 'EvictionByEvictionAPI',
    category: 'eviction',
    source: 'condition:DisruptionTarget',
    initiator: 'karpenter',
    detail: 'Underutilized',
    message: 'Eviction API: evicting',
    workloadKind: 'Deployment',
    workload: 'web',
    nodepool: 'default',
    capacityType: 'spot',
    deleted: false,
    recovered: false,
    ...overrides,
  };
}

export function summary(overrides: Partial<SummaryResponse> = {}): SummaryResponse {
  return {
    total: 7,
    byReason: [
      { value: 'OOMKilled', count: 3 },
      { value: 'Evicted', count: 2 },
      { value: 'CrashLoopBackOff', count: 2 },
    ],
    byCategory: [
      { value: 'container', count: 5 },
      { value: 'eviction', count: 2 },
    ],
    byNamespace: [
      { value: 'shop', count: 5 },
      { value: 'default', count: 2 },
    ],
    byInitiator: [
      { value: 'container', count: 5 },
      { value: 'kubelet', count: 2 },
    ],
    byWorkload: [
      { value: 'shop/Deployment/web', count: 4 },
      { value: 'shop/StatefulSet/db', count: 1 },
    ],
    byNodepool: [
      { value: 'default', count: 4 },
      { value: 'gpu', count: 1 },
    ],
    ...overrides,
  };
}

export function status(overrides: Partial<StatusResponse> = {}): StatusResponse {
  return {
    version: '0.1.0',
    cluster: { version: 'v1.37.2', server: 'https://10.0.0.1:6443' },
    scope: { cluster: true, namespaces: [] },
    permissions: { pods: 'watch', nodes: 'watch', events: 'watch', replicasets: 'watch', jobs: 'watch' },
    synced: true,
    lastEventAgeSeconds: 1.2,
    counts: { pods: 120, abnormal: 4, tombstones: 3, transitions: 17 },
    history: { persistent: false, since: '2026-11-28T07:00:00.000Z', restored: 0, recovered: 0 },
    partial: [],
    stale: [],
    error: null,
    ...overrides,
  };
}
