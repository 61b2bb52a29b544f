// The STATUS column of `kubectl get pods`, as kube-apiserver computes it for Table output
// (pkg/printers/internalversion/printers.go, printPod, Kubernetes v1.37). Kept step for step in
// the same order, so that it can be compared with the real API server's answer.
import { conditionIs, isTerminal } from './facts.ts';
import type { ContainerInput, PodInput } from './types.ts';

function terminatedStatus(c: ContainerInput, prefix: string): string {
  if (c.reason !== '') {
    return `${prefix}${c.reason}`;
  }
  return c.signal !== 0 ? `${prefix}Signal:${c.signal}` : `${prefix}ExitCode:${c.exitCode}`;
}

/** The first init container that has not finished decides, while the pod initializes. */
function initStatus(pod: PodInput): string | null {
  for (let i = 0; i < pod.initContainers.length; i++) {
    const c = pod.initContainers[i];
    if (c.state === 'terminated' && c.exitCode === 0) {
      continue;
    }
    // A sidecar (restartable init container) that has started does not hold the pod back.
    if (c.restartable && c.started === true) {
      continue;
    }
    if (c.state === 'terminated') {
      return terminatedStatus(c, 'Init:');
    }
    if (c.state === 'waiting' && c.reason !== '' && c.reason !== 'PodInitializing') {
      return `Init:${c.reason}`;
    }
    return `Init:${i}/${pod.initContainerCount}`;
  }
  return null;
}

export function kubectlStatus(pod: PodInput): string {
  let status = pod.reason || pod.phase;
  if (pod.conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) {
    status = 'SchedulingGated';
  }

  const init = initStatus(pod);
  if (init !== null) {
    status = init;
  }

  if (init === null || conditionIs(pod, 'Initialized', 'True')) {
    let hasRunning = false;
    let errorStatus = '';
    // Walked from the last container to the first, so the first one with something to say wins.
    for (let i = pod.containers.length - 1; i >= 0; i--) {
      const c = pod.containers[i];
      if (c.state === 'waiting' && c.reason !== '') {
        status = c.reason;
      } else if (c.state === 'terminated') {
        status = terminatedStatus(c, '');
        if (c.exitCode !== 0) {
          errorStatus = status;
        }
      } else if (c.ready && c.state === 'running') {
        hasRunning = true;
      }
    }
    // A completed container next to running ones: the pod as a whole is still up, or failed.
    if (status === 'Completed') {
      if (hasRunning && conditionIs(pod, 'Ready', 'True')) {
        status = 'Running';
      } else if (errorStatus !== '') {
        status = errorStatus;
      } else if (hasRunning) {
        status = 'NotReady';
      }
    }
  }

  if (pod.deletionTimestamp !== null && pod.reason === 'NodeLost') {
    return 'Unknown';
  }
  if (pod.deletionTimestamp !== null && !isTerminal(pod.phase)) {
    return 'Terminating';
  }
  return status;
}
