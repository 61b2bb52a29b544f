// RESULTS.md: the measured figures per size against the targets, the machine and how it was run.
import type { Absorption } from './absorb.ts';
import type { Latency } from './measure.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  node: string;
  /** The Node options of the container image, which the benchmark runs the proxy with. */
  nodeOptions: string[];
  os: string;
  date: string;
  /** 1-minute load average when the run started: others' work shares the machine. */
  loadAverage: number;
}

/** The opening of a part's own results file: what ran, on what machine, under what load. */
export function partHeader(title: string, source: string, machine: Machine, command: string, load: [number, number]) {
  const two = (n: number) => n.toFixed(2);
  return [
    `# ${title}`,
    '',
    `Measured ${machine.date} with \`${command}\` (\`${source}\`; its header says what each`,
    'figure means).',
    '',
    `- ${machine.cpus} × ${machine.cpuModel}, ${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GiB memory, ${machine.os}; Node ${machine.node}`,
    `- 1-minute load average ${two(load[0])} when this part started, ${two(load[1])} at its end: the cores are`,
    '  shared with other work, so times are upper bounds.',
  ];
}

/** What both kube-state-metrics and the proxy are measured by, from their own processes. */
export interface SideBySide {
  /** Start → KSM listed every pod / proxy /readyz 200. */
  syncMs: number;
  /** RSS and its peak (VmHWM) right after the sync, bytes. */
  rssSynced: number;
  peakSynced: number;
  /** CPU seconds from start to sync. */
  cpuSynced: number;
  /** The 40 /metrics scrapes after sync. */
  scrapes: Latency;
  rssScraped: number;
  peakScraped: number;
  cpuScraped: number;
  /** Sample lines in /metrics. */
  series: number;
}

export interface Baseline {
  /** The 0-pod proxy after a full GC. */
  heapUsed: number;
  rss: number;
  side: SideBySide;
  ksm: SideBySide;
}

export interface SizeResult {
  pods: number;
  abnormal: number;
  /** 1-minute load averages when kube-state-metrics started and when the measurements ended. */
  loadAverage: [number, number];
  /** Fork → listening, ms. */
  listeningMs: number;
  /** After a full GC. */
  heapUsed: number;
  rss: number;
  side: SideBySide;
  ksm: SideBySide;
  /** RSS of the API server's processes once the size was measured. */
  apiServer: { apiserver: number; etcd: number };
  queries: Array<{ name: string; path: string; filtered: boolean; matches: number; latency: Latency }>;
  churn: {
    updates: number;
    clients: number;
    live: {
      apiPerSecond: number;
      /** Watch events counted by podreasons_watch_events_total during the pass. */
      proxyEvents: number;
      proxyPerSecond: number;
      /** Last event applied by the proxy − last update accepted by the API server, ms. */
      lagMs: number;
      proxyCpuSeconds: number;
    };
    catchUp: {
      proxyEvents: number;
      /** From resuming the proxy to its last event. */
      perSecond: number;
      proxyCpuSeconds: number;
      /** kube-apiserver and etcd, from resuming the proxy to its last event: what streams the backlog. */
      serverCpuSeconds: number;
      pausedSeconds: number;
      /** The backlog was too old for the API server's watch cache: the proxy relisted instead. */
      relisted: boolean;
    };
    inProcess: Absorption;
  };
}

export interface Loading {
  /** The size asked for, and the pods loaded when this step ended. */
  asked: number;
  pods: number;
  seconds: number;
  /** Why loading stopped short of `asked`. */
  stopped?: string;
}

export interface Run {
  command: string;
  machine: Machine;
  baseline: Baseline;
  sizes: SizeResult[];
  loading: Loading[];
}

const KIB = 1024;
const MIB = 1024 * 1024;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => (n < 10 ? `${fmt(n, 2)} ms` : n < 100 ? `${fmt(n, 1)} ms` : `${fmt(n)} ms`);
const lat = (l: Latency) => `${ms(l.p50)} / ${ms(l.p99)}`;
const mibs = (bytes: number) => `${fmt(bytes / MIB, 1)} MiB`;
const size = (bytes: number) => (bytes < 10 * MIB ? `${fmt(bytes / KIB)} KiB` : `${fmt(bytes / MIB, 1)} MiB`);

/** "met (41 % under)" / "missed (2.3× over)" for an upper or lower bound. */
function verdict(value: number, target: number, higherIsBetter: boolean): string {
  const met = higherIsBetter ? value >= target : value <= target;
  const ratio = value / target;
  if (met) {
    return higherIsBetter ? `**met** (${fmt(ratio, 1)}× the target)` : `**met** (${fmt((1 - ratio) * 100)} % under)`;
  }
  return higherIsBetter ? `**missed** (${fmt(ratio * 100)} % of the target)` : `**missed** (${fmt(ratio, 1)}× over)`;
}

