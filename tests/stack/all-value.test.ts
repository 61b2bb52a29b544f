// "All" on the overview means every series, not the options the data source lists now: the
// proxy's own metrics (its Metrics class, fed through its store's transition event) are scraped by
// the real Prometheus of provisioning/prometheus, then every Prometheus panel runs the way Grafana
// runs it (grafana-query.ts) with the variables on All while the proxy no longer lists the
// namespace, reason and initiator of a deleted namespace.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Metrics } from '../../pkg-proxy/src/metrics/metrics.ts';
import { PodStore, type Transition } from '../../pkg-proxy/src/store/store.ts';
import { grafanaRequests, legendSum, runRequest, type GrafanaRequest } from './grafana-query.ts';
import { eventually, freePort, readJson, startPrometheus, type PrometheusServer } from './lib.ts';

const SCRAPE = '1s';
const overview = readJson('provisioning/dashboards/podreasons-overview.json');

// `shop` is still there; `gone` was deleted, so the proxy lists neither it, nor the reason and
// initiator only its pods had.
const played: Array<[Partial<Transition>, number]> = [
  [{ namespace: 'shop', reason: 'Preempted', category: 'preemption', initiator: 'scheduler', workload: 'web' }, 2],
  [{ namespace: 'gone', reason: 'Evicted', category: 'eviction', initiator: 'kubelet', workload: 'batch' }, 3],
];
const listedNow: Record<string, string[]> = { namespace: ['shop'], reason: ['Preempted'], initiator: ['scheduler'] };

let dir: string;
let server: Server;
let prometheus: PrometheusServer;
let range: { from: number; to: number };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'podreasons-all-'));
  const store = new PodStore();
  const metrics = new Metrics({ store, ksmCompatible: false, watchHealth: () => [] });
  for (const [transition, times] of played) {
    for (let i = 0; i < times; i++) {
      store.emit('transition', { ...transition, workloadKind: 'Deployment', nodepool: 'default' } as Transition, true);
    }
  }
  server = createServer(async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.end(await metrics.render());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  prometheus = await startPrometheus(dir, [`127.0.0.1:${port}`], SCRAPE);
  const born = await eventually(
    () => `the first scrape\n${prometheus.output()}`,
    async () => {
      const [sample] = await prometheus.query('timestamp(podreasons_transitions_total{namespace="gone"})');
      return sample ? Number(sample.value[1]) * 1000 : undefined;
    }
  );
  // A few more scrapes, so every query sees the counters after their birth; one range for all.
  await new Promise((r) => setTimeout(r, 5000));
  range = { from: born - 30 * 60_000, to: Date.now() };
});

after(async () => {
  await prometheus?.stop();
  await new Promise((r) => server?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** The dashboard's requests for the last 30 minutes (which hold every scrape), every variable on All. */
const requests = (dashboard: any): GrafanaRequest[] =>
  grafanaRequests(dashboard, range, SCRAPE, (name) => {
    assert.ok(listedNow[name], `the overview's PromQL uses $${name}, which this test does not list`);
    return listedNow[name];
  });

/** The same dashboard with every variable's All meaning "no filter". */
const withoutFilters = (dashboard: any) => ({
  ...dashboard,
  templating: { list: dashboard.templating.list.map((v: any) => ({ ...v, allValue: '.*' })) },
});

test('with All, "Most disrupted workloads" counts the transitions of a deleted namespace', async () => {
  const request = requests(overview).find((r) => r.panel === 'Most disrupted workloads');
  assert.ok(request, 'the overview has no "Most disrupted workloads" panel');
  const rows = Object.fromEntries(
    (await runRequest(prometheus.url, request)).map((s) => [`${s.metric.namespace}/${s.metric.workload}`, s.values[0]])
  );
  assert.deepEqual(rows, { 'shop/web': 2, 'gone/batch': 3 });
});

test('with All, every Prometheus panel shows what it shows without filters', async () => {
  const unfiltered = requests(withoutFilters(overview));
  for (const [i, request] of requests(overview).entries()) {
    const sums = async (r: GrafanaRequest) =>
      Object.fromEntries((await runRequest(prometheus.url, r)).map((s) => [JSON.stringify(s.metric), legendSum(s)]));
    assert.deepEqual(await sums(request), await sums(unfiltered[i]), `${request.panel} ${request.refId}`);
  }
});
