// Every rule of docs/pod-reasons.md §4, and the order between them: each row would give a
// different answer if its rule were missing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainPod, type PodAnswer } from '../../src/engine/index.ts';
import { at, context, exit, node, pod, terminated, waiting, withDeletion, type ContextOpts } from '../fixtures/k8s.ts';
import * as f from '../fixtures/pods.ts';

interface Row {
  name: string;
  pod: Record<string, unknown>;
  ctx?: ContextOpts;
  want: Partial<PodAnswer>;
}

function check(rows: Row[]): void {
  for (const row of rows) {
    it(row.name, () => {
      const answer = explainPod(row.pod, context(row.ctx));
      const got = Object.fromEntries(Object.keys(row.want).map((k) => [k, answer[k as keyof PodAnswer]]));
      assert.deepEqual(got, row.want);
    });
  }
}

const healthyNodeA = (o: Parameters<typeof node>[1] = {}) => [node('node-a', o)];

describe('rule 1: status.reason', () => {
  check([
    {
      name: 'Evicted for memory, with a ContainerStatusUnknown container (kubernetes#105467)',
      pod: f.evictedMemoryLegacy,
      want: {
        reason: 'Evicted',
        category: 'eviction',
        source: 'status.reason',
        initiator: 'kubelet',
        detail: 'memory',
        abnormal: true,
        since: null,
        kubectlStatus: 'ContainerStatusUnknown',
      },
    },
    {
      name: 'Evicted since its TerminationByKubelet condition',
      pod: f.evictedMemory,
      want: { reason: 'Evicted', since: at(-30) },
    },
    {
      name: 'Evicted for a local-storage limit',
      pod: f.evictedLocalStorage,
      want: { reason: 'Evicted', detail: 'local-storage-limit' },
    },
    {
      name: 'Evicted at admission under node pressure',
      pod: f.evictedAtAdmission,
      want: { reason: 'Evicted', detail: 'admission:DiskPressure', kubectlStatus: 'Evicted' },
    },
    {
      name: 'Evicted at admission under several node conditions',
      pod: pod({
        name: 'batch-1-m2n3b',
        phase: 'Failed',
        reason: 'Evicted',
        message: 'The node had condition: [MemoryPressure DiskPressure]. ',
        containerStatuses: [],
      }),
      want: { reason: 'Evicted', detail: 'admission:MemoryPressure,DiskPressure' },
    },
    {
      name: 'Terminated by graceful node shutdown',
      pod: f.nodeShutdown,
      want: { reason: 'Shutdown', category: 'node', initiator: 'kubelet', source: 'status.reason', since: at(-20) },
    },
    {
      name: 'Shutdown (Kubernetes 1.20–1.21)',
      pod: f.nodeShutdownLegacy,
      want: { reason: 'Shutdown', category: 'node', initiator: 'kubelet' },
    },
    {
      name: 'Terminated without a shutdown message is another reason',
      pod: f.terminatedOther,
      want: { reason: 'Terminated', category: 'other', initiator: 'unknown', abnormal: true },
    },
    {
      name: 'Preempting (critical pod)',
      pod: f.kubeletPreempted,
      want: { reason: 'Preempting', category: 'preemption', initiator: 'kubelet' },
    },
    {
      name: 'DeadlineExceeded',
      pod: f.deadlineExceeded,
      want: { reason: 'DeadlineExceeded', category: 'lifecycle', initiator: 'kubelet' },
    },
    {
      name: 'NodeLost (legacy)',
      pod: f.nodeLost,
      want: { reason: 'NodeLost', category: 'node', initiator: 'node-lifecycle', kubectlStatus: 'Unknown' },
    },
    {
      name: 'OutOfcpu admission rejection',
      pod: f.outOfCpu,
      want: {
        reason: 'OutOfcpu',
        category: 'admission',
        initiator: 'kubelet',
        detail: 'cpu',
        kubectlStatus: 'OutOfcpu',
      },
    },
    {
      name: 'NodeAffinity admission rejection',
      pod: f.nodeAffinityRejected,
      want: { reason: 'NodeAffinity', category: 'admission', detail: '' },
    },
    {
      name: 'NodeShutdown admission rejection',
      pod: f.nodeShutdownRejected,
      want: { reason: 'NodeShutdown', category: 'admission' },
    },
    {
      name: 'an unknown status.reason',
      pod: f.unknownStatusReason,
      want: { reason: 'SomethingNew', category: 'other', initiator: 'unknown', source: 'status.reason' },
    },
  ]);
});

