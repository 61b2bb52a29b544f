// Rule 4: a deletion in progress with no cause found above. Ordinary deletions (rollouts, scale-in,
// kubectl delete) are not abnormal; one an autoscaler or a drain caused is, and so is one that is
// still pending a minute after its grace period ran out.
import { attribute } from '../attribution.ts';
import { isTerminal, millis, type Finding, type Rule } from '../facts.ts';
import { toTime } from '../normalize.ts';
import type { PodInput, Signal } from '../types.ts';

export const STUCK_AFTER_MS = 60_000;

function deleting(pod: PodInput): boolean {
  return pod.deletionTimestamp !== null && !isTerminal(pod.phase);
}

/** When the DELETE was made: deletionTimestamp is that time plus the grace period. */
function deletionStart(pod: PodInput): string | null {
  const deadline = millis(pod.deletionTimestamp);
  if (deadline === null || pod.deletionGracePeriodSeconds === null) {
    return pod.deletionTimestamp;
  }
  return toTime(new Date(deadline - pod.deletionGracePeriodSeconds * 1000));
}

const SIGNAL: Signal = { reason: 'Terminating', source: 'deletion', message: '' };

export const deletionRule: Rule = {
  find(facts): Finding | null {
    const { pod } = facts;
    if (!deleting(pod)) {
      return null;
    }
    const since = deletionStart(pod);
    const a = attribute(facts, since);
    const deadline = millis(pod.deletionTimestamp);
    const stuck = deadline !== null && facts.now > deadline + STUCK_AFTER_MS;
    return {
      reason: 'Terminating',
      category: 'deletion',
      source: 'deletion',
      initiator: a.initiator,
      detail: stuck ? 'stuck' : a.detail,
      message: a.evidence?.message ?? '',
      since,
      abnormal: stuck || (a.initiator !== 'unknown' && a.initiator !== 'user'),
      signal: SIGNAL,
      evidence: a.evidence,
    };
  },
  signals: (facts) => (deleting(facts.pod) ? [SIGNAL] : []),
};
