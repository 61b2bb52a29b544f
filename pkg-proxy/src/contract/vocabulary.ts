// The reason engine's public vocabulary (see docs/pod-reasons.md §3–§6). These strings become
// metric label values, API filters and CLI output, and the Grafana data source offers them in its
// pickers: change them only on purpose, with a CHANGELOG note.

export const CATEGORIES = [
  'eviction',
  'preemption',
  'node',
  'admission',
  'container',
  'scheduling',
  'deletion',
  'lifecycle',
  'healthy',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SOURCES = [
  'status.reason',
  'condition:DisruptionTarget',
  'condition:PodScheduled',
  'condition:Ready',
  'initContainer.waiting',
  'initContainer.terminated',
  'initContainer.lastTerminated',
  'container.waiting',
  'container.terminated',
  'container.lastTerminated',
  'deletion',
  'node',
  'event',
  'phase',
] as const;
export type Source = (typeof SOURCES)[number];

export const INITIATORS = [
  'kubelet',
  'scheduler',
  'taint-manager',
  'pod-gc',
  'node-lifecycle',
  'karpenter',
  'cluster-autoscaler',
  'descheduler',
  'vpa',
  'drain',
  'container',
  'user',
  'unknown',
] as const;
export type Initiator = (typeof INITIATORS)[number];