describe('rule 2: DisruptionTarget=True without status.reason', () => {
  check([
    {
      name: 'TerminationByKubelet with an eviction message',
      pod: f.kubeletTerminationInProgress,
      want: {
        reason: 'Evicted',
        category: 'eviction',
        source: 'condition:DisruptionTarget',
        initiator: 'kubelet',
        detail: 'memory',
        since: at(-10),
      },
    },
    {
      name: 'TerminationByKubelet with a shutdown message',
      pod: f.kubeletShutdownInProgress,
      want: { reason: 'Shutdown', category: 'node', initiator: 'kubelet' },
    },
    {
      name: 'TerminationByKubelet with a preemption message',
      pod: f.kubeletPreemptionInProgress,
      want: { reason: 'Preempting', category: 'preemption', initiator: 'kubelet' },
    },
    {
      name: 'TerminationByKubelet with a message it cannot read',
      pod: f.kubeletTerminationUnclassified,
      want: { reason: 'TerminationByKubelet', category: 'other', initiator: 'kubelet' },
    },
    {
      name: 'PreemptionByScheduler',
      pod: f.schedulerPreempted,
      want: {
        reason: 'PreemptionByScheduler',
        category: 'preemption',
        initiator: 'scheduler',
        kubectlStatus: 'Terminating',
      },
    },
    {
      name: 'PreemptionByKubeScheduler (1.26)',
      pod: f.schedulerPreempted126,
      want: { reason: 'PreemptionByScheduler', initiator: 'scheduler' },
    },
    {
      name: 'EvictionByEvictionAPI with nothing naming the caller',
      pod: f.evictionApi,
      want: {
        reason: 'EvictionByEvictionAPI',
        category: 'eviction',
        source: 'condition:DisruptionTarget',
        initiator: 'unknown',
        message: 'Eviction API: evicting',
        since: at(0),
        abnormal: true,
        kubectlStatus: 'Terminating',
      },
    },
    {
      name: 'DeletionByTaintManager names the NoExecute taint when the node is known',
      pod: f.taintManagerDeleted,
      ctx: { nodes: [f.unreachableNode] },
      want: {
        reason: 'DeletionByTaintManager',
        category: 'node',
        initiator: 'taint-manager',
        detail: 'node.kubernetes.io/unreachable',
      },
    },
    {
      name: 'DeletionByTaintManager without node data',
      pod: f.taintManagerDeleted,
      want: { reason: 'DeletionByTaintManager', initiator: 'taint-manager', detail: '' },
    },
    {
      name: 'DeletionByPodGC (before NodeGone)',
      pod: f.podGcDeleted,
      ctx: { nodes: [] },
      want: { reason: 'DeletionByPodGC', category: 'node', initiator: 'pod-gc' },
    },
    {
      name: 'another DisruptionTarget reason',
      pod: f.deviceTaintDeleted,
      want: { reason: 'DeletionByDeviceTaintManager', category: 'other', initiator: 'unknown' },
    },
    {
      name: 'a stale DisruptionTarget (status False) is ignored',
      pod: f.staleDisruptionTarget,
      want: { reason: 'Running', category: 'healthy', abnormal: false },
    },
  ]);

  it('a stale DisruptionTarget is not even a signal', () => {
    const a = explainPod(f.staleDisruptionTarget, context());
    assert.equal(
      a.signals.some((s) => s.source === 'condition:DisruptionTarget'),
      false
    );
  });
});

