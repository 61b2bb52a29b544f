// Two replicas of the proxy on one API server, scraped by the real Prometheus with the provisioned
// rules: the replicas give the same answers, and the eviction-burst rule and the dashboards count
// each eviction once. Then both replicas are killed — one keeps its history in --data-dir, the
// other has none — evictions happen while one is down, and after the restarts nothing counted
// before is counted again, and nothing from the downtime is missed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ProxyProcess } from '../../pkg-proxy/test/integration/proxy-process.ts';
import type { ApiServer } from '../cluster/apiserver.ts';
import { Cluster } from '../cluster/driver.ts';
import { consolidateAndDelete, createNodes, type Nodes } from '../cluster/scenarios.ts';
import { apiServer } from './kube.ts';
import {
  PROMETHEUS_RULES,
  dashboardQueries,
  eventually,
  freePort,
  isDurationVariable,
  readYaml,
  startPrometheus,
  type PrometheusServer,
} from './lib.ts';

const namespace = `stack-replicas-${Date.now().toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), 'podreasons-replicas-'));
let server: ApiServer;
let release: () => Promise<void>;
let cluster: Cluster;
let nodes: Nodes;
let prometheus: PrometheusServer;
const listen = { a: '', b: '' };
const proxies: Partial<Record<'a' | 'b', ProxyProcess>> = {};

/** Replica a keeps its history in a data directory, replica b in memory only. */
async function startReplica(name: 'a' | 'b'): Promise<ProxyProcess> {
  const args = name === 'a' ? [`--data-dir=${join(dir, 'data-a')}`] : [];
  const proxy = (proxies[name] = new ProxyProcess({ kubeconfig: server.kubeconfigPath, listen: listen[name], args }));
  return proxy.ready();
}

/** Karpenter consolidating a pod (its Event only when `withEvent`), the pod deleted at once. */
const consolidate = (pod: string, withEvent: boolean) =>
  consolidateAndDelete(cluster, namespace, pod, nodes.karpenter, withEvent);

interface Item {
  pod: string;
  uid: string;
  reason: string;
  initiator: string;
  detail: string;
  recovered: boolean;
}

const transitions = async (proxy: ProxyProcess): Promise<Item[]> =>
  (await proxy.api(`/api/v1/transitions?namespace=${namespace}&from=0`)).items;

const transitionsOf = (proxy: ProxyProcess, pods: string[]) =>
  eventually(`transitions of ${pods.join(', ')}`, async () => {
    const items = await transitions(proxy);
    return pods.every((p) => items.some((t) => t.pod === p)) ? items : undefined;
  });

/** What either replica answers about a transition, whatever it saw of it. */
const answer = (items: Item[]) => items.map((t) => [t.pod, t.uid, t.reason, t.initiator, t.detail].join(' ')).sort();

/** Prometheus' last scrape of one replica's counter in the test namespace. */
const scrapedCount = (name: 'a' | 'b', value: number) =>
  eventually(`Prometheus to scrape ${value} transitions from replica ${name}`, async () => {
    const [sample] = await prometheus.query(
      `sum(podreasons_transitions_total{namespace="${namespace}", instance="${listen[name]}"})`
    );
    return Number(sample?.value[1]) === value ? true : undefined;
  });

/** The provisioned burst rule, on this test's namespace and over `window` instead of 10 minutes. */
function burstRule(window: string): string {
  const rule = readYaml(PROMETHEUS_RULES)
    .groups.flatMap((g: any) => g.rules)
    .find((r: any) => r.alert === 'PodReasonsEvictionBurst');
  return (rule.expr as string)
    .replaceAll('{category="eviction"}', `{category="eviction", namespace="${namespace}"}`)
    .replaceAll('10m', window);
}

const value = (samples: Array<{ value: [number, string] }>) => (samples.length ? Number(samples[0].value[1]) : 0);

describe('two replicas, restarts, and the real Prometheus', () => {
  let counted3At: number;

  before(async () => {
    const harness = await apiServer();
    server = harness.server;
    release = harness.release;
    cluster = new Cluster(server.kubeConfig('admin'));
    await cluster.ensureNamespace(namespace);
    nodes = await createNodes(cluster, namespace);
    listen.a = `127.0.0.1:${await freePort()}`;
    listen.b = `127.0.0.1:${await freePort()}`;
    await Promise.all([startReplica('a'), startReplica('b')]);
    prometheus = await startPrometheus(dir, [listen.a, listen.b]);
    await eventually(
      () => `Prometheus to scrape both replicas; it said: ${prometheus.output().slice(-500)}`,
      async () => ((await prometheus.query('up{job="podreasons"} == 1')).length === 2 ? true : undefined)
    );
  });

  after(async () => {
    await prometheus?.stop();
    await Promise.all(Object.values(proxies).map((p) => p.stop()));
    await release?.();
    rmSync(dir, { recursive: true, force: true });
  });

  test('both replicas answer the same, and the burst rule and the dashboards count each eviction once', async () => {
    // Evictions with no Event: the node's Karpenter taint names the initiator.
    for (const pod of ['pre-1', 'pre-2', 'pre-3']) {
      await consolidate(pod, false);
    }
    const [a, b] = await Promise.all(
      [proxies.a!, proxies.b!].map((p) => transitionsOf(p, ['pre-1', 'pre-2', 'pre-3']))
    );
    assert.deepEqual(answer(a), answer(b));
    assert.ok(a.every((t) => t.initiator === 'karpenter' && !t.recovered));
    await Promise.all([scrapedCount('a', 3), scrapedCount('b', 3)]);
    counted3At = Date.now();

    // Summed over instances the rule would say 6, over its threshold of 5.
    assert.equal(value(await prometheus.query(burstRule('10m').replace(/\s*> 5$/, ''))), 3);
    assert.deepEqual(await prometheus.query(burstRule('10m')), []);
    const karpenter = dashboardQueries((name, format) =>
      isDurationVariable(name) ? '10m' : format === 'regex' ? (name === 'namespace' ? namespace : '.*') : ''
    ).filter((q) => q.expr.includes('podreasons_transitions_total'));
    assert.equal(karpenter.length, 7);
    for (const q of karpenter) {
      const total = (await prometheus.query(q.expr)).reduce((sum, s) => sum + Number(s.value[1]), 0);
      assert.equal(total, q.expr.includes('initiator!="karpenter"') ? 0 : 3, q.panel);
    }
  });

  test('after SIGKILL and restarts nothing is counted twice, nothing from the downtime is missed', async () => {
    // The window of the rule below starts between the scrape of 3 and the burst, and is long enough
    // that Prometheus' extrapolation to its ends adds little (the values are rounded).
    await new Promise((r) => setTimeout(r, 10_000));
    for (const pod of ['burst-1', 'burst-2']) {
      await consolidate(pod, true);
    }
    await Promise.all([scrapedCount('a', 5), scrapedCount('b', 5)]);
    await new Promise((r) => setTimeout(r, 1500)); // replica a writes its data directory each second
    await Promise.all([proxies.a!.kill(), proxies.b!.kill()]);

    // b comes back at once with nothing on disk; a stays down while Karpenter goes on.
    const b = await startReplica('b');
    for (const pod of ['down-1', 'down-2']) {
      await consolidate(pod, true);
    }
    const a = await startReplica('a');
    const withEvents = ['burst-1', 'burst-2', 'down-1', 'down-2'];
    const [fromA, fromB] = await Promise.all([transitionsOf(a, withEvents), transitionsOf(b, withEvents)]);
    const pick = (items: Item[]) => items.filter((t) => withEvents.includes(t.pod));
    assert.deepEqual(answer(pick(fromA)), answer(pick(fromB)));
    assert.deepEqual(
      pick(fromA)
        .filter((t) => t.recovered)
        .map((t) => t.pod)
        .sort(),
      ['down-1', 'down-2']
    );
    assert.deepEqual(
      pick(fromB)
        .filter((t) => t.recovered)
        .map((t) => t.pod)
        .sort(),
      ['burst-1', 'burst-2']
    );

    // a counts the 2 it recovered, not the 5 it restored; b the 2 it saw, not the 2 it recovered
    // from Events its predecessor had counted.
    await Promise.all([scrapedCount('a', 2), scrapedCount('b', 2)]);
    const now = Date.now();
    const window = `${Math.floor((now - counted3At) / 1000) - 1}s`;
    // 2 in the burst and 2 while a was down; a replica counting again would bring b to 6.
    assert.equal(Math.round(value(await prometheus.query(burstRule(window).replace(/\s*> 5$/, ''), now))), 4);
    assert.deepEqual(await prometheus.query(burstRule(window), now), []);
    for (const q of dashboardQueries((name, format) =>
      isDurationVariable(name) ? window : format === 'regex' ? (name === 'namespace' ? namespace : '.*') : ''
    ).filter((d) => d.expr.includes('podreasons_transitions_total'))) {
      const total = (await prometheus.query(q.expr, now)).reduce((sum, s) => sum + Number(s.value[1]), 0);
      assert.equal(Math.round(total), q.expr.includes('initiator!="karpenter"') ? 0 : 4, q.panel);
    }
  });
});
