// Faults against the real API server: restarts, compaction (410 Gone), RBAC limits and changes,
// and the HTTP API's answers to bad requests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { sharedApiServer } from '../../../tests/cluster/apiserver.ts';
import { Cluster } from '../../../tests/cluster/driver.ts';
import { containerStatus, podStatus, readyConditions } from '../../../tests/cluster/kubelet.ts';
import type { RunningProxy } from '../../src/serve.ts';
import { TOKEN, eventually, get, startProxy, waitReady } from './helpers.ts';

const server = sharedApiServer();
const admin = new Cluster(server.kubeConfig('admin'));

async function crashLoop(namespace: string, name: string): Promise<void> {
  await admin.createPod(namespace, name, { node: `${namespace}-node` });
  await admin.setPodStatus(
    namespace,
    name,
    podStatus({
      phase: 'Running',
      conditions: readyConditions(false),
      containerStatuses: [
        containerStatus('app', { waiting: 'CrashLoopBackOff', last: { reason: 'Error', exitCode: 1 } }, 3),
      ],
    })
  );
}

const metric = async (proxy: RunningProxy, pattern: RegExp) => {
  const m = pattern.exec((await get(proxy, '/metrics', null)).text);
  return m ? Number(m[1]) : 0;
};

describe('API server restart and compaction', () => {
  const ns = `faults-restart-${Date.now()}`;
  let proxy: RunningProxy;
  before(async () => {
    await admin.ensureNamespace(ns);
    await admin.createNode(`${ns}-node`);
    await crashLoop(ns, 'before-restart');
    proxy = await startProxy();
    await waitReady(proxy);
  });
  after(() => proxy.stop());

  test('after a restart the watch resumes and no transition is counted twice', async () => {
    const transitions = async () => (await get(proxy, `/api/v1/transitions?namespace=${ns}`)).body.items.length;
    // The pod crash-looping before the proxy started is current, but no transition was seen.
    assert.equal(
      (await get(proxy, `/api/v1/pods?namespace=${ns}&pod=before-restart`)).body.items[0].reason,
      'CrashLoopBackOff'
    );
    assert.equal(await transitions(), 0);
    await server.restart();
    await crashLoop(ns, 'after-restart');
    await eventually(
      async () => ((await transitions()) === 1 ? true : undefined),
      15_000,
      'the new pod seen after the restart'
    );
    await new Promise((r) => setTimeout(r, 500));
    const items = (await get(proxy, `/api/v1/transitions?namespace=${ns}`)).body.items;
    assert.deepEqual(
      items.map((t: { pod: string }) => t.pod),
      ['after-restart']
    );
  });

  test('compaction makes the resumed watch get 410 Gone: the proxy relists and catches up', async () => {
    const gone = /podreasons_watch_restarts_total\{resource="pods",cause="gone"\} (\d+)/;
    const goneBefore = await metric(proxy, gone);
    // Writes the proxy does not watch move etcd's revision past the proxy's resourceVersion.
    for (let i = 0; i < 3; i++) {
      await admin.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `churn-${i}` } } });
    }
    await server.compact();
    await server.restart();
    await crashLoop(ns, 'after-compaction');
    await eventually(async () => ((await metric(proxy, gone)) > goneBefore ? true : undefined), 15_000, 'a 410 relist');
    await eventually(
      async () => {
        const res = await get(proxy, `/api/v1/pods?namespace=${ns}&pod=after-compaction`);
        return res.body.items[0]?.reason === 'CrashLoopBackOff' ? true : undefined;
      },
      15_000,
      'the pod created after compaction'
    );
    assert.equal((await get(proxy, `/api/v1/transitions?namespace=${ns}`)).body.items.length, 2);
  });
});

describe('a silent watch', () => {
  test('is detected and restarted; the proxy catches up once the API server answers again', async () => {
    const ns = `faults-silent-${Date.now()}`;
    await admin.ensureNamespace(ns);
    await admin.createNode(`${ns}-node`);
    const proxy = await startProxy({ watchSilenceMs: 1500 });
    try {
      await waitReady(proxy);
      const silent = /podreasons_watch_restarts_total\{resource="pods",cause="silent"\} (\d+)/;
      const resume = server.pause();
      try {
        await eventually(
          async () => ((await metric(proxy, silent)) >= 1 ? true : undefined),
          10_000,
          'a silent pods watch'
        );
      } finally {
        resume();
      }
      await crashLoop(ns, 'after-silence');
      await eventually(
        async () => (await get(proxy, `/api/v1/pods?namespace=${ns}&reason=CrashLoopBackOff`)).body.items[0],
        15_000,
        'the proxy watching again'
      );
    } finally {
      await proxy.stop();
    }
  });
});

