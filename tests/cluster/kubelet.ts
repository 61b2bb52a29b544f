// Pod and node status shapes as the kubelet and other controllers write them. The API server has no
// kubelet here, so the scenario driver writes these through pods/status and nodes/status itself.
// Shapes follow pkg/kubelet/kubelet_pods.go (generateAPIPodStatus), pkg/kubelet/status/status_manager.go,
// pkg/kubelet/eviction/eviction_manager.go and pkg/kubelet/nodeshutdown/nodeshutdown_manager_linux.go.
import type { V1ContainerState, V1ContainerStatus, V1PodCondition, V1PodStatus } from '@kubernetes/client-node';

export type ContainerStateSpec =
  | { running: true; ready?: boolean }
  | { waiting: string; message?: string; last?: Terminated }
  | ({ terminated: true } & Terminated);

export interface Terminated {
  reason?: string;
  exitCode: number;
  signal?: number;
  message?: string;
}

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);

function terminatedState(t: Terminated, finishedSecondsAgo = 5): V1ContainerState {
  return {
    terminated: {
      exitCode: t.exitCode,
      signal: t.signal,
      reason: t.reason,
      message: t.message,
      startedAt: ago(finishedSecondsAgo + 60),
      finishedAt: ago(finishedSecondsAgo),
      containerID: `containerd://${'c'.repeat(64)}`,
    },
  };
}

export function containerStatus(name: string, spec: ContainerStateSpec, restartCount = 0): V1ContainerStatus {
  const base = { name, image: `registry.example/${name}:1.0`, imageID: '', restartCount };
  if ('running' in spec) {
    const ready = spec.ready ?? true;
    return {
      ...base,
      ready,
      started: true,
      containerID: `containerd://${'a'.repeat(64)}`,
      imageID: `registry.example/${name}@sha256:${'0'.repeat(64)}`,
      state: { running: { startedAt: ago(300) } },
    };
  }
  if ('waiting' in spec) {
    return {
      ...base,
      ready: false,
      started: false,
      state: { waiting: { reason: spec.waiting, message: spec.message } },
      lastState: spec.last ? terminatedState(spec.last, 20) : {},
    };
  }
  return { ...base, ready: false, started: false, state: terminatedState(spec) };
}

export function condition(
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason?: string,
  message?: string
): V1PodCondition {
  return { type, status, reason, message, lastTransitionTime: ago(30), lastProbeTime: undefined };
}

/** Conditions of a pod whose containers all run and are ready. */
export function readyConditions(ready = true): V1PodCondition[] {
  const r = ready ? 'True' : 'False';
  return [
    condition('PodReadyToStartContainers', 'True'),
    condition('Initialized', 'True'),
    condition(
      'Ready',
      r,
      ready ? undefined : 'ContainersNotReady',
      ready ? undefined : 'containers with unready status: [app]'
    ),
    condition(
      'ContainersReady',
      r,
      ready ? undefined : 'ContainersNotReady',
      ready ? undefined : 'containers with unready status: [app]'
    ),
    condition('PodScheduled', 'True'),
  ];
}

export function podStatus(fields: Partial<V1PodStatus>): V1PodStatus {
  return {
    hostIP: '10.0.0.10',
    hostIPs: [{ ip: '10.0.0.10' }],
    podIP: '10.244.0.10',
    podIPs: [{ ip: '10.244.0.10' }],
    startTime: ago(600),
    qosClass: 'BestEffort',
    ...fields,
  };
}

/** A running pod whose container `app` is ready; `fields` override any part. */
export function runningStatus(fields: Partial<V1PodStatus> = {}): V1PodStatus {
  return podStatus({
    phase: 'Running',
    conditions: readyConditions(),
    containerStatuses: [containerStatus('app', { running: true })],
    ...fields,
  });
}

/** A pending pod whose container `app` waits with `reason` (image pulls, config errors). */
export function waitingStatus(reason: string, message?: string): V1PodStatus {
  return podStatus({
    phase: 'Pending',
    conditions: readyConditions(false),
    containerStatuses: [containerStatus('app', { waiting: reason, message })],
  });
}

/** DisruptionTarget as the kubelet writes it when it kills a pod (pkg/kubelet/status/status_manager.go). */
export function terminationByKubelet(message: string): V1PodCondition {
  return condition('DisruptionTarget', 'True', 'TerminationByKubelet', message);
}

// Messages the kubelet writes (pkg/kubelet/eviction/helpers.go, nodeshutdown_manager_linux.go,
// pkg/kubelet/preemption/preemption.go).
export const MESSAGES = {
  memoryPressure:
    'The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. Container app was using 180Mi, request is 64Mi, has larger consumption of memory. ',
  ephemeralStorageLimit: 'Pod ephemeral local storage usage exceeds the total limit of containers 1Gi. ',
  nodeShutdown: 'Pod was terminated in response to imminent node shutdown.',
  legacyNodeShutdown: 'Node is shutting, evicting pods',
  criticalPreemption: 'Preempted in order to admit critical pod',
  outOfCpu: "Pod was rejected: Node didn't have enough resource: cpu, requested: 4000, used: 1500, capacity: 2000",
  deadlineExceeded: 'Pod was active on the node longer than the specified deadline',
  nodeAffinity: "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector",
  unexpectedAdmission: "Allocate failed due to can't allocate unhealthy devices example.com/gpu, which is unexpected",
};
