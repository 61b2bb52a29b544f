// Realistic pod lifecycles, each played on a real API server by the driver. Tests, benchmarks and
// the demo share this catalogue; `expect` is what the reason engine must answer (docs/pod-reasons.md).
import type { V1Pod } from '@kubernetes/client-node';
import { Cluster } from './driver.ts';
import {
  MESSAGES,
  condition,
  containerStatus,
  podStatus,
  readyConditions,
  runningStatus,
  terminationByKubelet,
  waitingStatus,
} from './kubelet.ts';

/** Nodes a scenario may place pods on; names are unique per `createNodes` call. */
export interface Nodes {
  plain: string;
  karpenter: string;
  autoscaler: string;
  cordoned: string;
  unreachable: string;
}

export interface Expected {
  reason: string;
  category: string;
  initiator?: string;
  detail?: string;
  /** false for pods the engine calls healthy. */
  abnormal: boolean;
}

export interface Scenario {
  name: string;
  description: string;
  expect: Expected;
  /** True when the pod is gone at the end (seen only in watch events). */
  deletes?: boolean;
  play(cluster: Cluster, namespace: string, pod: string, nodes: Nodes): Promise<void>;
}

export async function createNodes(cluster: Cluster, prefix: string): Promise<Nodes> {
  const nodes: Nodes = {
    plain: `${prefix}-plain`,
    karpenter: `${prefix}-karpenter`,
    autoscaler: `${prefix}-autoscaler`,
    cordoned: `${prefix}-cordoned`,
    unreachable: `${prefix}-unreachable`,
  };
  await cluster.createNode(nodes.plain);
  // Karpenter marks a node it is about to disrupt (karpenter.sh/disrupted:NoSchedule, v1).
  await cluster.createNode(nodes.karpenter, {
    labels: { 'karpenter.sh/nodepool': 'default', 'karpenter.sh/initialized': 'true' },
    taints: [{ key: 'karpenter.sh/disrupted', effect: 'NoSchedule' }],
  });
  // Cluster Autoscaler taints a node it scales down (ToBeDeletedByClusterAutoscaler).
  await cluster.createNode(nodes.autoscaler, {
    taints: [
      { key: 'ToBeDeletedByClusterAutoscaler', value: String(Math.floor(Date.now() / 1000)), effect: 'NoSchedule' },
    ],
  });
  // kubectl drain cordons first: spec.unschedulable plus the unschedulable taint the node controller adds.
  await cluster.createNode(nodes.cordoned, {
    unschedulable: true,
    taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
  });
  // A node whose kubelet stopped reporting: Ready=Unknown and the unreachable taints.
  await cluster.createNode(nodes.unreachable, {
    ready: 'Unknown',
    taints: [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
    ],
  });
  return nodes;
}

/**
 * A Failed pod after the kubelet killed it, as in kubernetes#105467: containers print Error/ContainerStatusUnknown.
 * Kubelets before 1.26 wrote no DisruptionTarget condition (`legacy`).
 */
const killedByKubelet = (reason: string, message: string, containerReason = 'ContainerStatusUnknown', legacy = false) =>
  podStatus({
    phase: 'Failed',
    reason,
    message,
    conditions: legacy ? readyConditions(false) : [...readyConditions(false), terminationByKubelet(message)],
    containerStatuses: [
      containerStatus('app', {
        terminated: true,
        reason: containerReason,
        exitCode: 137,
        message: 'The container could not be located when the pod was terminated',
      }),
    ],
  });

/** A pod the kubelet rejected at admission: Failed with its reason, never started. */
const rejectedByKubelet = (reason: string, message: string) =>
  podStatus({ phase: 'Failed', reason, message, podIP: undefined, podIPs: undefined });

async function bound(
  cluster: Cluster,
  namespace: string,
  pod: string,
  node: string,
  extra: Parameters<Cluster['createPod']>[2] = {}
): Promise<V1Pod> {
  return cluster.createPod(namespace, pod, { node, ...extra });
}