describe('rule 3: the node is unhealthy (only with node data)', () => {
  check([
    {
      name: 'node missing from the node data',
      pod: f.healthyRunning,
      ctx: { nodes: [node('node-b')] },
      want: {
        reason: 'NodeGone',
        category: 'node',
        source: 'node',
        initiator: 'node-lifecycle',
        since: null,
        abnormal: true,
      },
    },
    {
      name: 'Ready=Unknown',
      pod: f.healthyRunning,
      ctx: { nodes: healthyNodeA({ ready: 'Unknown', readySince: at(-100) }) },
      want: {
        reason: 'NodeUnreachable',
        detail: 'Ready=Unknown',
        message: 'Kubelet stopped posting node status.',
        since: at(-100),
      },
    },
    {
      name: 'unreachable taint',
      pod: f.healthyRunning,
      ctx: {
        nodes: healthyNodeA({
          taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: at(-50) }],
        }),
      },
      want: { reason: 'NodeUnreachable', detail: 'node.kubernetes.io/unreachable', since: at(-50) },
    },
    {
      name: 'not-ready taint',
      pod: f.healthyRunning,
      ctx: {
        nodes: healthyNodeA({
          taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: at(-50) }],
        }),
      },
      want: { reason: 'NodeNotReady', detail: 'node.kubernetes.io/not-ready', category: 'node' },
    },
    {
      name: 'Ready=False',
      pod: f.healthyRunning,
      ctx: { nodes: healthyNodeA({ ready: 'False', readySince: at(-70) }) },
      want: { reason: 'NodeNotReady', detail: 'Ready=False', since: at(-70) },
    },
    {
      name: 'out-of-service taint',
      pod: f.healthyRunning,
      ctx: {
        nodes: healthyNodeA({
          taints: [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute', timeAdded: at(-5) }],
        }),
      },
      want: {
        reason: 'NodeOutOfService',
        detail: 'node.kubernetes.io/out-of-service',
        initiator: 'node-lifecycle',
        since: at(-5),
      },
    },
    { name: 'a healthy node', pod: f.healthyRunning, ctx: { nodes: healthyNodeA() }, want: { reason: 'Running' } },
    {
      name: 'no node data: the rule is skipped',
      pod: f.healthyRunning,
      ctx: { nodes: null },
      want: { reason: 'Running' },
    },
    { name: 'a finished pod on a gone node', pod: f.completedJob, ctx: { nodes: [] }, want: { reason: 'Completed' } },
    { name: 'a pod bound to no node', pod: f.unschedulable, ctx: { nodes: [] }, want: { reason: 'Unschedulable' } },
    {
      name: 'beats the stale container state it leaves behind',
      pod: f.crashLoop,
      ctx: { nodes: healthyNodeA({ ready: 'Unknown' }) },
      want: { reason: 'NodeUnreachable' },
    },
    {
      name: 'beats a deletion in progress',
      pod: withDeletion(f.healthyRunning, at(30)),
      ctx: { nodes: healthyNodeA({ ready: 'Unknown' }) },
      want: { reason: 'NodeUnreachable', kubectlStatus: 'Terminating' },
    },
  ]);
});

describe('rule 4: a deletion in progress', () => {
  check([
    {
      name: 'an ordinary deletion is not abnormal',
      pod: f.deleting,
      ctx: { now: 10 },
      want: {
        reason: 'Terminating',
        category: 'deletion',
        source: 'deletion',
        initiator: 'unknown',
        detail: '',
        abnormal: false,
        since: at(0),
        kubectlStatus: 'Terminating',
      },
    },
    {
      name: 'still pending at deletionTimestamp + 60 s',
      pod: f.deleting,
      ctx: { now: 90 },
      want: { detail: '', abnormal: false },
    },
    {
      name: 'stuck past deletionTimestamp + 60 s',
      pod: f.deleting,
      ctx: { now: 91 },
      want: { reason: 'Terminating', detail: 'stuck', abnormal: true },
    },
    {
      name: 'on a drained node it is abnormal',
      pod: f.deleting,
      ctx: { nodes: healthyNodeA({ unschedulable: true }) },
      want: { reason: 'Terminating', initiator: 'drain', abnormal: true },
    },
    { name: 'beats the containers', pod: withDeletion(f.crashLoop, at(30)), want: { reason: 'Terminating' } },
    {
      name: 'not for a finished pod',
      pod: withDeletion(f.jobFailed, at(30)),
      want: { reason: 'Error', kubectlStatus: 'Error' },
    },
  ]);
});

