// Timing helpers: sequential HTTP requests on loopback, percentiles, /metrics scrapes read as
// streams (kube-state-metrics answers hundreds of MB at large sizes), counters out of the Prometheus
// text format, and a process' memory and CPU from /proc.
import { readFileSync } from 'node:fs';

export interface Latency {
  /** Requests made. */
  count: number;
  p50: number;
  p99: number;
  max: number;
  /** Bytes of the last response body. */
  bytes: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** GET and read the whole body; throws on a non-2xx answer. */
export async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`GET ${url}: HTTP ${res.status} ${text.slice(0, 200)}`);
  }
  return text;
}

/**
 * Times `count` sequential GETs (request sent → body fully read), after a few warm-up requests,
 * stopping early once `budgetMs` is spent so that a slow endpoint cannot stall the run.
 */
export async function timeRequests(url: string, count: number, budgetMs: number): Promise<Latency> {
  for (let i = 0; i < 3; i++) {
    await fetchText(url);
  }
  const samples: number[] = [];
  let bytes = 0;
  const deadline = performance.now() + budgetMs;
  while (samples.length < count && (samples.length < 20 || performance.now() < deadline)) {
    const start = performance.now();
    bytes = Buffer.byteLength(await fetchText(url));
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return {
    count: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: samples[samples.length - 1],
    bytes,
  };
}

/** Sum of the samples of one metric whose labels include all of `labels`. */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) {
      continue;
    }
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (wanted.every((w) => line.includes(`{${w}`) || line.includes(`,${w}`))) {
      sum += value;
    }
  }
  return sum;
}

export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  intervalMs = 20
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) {
        return;
      }
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)}s`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface Scrape {
  ms: number;
  bytes: number;
  /** Sample lines (not comments); -1 when not counted. */
  series: number;
  /** Sample lines that start with the asked prefix; -1 when not counted. */
  matching: number;
}

/**
 * GETs a Prometheus exposition as a stream: timed from request to last byte, and when `count`,
 * its sample lines counted (counting costs the client time, so timed scrapes do not count).
 */
export async function scrape(url: string, count?: { prefix: string }): Promise<Scrape> {
  const start = performance.now();
  const res = await fetch(url);
  if (!res.ok || !res.body) {
    throw new Error(`GET ${url}: HTTP ${res.status}`);
  }
  let bytes = 0;
  let series = 0;
  let matching = 0;
  let partial = '';
  const decoder = new TextDecoder('latin1');
  for await (const chunk of res.body) {
    bytes += chunk.byteLength;
    if (!count) {
      continue;
    }
    const lines = (partial + decoder.decode(chunk, { stream: true })).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (line && line[0] !== '#') {
        series++;
        if (line.startsWith(count.prefix)) {
          matching++;
        }
      }
    }
  }
  return {
    ms: performance.now() - start,
    bytes,
    series: count ? series : -1,
    matching: count ? matching : -1,
  };
}

/** `count` sequential scrapes after one warm-up: latency percentiles and the last body size. */
export async function timeScrapes(url: string, count: number): Promise<Latency> {
  await scrape(url);
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const s = await scrape(url);
    samples.push(s.ms);
    bytes = s.bytes;
  }
  samples.sort((a, b) => a - b);
  return { count, p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples[count - 1], bytes };
}

/** Clock ticks per second of /proc/<pid>/stat on Linux. */
const CLK_TCK = 100;

/** Current and peak (VmHWM) resident set size of a process, bytes. */
export function processRss(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** CPU seconds a process used so far (user + system, all threads). */
export function processCpuSeconds(pid: number): number {
  // Fields after the command name "(…)": state is field 3, utime 14 and stime 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}
