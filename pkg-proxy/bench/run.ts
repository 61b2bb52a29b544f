// The proxy benchmark (`npm run bench`): a real kube-apiserver, 2k / 10k / 50k / 150k pods (30 per
// node), and per size kube-state-metrics v2.20.0 (`--resources=pods`) and then a fresh proxy, each
// in a process of its own, on the same pods. The proxy runs bundled, with the Node options of the
// container image (pkg-proxy/Dockerfile), as users run it. Per size it measures:
//   - side by side: initial sync (start → KSM lists every pod / proxy /readyz 200), RSS right after
//     sync, peak RSS (VmHWM) during the initial list, 40 /metrics scrapes (time, size, series), RSS
//     and CPU after them;
//   - the proxy alone: heap and RSS per cached pod after a full GC, minus the same figures of a proxy
//     with 0 pods; /api/v1/pods latency p50/p99, filtered and unfiltered;
//   - watch events absorbed under churn: pods/status updates from concurrent clients, the rate the
//     API server accepted them and the rate the proxy's podreasons_watch_events_total rose, the
//     proxy's CPU per event, and the store's own rate in-process (JSON.parse + PodStore.applyPod).
// Loading stops at the first size that cannot be reached (an API server error, or BENCH_LOAD_BUDGET
// spent); the pods loaded by then are measured as the largest size, and the report says why.
// Writes pkg-proxy/bench/RESULTS.md (keeping its "## Findings" section) when run at the default sizes.
// Then the cost of --data-dir (persistence.ts), written to pkg-proxy/bench/PERSISTENCE.md. The cost of
// the owner watches (owners.ts) is a run of its own, written to pkg-proxy/bench/OWNERS.md.
//
// Environment: BENCH_SIZES=2000,10000 (ascending; default 2000,10000,50000,150000), BENCH_CHURN=20000
// (status updates per size), BENCH_LOAD_BUDGET=60m (longest loading step), BENCH_OUT=<file> (write
// the results there even for other sizes), BENCH_CPU_PROF=<dir> (write a V8 CPU profile of each proxy),
// BENCH_NODE_OPTIONS='--max-semi-space-size=8' (start the proxy with these instead of the image's),
// BENCH_ONLY=persistence (only the persistence part), BENCH_ONLY=owners (only the owner watches).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { startApiServer, type ApiServer } from '../../tests/cluster/apiserver.ts';
import { podObject, Cluster } from '../../tests/cluster/driver.ts';
import { KSM_VERSION, KubeStateMetrics } from '../../tests/cluster/ksm.ts';
import { imageNodeOptions } from '../../tests/stack/dockerfile.ts';
import { parseDuration } from '../src/duration.ts';
import { absorbInProcess } from './absorb.ts';
import {
  fetchText,
  metricSum,
  processCpuSeconds,
  processRss,
  scrape,
  timeRequests,
  timeScrapes,
  waitFor,
} from './measure.ts';
import { measureOwners, renderOwners } from './owners.ts';
import { measurePersistence, renderPersistence } from './persistence.ts';
import { ProxyProcess, bundleProxyChild } from './proxy-process.ts';
import { renderResults, type Baseline, type Run, type SideBySide, type SizeResult } from './report.ts';
import { StatusWriter } from './status-writer.ts';
import { NAMESPACES, benchPod, churnPlan, churnStatus, namespaceName, nodeName, nodesFor, pool } from './workload.ts';

const DEFAULT_SIZES = [2000, 10_000, 50_000, 150_000];
const LOAD_CONCURRENCY = 32;
const CHURN_CLIENTS = 8;
const REQUESTS = 300;
const SCRAPES = 40;
const CATCH_UP_SECONDS = 40;
const REQUEST_BUDGET_MS = 60_000;
const SYNC_TIMEOUT_MS = 30 * 60_000;
const RESULTS = new URL('./RESULTS.md', import.meta.url).pathname;
const OWNERS_RESULTS = new URL('./OWNERS.md', import.meta.url).pathname;
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
const loadBudgetMs = parseDuration(process.env.BENCH_LOAD_BUDGET ?? '60m', false);
if (loadBudgetMs === undefined) {
  fail(`BENCH_LOAD_BUDGET must be a duration like 45m or 2h, not "${process.env.BENCH_LOAD_BUDGET}"`);
}
if (process.env.BENCH_ONLY && process.env.BENCH_ONLY !== 'persistence' && process.env.BENCH_ONLY !== 'owners') {
  fail(`BENCH_ONLY may only be "persistence" or "owners", not "${process.env.BENCH_ONLY}"`);
}
const onlyPersistence = process.env.BENCH_ONLY === 'persistence';
const onlyOwners = process.env.BENCH_ONLY === 'owners';
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
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

