// The benchmark's cluster: where each pod lives, what its status says, and the status updates of
// the churn phase. Shapes come from tests/cluster/kubelet.ts, as the kubelet writes them.
import type { V1OwnerReference, V1PodStatus } from '@kubernetes/client-node';
import type { PodSpec } from '../../tests/cluster/driver.ts';
import {
  MESSAGES,
  condition,
  containerStatus,
  podStatus,
  readyConditions,
  terminationByKubelet,
} from '../../tests/cluster/kubelet.ts';

/** Pods per node, as in the 5,000-node cluster of Kubernetes' documented 150,000-pod limit. */
export const PODS_PER_NODE = 30;
export const NAMESPACES = 40;
export const APPS_PER_NAMESPACE = 10;
const TIERS = ['web', 'api', 'worker'] as const;
/** One pod in this many is abnormal (5 %). */
const ABNORMAL_EVERY = 20;

/** Pods per ReplicaSet: the workload a pod belongs to (owners.ts creates them; the main run does not). */
export const PODS_PER_REPLICASET = 10;

export const nodeName = (n: number) => `bench-node-${n}`;
export const namespaceName = (n: number) => `team-${n}`;

const running = (fields: Partial<V1PodStatus> = {}): V1PodStatus =>
  podStatus({
    phase: 'Running',
    conditions: readyConditions(),
    containerStatuses: [containerStatus('app', { running: true })],
    ...fields,
  });

const failedByKubelet = (reason: string, message: string): V1PodStatus =>
  podStatus({
    phase: 'Failed',
    reason,
    message,
    conditions: [...readyConditions(false), terminationByKubelet(message)],
    containerStatuses: [containerStatus('app', { terminated: true, reason: 'Error', exitCode: 137 })],
  });

interface Abnormal {
  reason: string;
  /** Unscheduled pods have no node. */
  unscheduled?: boolean;
  restartPolicy?: PodSpec['restartPolicy'];
  status(): V1PodStatus;
}

/** The abnormal 5 %, in equal shares; `reason` is what the engine answers (tests/cluster/scenarios.ts). */
export const ABNORMAL: readonly Abnormal[] = [
  {
    reason: 'OOMKilled',
    status: () =>
      running({
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
      }),
  },
  {
    reason: 'CrashLoopBackOff',
    status: () =>
      running({
        conditions: readyConditions(false),
        containerStatuses: [
          containerStatus('app', { waiting: 'CrashLoopBackOff', last: { reason: 'Error', exitCode: 1 } }, 4),
        ],
      }),
  },
  {
    reason: 'ImagePullBackOff',
    status: () =>
      podStatus({
        phase: 'Pending',
        conditions: readyConditions(false),
        containerStatuses: [
          containerStatus('app', {
            waiting: 'ImagePullBackOff',
            message: 'Back-off pulling image "registry.example/app:1.0"',
          }),
        ],
      }),
  },
  {
    reason: 'ErrImagePull',
    status: () =>
      podStatus({
        phase: 'Pending',
        conditions: readyConditions(false),
        containerStatuses: [
          containerStatus('app', {
            waiting: 'ErrImagePull',
            message: 'rpc error: code = NotFound desc = failed to pull and unpack image',
          }),
        ],
      }),
  },
  {
    reason: 'CreateContainerConfigError',
    status: () =>
      podStatus({
        phase: 'Pending',
        conditions: readyConditions(false),
        containerStatuses: [
          containerStatus('app', { waiting: 'CreateContainerConfigError', message: 'secret "db-password" not found' }),
        ],
      }),
  },
  { reason: 'Evicted', status: () => failedByKubelet('Evicted', MESSAGES.memoryPressure) },
  {
    reason: 'NotReady',
    status: () =>
      running({
        conditions: readyConditions(false),
        containerStatuses: [containerStatus('app', { running: true, ready: false })],
      }),
  },
  {
    reason: 'Error',
    restartPolicy: 'Never',
    status: () =>
      podStatus({
        phase: 'Failed',
        conditions: readyConditions(false),
        containerStatuses: [containerStatus('app', { terminated: true, reason: 'Error', exitCode: 2 })],
      }),
  },
  {
    reason: 'Unschedulable',
    unscheduled: true,
    status: () => ({
      phase: 'Pending',
      conditions: [
        condition('PodScheduled', 'False', 'Unschedulable', '0/50 nodes are available: 50 Insufficient cpu.'),
      ],
    }),
  },
  {
    reason: 'DeadlineExceeded',
    restartPolicy: 'Never',
    status: () =>
      podStatus({
        phase: 'Failed',
        reason: 'DeadlineExceeded',
        message: MESSAGES.deadlineExceeded,
        conditions: readyConditions(false),
      }),
  },
];