describe('RBAC', () => {
  test('list-only identity: pods are polled, nodes and events reported as partial', async () => {
    const ns = `faults-listonly-${Date.now()}`;
    await admin.ensureNamespace(ns);
    await admin.createNode(`${ns}-node`);
    const proxy = await startProxy({ context: 'list-only' });
    try {
      await waitReady(proxy);
      const status = (await get(proxy, '/api/v1/status')).body;
      assert.deepEqual(status.permissions, {
        pods: 'list',
        nodes: 'forbidden',
        events: 'forbidden',
        replicasets: 'forbidden',
        jobs: 'forbidden',
      });
      assert.equal(status.scope.cluster, true);
      assert.equal(status.partial.length, 4);
      await crashLoop(ns, 'polled');
      await eventually(
        async () => (await get(proxy, `/api/v1/pods?namespace=${ns}&reason=CrashLoopBackOff`)).body.items[0],
        5000,
        'polled pod'
      );
    } finally {
      await proxy.stop();
    }
  });

  test('namespace-reader identity watches the namespaces it may read', async () => {
    const proxy = await startProxy({ context: 'namespace-reader', namespaces: ['team-a', 'kube-system'] });
    try {
      await waitReady(proxy);
      const status = (await get(proxy, '/api/v1/status')).body;
      assert.deepEqual(status.scope, { cluster: false, namespaces: ['team-a'] });
      assert.equal(status.permissions.pods, 'watch');
      assert.ok(status.partial.some((p: string) => p.includes('kube-system')));
    } finally {
      await proxy.stop();
    }
  });

  test('per-namespace access: a list-only namespace without events weakens no other namespace', async () => {
    const ns = `faults-weak-${Date.now()}`;
    await admin.ensureNamespace(ns);
    const rbac = server.kubeConfig('admin').makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: ns,
      body: { metadata: { name: 'list-pods' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }] },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'namespace-reader-list-pods' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'list-pods' },
        subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'namespace-reader' }],
      },
    });
    const proxy = await startProxy({ context: 'namespace-reader', namespaces: ['team-a', ns] });
    try {
      await waitReady(proxy);
      const status = (await get(proxy, '/api/v1/status')).body;
      assert.deepEqual(status.scope.namespaces, ['team-a', ns]);
      assert.deepEqual(
        status.partial.filter((p: string) => p.startsWith('events')),
        [`events forbidden in namespaces: ${ns} (event-based initiators are unavailable there)`]
      );
      const watches = /podreasons_watch_restarts_total\{resource="pods",cause="poll"\} (\d+)/;
      await eventually(
        async () => ((await metric(proxy, watches)) >= 1 ? true : undefined),
        5000,
        'the list-only namespace polled'
      );
      // team-a is still watched: its new pod arrives as a watch event (polls bring none).
      const added = /podreasons_watch_events_total\{resource="pods",type="ADDED"\} (\d+)/;
      const before = await metric(proxy, added);
      await admin.createNode(`${ns}-node`);
      await admin.createPod('team-a', `watched-${Date.now()}`, { node: `${ns}-node` });
      await eventually(
        async () => ((await metric(proxy, added)) > before ? true : undefined),
        1000,
        'team-a pod seen by watch'
      );
    } finally {
      await proxy.stop();
    }
  });

  test('permissions revoked at runtime: stale with bounded retries, not a tight loop; healthy again once granted', async () => {
    const rbac = server.kubeConfig('admin').makeApiClient(RbacAuthorizationV1Api);
    const name = `scratch-read-${Date.now()}`;
    const binding = {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'test:cluster-reader' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'scratch' }],
    };
    await rbac.createClusterRoleBinding({ body: binding });
    await eventually(async () => ((await admin.core.listNamespace()) ? true : undefined));
    const proxy = await startProxy({ context: 'scratch', watchTimeoutSeconds: 1 });
    try {
      await waitReady(proxy);
      await rbac.deleteClusterRoleBinding({ name });
      const status = await eventually(
        async () => {
          const s = (await get(proxy, '/api/v1/status')).body;
          return s.stale.some((w: string) => w.startsWith('pods (cluster): forbidden')) ? s : undefined;
        },
        15_000,
        'the pods watch reported stale and forbidden'
      );
      assert.ok(status.stale.length >= 1);
      assert.equal(await metric(proxy, /podreasons_watch_healthy\{resource="pods"\} (\d+)/), 0);
      await new Promise((r) => setTimeout(r, 3000));
      const forbidden = await metric(
        proxy,
        /podreasons_watch_restarts_total\{resource="pods",cause="forbidden"\} (\d+)/
      );
      assert.ok(forbidden >= 1 && forbidden <= 2, `forbidden retries in ~3s: ${forbidden}`);

      // Granted again: the next retry (10 s ± 20 % after the first 403) relists and is healthy.
      await rbac.createClusterRoleBinding({ body: binding });
      await eventually(
        async () =>
          (await metric(proxy, /podreasons_watch_healthy\{resource="pods"\} (\d+)/)) === 1 ? true : undefined,
        20_000,
        'pods healthy again'
      );
      await eventually(
        async () =>
          (await metric(proxy, /podreasons_watch_healthy\{resource="nodes"\} (\d+)/)) === 1 ? true : undefined,
        20_000,
        'nodes healthy again'
      );
      await eventually(
        async () => ((await get(proxy, '/api/v1/status')).body.stale.length === 0 ? true : undefined),
        30_000,
        'no stale watch'
      );
      await rbac.deleteClusterRoleBinding({ name });
    } finally {
      await proxy.stop();
    }
  });
});

