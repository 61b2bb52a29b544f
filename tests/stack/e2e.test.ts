// The stack end to end, on loopback: the proxy runs from a replay of pkg-proxy/Dockerfile (only
// what the image holds), with compose's arguments, against the real API server; real Prometheus
// loads provisioning/prometheus (target pointed at that proxy) and scrapes it while driver
// scenarios happen; then the alert rules, the Grafana rule queries and the dashboard queries run on
// the scraped data.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Cluster } from '../cluster/driver.ts';
import { SCENARIOS, createNodes } from '../cluster/scenarios.ts';
import { replay, type Replayed } from './dockerfile.ts';
import { apiServer } from './kube.ts';
import {
  GRAFANA_RULES,
  PROMETHEUS_RULES,
  dashboardQueries,
  eventually,
  freePort,
  readYaml,
  root,
  run,
  startProcess,
  startPrometheus,
  isDurationVariable,
  type PrometheusServer,
  type Sample,
  type Started,
} from './lib.ts';

const PLAYED = ['karpenter-eviction', 'crashloop-oom', 'graceful-node-shutdown'].map((name) =>
  SCENARIOS.find((s) => s.name === name)!
);
const namespace = `stack-${Date.now().toString(36)}`;

let dir: string;
let image: Replayed;
let proxy: Started;
let prometheus: PrometheusServer;
let release: () => Promise<void>;

const query = (expr: string) => prometheus.query(expr);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'podreasons-stack-'));
  const harness = await apiServer();
  release = harness.release;
  image = await replay('pkg-proxy/Dockerfile', root, join(dir, 'image'));

  const compose = readYaml('docker-compose.yaml').services.proxy;
  const args = [...image.entrypoint, ...compose.command].map((a: string) =>
    a.startsWith('--kubeconfig=') ? `--kubeconfig=${harness.server.kubeconfigPath}` : a
  );
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    ...image.env,
    PODREASONS_LISTEN: `127.0.0.1:${port}`,
    PODREASONS_TOKEN: 'stack-test-token',
  };
  assert.equal(args[0], 'node');
  proxy = startProcess(process.execPath, args.slice(1), { cwd: image.workdir, env });
  // The image's own health check, then readiness (the initial sync).
  const [check, ...checkArgs] = image.healthcheck!;
  assert.equal(check, 'node');
  await eventually(
    () => `the health check; the proxy said: ${proxy.output()}`,
    async () => ((await run(process.execPath, checkArgs, { cwd: image.workdir, env })) ? true : undefined)
  );
  await eventually('/readyz', async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok ? true : undefined));

  const cluster = new Cluster(harness.server.kubeConfig('admin'));
  await cluster.ensureNamespace(namespace);
  const nodes = await createNodes(cluster, namespace);
  for (const scenario of PLAYED) {
    await scenario.play(cluster, namespace, scenario.name, nodes);
  }

  prometheus = await startPrometheus(dir, [`127.0.0.1:${port}`]);
  await eventually(
    () => `Prometheus to scrape the proxy; it said: ${prometheus.output().slice(-500)}`,
    async () => ((await query(`podreasons_pod_reason{namespace="${namespace}"}`)).length >= 2 ? true : undefined)
  );
});

after(async () => {
  await prometheus?.stop();
  await proxy?.stop();
  await release?.();
  rmSync(dir, { recursive: true, force: true });
});

test('Prometheus scrapes the proxy under job "podreasons" and loads every rule', async () => {
  const [up] = await query('up{job="podreasons"}');
  assert.equal(up.value[1], '1');
  const body: any = await (await fetch(`${prometheus.url}/api/v1/rules`)).json();
  const loaded = body.data.groups.flatMap((g: any) => g.rules.map((r: any) => r.name)).sort();
  const defined = readYaml(PROMETHEUS_RULES)
    .groups.flatMap((g: any) => g.rules.map((r: any) => r.alert))
    .sort();
  assert.deepEqual(loaded, defined);
});

test('the alert expressions find the played pods by namespace, pod and reason', async () => {
  const rules = readYaml(PROMETHEUS_RULES).groups.flatMap((g: any) => g.rules);
  const firing = async (alert: string) => {
    const result = await query(rules.find((r: any) => r.alert === alert).expr);
    return result.filter((s) => s.metric.namespace === namespace).map((s) => `${s.metric.pod} ${s.metric.reason}`);
  };
  assert.deepEqual(await firing('PodReasonsOOMKilled'), ['crashloop-oom OOMKilled']);
  assert.deepEqual(await firing('PodReasonsNodeShutdown'), ['graceful-node-shutdown Shutdown']);
  for (const rule of rules) {
    await query(rule.expr);
  }
});

test('the Grafana rule queries see the Karpenter eviction and the watches', async () => {
  const queries = Object.fromEntries(
    readYaml(GRAFANA_RULES)
      .groups.flatMap((g: any) => g.rules)
      .map((r: any) => [r.title, r.data[0].model.expr])
  );
  const burst = await query(queries.PodReasonsEvictionBurst);
  assert.ok(Number(burst.find((s) => s.metric.initiator === 'karpenter')?.value[1]) >= 1, JSON.stringify(burst));
  const watches = await query(queries.PodReasonsWatchUnhealthy);
  assert.ok(
    watches.some((s) => s.metric.resource === 'pods' && s.value[1] === '1'),
    JSON.stringify(watches)
  );
  const stale = await query(queries.PodReasonsWatchStale);
  assert.ok(stale.length > 0 && stale.every((s) => Number(s.value[1]) < 900), JSON.stringify(stale));
});

/** The dashboards' variables as Grafana fills them in: All (`.*`) for multi-value ones, `window` for durations. */
const filledIn =
  (window: string, values: Record<string, string> = {}) =>
  (name: string, format: string | undefined) =>
    isDurationVariable(name) ? window : format === 'regex' ? '.*' : values[name];

test("the dashboards' Prometheus queries return the played transitions", async () => {
  // As Grafana sends them with every variable on All, and the pod variables on a played pod.
  const values: Record<string, string> = { namespace: namespace, pod: 'crashloop-oom' };
  const queries = dashboardQueries(filledIn('1m', values));
  const results = await Promise.all(queries.map((q) => query(q.expr)));
  const reasons = new Set(
    results
      .flat()
      .map((s) => s.metric.reason)
      .filter(Boolean)
  );
  for (const expected of ['EvictionByEvictionAPI', 'OOMKilled', 'Shutdown']) {
    assert.ok(reasons.has(expected), `${expected} in ${[...reasons]}`);
  }
});

test('the overview counts the played Karpenter eviction for its workload, initiator and node pool', async () => {
  // Over an hour, longer than Prometheus has run: every series counts at its full value.
  const panels = Object.fromEntries(dashboardQueries(filledIn('1h')).map((q) => [q.panel, q.expr]));
  const inNamespace = (samples: Sample[]) => samples.filter((s) => s.metric.namespace === namespace);
  const total = (samples: Sample[]) => samples.reduce((sum, s) => sum + Number(s.value[1]), 0);
  const workloads = inNamespace(await query(panels['Most disrupted workloads']));
  assert.ok(total(workloads) >= 1, JSON.stringify(workloads));
  const initiators = inNamespace(await query(panels['Most disrupted workloads, by initiator']));
  assert.ok(
    initiators.some((s) => s.metric.initiator === 'karpenter' && s.metric.workload_key.startsWith(`${namespace}/`)),
    JSON.stringify(initiators)
  );
  assert.ok(total(await query(panels['Disruptions by node pool'])) >= 1);
});