export interface BenchPod {
  namespace: string;
  name: string;
  spec: PodSpec;
  status: V1PodStatus;
  /** The engine's expected primary reason. */
  reason: string;
}

/** The ReplicaSet of bench pod `i`: pods of one app in one namespace, about ten to a ReplicaSet. */
export function replicaSetOf(i: number): { namespace: string; name: string; deployment: string } {
  const ns = i % NAMESPACES;
  const app = `svc-${Math.floor(i / NAMESPACES) % APPS_PER_NAMESPACE}`;
  const generation = Math.floor(i / (NAMESPACES * APPS_PER_NAMESPACE * PODS_PER_REPLICASET));
  return { namespace: namespaceName(ns), name: `${app}-${generation.toString(36).padStart(6, '0')}`, deployment: app };
}

/** A controller ownerReference with a made-up uid per name: the API server only checks that it has one. */
export function ownerReference(apiVersion: string, kind: string, name: string, namespace: string): V1OwnerReference {
  const uid = [...`${namespace}/${name}`].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  return {
    apiVersion,
    kind,
    name,
    uid: `00000000-0000-4000-8000-${uid.toString(16).padStart(12, '0')}`,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Nodes that `pods` pods fill. */
export const nodesFor = (pods: number) => Math.ceil(pods / PODS_PER_NODE);

/**
 * Pod number `i` of the benchmark. Pods are numbered across sizes, so that a larger size adds pods
 * to the same namespaces and fills further nodes; the 30 pods of a node belong to 30 namespaces.
 */
export function benchPod(i: number): BenchPod {
  const ns = i % NAMESPACES;
  const app = Math.floor(i / NAMESPACES) % APPS_PER_NAMESPACE;
  const appName = `svc-${app}`;
  const labels = {
    'app.kubernetes.io/name': appName,
    'app.kubernetes.io/instance': `${appName}-${namespaceName(ns)}`,
    'pod-template-hash': (0x5f3a9c7d ^ (ns * 131 + app)).toString(16).slice(0, 8),
    tier: TIERS[app % TIERS.length],
  };
  const name = `${appName}-${i.toString(36).padStart(5, '0')}`;
  const node = nodeName(Math.floor(i / PODS_PER_NODE));
  const rs = replicaSetOf(i);
  const owner = ownerReference('apps/v1', 'ReplicaSet', rs.name, rs.namespace);
  const abnormal = i % ABNORMAL_EVERY === 7 ? ABNORMAL[Math.floor(i / ABNORMAL_EVERY) % ABNORMAL.length] : undefined;
  if (!abnormal) {
    return { namespace: namespaceName(ns), name, spec: { node, labels, owner }, status: running(), reason: 'Running' };
  }
  return {
    namespace: namespaceName(ns),
    name,
    spec: { node: abnormal.unscheduled ? undefined : node, labels, owner, restartPolicy: abnormal.restartPolicy },
    status: abnormal.status(),
    reason: abnormal.reason,
  };
}

/**
 * Status updates of the churn phase: a readiness probe that flaps. Update `k` goes to churn pod
 * `k % pods`, alternately NotReady and back to Ready, so a pod is never updated twice at once by
 * concurrent clients (as long as pods > clients), and an even number of rounds leaves every pod Running.
 */
export function churnPlan(runningPods: number, wantedUpdates: number): { pods: number; rounds: number } {
  const pods = Math.max(1, Math.min(runningPods, Math.floor(wantedUpdates / 2)));
  const rounds = Math.max(2, 2 * Math.floor(wantedUpdates / (2 * pods)));
  return { pods, rounds };
}

export function churnStatus(round: number): Pick<V1PodStatus, 'conditions' | 'containerStatuses'> {
  const ready = round % 2 === 1;
  return { conditions: readyConditions(ready), containerStatuses: [containerStatus('app', { running: true, ready })] };
}

/** Runs `task(0 … count-1)` with at most `concurrency` in flight. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      await task(next++);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
