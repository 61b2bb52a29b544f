// The reason engine's public vocabularies (docs/pod-reasons.md §3 and §6). The proxy owns them;
// vocabulary.test.ts fails when these copies drift from pkg-proxy/src/engine/types.ts.

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

/**
 * A colour per category, from Grafana's named palette (it resolves them for light and dark themes):
 * disruptions from outside the pod warm, the pod's own failures red, healthy green.
 */
export const CATEGORY_COLORS: Record<Category, string> = {
  eviction: 'orange',
  preemption: 'purple',
  node: 'dark-red',
  admission: 'yellow',
  container: 'red',
  scheduling: 'blue',
  deletion: 'light-orange',
  lifecycle: 'light-blue',
  healthy: 'green',
  other: 'text',
};

export function categoryColor(category: string): string {
  return CATEGORY_COLORS[category as Category] ?? CATEGORY_COLORS.other;
}