describe('rule 5: containers', () => {
  check([
    {
      name: 'a: OOMKilled in state.terminated',
      pod: f.oomKilledJob,
      want: {
        reason: 'OOMKilled',
        category: 'container',
        source: 'container.terminated',
        initiator: 'container',
        detail: 'container trainer',
        since: at(-60),
        kubectlStatus: 'OOMKilled',
      },
    },
    {
      name: 'a: OOMKilled in lastState while restarting',
      pod: f.oomCrashLoop,
      want: {
        reason: 'OOMKilled',
        source: 'container.lastTerminated',
        detail: 'container app',
        since: at(-40),
        kubectlStatus: 'CrashLoopBackOff',
      },
    },
    {
      name: 'a: OOMKilled in an init container lastState',
      pod: f.initOomCrashLoop,
      want: { reason: 'OOMKilled', source: 'initContainer.lastTerminated', kubectlStatus: 'Init:CrashLoopBackOff' },
    },
    {
      name: 'a: an old OOM kill of a container running fine since',
      pod: f.oomRecovered,
      want: { reason: 'Running', abnormal: false },
    },
    {
      name: 'b: an init container in CrashLoopBackOff',
      pod: f.initCrashLoop,
      want: {
        reason: 'CrashLoopBackOff',
        source: 'initContainer.waiting',
        detail: 'Error, exit code 3',
        kubectlStatus: 'Init:CrashLoopBackOff',
      },
    },
    {
      name: 'b: an init container that failed',
      pod: f.initFailed,
      want: { reason: 'Error', source: 'initContainer.terminated', detail: 'exit code 3', kubectlStatus: 'Init:Error' },
    },
    {
      name: 'c: CrashLoopBackOff names the last termination',
      pod: f.crashLoop,
      want: {
        reason: 'CrashLoopBackOff',
        source: 'container.waiting',
        initiator: 'container',
        detail: 'Error, exit code 1',
        since: at(-90),
      },
    },
    {
      name: 'c: ImagePullBackOff',
      pod: f.imagePullBackOff,
      want: {
        reason: 'ImagePullBackOff',
        detail: 'container app',
        since: null,
        message: 'Back-off pulling image "registry.example/app:typo"',
      },
    },
    {
      name: 'c: CreateContainerConfigError',
      pod: f.createContainerConfigError,
      want: { reason: 'CreateContainerConfigError' },
    },
    {
      name: 'd: terminated Error',
      pod: f.jobFailed,
      want: {
        reason: 'Error',
        source: 'container.terminated',
        detail: 'exit code 1',
        since: at(-120),
        kubectlStatus: 'Error',
      },
    },
    {
      name: 'd: an empty reason with an exit code',
      pod: f.exitNoReason,
      want: { reason: 'Error', detail: 'exit code 2', kubectlStatus: 'ExitCode:2' },
    },
    {
      name: 'd: an empty reason with a signal',
      pod: f.signalNoReason,
      want: { reason: 'Error', detail: 'signal 9', kubectlStatus: 'Signal:9' },
    },
    {
      name: 'd: ContainerStatusUnknown',
      pod: f.containerStatusUnknown,
      want: { reason: 'ContainerStatusUnknown', detail: 'exit code 137', kubectlStatus: 'ContainerStatusUnknown' },
    },
    {
      name: 'a before c: an OOM kill in a later container beats a crash loop in an earlier one',
      pod: pod({
        name: 'two-1-a',
        containerStatuses: [
          waiting('api', 'CrashLoopBackOff', '', { last: { terminated: exit({ reason: 'Error', exitCode: 1 }) } }),
          terminated('worker', { reason: 'OOMKilled', exitCode: 137 }),
        ],
      }),
      want: { reason: 'OOMKilled', detail: 'container worker' },
    },
    {
      name: 'b before c: a crashing sidecar beats an app container that cannot pull',
      pod: pod({
        name: 'two-1-b',
        phase: 'Running',
        initContainers: [['proxy', 'Always']],
        initContainerStatuses: [
          waiting('proxy', 'CrashLoopBackOff', '', { last: { terminated: exit({ reason: 'Error', exitCode: 1 }) } }),
        ],
        containerStatuses: [waiting('app', 'ImagePullBackOff')],
      }),
      want: { reason: 'CrashLoopBackOff', source: 'initContainer.waiting' },
    },
    {
      name: 'c before d: a waiting container beats a terminated one',
      pod: pod({
        name: 'two-1-c',
        containerStatuses: [terminated('a', { reason: 'Error', exitCode: 1 }), waiting('b', 'ImagePullBackOff')],
      }),
      want: { reason: 'ImagePullBackOff' },
    },
    {
      // The kubelet reports container statuses sorted by name; the engine follows the spec.
      name: 'app containers in spec order (kubectl takes status order)',
      pod: pod({
        name: 'two-1-d',
        containers: ['zeta', 'alpha'],
        containerStatuses: [waiting('alpha', 'CrashLoopBackOff'), waiting('zeta', 'ImagePullBackOff')],
      }),
      want: { reason: 'ImagePullBackOff', kubectlStatus: 'CrashLoopBackOff' },
    },
  ]);
});

describe('rule 6: scheduling', () => {
  check([
    {
      name: 'Unschedulable',
      pod: f.unschedulable,
      want: {
        reason: 'Unschedulable',
        category: 'scheduling',
        source: 'condition:PodScheduled',
        initiator: 'scheduler',
        since: at(-300),
        abnormal: true,
        kubectlStatus: 'Pending',
      },
    },
    {
      name: 'SchedulingGated',
      pod: f.schedulingGated,
      want: { reason: 'SchedulingGated', initiator: 'scheduler', kubectlStatus: 'SchedulingGated' },
    },
  ]);
});

