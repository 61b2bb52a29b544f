// kube-state-metrics v2.20.0's pod reason families, for --ksm-compatible-metrics: the same series
// from the same pod fields (its internal/store/pod.go), so that dashboards and alerts written for
// KSM keep working when KSM's own two families are denylisted. One addition, documented in the
// README: kube_pod_status_reason{reason="Evicted"} also for pods evicted through the Eviction API.
import { KSM_DISRUPTION_REASONS, KSM_STATUS_REASONS } from '../engine/ksm-reasons.ts';
import type { PodInput } from '../engine/types.ts';
import type { PodStore } from '../store/store.ts';
import { PerPodFamily } from './text-families.ts';

const STATUS_REASONS = new Set(KSM_STATUS_REASONS);
const NONE: readonly string[] = Object.freeze([]);

/**
 * The reason values of a pod's kube_pod_status_reason series (each with value 1). KSM reports a
 * value found in status.reason, in any condition's reason or in a container's current termination,
 * and "Other" for any other status.reason. Plus Evicted for Eviction-API evictions (DisruptionTarget
 * True with EvictionByEvictionAPI, KSM issue #2612).
 */
export function ksmStatusReasons(pod: PodInput): readonly string[] {
  let found: Set<string> | undefined;
  const note = (reason: string) => {
    if (STATUS_REASONS.has(reason)) {
      (found ??= new Set()).add(reason);
    }
  };
  note(pod.reason);
  for (const c of pod.conditions) {
    note(c.reason);
    if (c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'EvictionByEvictionAPI') {
      note('Evicted');
    }
  }
  for (const c of pod.containers) {
    if (c.state === 'terminated') {
      note(c.reason);
    }
  }
  const other = pod.reason !== '' && !STATUS_REASONS.has(pod.reason);
  if (!found && !other) {
    return NONE;
  }
  const reasons = found ? KSM_STATUS_REASONS.filter((r) => found!.has(r)) : [];
  return other ? [...reasons, 'Other'] : reasons;
}

/** One reason per DisruptionTarget condition, whatever its status, as KSM reports them. */
export function ksmDisruptionReasons(pod: PodInput): readonly string[] {
  let reasons: string[] | undefined;
  for (const c of pod.conditions) {
    if (c.type === 'DisruptionTarget') {
      (reasons ??= []).push(KSM_DISRUPTION_REASONS.includes(c.reason) ? c.reason : 'Other');
    }
  }
  return reasons ?? NONE;
}

/** Both families; each keeps the series of the pods that have any (text-families.ts). */
export function ksmCompatibleFamilies(store: PodStore): PerPodFamily[] {
  const family = (name: string, help: string, reasonsOf: (pod: PodInput) => readonly string[]) =>
    new PerPodFamily(store, name, help, ({ input }) =>
      reasonsOf(input).map((reason) => ({ namespace: input.namespace, pod: input.name, uid: input.uid, reason }))
    );
  // KSM's help texts, so that both outputs read the same.
  return [
    family('kube_pod_status_reason', 'The pod status reasons', ksmStatusReasons),
    family('kube_pod_status_disruption_reason', 'The pod disruption condition reason', ksmDisruptionReasons),
  ];
}
