// The proxy benchmark (`npm run bench`): a real kube-apiserver, 1k / 10k / 50k pods, and per size a
// fresh proxy in a child process. Per size it measures:
//   - initial sync: fork of the proxy → /readyz 200;
//   - heap and RSS per cached pod: after a full GC, minus the same figures of a proxy with 0 pods;
//   - /api/v1/pods latency p50/p99, filtered and unfiltered, and /metrics render time;
//   - watch events absorbed under churn: pods/status updates from concurrent clients, the rate the
//     API server accepted them and the rate the proxy's podreasons_watch_events_total rose, the
//     proxy's CPU per event, and the store's own rate in-process (JSON.parse + PodStore.applyPod).
// Writes pkg-proxy/bench/RESULTS.md (keeping its "## Findings" section) when run at the default sizes.
// Then the cost of --data-dir (persistence.ts), written to pkg-proxy/bench/PERSISTENCE.md.
//
// Environment: BENCH_SIZES=1000,10000 (ascending; default 1000,10000,50000), BENCH_CHURN=20000
// (status updates per size), BENCH_OUT=<file> (write the results there even for other sizes),
// BENCH_CPU_PROF=<dir> (write a V8 CPU profile of each proxy there), BENCH_ONLY=persistence (only
// the persistence part).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { startApiServer, type ApiServer } from '../../tests/cluster/apiserver.ts';
import { Cluster } from '../../tests/cluster/driver.ts';
import { absorbInProcess } from './absorb.ts';
import { fetchText, metricSum, timeRequests, waitFor } from './measure.ts';
import { measurePersistence, renderPersistence } from './persistence.ts';
import { ProxyProcess } from './proxy-process.ts';
import { renderResults, type Baseline, type Run, type SizeResult } from './report.ts';
import { StatusWriter } from './status-writer.ts';
import { NAMESPACES, NODES, benchPod, churnPlan, churnStatus, namespaceName, nodeName, pool } from './workload.ts';

const DEFAULT_SIZES = [1000, 10_000, 50_000];
const LOAD_CONCURRENCY = 32;
const CHURN_CLIENTS = 8;
const REQUESTS = 300;
const SCRAPES = 20;
const REQUEST_BUDGET_MS = 60_000;
const RESULTS = new URL('./RESULTS.md', import.meta.url).pathname;
const PERSISTENCE_RESULTS = new URL('./PERSISTENCE.md', import.meta.url).pathname;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function parseSizes(raw: string | undefined): number[] {
  if (!raw) {
    return DEFAULT_SIZES;
  }
  const sizes = raw.split(',').map((s) => s.trim());
  if (sizes.some((s) => !/^\d+$/.test(s) || Number(s) < 1)) {
    fail(`BENCH_SIZES must be whole numbers ≥ 1, comma-separated, not "${raw}"`);
  }
  const n = sizes.map(Number);
  if (n.some((v, i) => i > 0 && v <= n[i - 1])) {
    fail(`BENCH_SIZES must be ascending (sizes are cumulative), not "${raw}"`);
  }
  return n;
}

const sizes = parseSizes(process.env.BENCH_SIZES);
const churnUpdates = process.env.BENCH_CHURN ? Number(process.env.BENCH_CHURN) : 20_000;
if (!Number.isInteger(churnUpdates) || churnUpdates < 2) {
  fail(`BENCH_CHURN must be a whole number ≥ 2, not "${process.env.BENCH_CHURN}"`);
}
if (process.env.BENCH_ONLY && process.env.BENCH_ONLY !== 'persistence') {
  fail(`BENCH_ONLY may only be "persistence", not "${process.env.BENCH_ONLY}"`);
}
const onlyPersistence = process.env.BENCH_ONLY === 'persistence';
const cpuProfDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;
const out = process.env.BENCH_OUT
  ? resolve(process.env.BENCH_OUT)
  : sizes.join() === DEFAULT_SIZES.join()
    ? RESULTS
    : undefined;

const began = Date.now();
const log = (line: string) => {
  const s = Math.round((Date.now() - began) / 1000);
  process.stdout.write(`[${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}] ${line}\n`);
};

let api: ApiServer | undefined;
let proxy: ProxyProcess | undefined;
let writer: StatusWriter | undefined;