let api: ApiServer | undefined;
let proxy: ProxyProcess | undefined;
let ksm: KubeStateMetrics | undefined;
let writer: StatusWriter | undefined;

async function cleanUp(): Promise<void> {
  writer?.close();
  await proxy?.stop().catch(() => {});
  proxy = undefined;
  await ksm?.stop().catch(() => {});
  ksm = undefined;
  await api?.stop().catch(() => {});
  api = undefined;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping kube-state-metrics, the proxy and the API server`);
    void cleanUp().then(() => process.exit(130));
  });
}

/** The pid of the harness' etcd: the process started as `<harness> etcd --dir <dir>/etcd`. */
function etcdPid(): number {
  const wanted = `etcd\0--dir\0${join(api!.dir, 'etcd')}\0`;
  for (const entry of readdirSync('/proc')) {
    try {
      if (/^\d+$/.test(entry) && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(wanted)) {
        return Number(entry);
      }
    } catch {
      // gone meanwhile
    }
  }
  return NaN;
}

/** CPU seconds used so far by kube-apiserver and etcd. */
function apiServerCpu(): number {
  return (
    processCpuSeconds(Number(readFileSync(join(api!.dir, 'apiserver.pid'), 'utf8'))) + processCpuSeconds(etcdPid())
  );
}

/** The RSS of kube-apiserver and etcd, for what limits loading. */
function apiServerRss(): { apiserver: number; etcd: number } {
  const rssOf = (pid: number) => {
    try {
      return processRss(pid).rss;
    } catch {
      return NaN;
    }
  };
  return { apiserver: rssOf(Number(readFileSync(join(api!.dir, 'apiserver.pid'), 'utf8'))), etcd: rssOf(etcdPid()) };
}

interface Loaded {
  pods: number;
  seconds: number;
  /** Why loading stopped short of the size asked for. */
  stopped?: string;
}

/**
 * Creates nodes and then pods from..to-1 with their statuses, printing progress every 5 s; stops
 * early (resolving with what was loaded) on an API server error or once the budget is spent.
 */
async function loadPods(cluster: Cluster, writes: StatusWriter, from: number, to: number): Promise<Loaded> {
  const started = Date.now();
  await pool(
    nodesFor(to) - nodesFor(from),
    8,
    async (k) => void (await cluster.createNode(nodeName(nodesFor(from) + k)))
  );
  log(`  ${nodesFor(to)} nodes`);
  let done = 0;
  let stopped: string | undefined;
  const ticker = setInterval(() => {
    const { apiserver, etcd } = apiServerRss();
    log(
      `  loaded ${from + done} / ${to} pods (${Math.round(done / ((Date.now() - started) / 1000))} pods/s; kube-apiserver ${mib(apiserver)}, etcd ${mib(etcd)}; load ${os.loadavg()[0].toFixed(1)})`
    );
  }, 5_000);
  try {
    await pool(to - from, LOAD_CONCURRENCY, async (k) => {
      if (stopped) {
        return;
      }
      if (Date.now() - started > loadBudgetMs!) {
        stopped = `the loading budget (BENCH_LOAD_BUDGET, ${Math.round(loadBudgetMs! / 60_000)} min) ran out`;
        return;
      }
      const pod = benchPod(from + k);
      try {
        await writes.createPod(podObject(pod.namespace, pod.name, pod.spec));
        await writes.patch(pod.namespace, pod.name, pod.status);
        done++;
      } catch (err) {
        stopped ??= `the API server failed: ${(err as Error).message}`;
      }
    });
  } finally {
    clearInterval(ticker);
  }
  if (stopped) {
    log(`  loading stopped at ${from + done} pods: ${stopped}`);
  }
  return { pods: from + done, seconds: (Date.now() - started) / 1000, stopped };
}

/** A fresh proxy, once it has synced; `what` names it in the log. */
async function startSyncedProxy(
  script: string,
  nodeOptions: string[],
  kubeconfig: string,
  what: string
): Promise<{ p: ProxyProcess; listeningMs: number; readyMs: number }> {
  const execArgv = [
    ...nodeOptions,
    ...(cpuProfDir
      ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=proxy-${what}-${Date.now()}.cpuprofile`]
      : []),
  ];
  const p = (proxy = await ProxyProcess.start(script, kubeconfig, 'admin', execArgv));
  const listeningMs = Date.now() - p.startedAt;
  await waitFor(
    async () => (await fetch(`${p.url}/readyz`)).status === 200,
    SYNC_TIMEOUT_MS,
    `the ${what} proxy syncing`
  );
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

