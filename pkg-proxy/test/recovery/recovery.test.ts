import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { toEventInput, toPodInput } from '../../src/engine/index.ts';
import { disruptionFromEvents } from '../../src/recovery/events.ts';
import { Recovery, type Previous } from '../../src/recovery/recovery.ts';
import { PodStore, type Transition } from '../../src/store/store.ts';
import { T0, at, condition, event, pod, podConditions, waiting } from '../fixtures/k8s.ts';

const web = pod({ name: 'web' });
const evicted = (component: string, reason: string, message: string, time = 0) =>
  toEventInput(event({ pod: web, component, reason, message, time }));

describe('disruptions proven by the Events of a gone pod', () => {
  const cases: Array<[string, ReturnType<typeof evicted>, string, string, string]> = [
    [
      'Karpenter eviction',
      evicted('karpenter', 'Evicted', 'Evicted pod: Underutilized'),
      'EvictionByEvictionAPI',
      'karpenter',
      'Underutilized',
    ],
    [
      "Karpenter's forced delete",
      evicted('karpenter', 'Disrupted', 'Disrupting pod: node termination grace period reached'),
      'Terminating',
      'karpenter',
      'Forceful Termination',
    ],
    [
      'Cluster Autoscaler scale-down',
      evicted('cluster-autoscaler', 'ScaleDown', 'deleting pod for node scale down'),
      'EvictionByEvictionAPI',
      'cluster-autoscaler',
      '',
    ],
    [
      'descheduler',
      evicted('sigs.k8s.io/descheduler', 'RemoveDuplicates', 'pod evicted from node-a node by sigs.k8s.io/descheduler'),
      'EvictionByEvictionAPI',
      'descheduler',
      'RemoveDuplicates',
    ],
    [
      'VPA updater',
      evicted('vpa-updater', 'EvictedByVPA', 'Pod was evicted by VPA Updater to apply resource recommendation.'),
      'EvictionByEvictionAPI',
      'vpa',
      '',
    ],
    [
      'kubelet node-pressure eviction',
      evicted('kubelet', 'Evicted', 'The node was low on resource: memory. Threshold quantity: 100Mi.'),
      'Evicted',
      'kubelet',
      'memory',
    ],
    [
      'scheduler preemption',
      evicted('default-scheduler', 'Preempted', 'Preempted by pod 1234 on node node-a'),
      'PreemptionByScheduler',
      'scheduler',
      '',
    ],
    [
      'taint manager',
      evicted('taint-eviction-controller', 'TaintManagerEviction', 'Marking for deletion Pod shop/web'),
      'DeletionByTaintManager',
      'taint-manager',
      '',
    ],
  ];
  for (const [name, e, reason, initiator, detail] of cases) {
    test(`${name} → ${reason}, ${initiator}`, () => {
      const found = disruptionFromEvents([e]);
      assert.ok(found);
      assert.deepEqual(
        [found.answer.reason, found.answer.initiator, found.answer.detail, found.answer.uid, found.time],
        [reason, initiator, detail, 'uid-shop-web', T0]
      );
      assert.equal(found.answer.message, e.message);
    });
  }

  test('Events that prove no disruption are ignored', () => {
    for (const e of [
      evicted('taint-eviction-controller', 'TaintManagerEviction', 'Cancelling deletion of Pod shop/web'),
      evicted('kubelet', 'Killing', 'Stopping container app'),
      evicted('default-scheduler', 'Scheduled', 'Successfully assigned shop/web to node-a'),
      evicted(
        'sigs.k8s.io/descheduler',
        'EvictionFailed',
        'pod eviction from node-a by sigs.k8s.io/descheduler failed'
      ),
    ]) {
      assert.equal(disruptionFromEvents([e]), null, e.reason);
    }
  });

  test('the earliest disruption counts, attributed by the Event nearest to it', () => {
    const found = disruptionFromEvents([
      evicted('kubelet', 'Killing', 'Stopping container app', 1),
      evicted('karpenter', 'Evicted', 'Evicted pod: Drifted', 0),
      evicted('cluster-autoscaler', 'ScaleDown', 'deleting pod for node scale down', 300),
    ]);
    assert.deepEqual([found?.answer.initiator, found?.answer.detail, found?.time], ['karpenter', 'Drifted', T0]);
  });
});

