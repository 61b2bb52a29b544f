// The scenario driver's verbs: what kubelets, controllers and autoscalers do to pods and nodes,
// played against a real API server that has none of them running.
import {
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type V1Container,
  type V1Node,
  type V1NodeCondition,
  type V1OwnerReference,
  type V1Pod,
  type V1PodStatus,
  type V1Taint,
} from '@kubernetes/client-node';

export interface NodeSpec {
  labels?: Record<string, string>;
  taints?: V1Taint[];
  unschedulable?: boolean;
  ready?: 'True' | 'False' | 'Unknown';
}

export interface PodSpec {
  node?: string;
  containers?: string[];
  initContainers?: string[];
  /** Init containers that keep running beside the app (sidecars, restartPolicy Always). */
  sidecars?: string[];
  labels?: Record<string, string>;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  schedulingGates?: string[];
  terminationGracePeriodSeconds?: number;
  /** The controller that owns the pod (workloads.ts), as its ownerReference. */
  owner?: V1OwnerReference;
}

/** Event sources as the real components report them. */
export type EventSource = 'karpenter' | 'cluster-autoscaler' | 'descheduler' | 'vpa' | 'kubelet' | 'default-scheduler';

const container = (name: string, restartPolicy?: string): V1Container => ({
  name,
  image: `registry.example/${name}:1.0`,
  ...(restartPolicy ? { restartPolicy } : {}),
});

/** The Pod object a controller would create for `spec`. */
export function podObject(namespace: string, name: string, spec: PodSpec = {}): V1Pod {
  return {
    metadata: {
      name,
      namespace,
      labels: { app: name.replace(/-[a-z0-9]{5}$/, ''), ...spec.labels },
      ownerReferences: spec.owner && [spec.owner],
    },
    spec: {
      nodeName: spec.node,
      restartPolicy: spec.restartPolicy,
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
      schedulingGates: spec.schedulingGates?.map((gate) => ({ name: gate })),
      initContainers: [
        ...(spec.sidecars ?? []).map((c) => container(c, 'Always')),
        ...(spec.initContainers ?? []).map((c) => container(c)),
      ],
      containers: (spec.containers ?? ['app']).map((c) => container(c)),
    },
  };
}

export class Cluster {
  readonly core: CoreV1Api;
  private readonly mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

  constructor(kc: KubeConfig) {
    this.core = kc.makeApiClient(CoreV1Api);
  }

  async ensureNamespace(name: string): Promise<void> {
    try {
      await this.core.createNamespace({ body: { metadata: { name } } });
    } catch (err) {
      if ((err as { code?: number }).code !== 409) {
        throw err;
      }
    }
  }

  // ---- nodes ---------------------------------------------------------------------------------

  async createNode(name: string, spec: NodeSpec = {}): Promise<V1Node> {
    const node = await this.core.createNode({
      body: {
        metadata: { name, labels: { 'kubernetes.io/hostname': name, ...spec.labels } },
        spec: { taints: spec.taints, unschedulable: spec.unschedulable },
      },
    });
    const ready = await this.setNodeReady(name, spec.ready ?? 'True', node);
    // The TaintNodesByCondition admission plugin adds node.kubernetes.io/not-ready at creation; the
    // node lifecycle controller (not running here) replaces it once the kubelet reports Ready.
    if ((spec.ready ?? 'True') !== 'True') {
      return ready;
    }
    return this.core.patchNode({ name, body: { spec: { taints: spec.taints ?? null } } }, this.mergePatch);
  }

  /** Writes the Ready condition as the kubelet (True/False) or the node lifecycle controller (Unknown) does. */
  async setNodeReady(name: string, status: 'True' | 'False' | 'Unknown', current?: V1Node): Promise<V1Node> {
    const node = current ?? (await this.core.readNode({ name }));
    const reason = { True: 'KubeletReady', False: 'KubeletNotReady', Unknown: 'NodeStatusUnknown' }[status];
    const message = {
      True: 'kubelet is posting ready status',
      False: 'container runtime network not ready',
      Unknown: 'Kubelet stopped posting node status.',
    }[status];
    const ready: V1NodeCondition = {
      type: 'Ready',
      status,
      reason,
      message,
      lastHeartbeatTime: new Date(),
      lastTransitionTime: new Date(),
    };
    node.status = { ...node.status, conditions: [ready] };
    return this.core.replaceNodeStatus({ name, body: node });
  }

