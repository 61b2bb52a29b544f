// The proxy as the container image runs it: bundled by scripts/bundle.ts and started with the
// image's Node options, on the real API server. The bundle must find what the sources find next
// to themselves (the persistence writer's thread), and must log only JSON lines.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedApiServer } from '../../../tests/cluster/apiserver.ts';
import { Cluster } from '../../../tests/cluster/driver.ts';
import { containerStatus, readyConditions } from '../../../tests/cluster/kubelet.ts';
import { imageNodeOptions } from '../../../tests/stack/dockerfile.ts';
import { bundle } from '../../scripts/bundle.ts';
import { eventually } from './helpers.ts';
import { ProxyProcess } from './proxy-process.ts';

const cluster = new Cluster(sharedApiServer().kubeConfig('admin'));
const namespace = `proxy-bundle-${Date.now().toString(36)}`;
const node = `${namespace}-node`;
const tmp = mkdtempSync(join(tmpdir(), 'podreasons-bundle-'));
// The image's layout: pkg-proxy/package.json (the version) and pkg-proxy/dist.
const script = join(tmp, 'pkg-proxy', 'dist', 'podreasons.mjs');
const dataDir = join(tmp, 'data');
const running: ProxyProcess[] = [];

async function startBundle(): Promise<ProxyProcess> {
  const proxy = new ProxyProcess({ script, nodeOptions: imageNodeOptions(), args: [`--data-dir=${dataDir}`] });
  running.push(proxy);
  return proxy.ready();
}

const transitionsOf = async (proxy: ProxyProcess): Promise<Array<{ pod: string; reason: string }>> =>
  (await proxy.api(`/api/v1/transitions?namespace=${namespace}&from=0`)).items;

describe('the bundled proxy', () => {
  before(async () => {
    await bundle(fileURLToPath(new URL('../../bin/podreasons.ts', import.meta.url)), script);
    copyFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), join(tmp, 'pkg-proxy', 'package.json'));
    await cluster.ensureNamespace(namespace);
    await cluster.createNode(node);
  });

  after(async () => {
    await Promise.all(running.map((p) => p.kill()));
    await cluster.deleteNode(node);
    rmSync(tmp, { recursive: true, force: true });
  });

  test('writes its history with the writer thread bundled beside it, and reads it back', async () => {
    assert.ok(existsSync(join(tmp, 'pkg-proxy', 'dist', 'writer.mjs')), 'the writer is bundled beside the proxy');
    const first = await startBundle();
    await cluster.createPod(namespace, 'crashing', { node });
    await cluster.setPodStatus(namespace, 'crashing', {
      phase: 'Running',
      conditions: readyConditions(false),
      containerStatuses: [containerStatus('app', { waiting: 'CrashLoopBackOff' }, 4)],
    });
    const seen = await eventually(
      async () => ((await transitionsOf(first)).length > 0 ? transitionsOf(first) : undefined),
      30_000,
      'the transition'
    );
    assert.deepEqual(
      seen.map((t) => [t.pod, t.reason]),
      [['crashing', 'CrashLoopBackOff']]
    );
    assert.equal(await first.stop(), 0, `exit code; stderr: ${first.stderr}`);
    assert.deepEqual(first.badLines, [], 'only JSON log lines');
    assert.equal(first.stderr, '');

    const second = await startBundle();
    const status = await second.api('/api/v1/status');
    assert.equal(status.history.persistent, true);
    assert.ok(status.history.restored >= 1, `restored ${status.history.restored}`);
    assert.deepEqual(
      (await transitionsOf(second)).map((t) => [t.pod, t.reason]),
      [['crashing', 'CrashLoopBackOff']]
    );
    assert.equal(await second.stop(), 0);
    assert.deepEqual(second.badLines, []);
  });
});