const crashLooping = (name: string) =>
  pod({
    name,
    containerStatuses: [waiting('app', 'CrashLoopBackOff', 'back-off 5m0s')],
    conditions: podConditions(false),
  });
const healthy = (name: string) => pod({ name });

function setUp(previous: Previous | null, startedAt = T0 + 60_000) {
  let now = T0 + 120_000;
  const recovery = new Recovery({ previous, startedAt, attributionDelayMs: 1000, now: () => now });
  const store = new PodStore({ recovery, attributionDelayMs: 1000, now: () => now });
  const recorded: Array<{ t: Transition; counted: boolean }> = [];
  store.on('transition', (t, counted) => recorded.push({ t, counted }));
  return { store, recovery, recorded, advance: (ms: number) => (now += ms) };
}

const UNPLACED = { workloadKind: '', workload: '', nodepool: '', capacityType: '' };
const answersOf = (entries: Array<[string, string, boolean]>) =>
  new Map(entries.map(([uid, reason, abnormal]) => [uid, { reason, abnormal, ...UNPLACED }]));

describe('catch-up from the first pod list, against the persisted answers', () => {
  const answers = answersOf([
    ['uid-shop-same', 'CrashLoopBackOff', true],
    ['uid-shop-changed', 'Running', false],
    ['uid-shop-fine', 'Running', false],
  ]);
  const previous = (transitions: Transition[] = []): Previous => ({
    lastSeen: T0,
    watchedUntil: T0,
    answers,
    lastKnown: answers,
    transitions,
  });

  test('a pod that became abnormal, or is new and abnormal, is recovered once; the rest is not', () => {
    const { store, recorded } = setUp(previous());
    const first = [crashLooping('same'), crashLooping('changed'), healthy('fine'), crashLooping('new')];
    store.replacePods(first.map(toPodInput), null);
    assert.deepEqual(
      recorded.map(({ t, counted }) => [t.pod, t.reason, t.recovered, counted]),
      [
        ['changed', 'CrashLoopBackOff', true, true],
        ['new', 'CrashLoopBackOff', true, true],
      ]
    );
    // With no time of its own, the change is placed between the last persisted time and now.
    assert.ok(recorded.every(({ t }) => t.time >= T0 && t.time <= T0 + 120_000));
    // A relist compares with what this run saw, as before.
    store.replacePods(first.map(toPodInput), null);
    assert.equal(recorded.length, 2);
  });

  test('the time is when Kubernetes recorded the change, when that lies in the downtime', () => {
    const { store, recorded } = setUp(previous());
    const evicting = pod({
      name: 'changed',
      conditions: [...podConditions(true), condition('DisruptionTarget', 'True', 'PreemptionByScheduler', '', at(30))],
    });
    store.replacePods([toPodInput(evicting)], null);
    assert.deepEqual(
      recorded.map(({ t }) => [t.reason, t.time]),
      [['PreemptionByScheduler', T0 + 30_000]]
    );
  });

  test('a change the persisted history already holds is not recorded again', () => {
    const already = { uid: 'uid-shop-changed', reason: 'CrashLoopBackOff', time: T0 - 500 } as Transition;
    const { store, recorded } = setUp(previous([already]));
    store.replacePods([toPodInput(crashLooping('changed'))], null);
    assert.equal(recorded.length, 0);
  });

  test('without complete answers nothing is compared', () => {
    const { store, recorded } = setUp({ ...previous(), answers: null });
    store.replacePods([crashLooping('changed'), crashLooping('new')].map(toPodInput), null);
    assert.equal(recorded.length, 0);
  });
});

