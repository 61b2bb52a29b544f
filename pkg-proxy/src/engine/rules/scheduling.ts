// Rule 6: the scheduler has not placed the pod (PodScheduled=False): no node fits, or a
// scheduling gate holds it back.
import { conditionIs, type Finding, type Rule } from '../facts.ts';
import type { ConditionInput, Signal } from '../types.ts';

const signal = (c: ConditionInput): Signal => ({
  reason: c.reason || 'Unschedulable',
  source: 'condition:PodScheduled',
  message: c.message,
});

export const schedulingRule: Rule = {
  find(facts): Finding | null {
    const c = conditionIs(facts.pod, 'PodScheduled', 'False');
    if (!c) {
      return null;
    }
    return {
      reason: c.reason === 'SchedulingGated' ? 'SchedulingGated' : 'Unschedulable',
      category: 'scheduling',
      source: 'condition:PodScheduled',
      initiator: 'scheduler',
      detail: '',
      message: c.message,
      since: c.lastTransitionTime,
      abnormal: true,
      signal: signal(c),
    };
  },
  signals(facts) {
    const c = conditionIs(facts.pod, 'PodScheduled', 'False');
    return c ? [signal(c)] : [];
  },
};