describe('rule 7: readiness', () => {
  check([
    {
      name: 'a running pod that is not Ready',
      pod: f.notReady,
      want: {
        reason: 'NotReady',
        category: 'container',
        source: 'condition:Ready',
        detail: 'ContainersNotReady',
        since: at(-45),
        abnormal: true,
        kubectlStatus: 'Running',
      },
    },
    {
      name: 'Ready=False without a reason, left by the node lifecycle controller on a recovered node',
      pod: f.notReadyByNodeLifecycle,
      ctx: { nodes: healthyNodeA() },
      want: { reason: 'NotReady', initiator: 'node-lifecycle', detail: '', since: at(-40), abnormal: true },
    },
    { name: 'a failing init container before readiness', pod: f.initCrashLoop, want: { reason: 'CrashLoopBackOff' } },
  ]);
});

describe('rule 8: healthy', () => {
  check([
    {
      name: 'Running',
      pod: f.healthyRunning,
      want: {
        reason: 'Running',
        category: 'healthy',
        source: 'phase',
        abnormal: false,
        since: at(-600),
        kubectlStatus: 'Running',
      },
    },
    {
      name: 'Completed',
      pod: f.completedJob,
      want: { reason: 'Completed', category: 'healthy', since: at(-200), kubectlStatus: 'Completed' },
    },
    {
      name: 'ContainerCreating',
      pod: f.containerCreating,
      want: {
        reason: 'ContainerCreating',
        source: 'container.waiting',
        category: 'healthy',
        abnormal: false,
        kubectlStatus: 'ContainerCreating',
      },
    },
    {
      name: 'Pending',
      pod: f.pendingUnbound,
      want: { reason: 'Pending', source: 'phase', abnormal: false, kubectlStatus: 'Pending' },
    },
    {
      name: 'Failed with nothing to say why',
      pod: f.failedNoReason,
      want: { reason: 'Failed', category: 'other', abnormal: true },
    },
    { name: 'phase Unknown', pod: f.phaseUnknown, want: { reason: 'Unknown', category: 'other', abnormal: true } },
  ]);
});

describe('signals', () => {
  it('lists everything found, primary first', () => {
    const a = explainPod(f.evictedMemory, context());
    assert.deepEqual(
      a.signals.map((s) => [s.reason, s.source, s.container]),
      [
        ['Evicted', 'status.reason', undefined],
        ['TerminationByKubelet', 'condition:DisruptionTarget', undefined],
        ['ContainerStatusUnknown', 'container.terminated', 'app'],
      ]
    );
  });

  it('keeps the crash loop next to the OOM kill that caused it', () => {
    const a = explainPod(f.oomCrashLoop, context());
    assert.deepEqual(
      a.signals.map((s) => [s.reason, s.source]),
      [
        ['OOMKilled', 'container.lastTerminated'],
        ['CrashLoopBackOff', 'container.waiting'],
        ['ContainersNotReady', 'condition:Ready'],
      ]
    );
  });

  it('a healthy pod has its phase as its only signal', () => {
    assert.deepEqual(explainPod(f.healthyRunning, context()).signals, [
      { reason: 'Running', source: 'phase', message: '' },
    ]);
  });
});

describe('the answer', () => {
  it('identifies the pod', () => {
    const a = explainPod(f.crashLoop, context());
    assert.deepEqual(
      { namespace: a.namespace, name: a.name, uid: a.uid, node: a.node, phase: a.phase },
      { namespace: 'shop', name: 'api-5c9d8-c6v7b', uid: 'uid-shop-api-5c9d8-c6v7b', node: 'node-a', phase: 'Running' }
    );
  });

  it('has exactly the field names of the contract (§3)', () => {
    assert.deepEqual(Object.keys(explainPod(f.healthyRunning, context())).sort(), [
      'abnormal',
      'capacityType',
      'category',
      'detail',
      'initiator',
      'kubectlStatus',
      'message',
      'name',
      'namespace',
      'node',
      'nodepool',
      'phase',
      'reason',
      'signals',
      'since',
      'source',
      'uid',
      'workload',
      'workloadKind',
    ]);
  });

  it('defaults to no node data, no events and the current time', () => {
    const a = explainPod(withDeletion(f.healthyRunning, '2001-01-01T00:00:00Z'), { nodes: undefined });
    assert.equal(a.reason, 'Terminating');
    assert.equal(a.detail, 'stuck');
  });
});
