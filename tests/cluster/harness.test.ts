// Self-tests of the real API server harness: the behaviours the proxy's tests rely on.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreV1Api } from '@kubernetes/client-node';
import { sharedApiServer } from './apiserver.ts';
import { Cluster } from './driver.ts';
import { rawRequest } from './raw.ts';

const server = sharedApiServer();
const admin = new Cluster(server.kubeConfig('admin'));

test('the server reports Kubernetes v1.37', async () => {
  const res = await rawRequest(server.kubeConfig(), '/version');
  assert.equal(res.status, 200);
  assert.match(JSON.parse(res.body).gitVersion, /^v1\.37\./);
});

test('each identity gets 200 or 403 where it should', async () => {
  const cases: Array<[context: string, path: string, status: number]> = [
    ['admin', '/api/v1/pods', 200],
    ['cluster-reader', '/api/v1/pods', 200],
    ['cluster-reader', '/api/v1/nodes', 200],
    ['cluster-reader', '/api/v1/events', 200],
    ['cluster-reader', '/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1', 200],
    ['namespace-reader', '/api/v1/pods', 403],
    ['namespace-reader', '/api/v1/namespaces/team-a/pods', 200],
    ['namespace-reader', '/api/v1/namespaces/team-a/events', 200],
    ['namespace-reader', '/api/v1/nodes', 403],
    ['list-only', '/api/v1/pods', 200],
    ['list-only', '/api/v1/pods?watch=true&timeoutSeconds=1', 403],
    ['nobody', '/api/v1/pods', 403],
    ['scratch', '/api/v1/pods', 403],
  ];
  for (const [context, path, status] of cases) {
    const res = await rawRequest(server.kubeConfig(context), path);
    assert.equal(res.status, status, `${context} GET ${path}`);
  }
});

test('eviction of a bound pod adds DisruptionTarget and sets deletionTimestamp', async () => {
  const ns = `harness-evict-${Date.now()}`;
  await admin.ensureNamespace(ns);
  await admin.createNode(`${ns}-node`);
  await admin.createPod(ns, 'bound', { node: `${ns}-node` });
  await admin.evictPod(ns, 'bound');
  const pod = await admin.core.readNamespacedPod({ namespace: ns, name: 'bound' });
  assert.ok(pod.metadata?.deletionTimestamp, 'deletionTimestamp is set');
  const target = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
  assert.equal(target?.status, 'True');
  assert.equal(target?.reason, 'EvictionByEvictionAPI');
  assert.equal(target?.message, 'Eviction API: evicting');
});

test('eviction of an unbound pod deletes it at once', async () => {
  const ns = `harness-evict-unbound-${Date.now()}`;
  await admin.ensureNamespace(ns);
  await admin.createPod(ns, 'unbound');
  await admin.evictPod(ns, 'unbound');
  await assert.rejects(
    admin.core.readNamespacedPod({ namespace: ns, name: 'unbound' }),
    (err: { code?: number }) => err.code === 404
  );
});

test('a restart of the API server keeps the data', async () => {
  const ns = `harness-restart-${Date.now()}`;
  await admin.ensureNamespace(ns);
  await admin.createPod(ns, 'survivor');
  await server.restart();
  const core = server.kubeConfig().makeApiClient(CoreV1Api);
  const pod = await core.readNamespacedPod({ namespace: ns, name: 'survivor' });
  assert.equal(pod.metadata?.name, 'survivor');
});

test('after compaction a watch from an old resourceVersion gets 410 Gone', async () => {
  const ns = `harness-compact-${Date.now()}`;
  await admin.ensureNamespace(ns);
  const created = await admin.createPod(ns, 'churn');
  const oldVersion = created.metadata!.resourceVersion!;
  for (let i = 0; i < 5; i++) {
    await admin.core.patchNamespacedPod({
      namespace: ns,
      name: 'churn',
      body: [{ op: 'add', path: `/metadata/labels/step${i}`, value: String(i) }],
    });
  }
  await server.compact();
  // A fresh watch cache (after a restart) starts at the current revision, so the old version is
  // older than anything it or etcd can serve.
  await server.restart();
  const res = await rawRequest(
    server.kubeConfig(),
    `/api/v1/namespaces/${ns}/pods?watch=true&resourceVersion=${oldVersion}&timeoutSeconds=2`
  );
  const gone = res.status === 410 || /"code":410/.test(res.body);
  assert.ok(gone, `expected 410 Gone, got HTTP ${res.status}: ${res.body.slice(0, 200)}`);
});

test('`npm run apiserver` stopped by SIGTERM leaves no API server or etcd running', async () => {
  // npm runs the script through a shell that does not pass SIGTERM on; killing that parent is the same.
  const script = fileURLToPath(new URL('./apiserver.ts', import.meta.url));
  const parent = spawn('sh', ['-c', `"${process.execPath}" "${script}"; true`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const ready = await new Promise<string>((resolve, reject) => {
    let out = '';
    parent.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const m = /^READY kubeconfig=(.+)$/m.exec(out);
      if (m) {
        resolve(dirname(m[1]));
      }
    });
    parent.once('exit', () => reject(new Error('the harness exited before it was ready')));
  });
  const pids = ['up.pid', 'apiserver.pid'].map((f) => Number(readFileSync(join(ready, f), 'utf8')));
  // A process that exited but is not yet reaped (a zombie: its parent was killed, and the
  // container's init may be slow to reap) is not running.
  const alive = (pid: number) => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  assert.ok(pids.every(alive));
  parent.kill('SIGKILL');
  // Stopping waits up to 3 s for kube-apiserver and 10 s for etcd; a loaded machine takes longer.
  const deadline = Date.now() + 90_000;
  while (pids.some(alive) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  const left = pids.filter(alive);
  left.forEach((pid) => process.kill(pid, 'SIGKILL')); // never leave them to a later run
  assert.deepEqual(left, [], 'harness processes still running');
});
