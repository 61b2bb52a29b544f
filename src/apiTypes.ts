// Response shapes of the proxy's HTTP API (docs/http-api.md). Times are RFC 3339 strings unless noted.

/** One place where the reason engine found a reason. */
export interface Signal {
  reason: string;
  source: string;
  message: string;
  container?: string;
}

/** The engine's answer for one pod (docs/pod-reasons.md §3), plus the tombstone marks of /pods. */
export interface PodItem {
  namespace: string;
  name: string;
  uid: string;
  node: string;
  phase: string;
  reason: string;
  category: string;
  source: string;
  initiator: string;
  detail: string;
  message: string;
  abnormal: boolean;
  since: string | null;
  kubectlStatus: string;
  signals: Signal[];
  deleted?: boolean;
  deletedAt?: string | null;
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
  category: string;
  source: string;
  initiator: string;
  detail: string;
  message: string;
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

export interface SummaryResponse {
  total: number;
  byReason: CountItem[];
  byCategory: CountItem[];
  byNamespace: CountItem[];
  byInitiator: CountItem[];
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

export type Permission = 'watch' | 'list' | 'forbidden';

export interface StatusResponse {
  version: string;
  cluster: { version: string; server: string };
  scope: { cluster: boolean; namespaces: string[] };
  /** Null until the proxy has checked its access. */
  permissions: { pods: Permission; nodes: Permission; events: Permission } | null;
  synced: boolean;
  lastEventAgeSeconds: number | null;
  counts: { pods: number; abnormal: number; tombstones: number; transitions: number };
  /** What is missing, in words. */
  partial: string[];
  /** Watches that have not been healthy recently. */
  stale: string[];
  /** Why the proxy cannot watch the cluster (it keeps retrying), or null. */
  error?: string | null;
}

/** WebSocket text frames of /api/v1/stream. */
export type StreamMessage =
  | { type: 'snapshot'; items: PodItem[] }
  | { type: 'upsert'; item: PodItem }
  | { type: 'delete'; item: PodItem }
  | { type: 'transition'; item: TransitionItem };
