// The overview's counting panels as Grafana shows them, against what happened. Two replicas of
// the real proxy watch the real API server; two real Prometheus servers scrape both, one every
// 15 s (the demo) and one every 30 s (kube-prometheus-stack). Evictions happen at known times: a
// burst between two scrapes, evictions in a namespace that is deleted afterwards, the oldest
// replica replaced by a new instance that counts from zero (a restart without --data-dir), and
// evictions after that. Then every Prometheus query of the dashboards runs as Grafana runs it
// (grafana-query.ts), its variables on All as the restarted replica lists them, and each legend's
// sum must equal the number of evictions, for a 1-hour and a 24-hour range.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ProxyProcess } from '../../pkg-proxy/test/integration/proxy-process.ts';
import type { ApiServer } from '../cluster/apiserver.ts';
import { Cluster } from '../cluster/driver.ts';
import { consolidateAndDelete, createNodes, type Nodes } from '../cluster/scenarios.ts';
import { grafanaRequests, legendSum, runRequest, type AnsweredSeries } from './grafana-query.ts';
import { apiServer } from './kube.ts';
import { eventually, freePort, readJson, startPrometheus, type PrometheusServer } from './lib.ts';

const run = Date.now().toString(36);
const kept = `count-kept-${run}`;
const gone = `count-gone-${run}`;
const dir = mkdtempSync(join(tmpdir(), 'podreasons-counting-'));
const SCRAPE_INTERVALS = ['15s', '30s'];
const overview = readJson('provisioning/dashboards/podreasons-overview.json');

/** One eviction the test made: what every counting panel must show once. */
interface Eviction {
  namespace: string;
  pod: string;
  initiator: string;
  nodepool: string;
}

let server: ApiServer;
let release: () => Promise<void>;
let cluster: Cluster;
let nodes: Nodes;
const evictions: Eviction[] = [];
const targets = { a: '', b: '', replacement: '' };
const proxies: ProxyProcess[] = [];
const prometheus: Record<string, PrometheusServer> = {};
let restarted: ProxyProcess;
let lastScrapeAt = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startReplica(listen: string): Promise<ProxyProcess> {
  const proxy = new ProxyProcess({ kubeconfig: server.kubeconfigPath, listen });
  proxies.push(proxy);
  return proxy.ready();
}

/** Evicts `count` pods of `namespace` on the Karpenter node (with its Event) or the autoscaler's one. */
async function evict(namespace: string, prefix: string, count: number, by: 'karpenter' | 'cluster-autoscaler') {
  const played: Eviction[] = [];
  for (let i = 0; i < count; i++) {
    const pod = `${prefix}-${i}`;
    const karpenter = by === 'karpenter';
    await consolidateAndDelete(cluster, namespace, pod, karpenter ? nodes.karpenter : nodes.autoscaler, karpenter);
    played.push({ namespace, pod, initiator: by, nodepool: karpenter ? 'default' : '' });
  }
  evictions.push(...played);
}