async function cleanUp(): Promise<void> {
  writer?.close();
  await proxy?.stop().catch(() => {});
  proxy = undefined;
  await api?.stop().catch(() => {});
  api = undefined;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the proxy and the API server`);
    void cleanUp().then(() => process.exit(130));
  });
}

/** Creates pods from..to-1 with their statuses, printing progress every 5 s. */
async function loadPods(cluster: Cluster, writes: StatusWriter, from: number, to: number): Promise<number> {
  const started = Date.now();
  let done = 0;
  const ticker = setInterval(
    () => log(`  loaded ${from + done} / ${to} pods (${Math.round(done / ((Date.now() - started) / 1000))} pods/s)`),
    5_000
  );
  try {
    await pool(to - from, LOAD_CONCURRENCY, async (k) => {
      const pod = benchPod(from + k);
      await cluster.createPod(pod.namespace, pod.name, pod.spec);
      await writes.patch(pod.namespace, pod.name, pod.status);
      done++;
    });
  } finally {
    clearInterval(ticker);
  }
  return (Date.now() - started) / 1000;
}

/** A fresh proxy, once it has synced; `what` names it in the log. */
async function startSyncedProxy(
  kubeconfig: string,
  what: string
): Promise<{ p: ProxyProcess; listeningMs: number; readyMs: number }> {
  const execArgv = cpuProfDir
    ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=proxy-${what}-${Date.now()}.cpuprofile`]
    : [];
  const p = (proxy = await ProxyProcess.start(kubeconfig, 'admin', execArgv));
  const listeningMs = Date.now() - p.startedAt;
  await waitFor(async () => (await fetch(`${p.url}/readyz`)).status === 200, 15 * 60_000, `the ${what} proxy syncing`);
  const readyMs = Date.now() - p.startedAt;
  log(
    `  ${what} proxy ready ${(readyMs / 1000).toFixed(1)} s after start (listening after ${(listeningMs / 1000).toFixed(1)} s)`
  );
  return { p, listeningMs, readyMs };
}

async function stopProxy(): Promise<void> {
  await proxy?.stop();
  proxy = undefined;
}

async function measureBaseline(kubeconfig: string): Promise<Baseline> {
  log('proxy with 0 pods (baseline)');
  const { p } = await startSyncedProxy(kubeconfig, '0-pod');
  const m = await p.memory();
  await stopProxy();
  log(`  heap used ${(m.heapUsed / 2 ** 20).toFixed(1)} MiB, RSS ${(m.rss / 2 ** 20).toFixed(1)} MiB`);
  return { heapUsed: m.heapUsed, rss: m.rss };
}

function queries(): Array<{ name: string; path: string; filtered: boolean }> {
  const selector = encodeURIComponent('app.kubernetes.io/name=svc-3,tier in (web,api)');
  return [
    { name: 'namespace + abnormal', path: `/api/v1/pods?namespace=${namespaceName(7)}&abnormal=true`, filtered: true },
    { name: 'reason', path: '/api/v1/pods?reason=OOMKilled,Evicted', filtered: true },
    { name: 'labelSelector', path: `/api/v1/pods?labelSelector=${selector}`, filtered: true },
    { name: 'node', path: `/api/v1/pods?node=${nodeName(3)}`, filtered: true },
    { name: 'unfiltered', path: '/api/v1/pods', filtered: false },
    { name: 'summary', path: '/api/v1/summary', filtered: false },
  ];
}

type Counters = { events: number; relists: number };

async function counters(p: ProxyProcess): Promise<Counters> {
  const text = await fetchText(`${p.url}/metrics`);
  return {
    events: metricSum(text, 'podreasons_watch_events_total', { resource: 'pods' }),
    relists: metricSum(text, 'podreasons_watch_restarts_total', { resource: 'pods', cause: 'gone' }),
  };
}

/**
 * Two passes of the same status updates. Live: the proxy watches while they happen, so it can only
 * absorb as fast as the API server accepts writes. Catch-up: the proxy is frozen (SIGSTOP) during
 * the pass and then resumed, so the API server streams it the backlog as fast as it can take it.
 */
