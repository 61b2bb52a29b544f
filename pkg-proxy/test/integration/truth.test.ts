// Counters count what happened, on the real API server: not a permission gap, not a restart, not
// the order in which lists or Events arrive; a quiet watch is not a failure; the status and the
// readiness probe say what the watches see now.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RbacAuthorizationV1Api, type V1Pod } from '@kubernetes/client-node';
import { sharedApiServer } from '../../../tests/cluster/apiserver.ts';
import { Cluster } from '../../../tests/cluster/driver.ts';
import { containerStatus, podStatus, readyConditions } from '../../../tests/cluster/kubelet.ts';
import type { RunningProxy } from '../../src/serve.ts';
import { eventually, get, startProxy, waitReady } from './helpers.ts';

const server = sharedApiServer();
const admin = new Cluster(server.kubeConfig('admin'));
const rbac = server.kubeConfig('admin').makeApiClient(RbacAuthorizationV1Api);
const READ = ['get', 'list', 'watch'];

/** A namespace whose pods are abnormal in ways that node and event data change. */
async function troubledNamespace(ns: string): Promise<void> {
  await admin.ensureNamespace(ns);
  await admin.createNode(`${ns}-down`, { ready: 'False' });
  await admin.createNode(`${ns}-up`);
  for (let i = 0; i < 3; i++) {
    // OOMKilled containers on a NotReady node: NodeNotReady with node data, OOMKilled without.
    await admin.createPod(ns, `oom-${i}`, { node: `${ns}-down` });
    await admin.setPodStatus(
      ns,
      `oom-${i}`,
      podStatus({
        phase: 'Running',
        conditions: readyConditions(false),
        containerStatuses: [
          containerStatus('app', { waiting: 'CrashLoopBackOff', last: { reason: 'OOMKilled', exitCode: 137 } }, 4),
        ],
      })
    );
    await admin.createPod(ns, `ok-${i}`, { node: `${ns}-down` });
  }
  await admin.createPod(ns, 'crash', { node: `${ns}-up` });
  await admin.setPodStatus(
    ns,
    'crash',
    podStatus({
      phase: 'Running',
      conditions: readyConditions(false),
      containerStatuses: [
        containerStatus('app', { waiting: 'CrashLoopBackOff', last: { reason: 'Error', exitCode: 1 } }, 2),
      ],
    })
  );
}

const counted = async (proxy: RunningProxy, ns: string) => {
  const metrics = (await get(proxy, '/metrics', null)).text;
  return [
    ...metrics.matchAll(new RegExp(`^podreasons_transitions_total\\{namespace="${ns}"[^}]*\\} (\\d+)`, 'gm')),
  ].reduce((sum, m) => sum + Number(m[1]), 0);
};
const recorded = async (proxy: RunningProxy, ns: string) =>
  (await get(proxy, `/api/v1/transitions?namespace=${ns}&from=0`)).body.items.length as number;

