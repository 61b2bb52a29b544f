// Rule 3: the pod's node is unhealthy. While a node is gone or silent, the pod's container states
// are whatever the kubelet last reported, so the node is the better answer.
import { isTerminal, type Facts, type Finding, type Rule } from '../facts.ts';
import type { NodeInput, Signal } from '../types.ts';

const UNREACHABLE = 'node.kubernetes.io/unreachable';
const NOT_READY = 'node.kubernetes.io/not-ready';
const OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

interface Problem {
  reason: 'NodeGone' | 'NodeUnreachable' | 'NodeNotReady' | 'NodeOutOfService';
  detail: string;
  message: string;
  since: string | null;
}

function diagnose(node: NodeInput | undefined): Problem | null {
  if (!node) {
    return { reason: 'NodeGone', detail: '', message: '', since: null };
  }
  const taint = (key: string) => node.taints.find((t) => t.key === key);
  const ready = node.ready;
  const readySince = ready && ready.status !== 'True' ? ready.lastTransitionTime : null;
  const message = ready && ready.status !== 'True' ? ready.message : '';

  const unreachable = taint(UNREACHABLE);
  if (ready?.status === 'Unknown' || unreachable) {
    return {
      reason: 'NodeUnreachable',
      detail: unreachable ? UNREACHABLE : 'Ready=Unknown',
      message,
      since: readySince ?? unreachable?.timeAdded ?? null,
    };
  }
  const notReady = taint(NOT_READY);
  if (ready?.status === 'False' || notReady) {
    return {
      reason: 'NodeNotReady',
      detail: notReady ? NOT_READY : 'Ready=False',
      message,
      since: readySince ?? notReady?.timeAdded ?? null,
    };
  }
  const outOfService = taint(OUT_OF_SERVICE);
  if (outOfService) {
    return { reason: 'NodeOutOfService', detail: OUT_OF_SERVICE, message: '', since: outOfService.timeAdded };
  }
  return null;
}

/** Only with node data, for a pod bound to a node and not finished. */
function problem(facts: Facts): Problem | null {
  const { pod, nodes } = facts;
  if (!nodes || pod.node === '' || isTerminal(pod.phase)) {
    return null;
  }
  return diagnose(nodes.get(pod.node));
}

const signal = (p: Problem): Signal => ({ reason: p.reason, source: 'node', message: p.message });

export const nodeHealthRule: Rule = {
  find(facts): Finding | null {
    const p = problem(facts);
    if (!p) {
      return null;
    }
    return {
      reason: p.reason,
      category: 'node',
      source: 'node',
      initiator: 'node-lifecycle',
      detail: p.detail,
      message: p.message,
      since: p.since,
      abnormal: true,
      signal: signal(p),
    };
  },
  signals(facts) {
    const p = problem(facts);
    return p ? [signal(p)] : [];
  },
};
