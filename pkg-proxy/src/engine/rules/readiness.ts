// Rule 7: a running pod that is not Ready (a failing readiness probe, or a readiness gate).
import { conditionIs, type Facts, type Finding, type Rule } from '../facts.ts';
import type { ConditionInput, Signal } from '../types.ts';

function notReady(facts: Facts): ConditionInput | undefined {
  return facts.pod.phase === 'Running' ? conditionIs(facts.pod, 'Ready', 'False') : undefined;
}

// The kubelet's reasons: ContainersNotReady, ReadinessGatesNotReady. The kubelet never writes
// Ready=False without one; the node lifecycle controller does (MarkPodsNotReady keeps the empty
// reason of Ready=True), and that condition outlives the outage until the kubelet reports again.
const initiator = (c: ConditionInput) => (c.reason ? 'container' : 'node-lifecycle');

const signal = (c: ConditionInput): Signal => ({
  reason: c.reason || 'NotReady',
  source: 'condition:Ready',
  message: c.message,
});

export const readinessRule: Rule = {
  find(facts): Finding | null {
    const c = notReady(facts);
    if (!c) {
      return null;
    }
    return {
      reason: 'NotReady',
      category: 'container',
      source: 'condition:Ready',
      initiator: initiator(c),
      detail: c.reason,
      message: c.message,
      since: c.lastTransitionTime,
      abnormal: true,
      signal: signal(c),
    };
  },
  signals(facts) {
    const c = notReady(facts);
    return c ? [signal(c)] : [];
  },
};