/** The evictions of this test a replica counted, summed over its series. */
async function counted(proxy: ProxyProcess): Promise<number> {
  const text = await (await fetch(`${proxy.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('podreasons_transitions_total{') && /namespace="count-(kept|gone)-/.test(l))
    .filter((l) => l.includes(`-${run}"`))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** Until every Prometheus has scraped `count` evictions of this test from each of `listens`. */
async function scraped(listens: string[], count: number): Promise<void> {
  for (const [interval, p] of Object.entries(prometheus)) {
    for (const instance of listens) {
      await eventually(
        `Prometheus (${interval}) to scrape ${count} evictions from ${instance}`,
        async () => {
          const [sample] = await p.query(
            `sum(podreasons_transitions_total{instance="${instance}", namespace=~"count-.*-${run}"})`
          );
          return Number(sample?.value[1]) === count ? true : undefined;
        },
        90_000
      );
    }
  }
  lastScrapeAt = Date.now();
}

/** What each panel's legend must add up to, by the label its legend shows. */
const EXPECTED: Record<string, (e: Eviction) => string | undefined> = {
  'Transitions by reason A': () => 'EvictionByEvictionAPI',
  'Transitions by initiator A': (e) => e.initiator,
  'Evictions: Karpenter vs the rest A': (e) => (e.initiator === 'karpenter' ? 'all' : undefined),
  'Evictions: Karpenter vs the rest B': (e) => (e.initiator !== 'karpenter' ? 'all' : undefined),
  'Most disrupted workloads A': () => 'all',
  'Most disrupted workloads, by initiator A': (e) => e.initiator,
  'Disruptions by node pool A': (e) => e.nodepool || '(none)',
};
const LEGEND_LABEL: Record<string, string | undefined> = {
  'Transitions by reason A': 'reason',
  'Transitions by initiator A': 'initiator',
  'Most disrupted workloads, by initiator A': 'initiator',
  'Disruptions by node pool A': 'nodepool',
};

function tally(keys: Array<[string, number]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of keys) {
    out[key] = (out[key] ?? 0) + n;
  }
  return out;
}

describe('the counting panels on two real Prometheus servers', () => {
  before(async () => {
    const harness = await apiServer();
    server = harness.server;
    release = harness.release;
    cluster = new Cluster(server.kubeConfig('admin'));
    await cluster.ensureNamespace(kept);
    await cluster.ensureNamespace(gone);
    nodes = await createNodes(cluster, `count-${run}`);
    for (const name of ['a', 'b', 'replacement'] as const) {
      targets[name] = `127.0.0.1:${await freePort()}`;
    }
    // a is the oldest replica (process_start_time_seconds has whole seconds).
    await startReplica(targets.a);
    await sleep(1500);
    await startReplica(targets.b);
    for (const interval of SCRAPE_INTERVALS) {
      prometheus[interval] = await startPrometheus(
        mkdtempSync(join(dir, `p${interval}-`)),
        [targets.a, targets.b, targets.replacement],
        interval
      );
    }
    for (const p of Object.values(prometheus)) {
      await eventually(
        'Prometheus to scrape both replicas',
        async () => ((await p.query('up{job="podreasons"} == 1')).length === 2 ? true : undefined),
        90_000
      );
    }

    // A burst: six evictions within a few seconds, between two scrapes of the 30-s server.
    await evict(kept, 'burst', 4, 'karpenter');
    await evict(kept, 'scale-down', 2, 'cluster-autoscaler');
    await scraped([targets.a, targets.b], 6);

    // A namespace whose pods are all evicted without an Event, then deleted.
    await evict(gone, 'drained', 3, 'karpenter');
    await cluster.core.deleteNamespace({ name: gone });
    await scraped([targets.a, targets.b], 9);

    // The oldest replica is replaced by a new instance with no history; b carries on.
    await proxies[0].kill();
    restarted = await startReplica(targets.replacement);
    await sleep(20_000);
    await evict(kept, 'after', 2, 'karpenter');
    await evict(kept, 'after-scale-down', 1, 'cluster-autoscaler');
    // Evictions with no Event are recorded after the attribution delay (a second).
    await eventually('replica b to count every eviction', async () =>
      (await counted(proxies[1])) === evictions.length ? true : undefined
    );
    await eventually('the new instance to count what came after it started', async () =>
      (await counted(restarted)) === 3 ? true : undefined
    );
    await scraped([targets.b], evictions.length);
    await scraped([targets.replacement], 3);
    // Grafana aligns a range's end down to its step (a minute here): wait for the step after the
    // last scrape, so that the range holds it.
    await sleep(60_000 - (lastScrapeAt % 60_000) + 1000);
  });

  after(async () => {
    await Promise.all(Object.values(prometheus).map((p) => p.stop()));
    await Promise.all(proxies.map((p) => p.stop()));
    await release?.();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const interval of SCRAPE_INTERVALS) {
    for (const hours of [1, 24]) {
      test(`every counting panel's legend sums to the evictions, ${interval} scrapes, last ${hours} h`, async () => {
        // The variables list what the restarted replica knows: not the deleted namespace.
        const lists: Record<string, string[]> = {};
        for (const v of overview.templating.list.filter((v: any) => v.query?.kind)) {
          lists[v.name] = (await restarted.api(`/api/v1/values/${v.query.kind}`)).values;
        }
        assert.ok(!lists.namespace.includes(gone), 'the restarted replica lists the deleted namespace');
        const to = Date.now();
        const requests = grafanaRequests(overview, { from: to - hours * 3_600_000, to }, interval, (n) => lists[n]);
        const counting = requests.filter((r) => r.expr.includes('podreasons_transitions_total'));
        assert.deepEqual(counting.map((r) => `${r.panel} ${r.refId}`).sort(), Object.keys(EXPECTED).sort());
        const shown: Record<string, unknown> = {};
        const truth: Record<string, unknown> = {};
        for (const request of counting) {
          const key = `${request.panel} ${request.refId}`;
          const label = LEGEND_LABEL[key];
          const answer: AnsweredSeries[] = await runRequest(prometheus[interval].url, request);
          shown[key] = tally(answer.map((s) => [label ? s.metric[label] : 'all', legendSum(s)]));
          truth[key] = tally(
            evictions.flatMap((e) => {
              const k = EXPECTED[key](e);
              return k === undefined ? [] : [[k, 1] as [string, number]];
            })
          );
        }
        assert.deepEqual(shown, truth);
      });
    }
  }
});
