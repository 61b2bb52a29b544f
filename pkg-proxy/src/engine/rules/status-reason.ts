// Rule 1: status.reason is set. Only the kubelet (and the legacy node controller) writes it, and
// it names the root cause even when the containers show Error or ContainerStatusUnknown.
import { disruptionTarget, type Facts, type Finding, type Rule } from '../facts.ts';
import { evictionDetail, isShutdownMessage } from '../kubelet-messages.ts';
import type { Category, Initiator, Signal } from '../types.ts';

// Reasons of a pod the kubelet refused to run (pkg/kubelet/lifecycle/predicate.go, the scheduler
// plugin names it reports for failed predicates, pkg/kubelet/sysctl, topologymanager, nodeshutdown,
// the AppArmor and pod-features admit handlers). OutOf<resource> and PodOS* are matched by prefix.
const ADMISSION_REASONS = new Set([
  'NodeAffinity',
  'NodeName',
  'NodePorts',
  'TaintToleration',
  'NodeShutdown',
  'UnexpectedAdmissionError',
  'UnexpectedPredicateFailureType',
  'TopologyAffinityError',
  'SysctlForbidden',
  'InvalidNodeInfo',
  'UnknownReason',
  'AppArmor',
  'InitContainerRestartPolicyForbidden',
  'SupplementalGroupsPolicyNotSupported',
  'PodLevelResourcesNotSupported',
  'PodFeatureUnsupported',
]);

function isAdmissionReason(reason: string): boolean {
  return ADMISSION_REASONS.has(reason) || reason.startsWith('OutOf') || reason.startsWith('PodOS');
}

function classify(
  reason: string,
  message: string
): { reason: string; category: Category; initiator: Initiator; detail: string } {
  if (reason === 'Evicted') {
    return { reason, category: 'eviction', initiator: 'kubelet', detail: evictionDetail(message) };
  }
  // "Shutdown" before Kubernetes 1.22, "Terminated" with a shutdown message since.
  if (reason === 'Shutdown' || (reason === 'Terminated' && isShutdownMessage(message))) {
    return { reason: 'Shutdown', category: 'node', initiator: 'kubelet', detail: '' };
  }
  if (reason === 'Preempting') {
    return { reason, category: 'preemption', initiator: 'kubelet', detail: '' };
  }
  if (reason === 'DeadlineExceeded') {
    return { reason, category: 'lifecycle', initiator: 'kubelet', detail: '' };
  }
  if (reason === 'NodeLost') {
    return { reason, category: 'node', initiator: 'node-lifecycle', detail: '' };
  }
  if (isAdmissionReason(reason)) {
    // OutOfcpu → "cpu": the resource the node lacked.
    const detail = reason.startsWith('OutOf') ? reason.slice('OutOf'.length) : '';
    return { reason, category: 'admission', initiator: 'kubelet', detail };
  }
  return { reason, category: 'other', initiator: 'unknown', detail: '' };
}

function signal(facts: Facts): Signal {
  return { reason: facts.pod.reason, source: 'status.reason', message: facts.pod.message };
}

export const statusReasonRule: Rule = {
  find(facts): Finding | null {
    const { pod } = facts;
    if (pod.reason === '') {
      return null;
    }
    return {
      ...classify(pod.reason, pod.message),
      source: 'status.reason',
      message: pod.message,
      // The kubelet adds DisruptionTarget=TerminationByKubelet (≥1.26) when it kills the pod.
      since: disruptionTarget(pod)?.lastTransitionTime ?? null,
      abnormal: true,
      signal: signal(facts),
    };
  },
  signals: (facts) => (facts.pod.reason === '' ? [] : [signal(facts)]),
};