describe('no transition from what the proxy learns', () => {
  const ns = `truth-${Date.now()}`;
  before(() => troubledNamespace(ns));

  test('20 restarts of the proxy on an unchanged cluster record nothing, whichever list finishes first', async () => {
    const orders = { podsFirst: 0, nodesFirst: 0 };
    for (let i = 0; i < 20; i++) {
      const proxy = await startProxy();
      try {
        await waitReady(proxy);
        const synced = (r: string) => proxy.cluster.watchers.find((w) => w.resource === r)!;
        await eventually(
          async () => (synced('nodes').lastSync > 0 && synced('events').lastSync > 0 ? true : undefined),
          10_000,
          'nodes and events listed'
        );
        orders[synced('pods').lastSync <= synced('nodes').lastSync ? 'podsFirst' : 'nodesFirst']++;
        assert.equal((await get(proxy, `/api/v1/pods?namespace=${ns}&pod=oom-0`)).body.items[0].reason, 'NodeNotReady');
        assert.equal(await recorded(proxy, ns), 0, `restart ${i}`);
        assert.equal(await counted(proxy, ns), 0, `restart ${i}`);
      } finally {
        await proxy.stop();
      }
    }
    process.stderr.write(`list order over 20 restarts: ${JSON.stringify(orders)}\n`);
  });

  test('an RBAC gap on nodes and events records nothing, and status says what is missing meanwhile', async () => {
    const id = `truth-gap-${Date.now()}`;
    const role = (name: string, resources: string[]) =>
      rbac.createClusterRole({ body: { metadata: { name }, rules: [{ apiGroups: [''], resources, verbs: READ }] } });
    const bind = (name: string) =>
      rbac.createClusterRoleBinding({
        body: {
          metadata: { name },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
          subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'scratch' }],
        },
      });
    await role(`${id}-pods`, ['pods', 'namespaces']);
    await role(`${id}-context`, ['nodes', 'events']);
    await bind(`${id}-pods`);
    await bind(`${id}-context`);
    const proxy = await startProxy({ context: 'scratch', watchTimeoutSeconds: 1 });
    try {
      await waitReady(proxy);
      await eventually(
        async () => ((await get(proxy, '/api/v1/status')).body.stale.length === 0 ? true : undefined),
        15_000,
        'every watch synced'
      );
      assert.equal((await get(proxy, `/api/v1/pods?namespace=${ns}&pod=oom-0`)).body.items[0].reason, 'NodeNotReady');

      await rbac.deleteClusterRoleBinding({ name: `${id}-context` });
      const gap = await eventually(
        async () => {
          const s = (await get(proxy, '/api/v1/status')).body;
          return s.permissions.nodes === 'forbidden' && s.permissions.events === 'forbidden' ? s : undefined;
        },
        15_000,
        'nodes and events reported forbidden'
      );
      assert.equal(gap.permissions.pods, 'watch');
      assert.ok(gap.partial.some((p: string) => p.startsWith('nodes: forbidden')));
      assert.ok(gap.partial.some((p: string) => p.startsWith('events: forbidden')));
      assert.equal((await get(proxy, `/api/v1/pods?namespace=${ns}&pod=oom-0`)).body.items[0].reason, 'OOMKilled');

      await bind(`${id}-context`);
      await eventually(
        async () => ((await get(proxy, '/api/v1/status')).body.stale.length === 0 ? true : undefined),
        40_000,
        'nodes and events watched again'
      );
      const status = (await get(proxy, '/api/v1/status')).body;
      // This identity never could read ReplicaSets and Jobs: only they stay missing.
      assert.deepEqual(status.permissions, {
        pods: 'watch',
        nodes: 'watch',
        events: 'watch',
        replicasets: 'forbidden',
        jobs: 'forbidden',
      });
      assert.deepEqual(
        status.partial.map((p: string) => p.split(':')[0]),
        ['replicasets', 'jobs']
      );
      assert.equal((await get(proxy, `/api/v1/pods?namespace=${ns}&pod=oom-0`)).body.items[0].reason, 'NodeNotReady');
      assert.equal(await recorded(proxy, ns), 0);
      assert.equal(await counted(proxy, ns), 0);
    } finally {
      await proxy.stop();
      await rbac.deleteClusterRoleBinding({ name: `${id}-pods` });
      await rbac.deleteClusterRoleBinding({ name: `${id}-context` });
    }
  });
});

