// Workloads and node pools in the store and the API: resolved from what is known of ReplicaSets,
// Jobs and nodes, updated when that arrives late, and kept once the owner or the node is gone.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { workloadKey } from '../../src/contract/index.ts';
import { ParamError } from '../../src/http/params.ts';
import { pods, series, summary, transitions, values } from '../../src/http/routes.ts';
import { ownerEntry } from '../../src/store/owners.ts';
import { PodStore, type PodView, type Transition } from '../../src/store/store.ts';
import { T0, node, ownerMetadata, pod, podConditions, waiting } from '../fixtures/k8s.ts';

const KARPENTER_NODE = { 'karpenter.sh/nodepool': 'default', 'karpenter.sh/capacity-type': 'spot' };

function setup() {
  const store = new PodStore({ now: () => T0 });
  const recorded: Transition[] = [];
  const upserts: PodView[] = [];
  store.on('transition', (t) => recorded.push(t));
  store.on('upsert', (v) => upserts.push(v));
  store.replaceNodes([node('node-a', { labels: KARPENTER_NODE }), node('node-b')]);
  return { store, recorded, upserts };
}

const ownedPod = (
  name: string,
  kind: string,
  owner: string,
  crashLooping = false,
  where: { namespace?: string; node?: string } = {}
) =>
  pod({
    name,
    ...where,
    owner: { kind, name: owner },
    ...(crashLooping
      ? { containerStatuses: [waiting('app', 'CrashLoopBackOff')], conditions: podConditions(false) }
      : {}),
  });

const workloadOf = (store: PodStore, name: string) => {
  const view = [...store.matchingPods({ pods: new Set([name]), includeDeleted: true })][0];
  return `${view.answer.workloadKind}/${view.answer.workload}`;
};

describe('workloads in the store', () => {
  test('a Deployment through its ReplicaSet, a CronJob through its Job, and the node pool', () => {
    const { store, recorded } = setup();
    store.replaceOwners(
      'ReplicaSet',
      [ownerEntry(ownerMetadata('web-7d4b9c', { kind: 'Deployment', name: 'web' }))],
      null
    );
    store.replaceOwners('Job', [ownerEntry(ownerMetadata('report-290', { kind: 'CronJob', name: 'report' }))], null);
    store.applyPod('ADDED', ownedPod('web-7d4b9c-aaaaa', 'ReplicaSet', 'web-7d4b9c', true));
    store.applyPod('ADDED', ownedPod('report-290-bbbbb', 'Job', 'report-290', true));
    assert.deepEqual(
      recorded.map((t) => [t.workloadKind, t.workload, t.nodepool, t.capacityType]),
      [
        ['Deployment', 'web', 'default', 'spot'],
        ['CronJob', 'report', 'default', 'spot'],
      ]
    );
  });

  test('an owner that arrives after its pod updates the answer, and records nothing', () => {
    const { store, recorded, upserts } = setup();
    store.applyPod('ADDED', ownedPod('web-7d4b9c-aaaaa', 'ReplicaSet', 'web-7d4b9c', true));
    assert.equal(workloadOf(store, 'web-7d4b9c-aaaaa'), 'ReplicaSet/web-7d4b9c');
    upserts.length = 0;
    store.applyOwner('ReplicaSet', 'ADDED', ownerMetadata('web-7d4b9c', { kind: 'Deployment', name: 'web' }));
    assert.equal(workloadOf(store, 'web-7d4b9c-aaaaa'), 'Deployment/web');
    assert.equal(upserts.length, 1);
    assert.equal(recorded.length, 1);
    // An owner's change of controller (adopted by another Deployment) moves its pods too.
    store.applyOwner('ReplicaSet', 'MODIFIED', ownerMetadata('web-7d4b9c', { kind: 'Deployment', name: 'web-v2' }));
    assert.equal(workloadOf(store, 'web-7d4b9c-aaaaa'), 'Deployment/web-v2');
    // A relist that drops the controller (orphaned) leaves the ReplicaSet as the workload.
    store.replaceOwners('ReplicaSet', [ownerEntry(ownerMetadata('web-7d4b9c'))], 'shop');
    assert.equal(workloadOf(store, 'web-7d4b9c-aaaaa'), 'ReplicaSet/web-7d4b9c');
  });

  test('an owner deleted before its pod leaves the last known workload, on the pod, its transition and tombstone', () => {
    const { store, recorded } = setup();
    store.applyOwner('ReplicaSet', 'ADDED', ownerMetadata('web-7d4b9c', { kind: 'Deployment', name: 'web' }));
    store.applyPod('ADDED', ownedPod('web-7d4b9c-aaaaa', 'ReplicaSet', 'web-7d4b9c'));
    store.applyOwner('ReplicaSet', 'DELETED', ownerMetadata('web-7d4b9c', { kind: 'Deployment', name: 'web' }));
    store.applyPod('MODIFIED', ownedPod('web-7d4b9c-aaaaa', 'ReplicaSet', 'web-7d4b9c', true));
    store.applyPod('DELETED', ownedPod('web-7d4b9c-aaaaa', 'ReplicaSet', 'web-7d4b9c', true));
    assert.equal(workloadOf(store, 'web-7d4b9c-aaaaa'), 'Deployment/web');
    assert.deepEqual(
      recorded.map((t) => `${t.workloadKind}/${t.workload}`),
      ['Deployment/web']
    );
  });

  test('a node that is gone leaves the pool its pods last ran in', () => {
    const { store, recorded } = setup();
    store.applyPod('ADDED', ownedPod('db-0', 'StatefulSet', 'db'));
    store.applyNode('DELETED', node('node-a', { labels: KARPENTER_NODE }));
    store.applyPod('DELETED', ownedPod('db-0', 'StatefulSet', 'db', true));
    assert.deepEqual(
      recorded.map((t) => [t.workloadKind, t.workload, t.nodepool, t.capacityType]),
      [['StatefulSet', 'db', 'default', 'spot']]
    );
  });

  test('a node without pool labels, and a bare pod', () => {
    const { store, recorded } = setup();
    store.applyPod(
      'DELETED',
      pod({ name: 'debug', node: 'node-b', containerStatuses: [waiting('app', 'CrashLoopBackOff')] })
    );
    assert.deepEqual(
      recorded.map((t) => [t.workloadKind, t.workload, t.nodepool, t.capacityType]),
      [['Pod', 'debug', '', '']]
    );
  });
});

