// The proxy's HTTP API (docs/http-api.md) as types and constants. The proxy's handlers return these
// shapes and the Grafana data source reads them, so a change here fails the type check of both.
// Times in answers are RFC 3339 strings unless noted.
import type { Category, Initiator, Source } from './vocabulary.ts';

// ---- requests -------------------------------------------------------------------------------

/**
 * Filters of /pods, /summary, /transitions, /series and /stream (repeat a parameter or give a comma list).
 * `workload` is `Kind/name` (in any namespace) or `namespace/Kind/name` (a {@link workloadKey}).
 */
export const FILTER_PARAMS = [
  'namespace',
  'reason',
  'category',
  'initiator',
  'node',
  'pod',
  'workload',
  'nodepool',
] as const;
export type FilterParam = (typeof FILTER_PARAMS)[number];

/** Filters that only current pods have: /pods, /summary and /stream?kind=pods. */
export const POD_FILTER_PARAMS = [...FILTER_PARAMS, 'abnormal', 'labelSelector', 'deleted'] as const;
export type PodFilterParam = (typeof POD_FILTER_PARAMS)[number];

/** `limit` of /pods and of /transitions. */
export const POD_LIMIT = { default: 1000, max: 10_000 } as const;
export const TRANSITION_LIMIT = { default: 1000, max: 100_000 } as const;

/** `sort` of /pods: one of these, prefixed with `-` for descending. */
export const POD_SORT_FIELDS = [
  'namespace',
  'name',
  'reason',
  'category',
  'initiator',
  'node',
  'since',
  'kubectlStatus',
  'workload',
  'nodepool',
] as const satisfies ReadonlyArray<keyof PodAnswer>;

/** `groupBy` of /series. A `workload` group is a {@link workloadKey}. */
export const GROUP_BY = ['reason', 'namespace', 'initiator', 'category', 'workload', 'nodepool'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** /series answers at most this many buckets per request. */
export const SERIES_MAX_POINTS = 11_000;

/** The lists of /values/{kind}. */
export const VALUE_KINDS = ['namespaces', 'nodes', 'reasons', 'initiators', 'pods', 'workloads', 'nodepools'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

/** `kind` of /stream. */
export const STREAM_KINDS = ['pods', 'transitions'] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];

/** The WebSocket close code of /stream for a bad parameter; the close reason holds the error. */
export const STREAM_BAD_PARAMETER = 4400;

/** How a workload is named across namespaces: in filters, groups and /values/workloads. */
export function workloadKey(item: { namespace: string; workloadKind: string; workload: string }): string {
  return `${item.namespace}/${item.workloadKind}/${item.workload}`;
}

/**
 * The order of text in answers (groups, counts' ties, pods by namespace then name): code unit by
 * code unit, as Kubernetes names are ASCII. Unlike localeCompare it does not depend on the locale.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The default order of pods: in /pods answers and in the live table. */
export function compareNamespaceAndName(
  a: { namespace: string; name: string },
  b: { namespace: string; name: string }
): number {
  return compareText(a.namespace, b.namespace) || compareText(a.name, b.name);
}

// ---- answers --------------------------------------------------------------------------------

/** One place where the reason engine found a reason. */
export interface Signal {
  reason: string;
  source: Source;
  message: string;
  container?: string;
}

/** The engine's answer for one pod (docs/pod-reasons.md §3). Field names are public. */
export interface PodAnswer {
  namespace: string;
  name: string;
  uid: string;
  node: string;
  phase: string;
  reason: string;
  category: Category;
  source: Source;
  initiator: Initiator;
  detail: string;
  message: string;
  abnormal: boolean;
  /** RFC 3339, or null when Kubernetes records no start time for the reason. */
  since: string | null;
  kubectlStatus: string;
  signals: Signal[];
  /**
   * What the pod belongs to: Deployment (through its ReplicaSet), StatefulSet, DaemonSet, Job,
   * CronJob (through its Job), a ReplicaSet or ReplicationController without a parent, a custom
   * controller's kind as written in the ownerReference, or `Pod` and the pod's own name.
   */
  workloadKind: string;
  workload: string;
  /** The pool of the pod's node (Karpenter or cloud node-group labels), or '' when unknown. */
  nodepool: string;
  /** `on-demand`, `spot`, … from the same node labels, or ''. */
  capacityType: string;
}

/** A pod of /pods and /stream: the answer, marked when it is the tombstone of a deleted pod. */
export interface PodItem extends PodAnswer {
  deleted: boolean;
  deletedAt: string | null;
}

export interface PodsResponse {
  items: PodItem[];
  /** Matches before `limit`. */
  total: number;
}

/** A pod entering an abnormal primary reason. */
export interface TransitionItem {
  time: string;
  namespace: string;
  pod: string;
  uid: string;
  node: string;
  reason: string;
  category: Category;
  source: Source;
  initiator: Initiator;
  detail: string;
  message: string;
  workloadKind: string;
  workload: string;
  nodepool: string;
  capacityType: string;
  /** First seen in a DELETED watch event. */
  deleted: boolean;
  /** Recorded after a proxy restart for a disruption that happened while no proxy watched. */
  recovered: boolean;
}

export interface TransitionsResponse {
  items: TransitionItem[];
}

export interface CountItem {
  value: string;
  count: number;
}

/** Each list sorted by count, then value. */
export interface SummaryResponse {
  total: number;
  byReason: CountItem[];
  byCategory: CountItem[];
  byNamespace: CountItem[];
  byInitiator: CountItem[];
  /** Values are {@link workloadKey}s. */
  byWorkload: CountItem[];
  /** Pods on nodes without a known pool are not counted here. */
  byNodepool: CountItem[];
}

export interface SeriesResponse {
  /** Milliseconds. */
  step: number;
  /** Bucket starts, milliseconds since the epoch. */
  times: number[];
  series: Array<{ group: string; values: number[] }>;
}

export interface ValuesResponse {
  values: string[];
}

/** What the proxy may do with a resource: watch it, only list it (polled), or nothing. */
export type Permission = 'watch' | 'list' | 'forbidden';

export interface StatusResponse {
  version: string;
  cluster: { version: string; server: string };
  scope: { cluster: boolean; namespaces: string[] };
  /** Null until the proxy has asked the API server. */
  permissions: {
    pods: Permission;
    nodes: Permission;
    events: Permission;
    /** Metadata of ReplicaSets and Jobs, to name Deployments and CronJobs as workloads. */
    replicasets: Permission;
    jobs: Permission;
  } | null;
  synced: boolean;
  lastEventAgeSeconds: number | null;
  counts: { pods: number; abnormal: number; tombstones: number; transitions: number };
  /**
   * The transition history: kept in --data-dir (`persistent`), complete from `since` on, with
   * `restored` transitions loaded at start and `recovered` ones recorded for the downtime.
   */
  history: { persistent: boolean; since: string; restored: number; recovered: number };
  /** What is missing, in words. */
  partial: string[];
  /** Watches that have not been healthy recently. */
  stale: string[];
  /** Why the proxy cannot watch the cluster (it keeps retrying), or null. */
  error: string | null;
}

/** The WebSocket text frames of /stream. */
export type StreamMessage =
  | { type: 'snapshot'; items: PodItem[] }
  | { type: 'upsert'; item: PodItem }
  | { type: 'delete'; item: PodItem }
  | { type: 'transition'; item: TransitionItem };

/** The body of every 4xx and 5xx answer; `parameter` names the bad one of a 400. */
export interface ErrorResponse {
  error: string;
  parameter?: string;
}