async function churn(
  writes: StatusWriter,
  kc: KubeConfig,
  p: ProxyProcess,
  pods: number
): Promise<SizeResult['churn']> {
  const running: Array<{ namespace: string; name: string }> = [];
  for (let i = 0; i < pods; i++) {
    const pod = benchPod(i);
    if (pod.reason === 'Running') {
      running.push(pod);
    }
  }
  const plan = churnPlan(running.length, churnUpdates);
  const targets = running.slice(0, plan.pods);
  const updates = plan.pods * plan.rounds;
  const pass = async (): Promise<number> => {
    const started = Date.now();
    await pool(updates, CHURN_CLIENTS, async (k) => {
      const pod = targets[k % plan.pods];
      await writes.patch(pod.namespace, pod.name, churnStatus(Math.floor(k / plan.pods)));
    });
    return updates / ((Date.now() - started) / 1000);
  };
  const absorbed = () =>
    waitFor(async () => (await p.upserts()).count >= updates, 5 * 60_000, 'the proxy absorbing the churn', 50);

  log(`  churn, live: ${updates} status updates (${plan.pods} pods × ${plan.rounds}) from ${CHURN_CLIENTS} clients`);
  let before = await counters(p);
  await p.mark();
  let cpuBefore = p.cpuSeconds();
  const apiPerSecond = await pass();
  const accepted = Date.now();
  await absorbed();
  const live = {
    proxyCpuSeconds: p.cpuSeconds() - cpuBefore,
    seen: await p.upserts(),
    proxyEvents: (await counters(p)).events - before.events,
  };
  const liveRate = live.proxyEvents / ((live.seen.lastAt - live.seen.firstAt) / 1000);
  log(
    `  API server accepted ${Math.round(apiPerSecond)} updates/s; proxy absorbed ${Math.round(liveRate)} events/s, ${live.seen.lastAt - accepted} ms behind`
  );

  log('  churn, catch-up: the same updates while the proxy is frozen');
  before = await counters(p);
  await p.mark();
  p.pause();
  const pausedAt = Date.now();
  try {
    await pass();
  } finally {
    p.resume();
  }
  const resumedAt = Date.now();
  cpuBefore = p.cpuSeconds();
  await absorbed();
  const catchUpCpu = p.cpuSeconds() - cpuBefore;
  const caught = await p.upserts();
  const after = await counters(p);
  const catchUp = {
    proxyEvents: after.events - before.events,
    perSecond: (after.events - before.events) / ((caught.lastAt - resumedAt) / 1000),
    proxyCpuSeconds: catchUpCpu,
    pausedSeconds: (resumedAt - pausedAt) / 1000,
    relisted: after.relists > before.relists,
  };
  log(
    `  ${catchUp.proxyEvents} events in ${((caught.lastAt - resumedAt) / 1000).toFixed(1)} s after resuming: ${Math.round(catchUp.perSecond)} events/s${catchUp.relisted ? ' (relisted: 410 Gone)' : ''}`
  );

  await stopProxy();
  log('  store alone, in-process');
  const inProcess = await absorbInProcess(
    kc,
    targets.map((t) => `${t.namespace}/${t.name}`),
    plan.rounds
  );
  log(`  ${Math.round(inProcess.perSecond)} events/s`);
  return {
    updates,
    clients: CHURN_CLIENTS,
    live: {
      apiPerSecond,
      proxyEvents: live.proxyEvents,
      proxyPerSecond: liveRate,
      lagMs: live.seen.lastAt - accepted,
      proxyCpuSeconds: live.proxyCpuSeconds,
    },
    catchUp,
    inProcess,
  };
}

