// Timing helpers: sequential HTTP requests against the proxy on loopback, percentiles, and reading
// counters out of the Prometheus text format.

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