describe('catch-up from the Events of gone pods', () => {
  const karpenter = (name: string, time: number) =>
    event({ pod: pod({ name }), component: 'karpenter', reason: 'Evicted', message: 'Evicted pod: Empty', time });

  test('with a persisted history: Events from the downtime on are recovered and counted, once', () => {
    const { store, recovery, recorded } = setUp({
      lastSeen: T0,
      watchedUntil: T0,
      answers: new Map(),
      lastKnown: new Map(),
      transitions: [],
    });
    store.replacePods([toPodInput(healthy('alive'))], null);
    store.replaceEvents(
      [karpenter('gone', 20), karpenter('old', -60), karpenter('alive', 20), karpenter('gone', 21)],
      null
    );
    assert.equal(recovery.recoverGonePods(store), 1);
    assert.deepEqual(
      recorded.map(({ t, counted }) => [
        t.pod,
        t.reason,
        t.initiator,
        t.detail,
        t.time,
        t.deleted,
        t.recovered,
        counted,
      ]),
      [['gone', 'EvictionByEvictionAPI', 'karpenter', 'Empty', T0 + 20_000, true, true, true]]
    );
    assert.equal(recovery.recoverGonePods(store), 0, 'never twice');
    assert.equal(recovery.recovered, 1);
  });

  test('writes failed before the previous run stopped: recovered from the history stop, counted from the watched-until mark', () => {
    const { store, recovery, recorded } = setUp({
      lastSeen: T0,
      watchedUntil: T0 + 40_000,
      answers: new Map(),
      lastKnown: new Map(),
      transitions: [],
    });
    store.replacePods([], null);
    // Counted by the previous run while it could not write; then while no proxy watched.
    store.replaceEvents([karpenter('unwritten', 20), karpenter('unwatched', 45)], null);
    assert.equal(recovery.recoverGonePods(store), 2);
    assert.deepEqual(
      recorded.map(({ t, counted }) => [t.pod, t.recovered, counted]),
      [
        ['unwritten', true, false],
        ['unwatched', true, true],
      ]
    );
  });

  test('a disruption the persisted history holds is not recovered', () => {
    const already = { uid: 'uid-shop-gone', reason: 'EvictionByEvictionAPI', time: T0 - 1000 } as Transition;
    const { store, recovery, recorded } = setUp({
      lastSeen: T0,
      watchedUntil: T0,
      answers: new Map(),
      lastKnown: new Map(),
      transitions: [already],
    });
    store.replacePods([], null);
    store.replaceEvents([karpenter('gone', 1)], null);
    assert.equal(recovery.recoverGonePods(store), 0);
    assert.equal(recorded.length, 0);
  });

  test('without a persisted history: every Event is recovered, only those after the start are counted', () => {
    const { store, recovery, recorded } = setUp(null, T0 + 60_000);
    store.replacePods([], null);
    store.replaceEvents([karpenter('before', -600), karpenter('after', 61)], null);
    recovery.recoverGonePods(store);
    assert.deepEqual(
      recorded.map(({ t, counted }) => [t.pod, counted]),
      [
        ['before', false],
        ['after', true],
      ]
    );
    assert.equal(recovery.downtimeFrom, null);
  });

  test('a gone pod the previous run knew keeps its workload and node pool; one it did not has none', () => {
    const placed = { workloadKind: 'Deployment', workload: 'web', nodepool: 'default', capacityType: 'spot' };
    const lastKnown = new Map([['uid-shop-known', { reason: 'Running', abnormal: false, ...placed }]]);
    const { store, recovery, recorded } = setUp({
      lastSeen: T0,
      watchedUntil: T0,
      answers: lastKnown,
      lastKnown,
      transitions: [],
    });
    store.replacePods([], null);
    store.replaceEvents([karpenter('known', 20), karpenter('stranger', 20)], null);
    assert.equal(recovery.recoverGonePods(store, true), 2);
    assert.deepEqual(
      recorded.map(({ t }) => [t.pod, t.workloadKind, t.workload, t.nodepool, t.capacityType]),
      [
        ['known', ...Object.values(placed)],
        ['stranger', '', '', '', ''],
      ]
    );
  });

  test('a pod this run saw go is not recovered from its Event', () => {
    const { store, recovery, recorded } = setUp(null, T0);
    store.replacePods([toPodInput(healthy('seen'))], null);
    store.applyPod('DELETED', crashLooping('seen'));
    store.replaceEvents([karpenter('seen', 5)], null);
    assert.equal(recovery.recoverGonePods(store), 0);
    assert.deepEqual(
      recorded.map(({ t }) => t.recovered),
      [false]
    );
  });
});
