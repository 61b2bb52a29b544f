// Who evicted or deleted a pod (docs/pod-reasons.md §6): Events first, then the node, else unknown.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainPod, type PodAnswer } from '../../src/engine/index.ts';
import { at, context, event, node, type ContextOpts, type NodeOpts } from '../fixtures/k8s.ts';
import { deleting, evictionApi } from '../fixtures/pods.ts';

// Event shapes, each from the component that records it:
// kubernetes-sigs/karpenter pkg/controllers/node/termination/terminator/events: EvictPod
// ("Evicted pod: " + reason) and DisruptPodDelete (reason Disrupted), recorder component "karpenter".
const karpenterEvicted = (message: string, time = 0) =>
  event({ pod: evictionApi, reason: 'Evicted', message, component: 'karpenter', time });
// kubernetes/autoscaler cluster-autoscaler core/scaledown/actuation/drain.go.
const scaleDown = event({
  pod: evictionApi,
  reason: 'ScaleDown',
  message: 'deleting pod for node scale down',
  component: 'cluster-autoscaler',
  time: 1,
});
// kubernetes-sigs/descheduler pkg/descheduler/evictions/evictions.go: reason = the strategy.
const descheduled = event({
  pod: evictionApi,
  reason: 'LowNodeUtilization',
  message: 'pod evicted from node-a node by sigs.k8s.io/descheduler',
  component: 'sigs.k8s.io.descheduler',
  time: 0,
});
const deschedulerFailed = event({
  pod: evictionApi,
  reason: 'EvictionFailed',
  message: 'pod eviction from node-a node by sigs.k8s.io/descheduler failed: total eviction limit exceeded (10)',
  component: 'sigs.k8s.io.descheduler',
  time: 0,
  type: 'Warning',
});
// kubernetes/autoscaler vertical-pod-autoscaler pkg/updater/eviction.
const vpaEvicted = event({
  pod: evictionApi,
  reason: 'EvictedByVPA',
  message: 'Pod was evicted by VPA Updater to apply resource recommendation.',
  component: 'vpa-updater',
  time: 0,
});
// The kubelet's own eviction event (pkg/kubelet/eviction/eviction_manager.go): not an initiator here.
const kubeletEvicted = event({
  pod: evictionApi,
  reason: 'Evicted',
  message: 'The node was low on resource: memory. ',
  component: 'kubelet',
  time: 0,
});

const onNode = (o: NodeOpts): ContextOpts => ({ nodes: [node('node-a', o)] });

const rows: Array<{ name: string; ctx: ContextOpts; want: Pick<PodAnswer, 'initiator' | 'detail'> }> = [
  {
    name: 'Karpenter ≥1.2 Evicted event: the disruption reason',
    ctx: { events: [karpenterEvicted('Evicted pod: Underutilized')] },
    want: { initiator: 'karpenter', detail: 'Underutilized' },
  },
  {
    name: 'Karpenter Evicted event: Drifted',
    ctx: { events: [karpenterEvicted('Evicted pod: Drifted')] },
    want: { initiator: 'karpenter', detail: 'Drifted' },
  },
  {
    name: 'Karpenter <1.2 Evicted event',
    ctx: { events: [karpenterEvicted('Evicted pod')] },
    want: { initiator: 'karpenter', detail: '' },
  },
  {
    name: 'Cluster Autoscaler ScaleDown event',
    ctx: { events: [scaleDown] },
    want: { initiator: 'cluster-autoscaler', detail: '' },
  },
  {
    name: 'descheduler event: the strategy',
    ctx: { events: [descheduled] },
    want: { initiator: 'descheduler', detail: 'LowNodeUtilization' },
  },
  {
    name: 'a refused descheduler eviction names nobody',
    ctx: { events: [deschedulerFailed] },
    want: { initiator: 'unknown', detail: '' },
  },
  { name: 'VPA Updater event', ctx: { events: [vpaEvicted] }, want: { initiator: 'vpa', detail: '' } },
  {
    name: "the kubelet's Evicted event names nobody",
    ctx: { events: [kubeletEvicted] },
    want: { initiator: 'unknown', detail: '' },
  },
  {
    name: 'an event more than a minute before the eviction is ignored',
    ctx: { events: [karpenterEvicted('Evicted pod: Drifted', -61)] },
    want: { initiator: 'unknown', detail: '' },
  },
  {
    name: 'an event within a minute counts',
    ctx: { events: [karpenterEvicted('Evicted pod: Drifted', -59)] },
    want: { initiator: 'karpenter', detail: 'Drifted' },
  },
  {
    name: 'the event closest to the eviction wins',
    ctx: { events: [karpenterEvicted('Evicted pod: Empty', -40), vpaEvicted] },
    want: { initiator: 'vpa', detail: '' },
  },
  {
    name: 'an event beats the node',
    ctx: {
      events: [scaleDown],
      nodes: [node('node-a', { taints: [{ key: 'karpenter.sh/disrupted', effect: 'NoSchedule' }] })],
    },
    want: { initiator: 'cluster-autoscaler', detail: '' },
  },
  {
    name: 'Karpenter v1 taint on the node',
    ctx: onNode({ taints: [{ key: 'karpenter.sh/disrupted', effect: 'NoSchedule' }] }),
    want: { initiator: 'karpenter', detail: 'karpenter.sh/disrupted' },
  },
  {
    name: 'Karpenter v1beta1 taint on the node',
    ctx: onNode({ taints: [{ key: 'karpenter.sh/disruption', value: 'disrupting', effect: 'NoSchedule' }] }),
    want: { initiator: 'karpenter', detail: 'karpenter.sh/disruption' },
  },
  {
    name: 'Cluster Autoscaler taint on the node',
    ctx: onNode({ taints: [{ key: 'ToBeDeletedByClusterAutoscaler', value: '1764316800', effect: 'NoSchedule' }] }),
    want: { initiator: 'cluster-autoscaler', detail: 'ToBeDeletedByClusterAutoscaler' },
  },
  {
    name: 'an autoscaler taint beats a cordon',
    ctx: onNode({ unschedulable: true, taints: [{ key: 'ToBeDeletedByClusterAutoscaler', effect: 'NoSchedule' }] }),
    want: { initiator: 'cluster-autoscaler', detail: 'ToBeDeletedByClusterAutoscaler' },
  },
  {
    name: 'a cordoned node: drain',
    ctx: onNode({ unschedulable: true }),
    want: { initiator: 'drain', detail: 'spec.unschedulable' },
  },
  {
    name: 'the unschedulable taint: drain',
    ctx: onNode({ taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }),
    want: { initiator: 'drain', detail: 'node.kubernetes.io/unschedulable' },
  },
  { name: 'a node that says nothing', ctx: onNode({}), want: { initiator: 'unknown', detail: '' } },
  { name: 'no node data and no events', ctx: {}, want: { initiator: 'unknown', detail: '' } },
];

