// Whose pods were disrupted, on the real API server: the ReplicaSets and Jobs are written as their
// controllers would (no controller-manager runs), and the proxy reads them as metadata only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import { sharedApiServer } from '../../../tests/cluster/apiserver.ts';
import { Cluster } from '../../../tests/cluster/driver.ts';
import { runningStatus } from '../../../tests/cluster/kubelet.ts';
import { evictForConsolidation, type Nodes } from '../../../tests/cluster/scenarios.ts';
import { Workloads } from '../../../tests/cluster/workloads.ts';
import type { RunningProxy } from '../../src/serve.ts';
import { eventually, get, proxyOnScenarioNodes, startProxy, waitReady } from './helpers.ts';

const admin = sharedApiServer().kubeConfig('admin');
const cluster = new Cluster(admin);
const workloads = new Workloads(admin);
const namespace = `workloads-${Date.now()}`;
let proxy: RunningProxy;
let nodes: Nodes;

/** The pod's answer once its workload is `expected` (Kind/name). */
const answered = (p: RunningProxy, pod: string, expected: string) =>
  eventually(
    async () => {
      const item = (await get(p, `/api/v1/pods?namespace=${namespace}&pod=${pod}&deleted=true`)).body.items[0];
      return item && `${item.workloadKind}/${item.workload}` === expected ? item : undefined;
    },
    5000,
    `${pod} of ${expected}`
  );

/** A Deployment, its ReplicaSet, and `pods` of its pods running on `node`. */
async function deployment(name: string, pods: number, node: string): Promise<V1Pod[]> {
  const owner = await workloads.create(namespace, 'Deployment', name);
  const replicaSet = await workloads.create(namespace, 'ReplicaSet', `${name}-6d8f7`, owner);
  return Promise.all(
    Array.from({ length: pods }, async (_, i) => {
      const pod = `${name}-6d8f7-p${i}x`;
      await cluster.createPod(namespace, pod, { node, owner: replicaSet });
      return cluster.setPodStatus(namespace, pod, runningStatus());
    })
  );
}

