// The cost of --data-dir, part of `npm run bench` (written to PERSISTENCE.md):
//   1. Storage choice: the same writes through the proxy's SQLite store (DataDir and its writer
//      thread) and through an append-only JSON-lines journal, the alternative it was chosen over:
//      100,000 transitions in batches of 1,000 (a second at 1,000/s), the last answers of 50,000 pods
//      with 20,000 changes (readiness flaps), then loading it all back.
//   2. 1,000 transitions/s in-process: a PodStore with Persistence, fed pod updates that each enter
//      a new reason, for 20 s: the event loop's delay, how far the disk falls behind, bytes per
//      transition on disk.
//   3. Through the real proxy and the real API server: a backlog of transitions (the proxy frozen
//      while the API server takes the writes, then resumed) absorbed with and without --data-dir,
//      twice each, alternating.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { Cluster } from '../../tests/cluster/driver.ts';
import { containerStatus, readyConditions, runningStatus } from '../../tests/cluster/kubelet.ts';
import { toPodInput } from '../src/engine/index.ts';
import { DataDir } from '../src/persist/data-dir.ts';
import type { KnownAnswer } from '../src/persist/database.ts';
import { Persistence } from '../src/persist/persistence.ts';
import type { Bounds } from '../src/persist/writer.ts';
import { PodStore, type Transition } from '../src/store/store.ts';
import { fetchText, metricSum, percentile, waitFor } from './measure.ts';
import { ProxyProcess } from './proxy-process.ts';
import { partHeader, type Machine } from './report.ts';
import type { StatusWriter } from './status-writer.ts';
import { pool } from './workload.ts';

const TRANSITIONS = 100_000;
const BATCH = 1_000;
const PODS = 50_000;
const ANSWER_CHANGES = 20_000;
const RATE = 1_000;
const RATE_SECONDS = 20;
const BACKLOG_PODS = 200;
const BACKLOG_ROUNDS = 30;
const BOUNDS: Bounds = {
  historyMaxCount: 1_000_000,
  tombstoneMaxCount: 10_000,
  tombstoneMaxAgeMs: 3_600_000,
  maxBytes: 2 ** 40,
};
const silent = pino({ level: 'silent' });

export interface Candidate {
  name: string;
  /** Time the calling (watch) thread spends per batch of 1,000 transitions, ms: p50, max. */
  callerMs: [number, number];
  /** Batch handed over → on disk, ms: p50, max. */
  durableMs: [number, number];
  bytesPerTransition: number;
  /** Bytes on disk for the answers of 50,000 pods after 20,000 changes. */
  answerBytes: number;
  /** Reading 100,000 transitions and 50,000 answers back, ms. */
  loadMs: number;
  /** The journal only: rewriting what is live, which it needs once it has grown (ms). */
  compactMs?: number;
}

export interface PersistenceResult {
  loadAverage: [number, number];
  candidates: Candidate[];
  rate: {
    transitions: number;
    storeOnly: Loop;
    persisted: Loop;
    /** Most transitions in memory but not yet on disk. */
    maxBehind: number;
    bytesPerTransition: number;
  };
  /** perSecond: null when the proxy had to relist. */
  backlog: Array<{ dataDir: boolean; transitions: number; perSecond: number | null; cpuSeconds: number }>;
}

function transition(i: number): Transition {
  return {
    time: Date.parse('2026-11-28T08:00:00Z') + i * 10,
    namespace: `team-${i % 40}`,
    pod: `svc-${i % 10}-${(i * 7919).toString(36).slice(-5)}`,
    uid: randomUUID(),
    node: `bench-node-${i % 50}`,
    reason: 'EvictionByEvictionAPI',
    category: 'eviction',
    source: 'condition:DisruptionTarget',
    initiator: 'karpenter',
    detail: 'Underutilized',
    message: 'Eviction API: evicting',
    workloadKind: 'Deployment',
    workload: `svc-${i % 10}`,
    nodepool: 'default',
    capacityType: 'spot',
    deleted: i % 2 === 0,
    recovered: false,
  };
}