async function measureSize(
  writes: StatusWriter,
  kc: KubeConfig,
  kubeconfig: string,
  pods: number
): Promise<SizeResult> {
  log(`proxy with ${pods} pods`);
  const loadAtStart = os.loadavg()[0];
  const { p, listeningMs, readyMs } = await startSyncedProxy(kubeconfig, `${pods}-pod`);
  const peakRss = p.rss().peak;
  const m = await p.memory();
  const status = JSON.parse(await fetchText(`${p.url}/api/v1/status`)) as {
    counts: { pods: number; abnormal: number };
  };
  if (status.counts.pods !== pods) {
    throw new Error(`the proxy holds ${status.counts.pods} pods, expected ${pods}`);
  }
  log(
    `  ${status.counts.pods} pods (${status.counts.abnormal} abnormal); heap used ${(m.heapUsed / 2 ** 20).toFixed(1)} MiB, RSS ${(m.rss / 2 ** 20).toFixed(1)} MiB, peak RSS ${(peakRss / 2 ** 20).toFixed(1)} MiB`
  );

  const results: SizeResult['queries'] = [];
  for (const q of queries()) {
    const body = JSON.parse(await fetchText(p.url + q.path)) as { total: number };
    const latency = await timeRequests(p.url + q.path, REQUESTS, REQUEST_BUDGET_MS);
    results.push({ ...q, matches: body.total, latency });
    log(`  ${q.name}: p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms (${body.total} match)`);
  }
  const metrics = await timeRequests(`${p.url}/metrics`, SCRAPES, REQUEST_BUDGET_MS);
  log(
    `  /metrics: p50 ${metrics.p50.toFixed(1)} ms, p99 ${metrics.p99.toFixed(1)} ms (${Math.round(metrics.bytes / 1024)} KiB)`
  );

  const churned = await churn(writes, kc, p, pods);
  return {
    pods,
    abnormal: status.counts.abnormal,
    loadAverage: [loadAtStart, os.loadavg()[0]],
    listeningMs,
    readyMs,
    heapUsed: m.heapUsed,
    rss: m.rss,
    peakRss,
    queries: results,
    metrics,
    churn: churned,
  };
}

function previousFindings(): string {
  if (!out || !existsSync(out)) {
    return '';
  }
  const text = readFileSync(out, 'utf8');
  const at = text.indexOf('\n## Findings');
  return at < 0 ? '' : text.slice(at + 1);
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  const command = `${process.env.BENCH_SIZES ? `BENCH_SIZES=${sizes.join()} ` : ''}${process.env.BENCH_CHURN ? `BENCH_CHURN=${churnUpdates} ` : ''}${onlyPersistence ? 'BENCH_ONLY=persistence ' : ''}npm run bench`;
  const machine = {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    loadAverage: os.loadavg()[0],
  };
  log(`sizes ${sizes.join(', ')}; ${machine.cpus} × ${machine.cpuModel}; Node ${machine.node}`);
  log('starting the API server');
  api = await startApiServer(log);
  const kubeconfig = api.kubeconfigPath;
  const kc = api.kubeConfig('admin');
  const cluster = new Cluster(kc);
  writer = new StatusWriter(kc, LOAD_CONCURRENCY);
  await pool(NAMESPACES, 8, (n) => cluster.ensureNamespace(namespaceName(n)));
  await pool(NODES, 8, async (n) => void (await cluster.createNode(nodeName(n))));
  log(`${NAMESPACES} namespaces, ${NODES} nodes`);

  if (!onlyPersistence) {
    await measureSizes(kc, kubeconfig, cluster, writer, { command, machine });
  }
  const persistence = await measurePersistence(kc, kubeconfig, writer, log);
  writeFileSync(PERSISTENCE_RESULTS, renderPersistence(persistence, machine, command));
  log(`wrote ${PERSISTENCE_RESULTS}`);
}

async function measureSizes(
  kc: KubeConfig,
  kubeconfig: string,
  cluster: Cluster,
  writes: StatusWriter,
  run: Pick<Run, 'command' | 'machine'>
): Promise<void> {
  const baseline = await measureBaseline(kubeconfig);
  const results: Run = { ...run, baseline, sizes: [], loadSeconds: [] };
  let loaded = 0;
  for (const pods of sizes) {
    log(`loading pods ${loaded} → ${pods}`);
    results.loadSeconds.push(await loadPods(cluster, writes, loaded, pods));
    loaded = pods;
    results.sizes.push(await measureSize(writes, kc, kubeconfig, pods));
  }

  const markdown = renderResults(results, previousFindings());
  if (out) {
    writeFileSync(out, markdown);
    log(`wrote ${out}`);
  } else {
    process.stdout.write(`\n${markdown}`);
  }
}

try {
  await main();
} catch (err) {
  process.stderr.write(`bench: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
