import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabelSelector, LabelSelectorError } from '../../src/store/label-selector.ts';
import { toPodInput } from '../../src/engine/index.ts';
import { PodStore, type Transition } from '../../src/store/store.ts';
import { matchesPod, type Filter } from '../../src/store/filters.ts';

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
  test('only own labels count: "constructor" is not a label of every pod', () => {
    assert.equal(parseLabelSelector('constructor')(labels), false);
    assert.equal(parseLabelSelector('!constructor')(labels), true);
    assert.equal(parseLabelSelector('toString in (x)')(labels), false);
    assert.equal(parseLabelSelector('hasOwnProperty notin (x)')(labels), true);
  });
  for (const bad of ['app in (a', 'app=we b', '=x', 'a,,b', '-bad=1', 'app in ()', 'app notin ( )']) {
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
    assert.equal(all.length, 10);
    assert.equal(store.counts().transitions, 10);
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

// ---- context changes, attribution settling, bounds ------------------------------------------------

const node = (name: string, ready: 'True' | 'False' | 'Unknown', taints: object[] = []) => ({
  metadata: { name },
  spec: { taints },
  status: { conditions: [{ type: 'Ready', status: ready }] },
});

/** A pod the Eviction API is evicting: DisruptionTarget=True, reason EvictionByEvictionAPI. */
const evicting = (name: string, at = '2026-11-28T09:00:00Z') =>
  pod(name, undefined, {
    conditions: [
      { type: 'Ready', status: 'True' },
      {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'EvictionByEvictionAPI',
        message: 'Eviction API: evicting',
        lastTransitionTime: at,
      },
    ],
  });

const karpenterEvent = (podName: string, n = 1) => ({
  metadata: { uid: `event-${podName}-${n}`, name: `${podName}.${n}`, namespace: 'shop' },
  involvedObject: { kind: 'Pod', uid: `uid-${podName}`, name: podName, namespace: 'shop' },
  reason: 'Evicted',
  message: 'Evicted pod: Underutilized',
  source: { component: 'karpenter' },
  firstTimestamp: '2026-11-28T09:00:00Z',
  lastTimestamp: '2026-11-28T09:00:00Z',
});

describe('PodStore: what the proxy learns is not what happened', () => {
  test('nodes listed after the pods (a restart in either order) record nothing', () => {
    for (const nodesFirst of [false, true]) {
      const { store, transitions } = storeWithClock();
      const nodes = [node('node-a', 'False')] as never[];
      if (nodesFirst) {
        store.replaceNodes(nodes);
      }
      store.replacePods([pod('web'), pod('db')].map(toPodInput), null);
      if (!nodesFirst) {
        store.replaceNodes(nodes);
      }
      store.replaceEvents([karpenterEvent('web')], null);
      assert.equal([...store.matchingPods({ pods: new Set(['web']) })][0].answer.reason, 'NodeNotReady');
      assert.equal(transitions.length, 0, `nodes first: ${nodesFirst}`);
    }
  });

  test('losing and regaining node data re-classifies without recording; a node that goes bad is recorded', () => {
    const { store, transitions } = storeWithClock();
    store.replaceNodes([node('node-a', 'False')] as never[]);
    store.replacePods([pod('web', undefined, {})].map(toPodInput), null);
    store.dropNodes();
    assert.equal([...store.matchingPods({})][0].answer.reason, 'Running');
    store.replacePods([toPodInput(pod('web'))], null); // the relist after the RBAC gap
    store.replaceNodes([node('node-a', 'False')] as never[]);
    assert.equal([...store.matchingPods({})][0].answer.reason, 'NodeNotReady');
    assert.equal(transitions.length, 0);
    store.applyNode('MODIFIED', node('node-a', 'True'));
    store.applyNode('MODIFIED', node('node-a', 'Unknown'));
    assert.deepEqual(
      transitions.map((t) => t.reason),
      ['NodeUnreachable']
    );
  });

  test('an eviction waits for the Event that names its caller, then records it with that detail', () => {
    const { store, transitions, advance } = storeWithClock();
    store.replaceNodes([node('node-a', 'True', [{ key: 'karpenter.sh/disrupted', effect: 'NoSchedule' }])] as never[]);
    store.replacePods([toPodInput(pod('web'))], null);
    store.applyPod('MODIFIED', evicting('web'));
    assert.equal(transitions.length, 0, 'waiting for the Event');
    advance(800);
    store.applyEvent('ADDED', karpenterEvent('web'));
    assert.equal(transitions.length, 1);
    assert.deepEqual([transitions[0].initiator, transitions[0].detail], ['karpenter', 'Underutilized']);
    assert.equal(transitions[0].time, Date.parse('2026-11-28T09:00:00Z'), 'the time of the eviction');
  });

  test('the Event after the deletion completes the transition and the tombstone alike', () => {
    const { store, transitions, advance } = storeWithClock();
    store.replaceNodes([node('node-a', 'True')] as never[]);
    store.replacePods([toPodInput(pod('web'))], null);
    store.applyPod('MODIFIED', evicting('web'));
    store.applyPod('DELETED', evicting('web'));
    advance(1500);
    store.applyEvent('ADDED', karpenterEvent('web'));
    assert.equal(transitions.length, 1);
    assert.deepEqual([transitions[0].initiator, transitions[0].detail], ['karpenter', 'Underutilized']);
    const [tombstone] = [...store.matchingPods({ includeDeleted: true })];
    assert.deepEqual([tombstone.answer.initiator, tombstone.answer.detail], ['karpenter', 'Underutilized']);
    assert.equal(store.counts().events, 0, 'the deleted pod keeps no events once settled');
  });

  test('with no Event the eviction is recorded as it stands after the attribution delay', () => {
    const { store, transitions, advance } = storeWithClock({ attributionDelayMs: 5000 });
    store.replaceNodes([node('node-a', 'True', [{ key: 'karpenter.sh/disrupted', effect: 'NoSchedule' }])] as never[]);
    store.replacePods([toPodInput(pod('web'))], null);
    store.applyPod('MODIFIED', evicting('web'));
    advance(4000);
    store.settleDue();
    assert.equal(transitions.length, 0);
    advance(1001);
    store.settleDue();
    assert.deepEqual(
      transitions.map((t) => [t.initiator, t.detail]),
      [['karpenter', 'karpenter.sh/disrupted']]
    );
  });

  test('an Event that came first settles the eviction at once', () => {
    const { store, transitions } = storeWithClock();
    store.replacePods([toPodInput(pod('web'))], null);
    store.applyEvent('ADDED', karpenterEvent('web'));
    store.applyPod('MODIFIED', evicting('web'));
    assert.deepEqual(
      transitions.map((t) => [t.initiator, t.detail]),
      [['karpenter', 'Underutilized']]
    );
  });

  test('late transitions keep the history in time order', () => {
    const { store, transitions, advance } = storeWithClock();
    store.replacePods([toPodInput(pod('web')), toPodInput(pod('db'))], null);
    store.applyPod('MODIFIED', evicting('web'));
    advance(1000);
    store.applyPod('MODIFIED', pod('db', 'CrashLoopBackOff'));
    advance(5000);
    store.settleDue();
    assert.deepEqual(
      transitions.map((t) => t.pod),
      ['db', 'web']
    );
    assert.deepEqual(
      store.transitions({}, 0, Number.MAX_SAFE_INTEGER, 10).map((t) => t.pod),
      ['db', 'web']
    );
    assert.deepEqual(
      [...store.transitionsBetween({}, 0, Number.MAX_SAFE_INTEGER)].map((t) => t.pod),
      ['web', 'db']
    );
  });

  test('events about unknown pods are kept briefly and bounded; a relist does not make them young again', () => {
    const { store, advance } = storeWithClock({ unknownPodMaxCount: 100, unknownPodEventMaxAgeMs: 60_000 });
    const ghosts = Array.from({ length: 250 }, (_, i) => karpenterEvent(`ghost-${i}`));
    for (const e of ghosts) {
      store.applyEvent('ADDED', e);
    }
    assert.equal(store.counts().events, 100);
    advance(40_000);
    store.replaceEvents(ghosts.slice(-50), null);
    advance(21_000);
    store.tick();
    assert.equal(store.counts().events, 0);
    // An event that comes just before its pod is adopted by it.
    store.applyEvent('ADDED', karpenterEvent('web'));
    store.applyPod('ADDED', evicting('web'));
    advance(120_000);
    store.tick();
    assert.equal(store.counts().events, 1);
  });

  test('long messages are cut in answers and transitions', () => {
    const { store, transitions } = storeWithClock();
    const long = 'x'.repeat(1_000_000);
    store.applyPod('ADDED', pod('big', undefined, { phase: 'Failed', reason: 'Evicted', message: long }));
    const [view] = [...store.matchingPods({})];
    assert.equal(view.answer.message.length, 1024);
    assert.equal(transitions[0].message.length, 1024);
  });
});

describe('filtered queries start from an index', () => {
  // Pods in three namespaces on four nodes, some crash-looping, with app and tier labels; then
  // moved between nodes, reasons and labels, and some deleted. Every answer must equal a walk of
  // every pod, before the changes (which builds the label indexes) and after them.
  const crashLooping = (i: number, node: string, failing: boolean, app = `a${i % 4}`) => ({
    metadata: {
      name: `app-${i}`,
      namespace: `team-${i % 3}`,
      uid: `uid-${i}`,
      labels: { app, ...(i % 6 === 0 ? {} : { tier: ['web', 'api', ''][i % 3] }) },
    },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'app:1' }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        failing
          ? { name: 'app', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }
          : { name: 'app', ready: true, restartCount: 0, state: { running: {} } },
      ],
      conditions: [{ type: 'Ready', status: failing ? 'False' : 'True' }],
    },
  });
  const store = new PodStore();
  for (let i = 0; i < 60; i++) {
    store.applyPod('ADDED', crashLooping(i, `node-${i % 4}`, i % 5 === 0));
  }
  const filters: Filter[] = [
    { nodes: new Set(['node-1']) },
    { nodes: new Set(['node-1', 'node-3', 'node-9']) },
    { namespaces: new Set(['team-2']) },
    { namespaces: new Set(['team-0', 'team-1']), nodes: new Set(['node-2']) },
    { reasons: new Set(['CrashLoopBackOff']) },
    { reasons: new Set(['CrashLoopBackOff', 'Running']), namespaces: new Set(['team-1']) },
    { abnormal: true },
    { abnormal: true, namespaces: new Set(['team-0']) },
    { abnormal: false, nodes: new Set(['node-0']) },
    { namespaces: new Set(['nowhere']) },
    ...['app=a1', 'app in (a0,a2),tier=web', 'tier=', 'tier notin (web)', 'app==a3,!tier', 'app=zz', 'tier'].map(
      (selector) => ({ labels: parseLabelSelector(selector), namespaces: new Set(['team-0', 'team-1', 'team-2']) })
    ),
  ];
  const uids = (views: Iterable<{ answer: { uid: string } }>) => [...views].map((v) => v.answer.uid).sort();
  const check = (when: string) => {
    const everyPod = [...store.currentPods()].map((p) => p.view);
    for (const f of filters) {
      const walked = everyPod.filter((v) => matchesPod(f, v.answer, v.labels));
      assert.deepEqual(uids(store.matchingPods(f)), uids(walked), `${when}: ${JSON.stringify(f, setsAsArrays)}`);
    }
    return everyPod;
  };
  const setsAsArrays = (_: string, v: unknown) => (v instanceof Set ? [...v] : v);

  test('as listed', () => {
    const everyPod = check('as listed');
    assert.ok(new Set(everyPod.map((v) => v.answer.reason)).size >= 2);
    assert.equal(new Set(everyPod.map((v) => v.answer.node)).size, 4);
  });

  test('after pods moved between nodes, reasons and labels, and deletions', () => {
    for (let i = 0; i < 60; i += 7) {
      store.applyPod('MODIFIED', crashLooping(i, `node-${(i + 1) % 4}`, i % 5 !== 0, `a${(i + 1) % 4}`));
    }
    for (let i = 0; i < 60; i += 11) {
      store.applyPod('DELETED', crashLooping(i, `node-${i % 4}`, false));
    }
    check('after changes');
  });
});