const answer = (pod: number, change: number): [string, KnownAnswer] => [
  `00000000-0000-4000-8000-${String(pod).padStart(12, '0')}`,
  {
    reason: change % 2 === 0 ? 'Running' : 'NotReady',
    abnormal: change % 2 === 1,
    workloadKind: 'Deployment',
    workload: `svc-${pod % 10}`,
    nodepool: 'default',
    capacityType: 'spot',
  },
];

interface Store {
  write(transitions: Transition[], answers: Array<[string, KnownAnswer]>): Promise<void>;
  close(): Promise<void>;
  bytes(): number;
}

/** The proxy's store. */
function sqliteStore(dir: string): Store {
  const { dataDir } = DataDir.open(dir, BOUNDS, 'null', silent);
  return {
    write: (transitions, answers) =>
      dataDir.write({ now: Date.now(), transitions, tombstones: [], answers, forget: [], meta: {} }),
    close: () => dataDir.close(),
    // The pages the database uses (the WAL is folded into them at checkpoints).
    bytes: () => dataDir.bytes,
  };
}

/** The alternative: JSON lines appended by libuv's thread pool, serialised on the caller's thread. */
function journalStore(dir: string): Store & { load(): unknown[]; compact(): Promise<void> } {
  const file = join(dir, 'journal.jsonl');
  const load = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  return {
    write(transitions, answers) {
      let text = '';
      for (const t of transitions) {
        text += `${JSON.stringify({ t })}\n`;
      }
      for (const a of answers) {
        text += `${JSON.stringify({ a })}\n`;
      }
      return appendFile(file, text);
    },
    close: async () => {},
    bytes: () => statSync(file).size,
    load,
    async compact() {
      const live = new Map<string, unknown>();
      const transitions: unknown[] = [];
      for (const record of load() as Array<{ t?: Transition; a?: [string] }>) {
        if (record.t) {
          transitions.push(record);
        } else {
          live.set(record.a![0], record);
        }
      }
      const text = [...transitions, ...live.values()].map((r) => JSON.stringify(r)).join('\n');
      await writeFile(`${file}.new`, `${text}\n`);
      await rename(`${file}.new`, file);
    },
  };
}

async function measureCandidate(name: string, store: Store, load: () => number): Promise<Candidate> {
  const caller: number[] = [];
  const durable: number[] = [];
  for (let i = 0; i < TRANSITIONS; i += BATCH) {
    const batch = Array.from({ length: BATCH }, (_, k) => transition(i + k));
    const start = performance.now();
    const written = store.write(batch, []);
    caller.push(performance.now() - start);
    await written;
    durable.push(performance.now() - start);
  }
  const transitionBytes = store.bytes();
  for (let i = 0; i < PODS + ANSWER_CHANGES; i += BATCH) {
    const answers = Array.from({ length: BATCH }, (_, k) => answer((i + k) % PODS, Math.floor((i + k) / PODS)));
    await store.write([], answers);
  }
  const answerBytes = store.bytes() - transitionBytes;
  await store.close();
  const started = performance.now();
  const loaded = load();
  const loadMs = performance.now() - started;
  if (loaded < TRANSITIONS) {
    throw new Error(`${name}: loaded ${loaded} transitions, wrote ${TRANSITIONS}`);
  }
  caller.sort((a, b) => a - b);
  durable.sort((a, b) => a - b);
  return {
    name,
    callerMs: [percentile(caller, 50), caller[caller.length - 1]],
    durableMs: [percentile(durable, 50), durable[durable.length - 1]],
    bytesPerTransition: transitionBytes / TRANSITIONS,
    answerBytes,
    loadMs,
  };
}

async function storageChoice(root: string): Promise<Candidate[]> {
  const sqliteDir = join(root, 'sqlite');
  const sqlite = await measureCandidate('SQLite (node:sqlite, WAL, writer thread)', sqliteStore(sqliteDir), () => {
    const { dataDir, state } = DataDir.open(sqliteDir, BOUNDS, 'null', silent);
    void dataDir.close();
    return state.transitions.length;
  });
  const journalDir = join(root, 'journal');
  mkdirSync(journalDir);
  const journal = journalStore(journalDir);
  const result = await measureCandidate('JSON-lines journal (appendFile)', journal, () => journal.load().length);
  const started = performance.now();
  await journal.compact();
  return [sqlite, { ...result, compactMs: performance.now() - started }];
}