describe('HTTP API answers to bad requests', () => {
  let proxy: RunningProxy;
  before(async () => {
    proxy = await startProxy();
    await waitReady(proxy);
  });
  after(() => proxy.stop());

  test('a missing or wrong token gets 401 JSON with WWW-Authenticate; probes stay open', async () => {
    for (const token of [null, 'wrong']) {
      const res = await fetch(proxy.url + '/api/v1/pods', {
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="podreasons"');
      assert.deepEqual(await res.json(), { error: 'missing or invalid bearer token' });
    }
    assert.equal((await get(proxy, '/healthz', null)).status, 200);
    assert.equal((await get(proxy, '/readyz', null)).status, 200);
  });

  test('the bearer scheme is case-insensitive', async () => {
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      const res = await fetch(proxy.url + '/api/v1/status', { headers: { Authorization: `${scheme} ${TOKEN}` } });
      assert.equal(res.status, 200, scheme);
    }
    const res = await fetch(proxy.url + '/api/v1/status', { headers: { Authorization: `Basic ${TOKEN}` } });
    assert.equal(res.status, 401);
  });

  test('unknown paths get 404 JSON', async () => {
    const res = await get(proxy, '/api/v1/nope');
    assert.equal(res.status, 404);
    assert.match(res.body.error, /not found/);
  });

  const bad: Array<[path: string, parameter: string]> = [
    ['/api/v1/pods?abnormal=yes', 'abnormal'],
    ['/api/v1/pods?limit=0', 'limit'],
    ['/api/v1/pods?limit=abc', 'limit'],
    ['/api/v1/pods?sort=age', 'sort'],
    ['/api/v1/pods?category=bogus', 'category'],
    ['/api/v1/pods?initiator=martians', 'initiator'],
    ['/api/v1/pods?labelSelector=app%20in%20(a', 'labelSelector'],
    ['/api/v1/pods?nmespace=a', 'nmespace'],
    ['/api/v1/transitions?from=yesterday', 'from'],
    ['/api/v1/transitions?from=2000&to=1000', 'from'],
    ['/api/v1/transitions?abnormal=true', 'abnormal'],
    ['/api/v1/summary?deleted=maybe', 'deleted'],
    ['/api/v1/series?to=1000&step=1m', 'from'],
    ['/api/v1/series?from=0&to=100000000000&step=1s', 'step'],
    ['/api/v1/series?from=0&to=1000&step=fast', 'step'],
    ['/api/v1/series?from=0&to=1000&step=1s&groupBy=pod', 'groupBy'],
    ['/api/v1/values/colours', 'kind'],
    ['/api/v1/values/reasons?namespace=a', 'namespace'],
  ];
  for (const [path, parameter] of bad) {
    test(`400 for ${path}`, async () => {
      const res = await get(proxy, path);
      assert.equal(res.status, 400);
      assert.equal(res.body.parameter, parameter);
      assert.equal(typeof res.body.error, 'string');
      assert.doesNotMatch(res.text, /\n\s+at /, 'no stack trace');
    });
  }

  test('a bad stream parameter closes the WebSocket with 4400 and the reason', async () => {
    const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/api/v1/stream?kind=nodes`, {
      headers: { Authorization: 'Bearer test-token-0123456789' },
    } as never);
    const closed = await new Promise<CloseEvent>((resolve) => ws.addEventListener('close', resolve));
    assert.equal(closed.code, 4400);
    assert.match(closed.reason, /kind/);
  });
});
