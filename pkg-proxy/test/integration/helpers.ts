// Starts the proxy in-process against the real API server of the test run, and polls it.
import { pino } from 'pino';
import { serve, type RunningProxy, type ServeOptions } from '../../src/serve.ts';
import { sharedApiServer } from '../../../tests/cluster/apiserver.ts';
import type { Cluster } from '../../../tests/cluster/driver.ts';
import { createNodes, type Nodes } from '../../../tests/cluster/scenarios.ts';

export const TOKEN = 'test-token-0123456789';

/** `onLog` receives every JSON log line at debug level and above. */
export async function startProxy(
  overrides: Partial<ServeOptions> = {},
  onLog?: (line: string) => void
): Promise<RunningProxy> {
  const log = onLog
    ? pino({ level: 'debug' }, { write: (line: string) => onLog(line.trimEnd()) })
    : pino({ level: process.env.PODREASONS_TEST_LOG ?? 'silent' });
  return serve(
    {
      kubeconfig: sharedApiServer().kubeconfigPath,
      context: 'admin',
      host: '127.0.0.1',
      port: 0,
      namespaces: null,
      token: TOKEN,
      ksmCompatibleMetrics: true,
      // Short, so that evictions with no Event are recorded soon after the test makes them.
      store: { attributionDelayMs: 1000 },
      watchTimeoutSeconds: 300,
      watchSilenceMs: 90_000,
      notReadyAfterMs: 300_000,
      pollIntervalMs: 1000,
      logLevel: 'silent',
      ...overrides,
    },
    log
  );
}

export async function get(
  proxy: RunningProxy,
  path: string,
  token: string | null = TOKEN
): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(proxy.url + path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 1000,
  what = 'condition'
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} not met within ${timeoutMs}ms${last ? `: ${(last as Error).message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A fresh namespace with the scenarios' nodes, and a proxy that has synced them. */
export async function proxyOnScenarioNodes(
  cluster: Cluster,
  namespace: string
): Promise<{ proxy: RunningProxy; nodes: Nodes }> {
  await cluster.ensureNamespace(namespace);
  const nodes = await createNodes(cluster, namespace);
  const proxy = await startProxy();
  await waitReady(proxy);
  return { proxy, nodes };
}

export async function waitReady(proxy: RunningProxy, timeoutMs = 30_000): Promise<void> {
  await eventually(
    async () => ((await get(proxy, '/readyz')).status === 200 ? true : undefined),
    timeoutMs,
    'proxy ready'
  );
}