/** A pod whose container waits with `reason`: CrashLoopBackOff and ImagePullBackOff alternate. */
const waitingPod = (i: number, reason: string) => ({
  metadata: { namespace: 'bench', name: `flip-${i}`, uid: `uid-flip-${i}`, labels: { app: 'flip' } },
  spec: { nodeName: 'bench-node-0', containers: [{ name: 'app' }] },
  status: {
    phase: 'Running',
    conditions: readyConditions(false),
    containerStatuses: [containerStatus('app', { waiting: reason })],
  },
});
const FLIP = ['CrashLoopBackOff', 'ImagePullBackOff'];

interface Loop {
  seconds: number;
  /** Event-loop delay while absorbing, ms. */
  loopP99: number;
  loopMax: number;
}

const RATE_PODS = 1000;

/**
 * The first list of RATE_PODS pods, then RATE reason changes a second for RATE_SECONDS, on
 * schedule; `afterTick` runs after each 10 ms tick.
 */
async function drive(
  store: PodStore,
  hooks: { afterList?: () => Promise<void>; afterTick?: () => void } = {}
): Promise<Loop> {
  store.replacePods(
    Array.from({ length: RATE_PODS }, (_, i) => toPodInput(waitingPod(i, FLIP[0]))),
    null
  );
  await hooks.afterList?.();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  let sent = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      // A late tick catches up with the schedule: the rate is what was asked.
      const due = Math.min(RATE * RATE_SECONDS, Math.floor(((performance.now() - started) / 1000) * RATE));
      for (; sent < due; sent++) {
        const pod = sent % RATE_PODS;
        store.applyPod('MODIFIED', waitingPod(pod, FLIP[(Math.floor(sent / RATE_PODS) + 1) % 2]) as never);
      }
      hooks.afterTick?.();
      if (sent >= RATE * RATE_SECONDS) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  loop.disable();
  return {
    seconds: (performance.now() - started) / 1000,
    loopP99: loop.percentile(99) / 1e6,
    loopMax: loop.max / 1e6,
  };
}

async function atRate(root: string): Promise<PersistenceResult['rate']> {
  const storeOnly = await drive(new PodStore({ historyMaxCount: 100_000 }));
  const { dataDir, state } = DataDir.open(join(root, 'rate'), BOUNDS, 'null', silent);
  const store = new PodStore({ historyMaxCount: 100_000 });
  const persistence = new Persistence({
    store,
    dataDir,
    previousAnswers: state.answers,
    watching: () => true,
    synced: () => true,
  });
  let maxBehind = 0;
  let bytesBefore = 0;
  const persisted = await drive(store, {
    afterList: async () => {
      await persistence.flush();
      bytesBefore = dataDir.bytes;
    },
    afterTick: () => (maxBehind = Math.max(maxBehind, store.counts().transitions - dataDir.transitions)),
  });
  await persistence.close();
  const transitions = store.counts().transitions;
  if (dataDir.transitions !== transitions) {
    throw new Error(`${dataDir.transitions} transitions on disk, ${transitions} made`);
  }
  return {
    transitions,
    storeOnly,
    persisted,
    maxBehind,
    bytesPerTransition: (dataDir.bytes - bytesBefore) / transitions,
  };
}