const heapPerPod = (r: SizeResult, b: Baseline) => (r.heapUsed - b.heapUsed) / r.pods;
const rssPerPod = (r: SizeResult, b: Baseline) => (r.rss - b.rss) / r.pods;

export const TARGETS = {
  heapPerPodBytes: 2 * KIB,
  filteredP99Ms: 50,
  eventsPerSecond: 5000,
  metricsMs: 300,
  syncSeconds: 30,
  /** The latency targets are stated at this size and above. */
  atPods: 50_000,
  idleRssBytes: 80 * MIB,
  /** Peak RSS during the initial list ÷ RSS after the 40 scrapes. */
  peakOverSteady: 1.25,
};

/** The proxy's RSS ÷ kube-state-metrics' at this size: half up to 10,000 pods, at most equal above. */
export const ksmRatioTarget = (pods: number) => (pods <= 10_000 ? 0.5 : 1);

const ratio = (ours: number, theirs: number) => (theirs > 0 ? `${fmt(ours / theirs, 2)}×` : '');

/** kube-state-metrics and the proxy on the same pods, with the memory targets. */
function sideBySideTable(r: SizeResult): string {
  const { ksm, side } = r;
  const limit = ksmRatioTarget(r.pods);
  const vsKsm = (ours: number, theirs: number) => [`≤ ${fmt(limit, 1)}× KSM`, verdict(ours / theirs, limit, false)];
  const steady = side.rssScraped;
  const rows: string[][] = [
    [
      'Initial sync: start → every pod listed (KSM) / `/readyz` 200 (proxy)',
      `${fmt(ksm.syncMs / 1000, 1)} s`,
      `${fmt(side.syncMs / 1000, 1)} s`,
      ratio(side.syncMs, ksm.syncMs),
      `proxy ≤ ${TARGETS.syncSeconds} s`,
      verdict(side.syncMs / 1000, TARGETS.syncSeconds, false),
    ],
    [
      'RSS right after the sync',
      mibs(ksm.rssSynced),
      mibs(side.rssSynced),
      ratio(side.rssSynced, ksm.rssSynced),
      ...vsKsm(side.rssSynced, ksm.rssSynced),
    ],
    [
      `RSS after ${r.side.scrapes.count} scrapes of \`/metrics\``,
      mibs(ksm.rssScraped),
      mibs(side.rssScraped),
      ratio(side.rssScraped, ksm.rssScraped),
      ...vsKsm(side.rssScraped, ksm.rssScraped),
    ],
    [
      'Peak RSS (VmHWM) by the end of the initial list',
      mibs(ksm.peakSynced),
      mibs(side.peakSynced),
      ratio(side.peakSynced, ksm.peakSynced),
      `proxy ≤ ${fmt(TARGETS.peakOverSteady, 2)}× its RSS after the scrapes`,
      verdict(side.peakSynced / steady, TARGETS.peakOverSteady, false),
    ],
    [
      'Peak RSS (VmHWM) after the scrapes',
      mibs(ksm.peakScraped),
      mibs(side.peakScraped),
      ratio(side.peakScraped, ksm.peakScraped),
      '',
      '',
    ],
    [
      'CPU: start → sync',
      `${fmt(ksm.cpuSynced, 1)} s`,
      `${fmt(side.cpuSynced, 1)} s`,
      ratio(side.cpuSynced, ksm.cpuSynced),
      '',
      '',
    ],
    [
      'CPU: start → after the scrapes',
      `${fmt(ksm.cpuScraped, 1)} s`,
      `${fmt(side.cpuScraped, 1)} s`,
      ratio(side.cpuScraped, ksm.cpuScraped),
      '',
      '',
    ],
    [
      `\`GET /metrics\` p50 / p99 (${side.scrapes.count} scrapes, request → last byte)`,
      lat(ksm.scrapes),
      lat(side.scrapes),
      ratio(side.scrapes.p99, ksm.scrapes.p99),
      r.pods >= TARGETS.atPods ? `proxy p99 ≤ ${TARGETS.metricsMs} ms` : '',
      r.pods >= TARGETS.atPods ? verdict(side.scrapes.p99, TARGETS.metricsMs, false) : '',
    ],
    [
      '`/metrics` size',
      size(ksm.scrapes.bytes),
      size(side.scrapes.bytes),
      ratio(side.scrapes.bytes, ksm.scrapes.bytes),
      '',
      '',
    ],
    ['`/metrics` series (sample lines)', fmt(ksm.series), fmt(side.series), ratio(side.series, ksm.series), '', ''],
  ];
  return [
    `| Figure | kube-state-metrics | proxy | proxy ÷ KSM | Target | |`,
    '|---|---|---|---|---|---|',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}

function sizeTable(r: SizeResult, b: Baseline): string {
  const at = r.pods >= TARGETS.atPods;
  const rows: string[][] = [
    ['Listening: start → HTTP port open', `${fmt(r.listeningMs / 1000, 1)} s`, '', ''],
    [
      'Heap per cached pod (after full GC, minus the 0-pod proxy)',
      `${fmt(heapPerPod(r, b))} B`,
      '≤ 2 KiB',
      verdict(heapPerPod(r, b), TARGETS.heapPerPodBytes, false),
    ],
    ['RSS per cached pod (after full GC, minus the 0-pod proxy)', `${fmt(rssPerPod(r, b))} B`, '', ''],
    ['Heap used / RSS after sync, scrapes and a full GC', `${mibs(r.heapUsed)} / ${mibs(r.rss)}`, '', ''],
  ];
  for (const q of r.queries) {
    const target = q.filtered && at ? ['p99 ≤ 50 ms', verdict(q.latency.p99, TARGETS.filteredP99Ms, false)] : ['', ''];
    rows.push([
      `\`GET ${q.path}\` p50 / p99 (${fmt(q.matches)} match, ${fmt(q.latency.bytes / KIB)} KiB, ${q.latency.count} requests)`,
      lat(q.latency),
      ...target,
    ]);
  }
  const c = r.churn;
  const perCpuSecond = (events: number, cpu: number) => `${fmt((cpu / events) * 1e6)} µs → ${fmt(events / cpu)} /s`;
  rows.push(
    [
      `Churn, live: pods/status updates accepted by the API server (${fmt(c.updates)} updates, ${c.clients} clients)`,
      `${fmt(c.live.apiPerSecond)} /s`,
      '',
      '',
    ],
    [
      'Churn, live: watch events absorbed by the proxy (`podreasons_watch_events_total`)',
      `${fmt(c.live.proxyPerSecond)} /s (${fmt(c.live.proxyEvents)} events, ${fmt(c.live.lagMs)} ms behind the last update)`,
      '',
      c.live.lagMs < 1000 ? 'kept up: the API server sets the pace' : '',
    ],
    [
      'Churn, live: proxy CPU per watch event → events per CPU-second',
      perCpuSecond(c.live.proxyEvents, c.live.proxyCpuSeconds),
      '',
      '',
    ],
    [
      `Churn, catch-up: backlog absorbed after ${fmt(c.catchUp.pausedSeconds)} s frozen (\`podreasons_watch_events_total\`)`,
      c.catchUp.relisted
        ? 'not measured: the backlog had left the watch cache, the proxy relisted'
        : `${fmt(c.catchUp.perSecond)} /s (${fmt(c.catchUp.proxyEvents)} events)`,
      '≥ 5,000 /s',
      c.catchUp.relisted ? '' : verdict(c.catchUp.perSecond, TARGETS.eventsPerSecond, true),
    ],
    [
      'Churn, catch-up: proxy CPU per watch event → events per CPU-second',
      perCpuSecond(c.catchUp.proxyEvents, c.catchUp.proxyCpuSeconds),
      '',
      '',
    ],
    [
      'Churn, catch-up: kube-apiserver and etcd CPU meanwhile (they stream the backlog), per event',
      `${fmt(c.catchUp.serverCpuSeconds, 1)} s, ${fmt((c.catchUp.serverCpuSeconds / c.catchUp.proxyEvents) * 1e6)} µs`,
      '',
      '',
    ],
    [
      'Store alone, in-process: `JSON.parse` + `PodStore.applyPod` of the same updates',
      `${fmt(c.inProcess.perSecond)} /s (${fmt(c.inProcess.events)} events in ${fmt(c.inProcess.seconds, 2)} s)`,
      '≥ 5,000 /s',
      verdict(c.inProcess.perSecond, TARGETS.eventsPerSecond, true),
    ]
  );
  return [
    '| Figure | Value | Target | |',
    '|---|---|---|---|',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}

/** The idle proxy: no pods, no nodes; kube-state-metrics beside it for scale. */
function baselineTable(b: Baseline): string {
  const rows = [
    [
      'RSS right after the sync',
      mibs(b.ksm.rssSynced),
      mibs(b.side.rssSynced),
      `≤ ${fmt(TARGETS.idleRssBytes / MIB)} MiB`,
      verdict(b.side.rssSynced, TARGETS.idleRssBytes, false),
    ],
    [
      `RSS after ${b.side.scrapes.count} scrapes of \`/metrics\``,
      mibs(b.ksm.rssScraped),
      mibs(b.side.rssScraped),
      `≤ ${fmt(TARGETS.idleRssBytes / MIB)} MiB`,
      verdict(b.side.rssScraped, TARGETS.idleRssBytes, false),
    ],
    ['Peak RSS (VmHWM)', mibs(b.ksm.peakScraped), mibs(b.side.peakScraped), '', ''],
    ['Heap used / RSS after a full GC', '', `${mibs(b.heapUsed)} / ${mibs(b.rss)}`, '', ''],
  ];
  return [
    '| Figure | kube-state-metrics | proxy | Target | |',
    '|---|---|---|---|---|',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}

function loadingLine(run: Run): string {
  const steps = run.loading.map(
    (l) => `${fmt(l.seconds)} s to reach ${fmt(l.pods)}${l.stopped ? ` (asked for ${fmt(l.asked)}: ${l.stopped})` : ''}`
  );
  return `  Loading (pods and their nodes, 32 clients, kept-alive connections) took ${steps.join(', ')}.`;
}

export function renderResults(run: Run, findings: string): string {
  const m = run.machine;
  const out = [
    '# Proxy benchmark results',
    '',
    `Measured ${m.date} with \`${run.command}\` (\`pkg-proxy/bench/run.ts\`; see its header for what each figure means),`,
    'in one run: kube-state-metrics and the proxy on the same API server and pods.',
    '',
    '## Machine',
    '',
    `- ${m.cpus} × ${m.cpuModel}, ${fmt(m.memoryBytes / 1024 ** 3, 1)} GiB memory, ${m.os}`,
    `- Node ${m.node}, the proxy bundled and started with the image's Node options (\`${m.nodeOptions.join(' ') || 'none'}\`);`,
    '  kube-state-metrics v2.20.0 built from its Go module (`tests/cluster/ksm.ts`), `--resources=pods`;',
    '  kube-apiserver v1.37.2 and etcd from `tests/cluster/apiserver.ts`, all on the same machine',
    `- 1-minute load average at the start: ${fmt(m.loadAverage, 2)}. The two cores are shared by the API server, etcd, the load`,
    '  generator, kube-state-metrics and the proxy, and with other work on the machine; each size says how loaded it was.',
    '',
    '## Workload',
    '',
    '- Pods in 40 namespaces, 30 per node (nodes are added with the pods: 5,000 nodes hold 150,000 pods),',
    '  10 apps per namespace with 4 labels each, each pod owned by a ReplicaSet of about ten (named, not',
    '  created: the proxy reports the ReplicaSet as the workload); 95 % Running and Ready, 5 % abnormal in equal shares of',
    '  OOMKilled, CrashLoopBackOff, ImagePullBackOff, ErrImagePull, CreateContainerConfigError, Evicted,',
    '  NotReady, Error, Unschedulable and DeadlineExceeded, each status written through pods/status as the',
    '  kubelet (or scheduler) writes it.',
    '- Sizes are cumulative: each adds pods to the same API server, then a fresh kube-state-metrics and a fresh',
    '  proxy (each a process of its own, one after the other) sync and are measured.',
    loadingLine(run),
    '- RSS is VmRSS of the process as the kernel reports it (no forced GC) unless a row says "after a full GC".',
    '- Latencies: sequential requests on loopback, request sent → body read, after warm-up requests.',
    '- Churn: a readiness probe flapping (Ready ↔ NotReady) on Running pods, merge patches of pods/status from',
    '  concurrent clients; every pod ends Ready again. Two passes: *live*, the proxy watching as the API server',
    '  accepts the writes; *catch-up*, the proxy frozen (SIGSTOP) during the pass and then resumed, so that the',
    '  API server streams it the backlog (the watch resumes from its resourceVersion out of the watch cache).',
    '  Then the store alone, in the benchmark process: the same updates as watch-event lines, parsed and applied.',
    '',
    '## No pods',
    '',
    baselineTable(run.baseline),
    '',
  ];
  for (const r of run.sizes) {
    out.push(
      `## ${fmt(r.pods)} pods (${fmt(r.abnormal)} abnormal)`,
      '',
      `1-minute load average ${fmt(r.loadAverage[0], 2)} when kube-state-metrics started, ${fmt(r.loadAverage[1], 2)} at the end.`,
      `kube-apiserver ${mibs(r.apiServer.apiserver)} and etcd ${mibs(r.apiServer.etcd)} RSS.`,
      '',
      '### Side by side',
      '',
      sideBySideTable(r),
      '',
      '### The proxy',
      '',
      sizeTable(r, run.baseline),
      ''
    );
  }
  if (findings) {
    out.push(findings.trimEnd(), '');
  }
  return out.join('\n');
}