describe('attribution of an Eviction-API eviction', () => {
  for (const row of rows) {
    it(row.name, () => {
      const a = explainPod(evictionApi, context(row.ctx));
      assert.equal(a.reason, 'EvictionByEvictionAPI');
      assert.deepEqual({ initiator: a.initiator, detail: a.detail }, row.want);
    });
  }

  it('the Event that named the initiator is the second signal', () => {
    const a = explainPod(evictionApi, context({ events: [karpenterEvicted('Evicted pod: Underutilized')] }));
    assert.deepEqual(a.signals.slice(0, 2), [
      { reason: 'EvictionByEvictionAPI', source: 'condition:DisruptionTarget', message: 'Eviction API: evicting' },
      { reason: 'Evicted', source: 'event', message: 'Evicted pod: Underutilized' },
    ]);
  });

  it('without a condition time the window is around now', () => {
    const p = structuredClone(evictionApi) as {
      status: { conditions: Array<{ type: string; lastTransitionTime?: string }> };
    };
    for (const c of p.status.conditions) {
      if (c.type === 'DisruptionTarget') {
        delete c.lastTransitionTime;
      }
    }
    const events = [karpenterEvicted('Evicted pod: Drifted', 0)];
    assert.equal(explainPod(p, context({ events, now: 30 })).initiator, 'karpenter');
    assert.equal(explainPod(p, context({ events, now: 120 })).initiator, 'unknown');
  });
});

describe('attribution of a deletion (Terminating)', () => {
  // Karpenter's forced delete when a node's terminationGracePeriod runs out: a Disrupted event.
  const disrupted = event({
    pod: deleting,
    reason: 'Disrupted',
    message:
      'Deleting the pod to accommodate the terminationTime 2026-11-28 08:00:30 +0000 UTC of the node. The pod was granted 30 seconds of grace-period of its 30 terminationGracePeriodSeconds. This bypasses the PDB of the pod and the do-not-disrupt annotation.',
    component: 'karpenter',
    time: 0,
  });

  it('Karpenter Disrupted event: karpenter, Forceful Termination, abnormal', () => {
    const a = explainPod(deleting, context({ events: [disrupted] }));
    assert.deepEqual(
      { reason: a.reason, initiator: a.initiator, detail: a.detail, abnormal: a.abnormal, message: a.message },
      {
        reason: 'Terminating',
        initiator: 'karpenter',
        detail: 'Forceful Termination',
        abnormal: true,
        message: disrupted.message,
      }
    );
  });

  it('a stuck deletion says stuck, whoever started it', () => {
    const a = explainPod(deleting, context({ events: [disrupted], now: 120 }));
    assert.deepEqual(
      { initiator: a.initiator, detail: a.detail, abnormal: a.abnormal },
      { initiator: 'karpenter', detail: 'stuck', abnormal: true }
    );
  });

  it('the event window is anchored on when the DELETE was made', () => {
    // deletionTimestamp at(30) with a 30 s grace period: the DELETE came at T0.
    const late = event({ pod: deleting, reason: 'Disrupted', message: 'm', component: 'karpenter', time: 65 });
    assert.equal(explainPod(deleting, context({ events: [late] })).initiator, 'unknown');
    assert.equal(explainPod(deleting, context({ events: [late] })).since, at(0));
  });

  it('the node names the initiator when no event does', () => {
    const a = explainPod(
      deleting,
      context({ nodes: [node('node-a', { taints: [{ key: 'karpenter.sh/disrupted', effect: 'NoSchedule' }] })] })
    );
    assert.deepEqual({ initiator: a.initiator, abnormal: a.abnormal }, { initiator: 'karpenter', abnormal: true });
  });
});