/** The proxy frozen while the API server takes BACKLOG_PODS × BACKLOG_ROUNDS reason changes. */
async function backlog(
  script: string,
  kc: KubeConfig,
  kubeconfig: string,
  writer: StatusWriter,
  root: string,
  log: (line: string) => void
): Promise<PersistenceResult['backlog']> {
  const cluster = new Cluster(kc);
  await cluster.ensureNamespace('bench-persist');
  await pool(BACKLOG_PODS, 16, async (i) => {
    await cluster.createPod('bench-persist', `flip-${i}`, { node: 'bench-node-0' });
    await writer.patch('bench-persist', `flip-${i}`, runningStatus());
  });
  const results: PersistenceResult['backlog'] = [];
  let round = 0;
  for (const [i, withDataDir] of [false, true, false, true].entries()) {
    const proxy = await ProxyProcess.start(
      script,
      kubeconfig,
      'admin',
      [],
      withDataDir ? join(root, `proxy-${i}`) : undefined
    );
    try {
      await waitFor(async () => (await fetch(`${proxy.url}/readyz`)).ok, 5 * 60_000, 'the proxy syncing');
      const counters = async () => {
        const text = await fetchText(`${proxy.url}/metrics`);
        return {
          transitions: metricSum(text, 'podreasons_transitions_total', { namespace: 'bench-persist' }),
          relists: metricSum(text, 'podreasons_watch_restarts_total', { resource: 'pods', cause: 'gone' }),
        };
      };
      const before = await counters();
      proxy.pause();
      try {
        await pool(BACKLOG_PODS * BACKLOG_ROUNDS, 8, async (k) => {
          const reason = FLIP[(round + Math.floor(k / BACKLOG_PODS)) % 2];
          await writer.patch('bench-persist', `flip-${k % BACKLOG_PODS}`, {
            conditions: readyConditions(false),
            containerStatuses: [containerStatus('app', { waiting: reason })],
          });
        });
      } finally {
        proxy.resume();
      }
      const resumed = Date.now();
      const cpu = proxy.cpuSeconds();
      const transitions = BACKLOG_PODS * BACKLOG_ROUNDS;
      // A backlog older than the API server's watch cache ends in a relist (410 Gone), which sees
      // only the last state of each pod: that run measures nothing.
      let relisted = false;
      await waitFor(
        async () => {
          const now = await counters();
          relisted = now.relists > before.relists;
          return relisted || now.transitions - before.transitions >= transitions;
        },
        5 * 60_000,
        'the backlog absorbed',
        20
      );
      const seconds = (Date.now() - resumed) / 1000;
      results.push({
        dataDir: withDataDir,
        transitions,
        perSecond: relisted ? null : transitions / seconds,
        cpuSeconds: proxy.cpuSeconds() - cpu,
      });
      log(
        `  ${withDataDir ? 'with' : 'without'} --data-dir: ${relisted ? 'relisted (410 Gone), not measured' : `${transitions} transitions absorbed in ${seconds.toFixed(1)} s`}`
      );
      round += BACKLOG_ROUNDS;
    } finally {
      await proxy.stop();
    }
  }
  return results;
}