/** Karpenter disrupting a pod's node (consolidation): its `Evicted` event, then the Eviction API. */
export async function evictForConsolidation(c: Cluster, namespace: string, pod: V1Pod): Promise<void> {
  await c.podEvent(namespace, pod, 'karpenter', 'Evicted', 'Evicted pod: Underutilized');
  await c.evictPod(namespace, pod.metadata!.name!);
}

/**
 * A running pod on `node` consolidated by Karpenter and deleted at once (no grace period), with
 * Karpenter's Event unless `withEvent` is false.
 */
export async function consolidateAndDelete(
  c: Cluster,
  namespace: string,
  name: string,
  node: string,
  withEvent = true
): Promise<void> {
  const pod = await c.createPod(namespace, name, { node });
  await c.setPodStatus(namespace, name, runningStatus());
  if (withEvent) {
    await evictForConsolidation(c, namespace, pod);
  } else {
    await c.evictPod(namespace, name);
  }
  await c.deletePod(namespace, name, 0);
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'running',
    description: 'a running, ready pod',
    expect: { reason: 'Running', category: 'healthy', abnormal: false },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(ns, pod, runningStatus());
    },
  },
  {
    name: 'container-creating',
    description: 'a pod whose container is still being created',
    expect: { reason: 'ContainerCreating', category: 'healthy', abnormal: false },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(
        ns,
        pod,
        podStatus({
          phase: 'Pending',
          conditions: [
            condition('PodScheduled', 'True'),
            condition('Ready', 'False', 'ContainersNotReady', 'containers with unready status: [app]'),
          ],
          containerStatuses: [containerStatus('app', { waiting: 'ContainerCreating' })],
        })
      );
    },
  },
  {
    name: 'crashloop-oom',
    description: 'CrashLoopBackOff whose last termination was OOMKilled',
    expect: { reason: 'OOMKilled', category: 'container', initiator: 'container', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(
        ns,
        pod,
        runningStatus({
          conditions: readyConditions(false),
          containerStatuses: [
            containerStatus(
              'app',
              {
                waiting: 'CrashLoopBackOff',
                message: 'back-off 5m0s restarting failed container=app',
                last: { reason: 'OOMKilled', exitCode: 137 },
              },
              7
            ),
          ],
        })
      );
    },
  },
  {
    name: 'crashloop-error',
    description: 'CrashLoopBackOff after exit code 1',
    expect: { reason: 'CrashLoopBackOff', category: 'container', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(
        ns,
        pod,
        runningStatus({
          conditions: readyConditions(false),
          containerStatuses: [
            containerStatus('app', { waiting: 'CrashLoopBackOff', last: { reason: 'Error', exitCode: 1 } }, 4),
          ],
        })
      );
    },
  },
  {
    name: 'image-pull-backoff',
    description: 'ImagePullBackOff',
    expect: { reason: 'ImagePullBackOff', category: 'container', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(
        ns,
        pod,
        waitingStatus('ImagePullBackOff', 'Back-off pulling image "registry.example/app:1.0"')
      );
    },
  },
  {
    name: 'err-image-pull',
    description: 'ErrImagePull',
    expect: { reason: 'ErrImagePull', category: 'container', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(
        ns,
        pod,
        waitingStatus('ErrImagePull', 'rpc error: code = NotFound desc = failed to pull and unpack image')
      );
    },
  },
  {
    name: 'create-container-config-error',
    description: 'CreateContainerConfigError (a missing Secret)',
    expect: { reason: 'CreateContainerConfigError', category: 'container', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(ns, pod, waitingStatus('CreateContainerConfigError', 'secret "db-password" not found'));
    },
  },
  {
    name: 'oom-terminated',
    description: 'restartPolicy Never, the container was OOMKilled',
    expect: { reason: 'OOMKilled', category: 'container', initiator: 'container', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain, { restartPolicy: 'Never' });
      await c.setPodStatus(
        ns,
        pod,
        podStatus({
          phase: 'Failed',
          conditions: readyConditions(false),
          containerStatuses: [containerStatus('app', { terminated: true, reason: 'OOMKilled', exitCode: 137 })],
        })
      );
    },
  },
  {
    name: 'completed',
    description: 'a Job pod that succeeded',
    expect: { reason: 'Completed', category: 'healthy', abnormal: false },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain, { restartPolicy: 'Never' });
      await c.setPodStatus(
        ns,
        pod,
        podStatus({
          phase: 'Succeeded',
          conditions: [condition('Ready', 'False', 'PodCompleted'), condition('PodScheduled', 'True')],
          containerStatuses: [containerStatus('app', { terminated: true, reason: 'Completed', exitCode: 0 })],
        })
      );
    },
  },
  {
    name: 'error-exit',
    description: 'restartPolicy Never, the container failed with exit code 2',
    expect: { reason: 'Error', category: 'container', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain, { restartPolicy: 'Never' });
      await c.setPodStatus(
        ns,
        pod,
        podStatus({
          phase: 'Failed',
          conditions: readyConditions(false),
          containerStatuses: [containerStatus('app', { terminated: true, reason: 'Error', exitCode: 2 })],
        })
      );
    },
  },
  {
    name: 'exit-code-no-reason',
    description: 'a terminated container with an empty reason and exit code 3',
    expect: { reason: 'Error', category: 'container', detail: 'exit code 3', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain, { restartPolicy: 'Never' });
      await c.setPodStatus(
        ns,
        pod,
        podStatus({
          phase: 'Failed',
          conditions: readyConditions(false),
          containerStatuses: [containerStatus('app', { terminated: true, exitCode: 3 })],
        })
      );
    },
  },
  {
    name: 'signal-no-reason',
    description: 'a terminated container with an empty reason, killed by signal 9',
    expect: { reason: 'Error', category: 'container', detail: 'signal 9', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain, { restartPolicy: 'Never' });
      await c.setPodStatus(
        ns,
        pod,
        podStatus({
          phase: 'Failed',
          conditions: readyConditions(false),
          containerStatuses: [containerStatus('app', { terminated: true, exitCode: 137, signal: 9 })],
        })
      );
    },
  },
  {
    name: 'node-pressure-eviction',
    description: 'the kubelet evicted the pod under memory pressure',
    expect: { reason: 'Evicted', category: 'eviction', initiator: 'kubelet', detail: 'memory', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(ns, pod, killedByKubelet('Evicted', MESSAGES.memoryPressure));
    },
  },
  {
    name: 'ephemeral-storage-eviction',
    description: 'the kubelet evicted the pod for exceeding its local storage limit',
    expect: {
      reason: 'Evicted',
      category: 'eviction',
      initiator: 'kubelet',
      detail: 'local-storage-limit',
      abnormal: true,
    },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(ns, pod, killedByKubelet('Evicted', MESSAGES.ephemeralStorageLimit, 'Error'));
    },
  },
  {
    name: 'kubelet-eviction-legacy',
    description: 'the kubelet evicted the pod; kubelets before 1.26 wrote no DisruptionTarget condition',
    expect: { reason: 'Evicted', category: 'eviction', initiator: 'kubelet', detail: 'memory', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(
        ns,
        pod,
        killedByKubelet('Evicted', MESSAGES.memoryPressure, 'ContainerStatusUnknown', true)
      );
    },
  },
  {
    name: 'graceful-node-shutdown',
    description: 'graceful node shutdown terminated the pod',
    expect: { reason: 'Shutdown', category: 'node', initiator: 'kubelet', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(ns, pod, killedByKubelet('Terminated', MESSAGES.nodeShutdown));
    },
  },
  {
    name: 'legacy-node-shutdown',
    description: 'graceful node shutdown as Kubernetes 1.20–1.21 wrote it: status.reason Shutdown',
    expect: { reason: 'Shutdown', category: 'node', initiator: 'kubelet', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(ns, pod, killedByKubelet('Shutdown', MESSAGES.legacyNodeShutdown, 'Error', true));
    },
  },
  {
    name: 'critical-pod-preemption',
    description: 'the kubelet preempted the pod to admit a critical pod',
    expect: { reason: 'Preempting', category: 'preemption', initiator: 'kubelet', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(ns, pod, killedByKubelet('Preempting', MESSAGES.criticalPreemption, 'Error'));
    },
  },
  {
    name: 'admission-out-of-cpu',
    description: 'the kubelet rejected the pod at admission: OutOfcpu',
    expect: { reason: 'OutOfcpu', category: 'admission', initiator: 'kubelet', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(ns, pod, rejectedByKubelet('OutOfcpu', MESSAGES.outOfCpu));
    },
  },
  {
    name: 'admission-node-affinity',
    description: 'the kubelet rejected the pod at admission: NodeAffinity',
    expect: { reason: 'NodeAffinity', category: 'admission', initiator: 'kubelet', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(ns, pod, rejectedByKubelet('NodeAffinity', MESSAGES.nodeAffinity));
    },
  },
  {
    name: 'admission-unexpected-error',
    description: 'the kubelet rejected the pod at admission: a device plugin failed (UnexpectedAdmissionError)',
    expect: { reason: 'UnexpectedAdmissionError', category: 'admission', initiator: 'kubelet', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(ns, pod, rejectedByKubelet('UnexpectedAdmissionError', MESSAGES.unexpectedAdmission));
    },
  },
  {
    name: 'deadline-exceeded',
    description: 'activeDeadlineSeconds passed',
    expect: { reason: 'DeadlineExceeded', category: 'lifecycle', initiator: 'kubelet', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain, { restartPolicy: 'Never' });
      await c.setPodStatus(
        ns,
        pod,
        podStatus({
          phase: 'Failed',
          reason: 'DeadlineExceeded',
          message: MESSAGES.deadlineExceeded,
          conditions: readyConditions(false),
          containerStatuses: [containerStatus('app', { terminated: true, reason: 'Error', exitCode: 137 })],
        })
      );
    },
  },
  {
    name: 'init-crashloop',
    description: 'an init container in CrashLoopBackOff',
    expect: { reason: 'CrashLoopBackOff', category: 'container', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain, { initContainers: ['migrate'] });
      await c.setPodStatus(
        ns,
        pod,
        podStatus({
          phase: 'Pending',
          conditions: [
            condition(
              'Initialized',
              'False',
              'ContainersNotInitialized',
              'containers with incomplete status: [migrate]'
            ),
            condition('PodScheduled', 'True'),
          ],
          initContainerStatuses: [
            containerStatus('migrate', { waiting: 'CrashLoopBackOff', last: { reason: 'Error', exitCode: 1 } }, 3),
          ],
          containerStatuses: [containerStatus('app', { waiting: 'PodInitializing' })],
        })
      );
    },
  },
  {
    name: 'init-exit-code',
    description: 'an init container terminated with exit code 2 and no reason',
    expect: { reason: 'Error', category: 'container', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain, { initContainers: ['migrate'], restartPolicy: 'Never' });
      await c.setPodStatus(
        ns,
        pod,
        podStatus({
          phase: 'Failed',
          conditions: [
            condition('Initialized', 'False', 'ContainersNotInitialized'),
            condition('PodScheduled', 'True'),
          ],
          initContainerStatuses: [containerStatus('migrate', { terminated: true, exitCode: 2 })],
          containerStatuses: [containerStatus('app', { waiting: 'PodInitializing' })],
        })
      );
    },
  },
  {
    name: 'init-progress',
    description: 'the first of two init containers has completed',
    expect: { reason: 'Pending', category: 'healthy', abnormal: false },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain, { initContainers: ['fetch', 'migrate'] });
      await c.setPodStatus(
        ns,
        pod,
        podStatus({
          phase: 'Pending',
          conditions: [
            condition('Initialized', 'False', 'ContainersNotInitialized'),
            condition('PodScheduled', 'True'),
          ],
          initContainerStatuses: [
            containerStatus('fetch', { terminated: true, reason: 'Completed', exitCode: 0 }),
            containerStatus('migrate', { running: true, ready: false }),
          ],
          containerStatuses: [containerStatus('app', { waiting: 'PodInitializing' })],
        })
      );
    },
  },
  {
    name: 'sidecar-running',
    description: 'a started sidecar (restartable init container) beside a running app',
    expect: { reason: 'Running', category: 'healthy', abnormal: false },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain, { sidecars: ['proxy'] });
      await c.setPodStatus(
        ns,
        pod,
        runningStatus({
          initContainerStatuses: [containerStatus('proxy', { running: true })],
        })
      );
    },
  },
  {
    name: 'completed-beside-running',
    description: 'one container completed, another runs and the pod is Ready',
    expect: { reason: 'Running', category: 'healthy', abnormal: false },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain, { containers: ['setup', 'app'] });
      await c.setPodStatus(
        ns,
        pod,
        runningStatus({
          containerStatuses: [
            containerStatus('app', { running: true }),
            containerStatus('setup', { terminated: true, reason: 'Completed', exitCode: 0 }),
          ],
        })
      );
    },
  },
  {
    name: 'completed-beside-not-ready',
    description: 'one container completed, another runs and is ready, but a readiness gate holds the pod back',
    expect: { reason: 'NotReady', category: 'container', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain, { containers: ['setup', 'app'] });
      await c.setPodStatus(
        ns,
        pod,
        runningStatus({
          conditions: [
            ...readyConditions().filter((c) => c.type !== 'Ready'),
            condition(
              'Ready',
              'False',
              'ReadinessGatesNotReady',
              'corresponding condition of pod readiness gate "example.com/lb-registered" does not exist.'
            ),
          ],
          containerStatuses: [
            containerStatus('app', { running: true }),
            containerStatus('setup', { terminated: true, reason: 'Completed', exitCode: 0 }),
          ],
        })
      );
    },
  },
  {
    name: 'not-ready',
    description: 'running, but the readiness probe fails',
    expect: { reason: 'NotReady', category: 'container', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(
        ns,
        pod,
        runningStatus({
          conditions: readyConditions(false),
          containerStatuses: [containerStatus('app', { running: true, ready: false })],
        })
      );
    },
  },
  {
    name: 'stale-disruption-target',
    description: 'an eviction that deleted nothing: the disruption controller reset DisruptionTarget to False',
    expect: { reason: 'Running', category: 'healthy', abnormal: false },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      // pkg/controller/disruption replaces the condition by one with status False and no reason.
      await c.setPodStatus(
        ns,
        pod,
        runningStatus({ conditions: [...readyConditions(), condition('DisruptionTarget', 'False')] })
      );
    },
  },
  {
    name: 'unschedulable',
    description: 'the scheduler found no node',
    expect: { reason: 'Unschedulable', category: 'scheduling', initiator: 'scheduler', abnormal: true },
    async play(c, ns, pod) {
      await c.createPod(ns, pod);
      await c.setPodStatus(ns, pod, {
        phase: 'Pending',
        conditions: [
          condition('PodScheduled', 'False', 'Unschedulable', '0/3 nodes are available: 3 Insufficient cpu.'),
        ],
      });
    },
  },
  {
    name: 'scheduling-gated',
    description: 'a pod held back by a scheduling gate (the API server sets PodScheduled=False)',
    expect: { reason: 'SchedulingGated', category: 'scheduling', initiator: 'scheduler', abnormal: true },
    async play(c, ns, pod) {
      await c.createPod(ns, pod, { schedulingGates: ['example.com/quota'] });
    },
  },
  {
    name: 'node-unreachable',
    description: 'a running pod on a node whose kubelet stopped reporting',
    expect: { reason: 'NodeUnreachable', category: 'node', initiator: 'node-lifecycle', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.unreachable);
      await c.setPodStatus(ns, pod, runningStatus());
    },
  },
  {
    name: 'user-delete',
    description: 'a user deleted a bound pod; it is terminating (no kubelet confirms)',
    expect: { reason: 'Terminating', category: 'deletion', initiator: 'unknown', abnormal: false },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(ns, pod, runningStatus());
      await c.deletePod(ns, pod);
    },
  },
  {
    name: 'node-lost',
    description: 'legacy NodeLost status on a pod being deleted',
    expect: { reason: 'NodeLost', category: 'node', initiator: 'node-lifecycle', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(
        ns,
        pod,
        runningStatus({
          reason: 'NodeLost',
          message: `Node ${nodes.plain} which was running pod ${pod} is unresponsive`,
        })
      );
      await c.deletePod(ns, pod);
    },
  },
  {
    name: 'karpenter-eviction',
    description: 'Karpenter consolidates a node: Eviction API + its Evicted event, pod terminating',
    expect: {
      reason: 'EvictionByEvictionAPI',
      category: 'eviction',
      initiator: 'karpenter',
      detail: 'Underutilized',
      abnormal: true,
    },
    async play(c, ns, pod, nodes) {
      const p = await bound(c, ns, pod, nodes.karpenter);
      await c.setPodStatus(ns, pod, runningStatus());
      await evictForConsolidation(c, ns, p);
    },
  },
  {
    name: 'autoscaler-eviction',
    description: 'Cluster Autoscaler scales a node down: ScaleDown event + Eviction API',
    expect: { reason: 'EvictionByEvictionAPI', category: 'eviction', initiator: 'cluster-autoscaler', abnormal: true },
    async play(c, ns, pod, nodes) {
      const p = await bound(c, ns, pod, nodes.autoscaler);
      await c.setPodStatus(ns, pod, runningStatus());
      await c.podEvent(ns, p, 'cluster-autoscaler', 'ScaleDown', 'deleting pod for node scale down');
      await c.evictPod(ns, pod);
    },
  },
  {
    name: 'drain-eviction',
    description: 'kubectl drain: a cordoned node, Eviction API, no event',
    expect: { reason: 'EvictionByEvictionAPI', category: 'eviction', initiator: 'drain', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.cordoned);
      await c.setPodStatus(ns, pod, runningStatus());
      await c.evictPod(ns, pod);
    },
  },
  {
    name: 'descheduler-eviction',
    description: 'the descheduler evicts a pod and reports it in an event',
    expect: { reason: 'EvictionByEvictionAPI', category: 'eviction', initiator: 'descheduler', abnormal: true },
    async play(c, ns, pod, nodes) {
      const p = await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(ns, pod, runningStatus());
      await c.podEvent(
        ns,
        p,
        'descheduler',
        'RemoveDuplicates',
        `pod evicted from ${nodes.plain} node by sigs.k8s.io/descheduler`
      );
      await c.evictPod(ns, pod);
    },
  },
  {
    name: 'scheduler-preemption',
    description: 'the scheduler preempts a lower-priority pod',
    expect: { reason: 'PreemptionByScheduler', category: 'preemption', initiator: 'scheduler', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.plain);
      await c.setPodStatus(ns, pod, runningStatus());
      await c.disruptAndDelete(
        ns,
        pod,
        'PreemptionByScheduler',
        'default-scheduler: preempting to accommodate a higher priority pod'
      );
    },
  },
  {
    name: 'taint-manager-deletion',
    description: 'the taint manager deletes a pod from an unreachable node (NoExecute)',
    expect: { reason: 'DeletionByTaintManager', category: 'node', initiator: 'taint-manager', abnormal: true },
    async play(c, ns, pod, nodes) {
      await bound(c, ns, pod, nodes.unreachable);
      await c.setPodStatus(ns, pod, runningStatus());
      await c.disruptAndDelete(ns, pod, 'DeletionByTaintManager', 'Taint manager: deleting due to NoExecute taint');
    },
  },
  {
    name: 'unbound-eviction',
    description: 'evicting a pod with no node deletes it at once: only the DELETED event tells why',
    expect: { reason: 'EvictionByEvictionAPI', category: 'eviction', initiator: 'unknown', abnormal: true },
    deletes: true,
    async play(c, ns, pod) {
      await c.createPod(ns, pod);
      await c.evictPod(ns, pod);
    },
  },
  {
    name: 'pod-gc-orphan',
    description: 'the node is gone; PodGC marks the orphan and force-deletes it',
    expect: { reason: 'DeletionByPodGC', category: 'node', initiator: 'pod-gc', abnormal: true },
    deletes: true,
    async play(c, ns, pod, nodes) {
      const gone = `${nodes.plain}-gone-${pod}`;
      await c.createNode(gone);
      await bound(c, ns, pod, gone);
      await c.setPodStatus(ns, pod, runningStatus());
      await c.deleteNode(gone);
      await c.garbageCollectPod(ns, pod);
    },
  },
];
