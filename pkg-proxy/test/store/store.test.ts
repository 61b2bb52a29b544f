import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabelSelector, LabelSelectorError } from '../../src/store/label-selector.ts';
import { toPodInput } from '../../src/engine/index.ts';
import { PodStore, type Transition } from '../../src/store/store.ts';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', env: 'prod' };
  const cases: Array<[selector: string, matches: boolean]> = [
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=db', false],
    ['app', true],
    ['!app', false],
    ['!canary', true],
    ['env in (prod,staging)', true],
    ['env notin (prod)', false],
    ['missing notin (x)', true],
    ['app=web,tier=front', true],
    ['app=web, tier=back', false],
    ['example.com/team', false],
  ];
  for (const [selector, matches] of cases) {
    test(`${selector} → ${matches}`, () => assert.equal(parseLabelSelector(selector)(labels), matches));
  }
  for (const bad of ['app in (a', 'app=we b', '=x', 'a,,b', '-bad=1']) {
    test(`rejects "${bad}"`, () => assert.throws(() => parseLabelSelector(bad), LabelSelectorError));
  }
});

// A bound, running pod and the same pod crash-looping, as the kubelet reports them.
const pod = (name: string, waiting?: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name, namespace: 'shop', uid: `uid-${name}`, labels: { app: name } },
  spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'app:1' }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: waiting ? 'False' : 'True' }],
    containerStatuses: [
      waiting
        ? {
            name: 'app',
            ready: false,
            restartCount: 3,
            state: { waiting: { reason: waiting } },
            lastState: { terminated: { reason: 'Error', exitCode: 1 } },
          }
        : { name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: '2026-11-28T08:00:00Z' } } },
    ],
    ...extra,
  },
});

function storeWithClock(opts = {}) {
  let now = Date.parse('2026-11-28T09:00:00Z');
  const store = new PodStore({ now: () => now, ...opts });
  const transitions: Transition[] = [];
  store.on('transition', (t) => transitions.push(t));
  return { store, transitions, advance: (ms: number) => (now += ms) };
}

describe('PodStore', () => {
  test('a transition is recorded on entering an abnormal reason, not while staying in it', () => {
    const { store, transitions } = storeWithClock();
    store.applyPod('ADDED', pod('web'));
    store.applyPod('MODIFIED', pod('web', 'CrashLoopBackOff'));
    store.applyPod('MODIFIED', pod('web', 'CrashLoopBackOff'));
    store.applyPod('MODIFIED', pod('web', 'ImagePullBackOff'));
    assert.deepEqual(
      transitions.map((t) => t.reason),
      ['CrashLoopBackOff', 'ImagePullBackOff']
    );
  });

  test('a pod seen only in its DELETED event counts once, as deleted, and leaves a tombstone', () => {
    const { store, transitions } = storeWithClock();
    store.applyPod('DELETED', pod('gone', 'CrashLoopBackOff'));
    assert.equal(transitions.length, 1);
    assert.equal(transitions[0].deleted, true);
    const [tombstone] = [...store.matchingPods({ includeDeleted: true })];
    assert.equal(tombstone.deleted, true);
    assert.equal([...store.matchingPods({})].length, 0);
  });

  test('the first list counts no transitions: those pods entered their reason before the proxy watched', () => {
    const { store, transitions } = storeWithClock();
    store.replacePods([pod('a', 'CrashLoopBackOff'), pod('b')].map(toPodInput), null);
    assert.equal(transitions.length, 0);
    assert.equal(store.counts().abnormal, 1);
    // A later relist (after 410 Gone) does count what changed while the proxy was not watching.
    store.replacePods([pod('a', 'CrashLoopBackOff'), pod('b', 'ImagePullBackOff')].map(toPodInput), null);
    assert.deepEqual(
      transitions.map((t) => [t.pod, t.reason]),
      [['b', 'ImagePullBackOff']]
    );
  });

  test('a relist removes pods that vanished while not watching, without new transitions', () => {
    const { store, transitions } = storeWithClock();
    store.replacePods([pod('a', 'CrashLoopBackOff'), pod('b')].map(toPodInput), null);
    store.replacePods([toPodInput(pod('b'))], null);
    assert.equal(transitions.length, 0);
    assert.deepEqual(
      [...store.matchingPods({ includeDeleted: true })].map((v) => [v.answer.name, v.deleted]),
      [
        ['b', false],
        ['a', true],
      ]
    );
  });

  test('tombstones are bounded by count and by age', () => {
    const { store, advance } = storeWithClock({ tombstoneMaxCount: 2, tombstoneMaxAgeMs: 60_000 });
    for (const name of ['a', 'b', 'c']) {
      store.applyPod('DELETED', pod(name, 'CrashLoopBackOff'));
    }
    assert.deepEqual(
      [...store.matchingPods({ includeDeleted: true })].map((v) => v.answer.name),
      ['b', 'c']
    );
    advance(61_000);
    store.tick();
    assert.equal(store.counts().tombstones, 0);
  });

  test('the history keeps the newest transitions and answers time ranges newest first', () => {
    const { store, advance } = storeWithClock({ historyMaxCount: 10 });
    for (let i = 0; i < 30; i++) {
      store.applyPod('ADDED', pod(`p${i}`, 'CrashLoopBackOff'));
      advance(1000);
    }
    const all = store.transitions({}, 0, Number.MAX_SAFE_INTEGER, 100);
    assert.ok(all.length >= 10 && all.length <= 11, `${all.length} kept`);
    assert.equal(all[0].pod, 'p29');
    const start = Date.parse('2026-11-28T09:00:25Z');
    assert.deepEqual(
      store.transitions({}, start, start + 2000, 100).map((t) => t.pod),
      ['p26', 'p25']
    );
    assert.deepEqual(
      [...store.transitionsBetween({ namespaces: new Set(['shop']) }, start, start + 2000)].map((t) => t.pod),
      ['p25', 'p26']
    );
  });

  test('node data re-classifies the pods on that node', () => {
    const { store } = storeWithClock();
    store.replaceNodes([
      { metadata: { name: 'node-a' }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    ] as never[]);
    store.applyPod('ADDED', pod('web'));
    store.applyNode('MODIFIED', {
      metadata: { name: 'node-a' },
      spec: {},
      status: { conditions: [{ type: 'Ready', status: 'Unknown' }] },
    } as never);
    assert.equal([...store.matchingPods({})][0].answer.reason, 'NodeUnreachable');
    store.applyNode('DELETED', { metadata: { name: 'node-a' } });
    assert.equal([...store.matchingPods({})][0].answer.reason, 'NodeGone');
    store.dropNodes();
    assert.equal([...store.matchingPods({})][0].answer.reason, 'Running');
  });

  test('an upsert is emitted only when what clients see changes', () => {
    const { store } = storeWithClock();
    let upserts = 0;
    store.on('upsert', () => upserts++);
    store.applyPod('ADDED', pod('web', undefined, { startTime: '2026-11-28T08:00:00Z' }));
    store.replaceNodes([]);
    store.tick();
    assert.equal(upserts, 2, 'added, then NodeGone once node data says the node is missing');
  });
});