/** The figures both sides get: memory and CPU at sync, 40 scrapes, memory and CPU after them. */
async function sideFigures(pid: number, metricsUrl: string, syncMs: number): Promise<SideBySide> {
  const synced = processRss(pid);
  const cpuSynced = processCpuSeconds(pid);
  const scrapes = await timeScrapes(metricsUrl, SCRAPES);
  const scraped = processRss(pid);
  const cpuScraped = processCpuSeconds(pid);
  const { series } = await scrape(metricsUrl, { prefix: '' });
  return {
    syncMs,
    rssSynced: synced.rss,
    peakSynced: synced.peak,
    cpuSynced,
    scrapes,
    rssScraped: scraped.rss,
    peakScraped: scraped.peak,
    cpuScraped,
    series,
  };
}

const describeSide = (who: string, f: SideBySide) =>
  `  ${who}: synced in ${(f.syncMs / 1000).toFixed(1)} s; RSS ${mib(f.rssSynced)} (peak ${mib(f.peakSynced)}) → ${mib(f.rssScraped)} after ${SCRAPES} scrapes; /metrics p50 ${f.scrapes.p50.toFixed(1)} ms, ${Math.round(f.scrapes.bytes / 1024)} KiB, ${f.series} series; CPU ${f.cpuScraped.toFixed(1)} s`;

/** kube-state-metrics on the same pods: started fresh, synced once it reports every pod. */
async function measureKsm(kubeconfig: string, pods: number): Promise<SideBySide> {
  const started = Date.now();
  const k = (ksm = await KubeStateMetrics.start(kubeconfig, { resources: 'pods', log }));
  // It lists through a watch that streams the existing pods first (client-go's WatchList): synced
  // once /metrics shows every pod, so the time includes up to one scrape.
  await waitFor(
    async () => (await scrape(`${k.url}/metrics`, { prefix: 'kube_pod_info{' })).matching === pods,
    SYNC_TIMEOUT_MS,
    `kube-state-metrics reporting ${pods} pods`,
    50
  );
  const listedMs = Date.now() - started;
  const figures = await sideFigures(k.pid, `${k.url}/metrics`, listedMs);
  await k.stop();
  ksm = undefined;
  log(describeSide(`kube-state-metrics ${KSM_VERSION}`, figures));
  return figures;
}