  async taintNode(name: string, taint: V1Taint): Promise<void> {
    const node = await this.core.readNode({ name });
    const taints = (node.spec?.taints ?? []).filter((t) => t.key !== taint.key);
    await this.core.patchNode(
      { name, body: { spec: { taints: [...taints, { ...taint, timeAdded: taint.timeAdded ?? new Date() }] } } },
      this.mergePatch
    );
  }

  async cordonNode(name: string): Promise<void> {
    await this.core.patchNode({ name, body: { spec: { unschedulable: true } } }, this.mergePatch);
  }

  async deleteNode(name: string): Promise<void> {
    await this.core.deleteNode({ name });
  }

  // ---- pods ----------------------------------------------------------------------------------

  async createPod(namespace: string, name: string, spec: PodSpec = {}): Promise<V1Pod> {
    return this.core.createNamespacedPod({ namespace, body: podObject(namespace, name, spec) });
  }

  /** Replaces pods/status, as the kubelet's status manager does. */
  async setPodStatus(namespace: string, name: string, status: V1PodStatus): Promise<V1Pod> {
    const pod = await this.core.readNamespacedPod({ name, namespace });
    pod.status = status;
    return this.core.replaceNamespacedPodStatus({ name, namespace, body: pod });
  }

  /** Evicts through the Eviction API; the API server adds DisruptionTarget and deletes the pod. */
  async evictPod(namespace: string, name: string): Promise<void> {
    await this.core.createNamespacedPodEviction({
      name,
      namespace,
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
    });
  }

  async deletePod(namespace: string, name: string, gracePeriodSeconds?: number): Promise<void> {
    await this.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds });
  }

  /** What PodGC does to a pod whose node is gone: condition first, then a forced delete. */
  async garbageCollectPod(namespace: string, name: string): Promise<void> {
    const pod = await this.core.readNamespacedPod({ name, namespace });
    const status = pod.status ?? {};
    status.conditions = [
      ...(status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'),
      {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'DeletionByPodGC',
        message: 'PodGC: node no longer exists',
        lastTransitionTime: new Date(),
      },
    ];
    if (status.phase !== 'Succeeded' && status.phase !== 'Failed') {
      status.phase = 'Failed';
    }
    await this.setPodStatus(namespace, name, status);
    await this.deletePod(namespace, name, 0);
  }

  /** Adds the scheduler's or taint manager's DisruptionTarget, then deletes as they do. */
  async disruptAndDelete(namespace: string, name: string, reason: string, message: string): Promise<void> {
    const pod = await this.core.readNamespacedPod({ name, namespace });
    const status = pod.status ?? {};
    status.conditions = [
      ...(status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'),
      { type: 'DisruptionTarget', status: 'True', reason, message, lastTransitionTime: new Date() },
    ];
    await this.setPodStatus(namespace, name, status);
    await this.deletePod(namespace, name);
  }

  /** Records an Event on a pod the way the named component reports it. */
  async podEvent(
    namespace: string,
    pod: V1Pod,
    source: EventSource,
    reason: string,
    message: string,
    type = 'Normal'
  ): Promise<void> {
    const now = new Date();
    await this.core.createNamespacedEvent({
      namespace,
      body: {
        metadata: { generateName: `${pod.metadata!.name}.`, namespace },
        involvedObject: { kind: 'Pod', apiVersion: 'v1', namespace, name: pod.metadata!.name, uid: pod.metadata!.uid },
        reason,
        message,
        type,
        source: { component: source },
        reportingComponent: source,
        reportingInstance: `${source}-0`,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    });
  }

  /** Creates many running pods quickly (benchmarks): `concurrency` requests in flight. */
  async loadPods(
    namespace: string,
    count: number,
    node: string,
    concurrency = 32,
    onProgress?: (done: number) => void
  ): Promise<void> {
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        await this.createPod(namespace, `load-${i}`, { node, labels: { shard: String(i % 10) } });
        if (++done % 1000 === 0) {
          onProgress?.(done);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
}
