// Every value of the public vocabularies (docs/pod-reasons.md §3, §5, §6) comes out of the engine
// for a pod that shows it; a value added to types.ts without a row here fails the coverage check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CATEGORIES,
  explainPod,
  INITIATORS,
  SOURCES,
  type Category,
  type Initiator,
  type Source,
} from '../../src/engine/index.ts';
import { context, event, node, type ContextOpts } from '../fixtures/k8s.ts';
import * as f from '../fixtures/pods.ts';

type Case = [pod: Record<string, unknown>, ctx?: ContextOpts];

const karpenterEvent: ContextOpts = {
  events: [
    event({ pod: f.evictionApi, reason: 'Evicted', message: 'Evicted pod: Empty', component: 'karpenter', time: 0 }),
  ],
};
const taintedNode = (key: string): ContextOpts => ({
  nodes: [node('node-a', { taints: [{ key, effect: 'NoSchedule' }] })],
});

const sources: Record<Source, Case> = {
  'status.reason': [f.evictedMemory],
  'condition:DisruptionTarget': [f.evictionApi],
  'condition:PodScheduled': [f.unschedulable],
  'condition:Ready': [f.notReady],
  'initContainer.waiting': [f.initCrashLoop],
  'initContainer.terminated': [f.initFailed],
  'initContainer.lastTerminated': [f.initOomCrashLoop],
  'container.waiting': [f.crashLoop],
  'container.terminated': [f.jobFailed],
  'container.lastTerminated': [f.oomCrashLoop],
  deletion: [f.deleting],
  node: [f.healthyRunning, { nodes: [] }],
  event: [f.evictionApi, karpenterEvent],
  phase: [f.healthyRunning],
};

const categories: Record<Category, Case> = {
  eviction: [f.evictedMemory],
  preemption: [f.schedulerPreempted],
  node: [f.nodeShutdown],
  admission: [f.outOfCpu],
  container: [f.crashLoop],
  scheduling: [f.unschedulable],
  deletion: [f.deleting],
  lifecycle: [f.deadlineExceeded],
  healthy: [f.healthyRunning],
  other: [f.unknownStatusReason],
};

// `user` belongs to the vocabulary (API filters, other producers) but no rule can tell a person's
// DELETE from the pod object, its node or its events, so the engine never answers it.
const initiators: Record<Exclude<Initiator, 'user'>, Case> = {
  kubelet: [f.evictedMemory],
  scheduler: [f.unschedulable],
  'taint-manager': [f.taintManagerDeleted],
  'pod-gc': [f.podGcDeleted],
  'node-lifecycle': [f.nodeLost],
  karpenter: [f.evictionApi, karpenterEvent],
  'cluster-autoscaler': [f.evictionApi, taintedNode('ToBeDeletedByClusterAutoscaler')],
  descheduler: [
    f.evictionApi,
    {
      events: [
        event({
          pod: f.evictionApi,
          reason: 'RemoveDuplicates',
          message: 'pod evicted from node-a node by sigs.k8s.io/descheduler',
          component: '',
          time: 0,
        }),
      ],
    },
  ],
  vpa: [
    f.evictionApi,
    {
      events: [
        event({
          pod: f.evictionApi,
          reason: 'EvictedByVPA',
          message: 'Pod was evicted by VPA Updater to apply resource recommendation.',
          component: 'vpa-updater',
          time: 0,
        }),
      ],
    },
  ],
  drain: [f.evictionApi, taintedNode('node.kubernetes.io/unschedulable')],
  container: [f.oomKilledJob],
  unknown: [f.evictionApi],
};

function sourcesOf([pod, ctx]: Case): Source[] {
  const a = explainPod(pod, context(ctx));
  return [a.source, ...a.signals.map((s) => s.source)];
}

describe('vocabulary', () => {
  it('every source has a case', () => assert.deepEqual(Object.keys(sources).sort(), [...SOURCES].sort()));
  it('every category has a case', () => assert.deepEqual(Object.keys(categories).sort(), [...CATEGORIES].sort()));
  it('every initiator but user has a case', () =>
    assert.deepEqual(Object.keys(initiators).sort(), INITIATORS.filter((i) => i !== 'user').sort()));

  for (const [source, c] of Object.entries(sources)) {
    it(`source ${source}`, () => assert.ok(sourcesOf(c).includes(source as Source), sourcesOf(c).join(', ')));
  }
  for (const [category, [pod, ctx]] of Object.entries(categories)) {
    it(`category ${category}`, () => assert.equal(explainPod(pod, context(ctx)).category, category));
  }
  for (const [initiator, [pod, ctx]] of Object.entries(initiators)) {
    it(`initiator ${initiator}`, () => assert.equal(explainPod(pod, context(ctx)).initiator, initiator));
  }
});
