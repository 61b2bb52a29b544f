// Rule 8: nothing is wrong. The phase says where the pod is in its life; a phase that is neither
// healthy nor explained by the rules above (Failed with no reason, Unknown) is still abnormal.
import { conditionIs, type Facts, type Finding } from '../facts.ts';
import type { Category, Signal, Source } from '../types.ts';

function finding(
  reason: string,
  source: Source,
  category: Category,
  since: string | null,
  container?: string
): Finding {
  const signal: Signal =
    container === undefined ? { reason, source, message: '' } : { reason, source, message: '', container };
  return {
    reason,
    category,
    source,
    initiator: 'unknown',
    detail: container === undefined ? '' : `container ${container}`,
    message: '',
    since,
    abnormal: category !== 'healthy',
    signal,
  };
}

/** The latest time a container finished. */
function lastFinished(facts: Facts): string | null {
  let latest: string | null = null;
  for (const c of facts.pod.containers) {
    if (c.finishedAt !== null && (latest === null || Date.parse(c.finishedAt) > Date.parse(latest))) {
      latest = c.finishedAt;
    }
  }
  return latest;
}

export function healthy(facts: Facts): Finding {
  const { pod } = facts;
  switch (pod.phase) {
    case 'Running':
      return finding('Running', 'phase', 'healthy', conditionIs(pod, 'Ready', 'True')?.lastTransitionTime ?? null);
    case 'Succeeded':
      return finding('Completed', 'phase', 'healthy', lastFinished(facts));
    case 'Pending':
    case '': {
      const creating = pod.containers.find((c) => c.state === 'waiting' && c.reason === 'ContainerCreating');
      return creating
        ? finding('ContainerCreating', 'container.waiting', 'healthy', null, creating.name)
        : finding('Pending', 'phase', 'healthy', null);
    }
    default:
      return finding(pod.phase, 'phase', 'other', null);
  }
}
