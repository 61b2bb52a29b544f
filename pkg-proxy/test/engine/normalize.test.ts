// The engine's inputs: API JSON and @kubernetes/client-node model objects give the same answers,
// and the slim copies keep only what the engine and the API read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { explainPod, toEventInput, toNodeInput, toPodInput, type PodInput } from '../../src/engine/index.ts';
import { at, context, event, T0 } from '../fixtures/k8s.ts';
import * as f from '../fixtures/pods.ts';

const pods = Object.entries(f).filter(([, v]) => (v as { kind?: string }).kind === 'Pod') as Array<
  [string, Record<string, unknown>]
>;

describe('timestamps: API JSON strings and client-node Dates', () => {
  for (const [name, json] of pods) {
    it(name, () => {
      // What client-node's typed API calls return: the same fields, times as Date objects.
      const model = ObjectSerializer.deserialize(structuredClone(json), 'V1Pod', '');
      assert.ok(model.metadata.creationTimestamp instanceof Date);
      const ctx = context({ nodes: [f.healthyNode] });
      assert.deepEqual(explainPod(model, ctx), explainPod(json, ctx));
      assert.deepEqual(toPodInput(model), toPodInput(json));
    });
  }

  it('keeps sub-second precision when a Date has it', () => {
    const model = ObjectSerializer.deserialize(structuredClone(f.deleting), 'V1Pod', '');
    model.metadata.deletionTimestamp = new Date(T0 + 1500);
    assert.equal(toPodInput(model).deletionTimestamp, '2026-11-28T08:00:01.500Z');
  });

  it('events: Dates and MicroTime strings', () => {
    const json = event({
      pod: f.evictionApi,
      reason: 'ScaleDown',
      message: 'deleting pod for node scale down',
      component: 'cluster-autoscaler',
      time: 5,
    });
    const model = ObjectSerializer.deserialize(structuredClone(json), 'CoreV1Event', '');
    assert.ok(model.lastTimestamp instanceof Date);
    assert.deepEqual(toEventInput(model), toEventInput(json));
  });
});

describe('toPodInput', () => {
  const input = toPodInput(f.crashLoop);

  it('copies no env, volumes, annotations or managedFields', () => {
    const text = JSON.stringify(input);
    for (const leak of [
      'SECRET_TOKEN',
      'kube-api-access',
      'restartedAt',
      'kube-controller-manager',
      'registry.example',
    ]) {
      assert.ok(!text.includes(leak), leak);
    }
  });

  it('keeps the labels, as a copy', () => {
    assert.deepEqual(input.labels, { app: 'api-5c9d8' });
    assert.notEqual(input.labels, (f.crashLoop.metadata as { labels: object }).labels);
  });

  it('is flat and holds exactly these fields', () => {
    assert.deepEqual(input, {
      namespace: 'shop',
      name: 'api-5c9d8-c6v7b',
      uid: 'uid-shop-api-5c9d8-c6v7b',
      labels: { app: 'api-5c9d8' },
      owner: null,
      node: 'node-a',
      phase: 'Running',
      reason: '',
      message: '',
      deletionTimestamp: null,
      deletionGracePeriodSeconds: null,
      initContainerCount: 0,
      conditions: [
        { type: 'Initialized', status: 'True', reason: '', message: '', lastTransitionTime: at(-600) },
        {
          type: 'Ready',
          status: 'False',
          reason: 'ContainersNotReady',
          message: 'containers with unready status: [app]',
          lastTransitionTime: at(-600),
        },
        { type: 'PodScheduled', status: 'True', reason: '', message: '', lastTransitionTime: at(-600) },
      ],
      initContainers: [],
      containers: [
        {
          name: 'app',
          order: 0,
          restartable: false,
          ready: false,
          started: false,
          state: 'waiting',
          reason: 'CrashLoopBackOff',
          message: 'back-off 5m0s restarting failed container=app',
          exitCode: 0,
          signal: 0,
          finishedAt: null,
          last: { reason: 'Error', message: '', exitCode: 1, signal: 0, finishedAt: at(-90) },
        },
      ],
    } satisfies PodInput);
  });

  it('marks sidecars and spec order', () => {
    const p = toPodInput(f.initCrashLoop);
    assert.equal(p.initContainerCount, 2);
    assert.deepEqual(
      p.initContainers.map((c) => [c.name, c.order, c.restartable, c.state]),
      [
        ['fetch', 0, false, 'terminated'],
        ['migrate', 1, false, 'waiting'],
      ]
    );
  });

  it('survives objects that are not pods', () => {
    for (const junk of [null, undefined, 42, 'pod', [], { metadata: 'x', status: { containerStatuses: [null, 1] } }]) {
      assert.equal(explainPod(junk).reason, 'Pending');
    }
  });

  it('explainPod takes a PodInput as it is', () => {
    const ctx = context();
    assert.deepEqual(explainPod(toPodInput(f.oomCrashLoop), ctx), explainPod(f.oomCrashLoop, ctx));
  });
});

describe('toNodeInput', () => {
  it('keeps the name, cordon, Ready condition and taints', () => {
    assert.deepEqual(toNodeInput(f.unreachableNode), {
      name: 'node-e',
      unschedulable: false,
      ready: {
        type: 'Ready',
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
        lastTransitionTime: at(-200),
      },
      taints: [
        { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: at(-195) },
        { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: at(-190) },
      ],
      pool: { nodepool: '', capacityType: '' },
    });
  });
});

describe('toEventInput', () => {
  it('core/v1 with timestamps', () => {
    const e = event({
      pod: f.evictionApi,
      reason: 'Evicted',
      message: 'Evicted pod: Drifted',
      component: 'karpenter',
      time: 3,
    });
    assert.deepEqual(toEventInput(e), {
      kind: 'Pod',
      uid: 'uid-shop-web-6b7d9-k2l4m',
      name: 'web-6b7d9-k2l4m',
      namespace: 'shop',
      reason: 'Evicted',
      message: 'Evicted pod: Drifted',
      component: 'karpenter',
      firstTime: at(3),
      lastTime: at(3),
    });
  });

  it('core/v1 written through the new events API: eventTime, series, reportingComponent', () => {
    const e = toEventInput({
      involvedObject: { kind: 'Pod', name: 'p', namespace: 'n', uid: 'u' },
      reason: 'LowNodeUtilization',
      message: 'pod evicted from node-a node by sigs.k8s.io/descheduler',
      source: {},
      reportingComponent: 'sigs.k8s.io/descheduler',
      eventTime: '2026-11-28T08:00:00.123456Z',
      series: { count: 2, lastObservedTime: '2026-11-28T08:00:40.000001Z' },
      firstTimestamp: null,
      lastTimestamp: null,
    });
    assert.deepEqual(
      [e.component, e.firstTime, e.lastTime],
      ['sigs.k8s.io/descheduler', '2026-11-28T08:00:00.123456Z', '2026-11-28T08:00:40.000001Z']
    );
  });

  it('events.k8s.io/v1: regarding, note, reportingController', () => {
    const e = toEventInput({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'x', creationTimestamp: at(1) },
      regarding: { kind: 'Pod', name: 'p', namespace: 'n', uid: 'u' },
      reason: 'EvictedByVPA',
      note: 'Pod was evicted by VPA Updater to apply resource recommendation.',
      reportingController: 'vpa-updater',
    });
    assert.deepEqual(
      [e.kind, e.uid, e.message, e.component, e.firstTime, e.lastTime],
      ['Pod', 'u', 'Pod was evicted by VPA Updater to apply resource recommendation.', 'vpa-updater', at(1), at(1)]
    );
  });
});
