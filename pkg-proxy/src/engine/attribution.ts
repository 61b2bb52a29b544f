// Who called the Eviction API, or deleted a pod (docs/pod-reasons.md §6): the Eviction API itself
// records no caller, so the answer comes from Events on the pod, then from the pod's node.
import { millis, type Facts } from './facts.ts';
import type { EventInput, Initiator, NodeInput, PodAnswer, Signal } from './types.ts';

export interface Attribution {
  initiator: Initiator;
  detail: string;
  /** The Event that named the initiator. */
  evidence?: Signal;
}

/** Events count when they happened within about a minute of the disruption. */
export const EVENT_WINDOW_MS = 60_000;

const KARPENTER_EVICTED_PREFIX = 'Evicted pod: ';

const UNKNOWN: Attribution = { initiator: 'unknown', detail: '' };

/** What one Event says about who disrupted its pod, or null when it says nothing. */
export function fromEvent(e: EventInput): Attribution | null {
  const evidence: Signal = { reason: e.reason, source: 'event', message: e.message };
  if (e.component === 'karpenter') {
    // Karpenter ≥1.2 writes "Evicted pod: <Drifted|Underutilized|Empty|…>", earlier "Evicted pod".
    if (e.reason === 'Evicted') {
      const detail = e.message.startsWith(KARPENTER_EVICTED_PREFIX)
        ? e.message.slice(KARPENTER_EVICTED_PREFIX.length).trim()
        : '';
      return { initiator: 'karpenter', detail, evidence };
    }
    // A forced delete when the node's terminationGracePeriod runs out: no Eviction API call.
    if (e.reason === 'Disrupted') {
      return { initiator: 'karpenter', detail: 'Forceful Termination', evidence };
    }
  }
  // Cluster Autoscaler: "deleting pod for node scale down".
  if (e.reason === 'ScaleDown') {
    return { initiator: 'cluster-autoscaler', detail: '', evidence };
  }
  // The descheduler's reason is the strategy; a refused eviction is reported as EvictionFailed.
  if (e.message.includes('sigs.k8s.io/descheduler') && e.reason !== 'EvictionFailed') {
    return { initiator: 'descheduler', detail: e.reason, evidence };
  }
  // "Pod was evicted by VPA Updater to apply resource recommendation."
  if (e.message.includes('VPA Updater')) {
    return { initiator: 'vpa', detail: '', evidence };
  }
  return null;
}

/** How far (ms) an Event's first–last interval lies from a time; null when it has no time. */
function distance(e: EventInput, at: number): number | null {
  const first = millis(e.firstTime);
  const last = millis(e.lastTime) ?? first;
  if (first === null || last === null) {
    return null;
  }
  if (at < first) {
    return first - at;
  }
  if (at > last) {
    return at - last;
  }
  return 0;
}

function fromEvents(events: readonly EventInput[], at: number): Attribution | null {
  let best: Attribution | null = null;
  let bestDistance = Infinity;
  for (const e of events) {
    const d = distance(e, at);
    if (d === null || d > EVENT_WINDOW_MS || d >= bestDistance) {
      continue;
    }
    const a = fromEvent(e);
    if (a) {
      best = a;
      bestDistance = d;
    }
  }
  return best;
}

const hasTaint = (node: NodeInput, key: string) => node.taints.some((t) => t.key === key);

function fromNode(node: NodeInput): Attribution | null {
  for (const key of ['karpenter.sh/disrupted', 'karpenter.sh/disruption']) {
    if (hasTaint(node, key)) {
      return { initiator: 'karpenter', detail: key };
    }
  }
  if (hasTaint(node, 'ToBeDeletedByClusterAutoscaler')) {
    return { initiator: 'cluster-autoscaler', detail: 'ToBeDeletedByClusterAutoscaler' };
  }
  // Cordoned with no autoscaler taint: someone is draining the node.
  if (node.unschedulable) {
    return { initiator: 'drain', detail: 'spec.unschedulable' };
  }
  if (hasTaint(node, 'node.kubernetes.io/unschedulable')) {
    return { initiator: 'drain', detail: 'node.kubernetes.io/unschedulable' };
  }
  return null;
}

/**
 * Attributes a disruption that started at `since` (RFC 3339; when Kubernetes recorded no time,
 * `facts.now` stands in). Anchoring the event window on the disruption, not on the current time,
 * keeps the answer stable for the whole grace period and for saved snapshots.
 */
export function attribute(facts: Facts, since: string | null): Attribution {
  const node = facts.nodes?.get(facts.pod.node);
  return fromEvents(facts.events, millis(since) ?? facts.now) ?? (node ? fromNode(node) : null) ?? UNKNOWN;
}

/** The reasons whose initiator comes from `attribute`. */
const ATTRIBUTED_REASONS: ReadonlySet<string> = new Set(['EvictionByEvictionAPI', 'Terminating']);

/**
 * Whether an Event arriving later could still name who caused this answer's reason: callers such
 * as Karpenter publish their Event just after the eviction, so the node taint (or nothing) is all
 * the engine has at first.
 */
export function awaitsEvidence(answer: Pick<PodAnswer, 'reason' | 'signals'>): boolean {
  return ATTRIBUTED_REASONS.has(answer.reason) && !answer.signals.some((s) => s.source === 'event');
}
