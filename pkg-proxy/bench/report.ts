// RESULTS.md: the measured figures per size against the targets, the machine and how it was run.
import type { Absorption } from './absorb.ts';
import type { Latency } from './measure.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  node: string;
  os: string;
  date: string;
  /** 1-minute load average when the run started: others' work shares the machine. */
  loadAverage: number;
}

export interface Baseline {
  heapUsed: number;
  rss: number;
}

export interface SizeResult {
  pods: number;
  abnormal: number;
  /** 1-minute load averages when the proxy started and when its measurements ended. */
  loadAverage: [number, number];
  /** Fork → listening, fork → /readyz 200, ms. */
  listeningMs: number;
  readyMs: number;
  heapUsed: number;
  rss: number;
  peakRss: number;
  queries: Array<{ name: string; path: string; filtered: boolean; matches: number; latency: Latency }>;
  metrics: Latency;
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
      pausedSeconds: number;
      /** The backlog was too old for the API server's watch cache: the proxy relisted instead. */
      relisted: boolean;
    };
    inProcess: Absorption;
  };
}

export interface Run {
  command: string;
  machine: Machine;
  baseline: Baseline;
  sizes: SizeResult[];
  loadSeconds: number[];
}

const KIB = 1024;
const MIB = 1024 * 1024;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => (n < 10 ? `${fmt(n, 2)} ms` : n < 100 ? `${fmt(n, 1)} ms` : `${fmt(n)} ms`);
const lat = (l: Latency) => `${ms(l.p50)} / ${ms(l.p99)}`;

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
  /** The latency targets are stated at this size. */
  atPods: 50_000,
};

function sizeTable(r: SizeResult, b: Baseline): string {
  const at = r.pods >= TARGETS.atPods;
  const rows: string[][] = [
    [
      'Initial sync: start → `/readyz` 200',
      `${fmt(r.readyMs / 1000, 1)} s (listening after ${fmt(r.listeningMs / 1000, 1)} s)`,
      '',
      '',
    ],
    [
      'Heap per cached pod (after full GC, minus the 0-pod proxy)',
      `${fmt(heapPerPod(r, b))} B`,
      '≤ 2 KiB',
      verdict(heapPerPod(r, b), TARGETS.heapPerPodBytes, false),
    ],
    ['RSS per cached pod (after full GC, minus the 0-pod proxy)', `${fmt(rssPerPod(r, b))} B`, '', ''],
    ['Heap used / RSS after sync and GC', `${fmt(r.heapUsed / MIB, 1)} MiB / ${fmt(r.rss / MIB, 1)} MiB`, '', ''],
    ['Peak RSS (VmHWM, during the initial list)', `${fmt(r.peakRss / MIB, 1)} MiB`, '', ''],
  ];
  for (const q of r.queries) {
    const target = q.filtered && at ? ['p99 ≤ 50 ms', verdict(q.latency.p99, TARGETS.filteredP99Ms, false)] : ['', ''];
    rows.push([
      `\`GET ${q.path}\` p50 / p99 (${fmt(q.matches)} match, ${fmt(q.latency.bytes / KIB)} KiB, ${q.latency.count} requests)`,
      lat(q.latency),
      ...target,
    ]);
  }
  rows.push([
    `\`GET /metrics\` p50 / p99 (${fmt(r.metrics.bytes / KIB)} KiB, ${r.metrics.count} scrapes)`,
    lat(r.metrics),
    at ? '≤ 300 ms' : '',
    at ? verdict(r.metrics.p99, TARGETS.metricsMs, false) : '',
  ]);
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

export function renderResults(run: Run, findings: string): string {
  const m = run.machine;
  const out = [
    '# Proxy benchmark results',
    '',
    `Measured ${m.date} with \`${run.command}\` (\`pkg-proxy/bench/run.ts\`; see its header for what each figure means).`,
    '',
    '## Machine',
    '',
    `- ${m.cpus} × ${m.cpuModel}, ${fmt(m.memoryBytes / 1024 ** 3, 1)} GiB memory, ${m.os}`,
    `- Node ${m.node}; kube-apiserver v1.37.2 and etcd from \`tests/cluster/apiserver.ts\` on the same machine`,
    `- 1-minute load average at the start: ${fmt(m.loadAverage, 2)} (the cores are shared: the API server, etcd, the load`,
    '  generator and the proxy all run on them)',
    '',
    '## Workload',
    '',
    '- Pods in 40 namespaces on 50 nodes, 10 apps per namespace with 4 labels each; 95 % Running and Ready,',
    '  5 % abnormal in equal shares of OOMKilled, CrashLoopBackOff, ImagePullBackOff, ErrImagePull,',
    '  CreateContainerConfigError, Evicted, NotReady, Error, Unschedulable and DeadlineExceeded, each status',
    '  written through pods/status as the kubelet (or scheduler) writes it.',
    `- Sizes are cumulative: each adds pods to the same API server, then a fresh proxy (a child process) syncs.`,
    `  Loading took ${run.loadSeconds.map((s, i) => `${fmt(s)} s to reach ${fmt(run.sizes[i]?.pods ?? 0)}`).join(', ')}.`,
    `- The 0-pod proxy (same nodes, no pods): heap used ${fmt(run.baseline.heapUsed / MIB, 1)} MiB, RSS ${fmt(run.baseline.rss / MIB, 1)} MiB after a full GC.`,
    '- Latencies: sequential requests on loopback, request sent → body read, after 3 warm-up requests.',
    '- Churn: a readiness probe flapping (Ready ↔ NotReady) on Running pods, merge patches of pods/status from',
    '  concurrent clients; every pod ends Ready again. Two passes: *live*, the proxy watching as the API server',
    '  accepts the writes; *catch-up*, the proxy frozen (SIGSTOP) during the pass and then resumed, so that the',
    '  API server streams it the backlog (the watch resumes from its resourceVersion out of the watch cache).',
    '  Then the store alone, in the benchmark process: the same updates as watch-event lines, parsed and applied.',
    '',
  ];
  for (const r of run.sizes) {
    out.push(
      `## ${fmt(r.pods)} pods (${fmt(r.abnormal)} abnormal)`,
      '',
      `1-minute load average ${fmt(r.loadAverage[0], 2)} when the proxy started, ${fmt(r.loadAverage[1], 2)} at the end.`,
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
