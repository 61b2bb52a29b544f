// Rule 2: DisruptionTarget=True and no status.reason. Set by whoever is about to take the pod down:
// the API server's eviction handler, the scheduler, the taint manager, PodGC or the kubelet.
import { attribute } from '../attribution.ts';
import { disruptionTarget, type Facts, type Finding, type Rule } from '../facts.ts';
import { classifyKubeletTermination } from '../kubelet-messages.ts';
import type { ConditionInput, Signal } from '../types.ts';

function signal(c: ConditionInput): Signal {
  return { reason: c.reason, source: 'condition:DisruptionTarget', message: c.message };
}

/** The first NoExecute taint of the pod's node: what the taint manager acted on. */
function noExecuteTaint(facts: Facts): string {
  const node = facts.nodes?.get(facts.pod.node);
  return node?.taints.find((t) => t.effect === 'NoExecute')?.key ?? '';
}

function classify(
  facts: Facts,
  c: ConditionInput
): Omit<Finding, 'source' | 'message' | 'since' | 'abnormal' | 'signal'> {
  switch (c.reason) {
    case 'TerminationByKubelet': {
      const k = classifyKubeletTermination(c.message);
      return k
        ? { reason: k.reason, category: k.category, initiator: 'kubelet', detail: k.detail }
        : { reason: 'TerminationByKubelet', category: 'other', initiator: 'kubelet', detail: '' };
    }
    case 'PreemptionByScheduler':
    case 'PreemptionByKubeScheduler': // its name in Kubernetes 1.26
      return { reason: 'PreemptionByScheduler', category: 'preemption', initiator: 'scheduler', detail: '' };
    case 'EvictionByEvictionAPI': {
      const a = attribute(facts, c.lastTransitionTime);
      return { reason: c.reason, category: 'eviction', initiator: a.initiator, detail: a.detail, evidence: a.evidence };
    }
    case 'DeletionByTaintManager':
      return { reason: c.reason, category: 'node', initiator: 'taint-manager', detail: noExecuteTaint(facts) };
    case 'DeletionByPodGC':
      return { reason: c.reason, category: 'node', initiator: 'pod-gc', detail: '' };
    default:
      return { reason: c.reason || 'DisruptionTarget', category: 'other', initiator: 'unknown', detail: '' };
  }
}

export const disruptionConditionRule: Rule = {
  find(facts): Finding | null {
    const c = disruptionTarget(facts.pod);
    if (!c || facts.pod.reason !== '') {
      return null;
    }
    return {
      ...classify(facts, c),
      source: 'condition:DisruptionTarget',
      message: c.message,
      since: c.lastTransitionTime,
      abnormal: true,
      signal: signal(c),
    };
  },
  signals(facts) {
    const c = disruptionTarget(facts.pod);
    return c ? [signal(c)] : [];
  },
};
