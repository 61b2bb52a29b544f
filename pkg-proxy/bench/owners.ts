// What naming workloads costs (`BENCH_ONLY=owners`: a run of its own, as its pods are the main run's):
// the metadata-only list/watch of ReplicaSets and Jobs and the index of their controllers. Pods are
// loaded as the main benchmark loads them (workload.ts), each owned by a ReplicaSet of about ten pods
// whose controller is a Deployment (the Deployments themselves are not created: nothing reads them).
// (benchPod names them as their owners; the main run does not create them).
// Per size, the same cluster is synced by two proxies in turn, each bundled in a process of its own:
// one that may read ReplicaSets and Jobs (`admin`) and one that may not (`cluster-reader`: pods,
// nodes and events), so the difference of their heap and RSS after a full GC is what the owner
// watches cost, with everything else equal. The per-pod `owner` reference both proxies keep is not
// in the difference: it is part of the per-pod figures of RESULTS.md.
import os from 'node:os';
import { podObject } from '../../tests/cluster/driver.ts';
import { fetchText, metricSum, waitFor } from './measure.ts';
import { ProxyProcess } from './proxy-process.ts';
import { partHeader, type Machine } from './report.ts';
import type { StatusWriter } from './status-writer.ts';
import { PODS_PER_REPLICASET, benchPod, ownerReference, pool, replicaSetOf } from './workload.ts';

export const OWNER_SIZES = [10_000, 50_000];
const LOAD_CONCURRENCY = 32;
const SYNC_TIMEOUT_MS = 30 * 60_000;

interface Memory {
  heapUsed: number;
  rss: number;
  /** podreasons_cached_objects{kind="owners"}. */
  owners: number;
  syncSeconds: number;
}

export interface OwnerCost {
  pods: number;
  replicaSets: number;
  with: Memory;
  without: Memory;
}

export interface OwnersResult {
  loadAverage: [number, number];
  sizes: OwnerCost[];
}

/** Creates the ReplicaSets and then the pods from..to-1, owned by them. */
async function load(writer: StatusWriter, from: number, to: number, created: Set<string>): Promise<void> {
  const replicaSets = new Map<string, ReturnType<typeof replicaSetOf>>();
  for (let i = from; i < to; i++) {
    const rs = replicaSetOf(i);
    const key = `${rs.namespace}/${rs.name}`;
    if (!created.has(key)) {
      replicaSets.set(key, rs);
    }
  }
  await pool(replicaSets.size, LOAD_CONCURRENCY, async (k) => {
    const [key, rs] = [...replicaSets][k];
    const selector = { matchLabels: { 'app.kubernetes.io/name': rs.deployment } };
    await writer.create('/apis/apps/v1', 'replicasets', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rs.name,
        namespace: rs.namespace,
        ownerReferences: [ownerReference('apps/v1', 'Deployment', rs.deployment, rs.namespace)],
      },
      spec: {
        replicas: 0,
        selector,
        template: { metadata: { labels: selector.matchLabels }, spec: { containers: [{ name: 'app', image: 'app' }] } },
      },
    } as { metadata: { namespace: string } });
    created.add(key);
  });
  await pool(to - from, LOAD_CONCURRENCY, async (k) => {
    const pod = benchPod(from + k);
    await writer.createPod(podObject(pod.namespace, pod.name, pod.spec));
  });
}

/** One proxy syncs the cluster as `context`; its memory after a full GC once it knows every owner it may read. */
async function synced(
  script: string,
  kubeconfig: string,
  context: string,
  nodeOptions: string[],
  owners: number
): Promise<Memory> {
  const proxy = await ProxyProcess.start(script, kubeconfig, context, nodeOptions);
  try {
    await waitFor(async () => (await fetch(`${proxy.url}/readyz`)).status === 200, SYNC_TIMEOUT_MS, 'proxy synced');
    let cached = 0;
    await waitFor(
      async () => {
        cached = metricSum(await fetchText(`${proxy.url}/metrics`), 'podreasons_cached_objects', { kind: 'owners' });
        return cached === owners;
      },
      SYNC_TIMEOUT_MS,
      `${owners} owners in the index`,
      500
    );
    const syncSeconds = (Date.now() - proxy.startedAt) / 1000;
    const { heapUsed, rss } = await proxy.memory();
    return { heapUsed, rss, owners: cached, syncSeconds };
  } finally {
    await proxy.stop();
  }
}

export async function measureOwners(
  script: string,
  kubeconfig: string,
  writer: StatusWriter,
  nodeOptions: string[],
  log: (line: string) => void
): Promise<OwnersResult> {
  const loadAtStart = os.loadavg()[0];
  const created = new Set<string>();
  const sizes: OwnerCost[] = [];
  let loaded = 0;
  for (const pods of OWNER_SIZES) {
    log(`owners: loading pods ${loaded} → ${pods}, one ReplicaSet per ${PODS_PER_REPLICASET} pods`);
    await load(writer, loaded, pods, created);
    loaded = pods;
    log(`  ${created.size} ReplicaSets; syncing with and without the owner watches`);
    const withOwners = await synced(script, kubeconfig, 'admin', nodeOptions, created.size);
    const without = await synced(script, kubeconfig, 'cluster-reader', nodeOptions, 0);
    log(
      `  heap ${(withOwners.heapUsed / 2 ** 20).toFixed(1)} vs ${(without.heapUsed / 2 ** 20).toFixed(1)} MiB, RSS ${(withOwners.rss / 2 ** 20).toFixed(1)} vs ${(without.rss / 2 ** 20).toFixed(1)} MiB`
    );
    sizes.push({ pods, replicaSets: created.size, with: withOwners, without });
  }
  return { loadAverage: [loadAtStart, os.loadavg()[0]], sizes };
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const signedMib = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${mib(Math.abs(bytes))}`;

export function renderOwners(r: OwnersResult, machine: Machine, command: string): string {
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const rows = r.sizes.map((s) =>
    row([
      s.pods.toLocaleString('en-US'),
      s.replicaSets.toLocaleString('en-US'),
      `${mib(s.with.heapUsed)} / ${mib(s.without.heapUsed)} MiB`,
      `${signedMib(s.with.heapUsed - s.without.heapUsed)} MiB`,
      `${Math.round((s.with.heapUsed - s.without.heapUsed) / s.replicaSets)} B`,
      `${mib(s.with.rss)} / ${mib(s.without.rss)} MiB`,
      `${signedMib(s.with.rss - s.without.rss)} MiB`,
      `${s.with.syncSeconds.toFixed(1)} / ${s.without.syncSeconds.toFixed(1)} s`,
    ])
  );
  return [
    ...partHeader('Owner watches: benchmark results', 'pkg-proxy/bench/owners.ts', machine, command, r.loadAverage),
    '',
    'Heap and RSS after a full GC, with the owner watches / without them (RBAC forbids ReplicaSets and',
    'Jobs); the difference is their cost. Sync: from the start of the proxy to every owner in its index.',
    '',
    '| Pods | ReplicaSets | Heap with / without | Heap cost | Heap per ReplicaSet | RSS with / without | RSS cost | Sync with / without |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
