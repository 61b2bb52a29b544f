// The demo-cluster entrypoint, run as its image runs it: it publishes a kubeconfig of a live API
// server with the demo playing, and takes it back when stopped.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execForm, parseDockerfile } from './dockerfile.ts';
import { eventually, root } from './lib.ts';

const dir = mkdtempSync(join(tmpdir(), 'podreasons-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('publishes a working kubeconfig with the demo playing, and removes it on SIGTERM', async () => {
  const [, ...args] = execForm(
    parseDockerfile('tests/stack/demo-cluster/Dockerfile')
      .at(-1)!
      .instructions.find((i) => i.keyword === 'ENTRYPOINT')!.args
  );
  const published = join(dir, 'kubeconfig');
  args[args.indexOf('--publish') + 1] = published;
  let output = '';
  const proc = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d) => (output += d));
  proc.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => proc.once('exit', r));
  try {
    await eventually(
      () => `the kubeconfig; the entrypoint said: ${output}`,
      async () => (existsSync(published) ? true : undefined),
      120_000
    );
    // As the proxy of the compose file uses it.
    const kc = new KubeConfig();
    kc.loadFromFile(published);
    kc.setCurrentContext('cluster-reader');
    const core = kc.makeApiClient(CoreV1Api);
    const running = await eventually('the demo pods', async () => {
      const pods = await core.listNamespacedPod({ namespace: 'shop' });
      return pods.items.length > 0 ? pods.items : undefined;
    });
    assert.ok(running.every((p) => p.metadata?.namespace === 'shop'));
  } finally {
    proc.kill('SIGTERM');
  }
  assert.equal(await exited, 0, output);
  assert.ok(!existsSync(published), 'the kubeconfig of a stopped server is left behind');
});