describe('workloads', () => {
  before(async () => {
    ({ proxy, nodes } = await proxyOnScenarioNodes(cluster, namespace));
  });
  after(() => proxy.stop());

  test('Deployment → ReplicaSet → Pod, CronJob → Job → Pod, StatefulSet, DaemonSet, bare pod', async () => {
    const [web] = (await deployment('web', 1, nodes.plain)).map((p) => p.metadata!.name!);
    const cronJob = await workloads.create(namespace, 'CronJob', 'report');
    const job = await workloads.create(namespace, 'Job', 'report-29400000', cronJob);
    const owned = async (pod: string, owner?: V1OwnerReference) =>
      cluster.createPod(namespace, pod, { node: nodes.karpenter, owner });
    await owned('report-29400000-k2x9z', job);
    await owned('db-0', await workloads.create(namespace, 'StatefulSet', 'db'));
    await owned('agent-q7w8e', await workloads.create(namespace, 'DaemonSet', 'agent'));
    await owned('debug');
    await answered(proxy, web, 'Deployment/web');
    await answered(proxy, 'report-29400000-k2x9z', 'CronJob/report');
    await answered(proxy, 'db-0', 'StatefulSet/db');
    await answered(proxy, 'agent-q7w8e', 'DaemonSet/agent');
    const debug = await answered(proxy, 'debug', 'Pod/debug');
    assert.deepEqual([debug.nodepool, debug.capacityType], ['default', '']);
    const values = (await get(proxy, `/api/v1/values/workloads`)).body.values as string[];
    for (const key of ['Deployment/web', 'CronJob/report', 'StatefulSet/db', 'DaemonSet/agent', 'Pod/debug']) {
      assert.ok(values.includes(`${namespace}/${key}`), key);
    }
    const status = (await get(proxy, '/api/v1/status')).body;
    assert.deepEqual([status.permissions.replicasets, status.permissions.jobs], ['watch', 'watch']);
  });

  test('a ReplicaSet that appears after its pod names its Deployment then', async () => {
    const owner = await workloads.create(namespace, 'Deployment', 'late');
    // The pod names a ReplicaSet the proxy has not seen yet (the API server does not check the
    // reference), so its workload is that ReplicaSet until the ReplicaSet appears.
    const replicaSet = { ...owner, kind: 'ReplicaSet', name: 'late-5c4b3' };
    await cluster.createPod(namespace, 'late-5c4b3-m1n2b', { node: nodes.plain, owner: replicaSet });
    await answered(proxy, 'late-5c4b3-m1n2b', 'ReplicaSet/late-5c4b3');
    await workloads.create(namespace, 'ReplicaSet', 'late-5c4b3', owner);
    await answered(proxy, 'late-5c4b3-m1n2b', 'Deployment/late');
  });

  test('a ReplicaSet deleted before its pod: the pod, its transition and tombstone keep the Deployment', async () => {
    const [running] = await deployment('orphan', 1, nodes.karpenter);
    const pod = running.metadata!.name!;
    await answered(proxy, pod, 'Deployment/orphan');
    await workloads.delete(namespace, 'ReplicaSet', 'orphan-6d8f7');
    await evictForConsolidation(cluster, namespace, running);
    await cluster.deletePod(namespace, pod, 0);
    const transition = await eventually(
      async () => (await get(proxy, `/api/v1/transitions?namespace=${namespace}&pod=${pod}`)).body.items[0],
      5000,
      'transition of the orphaned pod'
    );
    assert.deepEqual([transition.workloadKind, transition.workload], ['Deployment', 'orphan']);
    const tombstone = await answered(proxy, pod, 'Deployment/orphan');
    assert.equal(tombstone.deleted, true);
  });

  test('Karpenter consolidates a node with pods of three Deployments: per-workload transitions and counters', async () => {
    const node = `${namespace}-consolidated`;
    await cluster.createNode(node, {
      labels: { 'karpenter.sh/nodepool': 'default', 'karpenter.sh/capacity-type': 'spot' },
      taints: [{ key: 'karpenter.sh/disrupted', effect: 'NoSchedule' }],
    });
    const names = ['cart', 'search', 'checkout'];
    const these = names.map((n) => `Deployment/${n}`).join(',');
    const pods = await Promise.all(names.map((name) => deployment(name, 2, node)));
    for (const pod of pods.flat()) {
      const name = pod.metadata!.name!;
      await answered(proxy, name, `Deployment/${name.split('-')[0]}`);
      await evictForConsolidation(cluster, namespace, pod);
      // checkout's pods go at once (a forced delete)...
      if (name.startsWith('checkout')) {
        await cluster.deletePod(namespace, name, 0);
      }
    }
    // ...cart's after their node is gone: the pool they ran in stays known.
    await cluster.deleteNode(node);
    for (const pod of pods[0]) {
      await cluster.deletePod(namespace, pod.metadata!.name!, 0);
    }

    const transitions = await eventually(
      async () => {
        const items = (
          await get(
            proxy,
            `/api/v1/transitions?namespace=${namespace}&nodepool=default&initiator=karpenter&workload=${these}`
          )
        ).body.items as Array<Record<string, string>>;
        return items.length === 6 ? items : undefined;
      },
      5000,
      'six transitions'
    );
    assert.deepEqual(
      transitions.map((t) => `${t.workloadKind}/${t.workload} ${t.reason} ${t.nodepool} ${t.capacityType}`).sort(),
      names.flatMap((name) => Array(2).fill(`Deployment/${name} EvictionByEvictionAPI default spot`)).sort()
    );
    const checkout = (await get(proxy, `/api/v1/transitions?workload=${namespace}/Deployment/checkout`)).body.items;
    assert.equal(checkout.length, 2);

    const metrics = (await get(proxy, '/metrics', null)).text;
    for (const name of names) {
      const series = `podreasons_transitions_total{namespace="${namespace}",reason="EvictionByEvictionAPI",category="eviction",initiator="karpenter",workload_kind="Deployment",workload="${name}",nodepool="default"} 2`;
      assert.ok(metrics.includes(series), series);
    }

    const summary = (await get(proxy, `/api/v1/summary?namespace=${namespace}&deleted=true&nodepool=default`)).body;
    // cart's tombstones came after their node was gone, and still count in its pool.
    assert.deepEqual(
      summary.byWorkload.filter((c: { value: string }) =>
        names.some((n) => c.value === `${namespace}/Deployment/${n}`)
      ),
      names
        .map((n) => ({ value: `${namespace}/Deployment/${n}`, count: 2 }))
        .sort((a, b) => a.value.localeCompare(b.value))
    );
    const now = Date.now();
    const series = (
      await get(
        proxy,
        `/api/v1/series?namespace=${namespace}&workload=${these}&initiator=karpenter&groupBy=workload&from=${now - 600_000}&to=${now}&step=10m`
      )
    ).body.series as Array<{ group: string; values: number[] }>;
    assert.deepEqual(
      series.map((s) => [s.group, s.values.reduce((a, b) => a + b)]),
      names.map((name) => [`${namespace}/Deployment/${name}`, 2]).sort()
    );
  });
});

describe('workloads without RBAC for ReplicaSets and Jobs', () => {
  test("the pod's own controller is its workload, and status says why", async () => {
    await cluster.ensureNamespace(namespace);
    const owner = await workloads.create(namespace, 'Deployment', 'unread');
    const replicaSet = await workloads.create(namespace, 'ReplicaSet', 'unread-7f8g9', owner);
    await cluster.createPod(namespace, 'unread-7f8g9-a1b2c', { owner: replicaSet });
    // cluster-reader may read pods, nodes and events, not ReplicaSets nor Jobs.
    const reader = await startProxy({ context: 'cluster-reader' });
    try {
      await waitReady(reader);
      await answered(reader, 'unread-7f8g9-a1b2c', 'ReplicaSet/unread-7f8g9');
      const status = (await get(reader, '/api/v1/status')).body;
      assert.deepEqual([status.permissions.replicasets, status.permissions.jobs], ['forbidden', 'forbidden']);
      assert.deepEqual(
        status.partial.filter((p: string) => /^(replicasets|jobs)/.test(p)),
        [
          'replicasets: forbidden (workloads are ReplicaSets, not the Deployments above them)',
          'jobs: forbidden (workloads are Jobs, not the CronJobs above them)',
        ]
      );
    } finally {
      await reader.stop();
    }
  });
});
