// Disruptions proven by Events alone: the pod is gone, but the API server still holds the Event
// (for its TTL, an hour by default) that the component disrupting it published. Each is turned
// into the pod the engine would have seen just before the pod went away, and explained by the
// engine, so a recovered transition has the reason, initiator and detail a watching proxy records.
import { fromEvent } from '../engine/attribution.ts';
import { millis } from '../engine/facts.ts';
import { explainPod } from '../engine/index.ts';
import type { ConditionInput, EventInput, PodAnswer, PodInput } from '../engine/types.ts';

/** The sources of docs/pod-reasons.md §2 ("Events on the pod") that name a disruption. */
type Disruption =
  | { kind: 'status'; reason: string } // the kubelet's own eviction: status.reason
  | { kind: 'condition'; reason: string } // DisruptionTarget, set before the pod is deleted
  | { kind: 'deletion' }; // a forced delete with no condition (Karpenter's Disrupted)

function disruptionOf(e: EventInput): Disruption | null {
  if (e.kind !== 'Pod') {
    return null;
  }
  if (e.component === 'kubelet' && e.reason === 'Evicted') {
    return { kind: 'status', reason: 'Evicted' };
  }
  if (e.reason === 'Preempted') {
    return { kind: 'condition', reason: 'PreemptionByScheduler' };
  }
  // The taint manager also reports "Cancelling deletion of Pod …" under the same reason.
  if (e.reason === 'TaintManagerEviction' && e.message.startsWith('Marking for deletion')) {
    return { kind: 'condition', reason: 'DeletionByTaintManager' };
  }
  if (!fromEvent(e)) {
    return null;
  }
  return e.component === 'karpenter' && e.reason === 'Disrupted'
    ? { kind: 'deletion' }
    : { kind: 'condition', reason: 'EvictionByEvictionAPI' };
}

/** Whether an Event proves a disruption of its pod. */
export function isDisruptionEvent(e: EventInput): boolean {
  return disruptionOf(e) !== null;
}

/** When the Event says the disruption happened (epoch ms), or null when it has no time. */
const eventTime = (e: EventInput): number | null => millis(e.lastTime) ?? millis(e.firstTime);

function podBefore(e: EventInput, d: Disruption, at: string): PodInput {
  // The condition's own message is gone with the pod; the Event's says more than none.
  const condition = (reason: string): ConditionInput => ({
    type: 'DisruptionTarget',
    status: 'True',
    reason,
    message: e.message,
    lastTransitionTime: at,
  });
  return {
    namespace: e.namespace,
    name: e.name,
    uid: e.uid,
    labels: {},
    owner: null,
    node: '',
    phase: d.kind === 'status' ? 'Failed' : 'Running',
    reason: d.kind === 'status' ? d.reason : '',
    message: d.kind === 'status' ? e.message : '',
    deletionTimestamp: d.kind === 'deletion' ? at : null,
    deletionGracePeriodSeconds: d.kind === 'deletion' ? 0 : null,
    initContainerCount: 0,
    conditions: d.kind === 'condition' ? [condition(d.reason)] : [],
    initContainers: [],
    containers: [],
  };
}

/**
 * The disruption a gone pod's Events prove: the earliest of them, explained with all of them (as
 * the engine attributes by the Event nearest the disruption). Null when none proves one.
 */
export function disruptionFromEvents(events: readonly EventInput[]): { answer: PodAnswer; time: number } | null {
  let first: { event: EventInput; disruption: Disruption; time: number } | null = null;
  for (const event of events) {
    const disruption = disruptionOf(event);
    const time = eventTime(event);
    if (disruption && time !== null && (!first || time < first.time)) {
      first = { event, disruption, time };
    }
  }
  if (!first) {
    return null;
  }
  const at = new Date(first.time).toISOString();
  const answer = explainPod(podBefore(first.event, first.disruption, at), { events, now: new Date(first.time) });
  // An Event names the pod, not whose it was nor where it ran: the workload is unknown, not a bare pod.
  return answer.abnormal ? { answer: { ...answer, workloadKind: '', workload: '' }, time: first.time } : null;
}
