// Watch health on the real API server: a hung server (SIGSTOP) and refused connections make the
// proxy stale and not ready; a server that answers again makes it healthy at once, and a quiet
// watch (Events get no bookmarks) is never taken for a failing one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedApiServer } from '../../../tests/cluster/apiserver.ts';
import type { RunningProxy } from '../../src/serve.ts';
import { eventually, get, startProxy, waitReady } from './helpers.ts';

const server = sharedApiServer();

/** Short limits, so that each case takes seconds: a hung server is noticed after about 2 s. */
const FAST = { watchSilenceMs: 1000, notReadyAfterMs: 2000 };

const healthGauge = async (proxy: RunningProxy, resource: string): Promise<number | undefined> => {
  const m = new RegExp(`^podreasons_watch_healthy\\{resource="${resource}"\\} (\\d+)$`, 'm').exec(
    (await get(proxy, '/metrics', null)).text
  );
  return m ? Number(m[1]) : undefined;
};

const readiness = async (proxy: RunningProxy) => (await get(proxy, '/readyz', null)).status;
const stale = async (proxy: RunningProxy): Promise<string[]> => (await get(proxy, '/api/v1/status')).body.stale;

/** Resolves once the proxy is ready, nothing is stale and every watched resource is healthy. */
async function healthyWithin(proxy: RunningProxy, ms: number, what: string): Promise<void> {
  await eventually(
    async () =>
      (await readiness(proxy)) === 200 &&
      (await stale(proxy)).length === 0 &&
      (await healthGauge(proxy, 'pods')) === 1 &&
      (await healthGauge(proxy, 'events')) === 1
        ? true
        : undefined,
    ms,
    what
  );
}

/** Resolves once the proxy is not ready and reports its pods watch stale and unhealthy. */
async function failingWithin(proxy: RunningProxy, ms: number, what: string): Promise<void> {
  await eventually(
    async () =>
      (await readiness(proxy)) === 503 &&
      (await stale(proxy)).some((s) => s.startsWith('pods (cluster): retrying')) &&
      (await healthGauge(proxy, 'pods')) === 0
        ? true
        : undefined,
    ms,
    what
  );
}

describe('a hung API server (SIGSTOP)', () => {
  test('is failing past --not-ready-after, and healthy within seconds of SIGCONT', async () => {
    const proxy = await startProxy(FAST);
    try {
      await waitReady(proxy);
      const resume = server.pause();
      try {
        await failingWithin(proxy, 15_000, '503, stale and gauge 0 while the API server is stopped');
      } finally {
        resume();
      }
      await healthyWithin(proxy, 10_000, '200, nothing stale and gauges 1 after SIGCONT');
    } finally {
      await proxy.stop();
    }
  });
});

/**
 * A TCP relay to the real API server that can stop listening: connections are then refused, as
 * when kube-apiserver is down, and accepted again on the same port when it listens anew.
 */
class Relay {
  private listener: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly target: { host: string; port: number };
  port = 0;

  constructor(target: { host: string; port: number }) {
    this.target = target;
  }

  async open(): Promise<void> {
    const listener = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => listener.listen(this.port, '127.0.0.1', resolve));
    this.port = (listener.address() as { port: number }).port;
    this.listener = listener;
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    for (const s of this.sockets) {
      s.destroy();
    }
    await new Promise((resolve) => (listener ? listener.close(resolve) : resolve(undefined)));
  }
}

describe('refused connections', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podreasons-relay-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const kc = server.kubeConfig('admin');
  const target = new URL(kc.getCurrentCluster()!.server);
  const relay = new Relay({ host: target.hostname, port: Number(target.port) });

  before(async () => {
    await relay.open();
    const relayed = JSON.parse(kc.exportConfig());
    for (const c of relayed.clusters) {
      c.cluster.server = `https://127.0.0.1:${relay.port}`;
    }
    writeFileSync(kubeconfig, JSON.stringify(relayed));
  });
  after(async () => {
    await relay.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('make the proxy not ready past --not-ready-after; it is healthy within seconds once they are accepted', async () => {
    const proxy = await startProxy({ ...FAST, kubeconfig });
    try {
      await waitReady(proxy);
      await relay.close();
      await failingWithin(proxy, 15_000, '503, stale and gauge 0 while connections are refused');
      await relay.open();
      // Pod watches get a bookmark a minute and Event watches none: healthy here means reconnected.
      await healthyWithin(proxy, 10_000, '200, nothing stale and gauges 1 once connections are accepted');
    } finally {
      await proxy.stop();
    }
  });
});

describe('a quiet Events watch', () => {
  test('stays healthy while the API server answers its silence probes', async () => {
    const probes: string[] = [];
    const proxy = await startProxy({ watchSilenceMs: 500 }, (line) => {
      const entry = JSON.parse(line);
      if (entry.resource === 'events' && entry.msg === 'watch quiet; the API server answers') {
        probes.push(entry.msg);
      }
    });
    try {
      await waitReady(proxy);
      const until = Date.now() + 4000;
      while (Date.now() < until) {
        assert.equal(await healthGauge(proxy, 'events'), 1, 'podreasons_watch_healthy{resource="events"}');
        assert.deepEqual(await stale(proxy), []);
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(probes.length >= 2, `the quiet Events watch was probed (${probes.length} times)`);
    } finally {
      await proxy.stop();
    }
  });
});