export async function measurePersistence(
  script: string,
  kc: KubeConfig,
  kubeconfig: string,
  writer: StatusWriter,
  log: (line: string) => void
): Promise<PersistenceResult> {
  const root = mkdtempSync(join(os.tmpdir(), 'podreasons-bench-persist-'));
  const loadAtStart = os.loadavg()[0];
  try {
    log('persistence: storage choice');
    const candidates = await storageChoice(root);
    for (const c of candidates) {
      log(
        `  ${c.name}: ${c.bytesPerTransition.toFixed(0)} B/transition, ${c.durableMs[0].toFixed(1)} ms per 1,000 on disk`
      );
    }
    log(`persistence: ${RATE} transitions/s for ${RATE_SECONDS} s in-process`);
    const rate = await atRate(root);
    log(
      `  event loop p99 ${rate.persisted.loopP99.toFixed(1)} ms (store alone ${rate.storeOnly.loopP99.toFixed(1)} ms), at most ${rate.maxBehind} transitions not yet on disk`
    );
    log('persistence: a backlog of transitions through the real proxy');
    return {
      loadAverage: [loadAtStart, os.loadavg()[0]],
      candidates,
      rate,
      backlog: await backlog(script, kc, kubeconfig, writer, root, log),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function renderPersistence(r: PersistenceResult, machine: Machine, command: string): string {
  const [sqlite, journal] = r.candidates;
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const candidates = r.candidates.map((c) =>
    row([
      c.name,
      `${fmt(c.bytesPerTransition)} B`,
      `${fmt(c.callerMs[0], 2)} / ${fmt(c.callerMs[1], 1)} ms`,
      `${fmt(c.durableMs[0], 1)} / ${fmt(c.durableMs[1], 1)} ms`,
      `${fmt(c.answerBytes / 2 ** 20, 1)} MiB`,
      `${fmt(c.loadMs)} ms`,
      c.compactMs === undefined ? 'not needed' : `${fmt(c.compactMs)} ms`,
    ])
  );
  const backlog = r.backlog.map((b) =>
    row([
      b.dataDir ? 'with `--data-dir`' : 'without',
      `${fmt(b.transitions)}`,
      b.perSecond === null
        ? 'not measured: the backlog had left the watch cache, the proxy relisted'
        : `${fmt(b.perSecond)} /s`,
      `${fmt(b.cpuSeconds, 1)} s`,
    ])
  );
  return [
    ...partHeader('Persistence benchmark results', 'pkg-proxy/bench/persistence.ts', machine, command, r.loadAverage),
    '',
    '## Storage choice',
    '',
    `${fmt(TRANSITIONS)} transitions written in batches of ${fmt(BATCH)}; then the last answers of ${fmt(PODS)} pods and`,
    `${fmt(ANSWER_CHANGES)} changes of them; then everything read back as the proxy does at start.`,
    '',
    '| Store | Disk per transition | Watch thread per batch (p50 / max) | Batch on disk (p50 / max) | Answers on disk | Load | Compaction |',
    '|---|---|---|---|---|---|---|',
    ...candidates,
    '',
    `SQLite keeps the answers in place (${fmt(sqlite.answerBytes / 2 ** 20, 1)} MiB for ${fmt(PODS)} pods), where the journal grows`,
    `with every change (${fmt(journal.answerBytes / 2 ** 20, 1)} MiB after ${fmt(ANSWER_CHANGES)}) and must be rewritten to stay`,
    'bounded; SQLite bounds the file by deleting rows, and its writes happen on a thread of their own, so the',
    'watch thread only hands a batch over.',
    '',
    `## ${fmt(RATE)} transitions/s in-process`,
    '',
    `${fmt(r.rate.transitions)} pod updates, ${fmt(RATE)} a second on a 10 ms schedule, each entering a new reason (a transition`,
    'and a changed answer), applied to a PodStore alone, then to one persisted as `serve --data-dir` does.',
    '',
    '| Figure | Store alone | With the data directory |',
    '|---|---|---|',
    row([
      'Event-loop delay while absorbing, p99 / max',
      `${fmt(r.rate.storeOnly.loopP99, 1)} / ${fmt(r.rate.storeOnly.loopMax, 1)} ms`,
      `${fmt(r.rate.persisted.loopP99, 1)} / ${fmt(r.rate.persisted.loopMax, 1)} ms`,
    ]),
    row([
      `Time for the ${fmt(r.rate.transitions)} (the schedule: ${fmt(RATE_SECONDS)} s)`,
      `${fmt(r.rate.storeOnly.seconds, 1)} s`,
      `${fmt(r.rate.persisted.seconds, 1)} s`,
    ]),
    row([
      'Most transitions in memory not yet on disk',
      '',
      `${fmt(r.rate.maxBehind)} (about ${fmt(r.rate.maxBehind / RATE, 1)} s)`,
    ]),
    row(['Disk per transition (history row, index, changed answer)', '', `${fmt(r.rate.bytesPerTransition)} B`]),
    '',
    '## A backlog through the real proxy',
    '',
    `The proxy frozen (SIGSTOP) while the API server takes ${fmt(BACKLOG_PODS * BACKLOG_ROUNDS)} pods/status writes that each change a`,
    `pod's reason (${fmt(BACKLOG_PODS)} pods), then resumed: the rate it records the transitions from the backlog.`,
    'Twice each, alternating: on shared cores the spread between runs is as large as the difference.',
    '',
    '| Proxy | Transitions | Absorbed | Proxy CPU |',
    '|---|---|---|---|',
    ...backlog,
    '',
  ].join('\n');
}