async function measureBaseline(script: string, nodeOptions: string[], kubeconfig: string): Promise<Baseline> {
  log('proxy with 0 pods (baseline)');
  const { p, readyMs } = await startSyncedProxy(script, nodeOptions, kubeconfig, '0-pod');
  const side = await sideFigures(p.pid, `${p.url}/metrics`, readyMs);
  const m = await p.memory();
  await stopProxy();
  log(describeSide('proxy', side));
  log(`  after a full GC: heap used ${mib(m.heapUsed)}, RSS ${mib(m.rss)}`);
  return { heapUsed: m.heapUsed, rss: m.rss, side, ksm: await measureKsm(kubeconfig, 0) };
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
  /** Flaps rounds × pods of `targets`; the API server's acceptance rate. */
  const pass = async (n: { pods: number; rounds: number }): Promise<number> => {
    const started = Date.now();
    await pool(n.pods * n.rounds, CHURN_CLIENTS, async (k) => {
      const pod = targets[k % n.pods];
      await writes.patch(pod.namespace, pod.name, churnStatus(Math.floor(k / n.pods)));
    });
    return (n.pods * n.rounds) / ((Date.now() - started) / 1000);
  };
  /**
   * Until the proxy applied `count` upserts, or relisted (then the events never come one by one).
   * Asked over IPC, not by scraping /metrics: a scrape every 50 ms would take the CPU it measures.
   */
  const absorbed = (count: number, relistsBefore: number) =>
    waitFor(
      async () => {
        const seen = await p.upserts();
        return seen.count >= count || seen.relists > relistsBefore;
      },
      5 * 60_000,
      'the proxy absorbing the churn',
      50
    );

  log(`  churn, live: ${updates} status updates (${plan.pods} pods × ${plan.rounds}) from ${CHURN_CLIENTS} clients`);
  let before = await counters(p);
  await p.mark();
  let cpuBefore = p.cpuSeconds();
  const apiPerSecond = await pass(plan);
  const accepted = Date.now();
  await absorbed(updates, before.relists);
  const live = {
    proxyCpuSeconds: p.cpuSeconds() - cpuBefore,
    seen: await p.upserts(),
    proxyEvents: (await counters(p)).events - before.events,
  };
  const liveRate = live.proxyEvents / ((live.seen.lastAt - live.seen.firstAt) / 1000);
  log(
    `  API server accepted ${Math.round(apiPerSecond)} updates/s; proxy absorbed ${Math.round(liveRate)} events/s, ${live.seen.lastAt - accepted} ms behind; proxy CPU ${live.proxyCpuSeconds.toFixed(1)} s`
  );

  // The frozen pass must stay well inside the API server's watch cache (at least 75 s of events),
  // or the resumed watch gets 410 Gone and relists: at most CATCH_UP_SECONDS at the live pace.
  const frozen = churnPlan(plan.pods, Math.min(updates, Math.round(apiPerSecond * CATCH_UP_SECONDS)));
  const frozenUpdates = frozen.pods * frozen.rounds;
  log(`  churn, catch-up: ${frozenUpdates} updates (${frozen.pods} pods × ${frozen.rounds}) while the proxy is frozen`);
  before = await counters(p);
  await p.mark();
  p.pause();
  const pausedAt = Date.now();
  try {
    await pass(frozen);
  } finally {
    p.resume();
  }
  const resumedAt = Date.now();
  cpuBefore = p.cpuSeconds();
  const serverCpuBefore = apiServerCpu();
  await absorbed(frozenUpdates, before.relists);
  const catchUpCpu = p.cpuSeconds() - cpuBefore;
  const serverCpuSeconds = apiServerCpu() - serverCpuBefore;
  const caught = await p.upserts();
  const after = await counters(p);
  const catchUp = {
    proxyEvents: after.events - before.events,
    perSecond: (after.events - before.events) / ((caught.lastAt - resumedAt) / 1000),
    proxyCpuSeconds: catchUpCpu,
    serverCpuSeconds,
    pausedSeconds: (resumedAt - pausedAt) / 1000,
    relisted: after.relists > before.relists,
  };
  log(
    `  ${catchUp.proxyEvents} events in ${((caught.lastAt - resumedAt) / 1000).toFixed(1)} s after resuming: ${Math.round(catchUp.perSecond)} events/s${catchUp.relisted ? ' (relisted: 410 Gone)' : ''}; CPU: proxy ${catchUpCpu.toFixed(1)} s, kube-apiserver and etcd ${serverCpuSeconds.toFixed(1)} s`
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
  script: string,
  nodeOptions: string[],
  writes: StatusWriter,
  kc: KubeConfig,
  kubeconfig: string,
  pods: number
): Promise<SizeResult> {
  log(`kube-state-metrics with ${pods} pods`);
  const loadAtStart = os.loadavg()[0];
  const ksmFigures = await measureKsm(kubeconfig, pods);

  log(`proxy with ${pods} pods`);
  const { p, listeningMs, readyMs } = await startSyncedProxy(script, nodeOptions, kubeconfig, `${pods}-pod`);
  const side = await sideFigures(p.pid, `${p.url}/metrics`, readyMs);
  log(describeSide('proxy', side));
  const m = await p.memory();
  const status = JSON.parse(await fetchText(`${p.url}/api/v1/status`)) as {
    counts: { pods: number; abnormal: number };
  };
  if (status.counts.pods !== pods) {
    throw new Error(`the proxy holds ${status.counts.pods} pods, expected ${pods}`);
  }
  log(
    `  ${status.counts.pods} pods (${status.counts.abnormal} abnormal); after a full GC: heap used ${mib(m.heapUsed)}, RSS ${mib(m.rss)}`
  );

  const results: SizeResult['queries'] = [];
  for (const q of queries()) {
    const body = JSON.parse(await fetchText(p.url + q.path)) as { total: number };
    const latency = await timeRequests(p.url + q.path, REQUESTS, REQUEST_BUDGET_MS);
    results.push({ ...q, matches: body.total, latency });
    log(`  ${q.name}: p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms (${body.total} match)`);
  }

  const churned = await churn(writes, kc, p, pods);
  return {
    pods,
    abnormal: status.counts.abnormal,
    loadAverage: [loadAtStart, os.loadavg()[0]],
    listeningMs,
    heapUsed: m.heapUsed,
    rss: m.rss,
    queries: results,
    side,
    ksm: ksmFigures,
    apiServer: apiServerRss(),
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
  const command = [
    process.env.BENCH_SIZES ? `BENCH_SIZES=${sizes.join()}` : '',
    process.env.BENCH_CHURN ? `BENCH_CHURN=${churnUpdates}` : '',
    process.env.BENCH_LOAD_BUDGET ? `BENCH_LOAD_BUDGET=${process.env.BENCH_LOAD_BUDGET}` : '',
    process.env.BENCH_ONLY ? `BENCH_ONLY=${process.env.BENCH_ONLY}` : '',
    process.env.BENCH_NODE_OPTIONS ? `BENCH_NODE_OPTIONS='${process.env.BENCH_NODE_OPTIONS}'` : '',
    'npm run bench',
  ]
    .filter(Boolean)
    .join(' ');
  const nodeOptions = process.env.BENCH_NODE_OPTIONS?.split(/\s+/).filter(Boolean) ?? imageNodeOptions();
  const machine = {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    nodeOptions,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    loadAverage: os.loadavg()[0],
  };
  log(
    `sizes ${sizes.join(', ')}; ${machine.cpus} × ${machine.cpuModel}; Node ${machine.node} ${nodeOptions.join(' ')}`
  );
  log('bundling the proxy as the image runs it');
  const script = await bundleProxyChild();
  log('starting the API server');
  api = await startApiServer(log);
  const kubeconfig = api.kubeconfigPath;
  const kc = api.kubeConfig('admin');
  const cluster = new Cluster(kc);
  writer = new StatusWriter(kc, LOAD_CONCURRENCY);
  await pool(NAMESPACES, 8, (n) => cluster.ensureNamespace(namespaceName(n)));
  log(`${NAMESPACES} namespaces`);

  if (onlyOwners) {
    const owners = await measureOwners(script, kubeconfig, writer, nodeOptions, log);
    writeFileSync(OWNERS_RESULTS, renderOwners(owners, machine, command));
    log(`wrote ${OWNERS_RESULTS}`);
    return;
  }
  if (!onlyPersistence) {
    await measureSizes(script, kc, kubeconfig, cluster, writer, { command, machine });
  }
  const persistence = await measurePersistence(script, kc, kubeconfig, writer, log);
  writeFileSync(PERSISTENCE_RESULTS, renderPersistence(persistence, machine, command));
  log(`wrote ${PERSISTENCE_RESULTS}`);
}

async function measureSizes(
  script: string,
  kc: KubeConfig,
  kubeconfig: string,
  cluster: Cluster,
  writes: StatusWriter,
  run: Pick<Run, 'command' | 'machine'>
): Promise<void> {
  const nodeOptions = run.machine.nodeOptions;
  const baseline = await measureBaseline(script, nodeOptions, kubeconfig);
  const results: Run = { ...run, baseline, sizes: [], loading: [] };
  let loaded = 0;
  for (const pods of sizes) {
    log(`loading pods ${loaded} → ${pods}`);
    const step = await loadPods(cluster, writes, loaded, pods);
    results.loading.push({ asked: pods, ...step });
    if (step.pods > loaded) {
      loaded = step.pods;
      results.sizes.push(await measureSize(script, nodeOptions, writes, kc, kubeconfig, loaded));
    }
    if (step.stopped) {
      break;
    }
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
