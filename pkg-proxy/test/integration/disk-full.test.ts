// --data-dir on a full filesystem, on the real API server with the proxy as a child process: the
// disk is a small tmpfs this test mounts, fills and removes (root only), never the machine's own.
// The proxy reports SQLite's own error, counts its failed writes, writes again once space comes
// back, and a restart after a SIGKILL on the full disk does not count again what it counted then.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedApiServer } from '../../../tests/cluster/apiserver.ts';
import { Cluster } from '../../../tests/cluster/driver.ts';
import { consolidateAndDelete, createNodes, type Nodes } from '../../../tests/cluster/scenarios.ts';
import { eventually } from './helpers.ts';
import { ProxyProcess } from './proxy-process.ts';

const cluster = new Cluster(sharedApiServer().kubeConfig('admin'));
const namespace = `proxy-disk-full-${Date.now().toString(36)}`;
const tmp = mkdtempSync(join(tmpdir(), 'podreasons-disk-full-'));
const mounts: string[] = [];
const running: ProxyProcess[] = [];
let nodes: Nodes;

/** A 1 MiB tmpfs on a fresh directory. */
function smallDisk(): string {
  const dir = mkdtempSync(join(tmp, 'disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

/** Writes a file until the filesystem has no byte left; removing the file gives the space back. */
function fill(disk: string): string {
  const file = join(disk, 'filler');
  const fd = openSync(file, 'w');
  try {
    for (const size of [65_536, 4096, 1]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) {
          writeSync(fd, chunk);
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') {
          throw err;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

async function start(dataDir: string): Promise<ProxyProcess> {
  const proxy = new ProxyProcess({ args: [`--data-dir=${dataDir}`] });
  running.push(proxy);
  await proxy.ready();
  // Until a flush after the catch-up of the start, the history does not say it watched.
  await new Promise((r) => setTimeout(r, 2000));
  return proxy;
}

const consolidate = (pod: string) => consolidateAndDelete(cluster, namespace, pod, nodes.karpenter);

interface Item {
  pod: string;
  uid: string;
  reason: string;
  recovered: boolean;
}

const transitionsOf = (proxy: ProxyProcess, pods: string[]) =>
  eventually<Item[]>(
    async () => {
      const { items } = await proxy.api(`/api/v1/transitions?namespace=${namespace}&from=0&limit=1000`);
      const mine = (items as Item[]).filter((t) => pods.includes(t.pod));
      return pods.every((p) => mine.some((t) => t.pod === p)) ? mine : undefined;
    },
    30_000,
    `transitions of ${pods.join(', ')}`
  );

const sample = (metrics: string, family: string, labels = '') =>
  [...metrics.matchAll(new RegExp(`^${family}(?:\\{([^}]*)\\})? (\\d+)`, 'gm'))]
    .filter(([, l = '']) => l.includes(labels))
    .reduce((sum, [, , value]) => sum + Number(value), 0);
const counted = async (proxy: ProxyProcess) =>
  sample(await proxy.api('/metrics'), 'podreasons_transitions_total', `namespace="${namespace}"`);
const writeFailures = async (proxy: ProxyProcess) =>
  sample(await proxy.api('/metrics'), 'podreasons_persistence_write_failures_total');

/** Once the proxy says it cannot write: its status, with SQLite's own reason. */
const failing = (proxy: ProxyProcess) =>
  eventually(
    async () => {
      const status = await proxy.api('/api/v1/status');
      return status.history.persistent ? undefined : status;
    },
    30_000,
    'writing fails'
  );

describe('a full disk under --data-dir', { skip: process.getuid?.() !== 0 && 'mounting a tmpfs needs root' }, () => {
  before(async () => {
    await cluster.ensureNamespace(namespace);
    nodes = await createNodes(cluster, namespace);
  });
  after(async () => {
    await Promise.all(running.map((p) => p.kill()));
    for (const dir of mounts) {
      execFileSync('umount', [dir]);
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  test("SQLite's error in the log, the status and a metric; writing resumes once space is back", async () => {
    const disk = smallDisk();
    const dataDir = join(disk, 'data');
    const proxy = await start(dataDir);
    const filler = fill(disk);
    await consolidate('full-1');
    await transitionsOf(proxy, ['full-1']);

    const status = await failing(proxy);
    assert.deepEqual(status.partial, ['data directory: database or disk is full (the history is kept in memory only)']);
    const errors = proxy.logs.filter((l) => l.level >= 50);
    assert.deepEqual(
      errors.map((l) => [l.err, l.msg]),
      [['database or disk is full', 'cannot write the data directory: history is kept in memory until it can']]
    );
    assert.ok((await writeFailures(proxy)) >= 1);

    rmSync(filler);
    await eventually(
      async () => ((await proxy.api('/api/v1/status')).history.persistent ? true : undefined),
      30_000,
      'writing again'
    );
    await eventually(
      async () => (proxy.logs.some((l) => l.msg === 'writing the data directory again') ? true : undefined),
      5000,
      'the log line'
    );
    assert.deepEqual((await proxy.api('/api/v1/status')).partial, []);
    assert.equal(await proxy.stop(), 0);

    // What came while the disk was full was written once it could be: restored, not recovered.
    const again = await start(dataDir);
    const [t] = await transitionsOf(again, ['full-1']);
    assert.equal(t.recovered, false);
    assert.equal(await counted(again), 0);
    assert.equal(await again.stop(), 0);
    assert.deepEqual([...proxy.badLines, ...again.badLines], []);
  });

  test('killed while the disk is full: after the restart, what it counted is recovered but not counted again', async () => {
    const disk = smallDisk();
    const dataDir = join(disk, 'data');
    const first = await start(dataDir);
    const filler = fill(disk);
    const pods = ['full-2', 'full-3', 'full-4'];
    for (const pod of pods) {
      await consolidate(pod);
    }
    await transitionsOf(first, pods);
    await failing(first);
    await eventually(async () => ((await counted(first)) === pods.length ? true : undefined), 10_000, 'counted');
    // Long enough for a flush to pass the attribution delay and Event time rounding.
    await new Promise((r) => setTimeout(r, 4500));
    await first.kill();

    rmSync(filler);
    const second = await start(dataDir);
    const items = await transitionsOf(second, pods);
    assert.deepEqual(
      items.map((t) => [t.pod, t.reason, t.recovered]).sort(),
      pods.map((p) => [p, 'EvictionByEvictionAPI', true])
    );
    assert.equal(await counted(second), 0, 'counted again after the restart');
    // And it counts what it sees.
    await consolidate('full-5');
    await transitionsOf(second, ['full-5']);
    await eventually(async () => ((await counted(second)) === 1 ? true : undefined), 10_000, 'full-5 counted');
    assert.equal(await second.stop(), 0);
  });
});