describe('attribution settles before it is recorded', () => {
  const ns = `truth-attribution-${Date.now()}`;
  let proxy: RunningProxy;
  before(async () => {
    await admin.ensureNamespace(ns);
    await admin.createNode(`${ns}-consolidated`, {
      taints: [{ key: 'karpenter.sh/disrupted', effect: 'NoSchedule' }],
    });
    await admin.createNode(`${ns}-plain`);
    proxy = await startProxy({ store: { attributionDelayMs: 3000 } });
    await waitReady(proxy);
  });
  after(() => proxy.stop());

  /** Karpenter's terminator: the Eviction API first, its Event a moment later, the pod gone at once. */
  async function karpenterEviction(name: string, node: string, eventFirst: boolean): Promise<void> {
    const pod: V1Pod = await admin.createPod(ns, name, { node: `${ns}-${node}` });
    const event = () => admin.podEvent(ns, pod, 'karpenter', 'Evicted', 'Evicted pod: Underutilized');
    if (eventFirst) {
      await event();
    }
    await admin.evictPod(ns, name);
    if (!eventFirst) {
      await new Promise((r) => setTimeout(r, 800));
      await event();
    }
    await admin.deletePod(ns, name, 0);
  }

  for (const [name, node, eventFirst] of [
    ['event-after-taint', 'consolidated', false],
    ['event-after-no-taint', 'plain', false],
    ['event-first', 'plain', true],
  ] as const) {
    test(`${name}: history, tombstone and counter agree on karpenter / Underutilized`, async () => {
      await karpenterEviction(name, node, eventFirst);
      const transition = await eventually(
        async () => (await get(proxy, `/api/v1/transitions?namespace=${ns}&pod=${name}`)).body.items[0],
        8000,
        `the transition of ${name}`
      );
      assert.deepEqual(
        [transition.reason, transition.initiator, transition.detail],
        ['EvictionByEvictionAPI', 'karpenter', 'Underutilized']
      );
      const tombstone = (await get(proxy, `/api/v1/pods?namespace=${ns}&pod=${name}&deleted=true`)).body.items[0];
      assert.deepEqual([tombstone.initiator, tombstone.detail], ['karpenter', 'Underutilized']);
      const transitions = (await get(proxy, `/api/v1/transitions?namespace=${ns}&pod=${name}`)).body.items;
      assert.equal(transitions.length, 1);
    });
  }

  test('the counter has every eviction under karpenter and none under unknown', async () => {
    const metrics = (await get(proxy, '/metrics', null)).text;
    // One series per pod: they have no controller, so each is its own workload.
    const series = (initiator: string) =>
      [
        ...metrics.matchAll(
          new RegExp(
            `^podreasons_transitions_total\\{namespace="${ns}",reason="EvictionByEvictionAPI",category="eviction",initiator="${initiator}",[^}]*\\} (\\d+)`,
            'gm'
          )
        ),
      ].reduce((sum, m) => sum + Number(m[1]), 0);
    assert.equal(series('karpenter'), 3);
    assert.equal(series('unknown'), 0);
  });
});

describe('watch health', () => {
  test('a quiet watch is neither restarted nor warned about', async () => {
    const ns = `truth-quiet-${Date.now()}`;
    await admin.ensureNamespace(ns);
    const lines: string[] = [];
    const proxy = await startProxy({ namespaces: [ns], watchSilenceMs: 1000 }, (line) => lines.push(line));
    try {
      await waitReady(proxy);
      await new Promise((r) => setTimeout(r, 5000));
      const metrics = (await get(proxy, '/metrics', null)).text;
      assert.doesNotMatch(metrics, /podreasons_watch_restarts_total\{[^}]*cause="silent"\} [1-9]/);
      const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.level >= 40);
      assert.deepEqual(warnings, []);
      assert.ok(
        lines.some((l) => l.includes('watch quiet; the API server answers')),
        'the liveness check ran'
      );
    } finally {
      await proxy.stop();
    }
  });

  test('pods forbidden for longer than --not-ready-after: /readyz 503, ready again once allowed', async () => {
    const name = `truth-ready-${Date.now()}`;
    const binding = {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'test:cluster-reader' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'scratch' }],
    };
    await rbac.createClusterRoleBinding({ body: binding });
    const proxy = await startProxy({ context: 'scratch', watchTimeoutSeconds: 1, notReadyAfterMs: 1500 });
    try {
      await waitReady(proxy);
      await rbac.deleteClusterRoleBinding({ name });
      const notReady = await eventually(
        async () => {
          const res = await get(proxy, '/readyz', null);
          return res.status === 503 ? res.body : undefined;
        },
        15_000,
        '/readyz 503'
      );
      assert.match(notReady.status, /pods unwatchable/);
      assert.equal((await get(proxy, '/api/v1/status')).body.permissions.pods, 'forbidden');
      await rbac.createClusterRoleBinding({ body: binding });
      await eventually(
        async () => ((await get(proxy, '/readyz', null)).status === 200 ? true : undefined),
        25_000,
        '/readyz 200 again'
      );
    } finally {
      await proxy.stop();
      await rbac.deleteClusterRoleBinding({ name }).catch(() => undefined);
    }
  });
});