describe('workloads and node pools in the API', () => {
  const { store } = setup();
  store.replaceOwners(
    'ReplicaSet',
    [
      ownerMetadata('web-1', { kind: 'Deployment', name: 'web' }),
      ownerMetadata('web-1', { kind: 'Deployment', name: 'web' }, 'blog'),
    ].map(ownerEntry),
    null
  );
  store.applyPod('ADDED', ownedPod('web-1-a', 'ReplicaSet', 'web-1', true));
  store.applyPod('ADDED', ownedPod('web-1-b', 'ReplicaSet', 'web-1', true));
  store.applyPod('ADDED', ownedPod('web-1-c', 'ReplicaSet', 'web-1', true, { namespace: 'blog' }));
  store.applyPod('ADDED', ownedPod('db-0', 'StatefulSet', 'db', false, { node: 'node-b' }));
  store.applyPod('MODIFIED', ownedPod('db-0', 'StatefulSet', 'db', true, { node: 'node-b' }));
  const range = { from: String(T0 - 60_000), to: String(T0 + 60_000) };
  const names = (items: Array<{ name?: string; pod?: string }>) => items.map((i) => i.name ?? i.pod).sort();

  test('workload= takes Kind/name in any namespace, or namespace/Kind/name', () => {
    assert.deepEqual(names(pods(store, { workload: 'Deployment/web' }).items), ['web-1-a', 'web-1-b', 'web-1-c']);
    assert.deepEqual(names(pods(store, { workload: 'blog/Deployment/web' }).items), ['web-1-c']);
    assert.deepEqual(
      names(transitions(store, { workload: ['shop/Deployment/web', 'StatefulSet/db'], ...range }, T0).items),
      ['db-0', 'web-1-a', 'web-1-b']
    );
    assert.equal(summary(store, { workload: 'Deployment/web', nodepool: 'default' }).total, 3);
  });

  test('a workload filter of another shape is a 400 naming it', () => {
    for (const bad of ['web', 'a/b/c/d', 'Deployment/', '/Deployment/web']) {
      assert.throws(
        () => pods(store, { workload: bad }),
        (err: unknown) => err instanceof ParamError && err.parameter === 'workload'
      );
    }
  });

  test('nodepool= filters, and sorts', () => {
    assert.deepEqual(names(pods(store, { nodepool: 'default' }).items), ['web-1-a', 'web-1-b', 'web-1-c']);
    assert.deepEqual(
      pods(store, { sort: '-nodepool' }).items.map((i) => i.nodepool),
      ['default', 'default', 'default', '']
    );
    assert.equal(pods(store, { sort: 'workload' }).items[0].workload, 'db');
  });

  test('summary counts by workload key and by known node pool', () => {
    const s = summary(store, {});
    assert.deepEqual(s.byWorkload, [
      { value: 'shop/Deployment/web', count: 2 },
      { value: 'blog/Deployment/web', count: 1 },
      { value: 'shop/StatefulSet/db', count: 1 },
    ]);
    assert.deepEqual(s.byNodepool, [{ value: 'default', count: 3 }]);
  });

  test('series group by workload and by node pool', () => {
    const group = (groupBy: string) =>
      series(store, { ...range, step: '2m', groupBy }).series.map((s) => [s.group, s.values.reduce((a, b) => a + b)]);
    assert.deepEqual(group('workload'), [
      ['blog/Deployment/web', 1],
      ['shop/Deployment/web', 2],
      ['shop/StatefulSet/db', 1],
    ]);
    assert.deepEqual(group('nodepool'), [['default', 3]]);
  });

  test('values list workload keys and node pools', () => {
    assert.deepEqual(values(store, 'workloads', {}).values, [
      'blog/Deployment/web',
      'shop/Deployment/web',
      'shop/StatefulSet/db',
    ]);
    assert.deepEqual(values(store, 'workloads', { namespace: 'blog' }).values, ['blog/Deployment/web']);
    assert.deepEqual(values(store, 'nodepools', {}).values, ['default']);
    assert.equal(
      workloadKey({ namespace: 'shop', workloadKind: 'Deployment', workload: 'web' }),
      values(store, 'workloads', {}).values[1]
    );
  });
});
