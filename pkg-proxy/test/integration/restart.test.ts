// Nothing lost when the proxy restarts, on the real API server with the proxy as a child process:
// a Karpenter eviction burst, SIGKILL mid-burst, more evictions (Event, then pods deleted at once)
// and a pod that starts crash-looping while it is down, then a restart with the same --data-dir.
// Then the damaged store, the directory the proxy may not write, and no --data-dir at all.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedApiServer } from '../../../tests/cluster/apiserver.ts';
import { Cluster } from '../../../tests/cluster/driver.ts';
import { containerStatus, readyConditions, runningStatus } from '../../../tests/cluster/kubelet.ts';
import { consolidateAndDelete, createNodes, type Nodes } from '../../../tests/cluster/scenarios.ts';
import { DATABASE_FILE } from '../../src/persist/database.ts';
import { eventually } from './helpers.ts';
import { ProxyProcess } from './proxy-process.ts';

const cluster = new Cluster(sharedApiServer().kubeConfig('admin'));
const namespace = `proxy-restart-${Date.now().toString(36)}`;
const tmp = mkdtempSync(join(tmpdir(), 'podreasons-restart-'));
let nodes: Nodes;
const running: ProxyProcess[] = [];

function start(args: string[] = [], opts: ConstructorParameters<typeof ProxyProcess>[0] = {}): Promise<ProxyProcess> {
  const proxy = new ProxyProcess({ ...opts, args });
  running.push(proxy);
  return proxy.listening();
}

/** Karpenter consolidating: its Event, the Eviction API call, then the pod deleted at once. */
const consolidate = (pod: string) => consolidateAndDelete(cluster, namespace, pod, nodes.karpenter);

interface Item {
  pod: string;
  uid: string;
  reason: string;
  initiator: string;
  detail: string;
  recovered: boolean;
  time: string;
}

const transitionsOf = async (proxy: ProxyProcess): Promise<Item[]> =>
  (await proxy.api(`/api/v1/transitions?namespace=${namespace}&from=0&limit=1000`)).items;

/** The transitions of `pods`, once each has one. */
const transitionsFor = (proxy: ProxyProcess, pods: string[]) =>
  eventually(
    async () => {
      const items = await transitionsOf(proxy);
      return pods.every((p) => items.some((t) => t.pod === p)) ? items : undefined;
    },
    30_000,
    `transitions of ${pods.join(', ')}`
  );

const counted = (metrics: string) =>
  [...metrics.matchAll(/^podreasons_transitions_total\{([^}]*)\} (\d+)/gm)]
    .filter(([, labels]) => labels.includes(`namespace="${namespace}"`))
    .reduce((sum, [, , value]) => sum + Number(value), 0);

const once = (items: Item[]) => {
  const keys = items.map((t) => `${t.uid} ${t.reason}`);
  assert.equal(new Set(keys).size, keys.length, `a transition twice: ${JSON.stringify(items.map((t) => t.pod))}`);
};

describe('restarts', () => {
  before(async () => {
    await cluster.ensureNamespace(namespace);
    nodes = await createNodes(cluster, namespace);
  });
  after(async () => {
    await Promise.all(running.map((p) => p.kill()));
    rmSync(tmp, { recursive: true, force: true });
  });

  test('SIGKILL mid-burst, evictions while down: after the restart each transition is there once', async () => {
    const dataDir = join(tmp, 'data');
    const first = await (await start([`--data-dir=${dataDir}`])).ready();
    await cluster.createPod(namespace, 'steady', { node: nodes.plain });
    await cluster.setPodStatus(namespace, 'steady', runningStatus());
    for (const pod of ['burst-1', 'burst-2', 'burst-3']) {
      await consolidate(pod);
    }
    const before = await transitionsFor(first, ['burst-1', 'burst-2', 'burst-3']);
    // Wait for one flush of the answers (the pod "steady" in particular), then kill mid-burst.
    await eventually(async () => ((await first.api('/api/v1/status')).synced ? true : undefined), 10_000);
    await new Promise((r) => setTimeout(r, 1500));
    await consolidate('burst-4');
    await first.kill();

    // While no proxy watches: more of the burst, and a pod that starts crash-looping.
    for (const pod of ['down-1', 'down-2', 'down-3']) {
      await consolidate(pod);
    }
    await cluster.setPodStatus(
      namespace,
      'steady',
      runningStatus({
        conditions: readyConditions(false),
        containerStatuses: [
          containerStatus('app', { waiting: 'CrashLoopBackOff', last: { reason: 'Error', exitCode: 1 } }, 3),
        ],
      })
    );

    const second = await (await start([`--data-dir=${dataDir}`])).ready();
    const pods = ['burst-1', 'burst-2', 'burst-3', 'burst-4', 'down-1', 'down-2', 'down-3', 'steady'];
    const after = await transitionsFor(second, pods);
    once(after);
    for (const t of before) {
      assert.ok(
        after.some((a) => a.uid === t.uid && a.reason === t.reason && a.time === t.time && !a.recovered),
        `${t.pod} from before the kill`
      );
    }
    for (const pod of ['down-1', 'down-2', 'down-3']) {
      const t = after.find((a) => a.pod === pod)!;
      assert.deepEqual(
        [t.reason, t.initiator, t.detail, t.recovered],
        ['EvictionByEvictionAPI', 'karpenter', 'Underutilized', true],
        pod
      );
    }
    // Killed before or after it recorded and wrote burst-4: restored or recovered, once either way.
    const burst4 = after.filter((a) => a.pod === 'burst-4');
    assert.deepEqual(
      burst4.map((t) => [t.reason, t.initiator]),
      [['EvictionByEvictionAPI', 'karpenter']]
    );
    const steady = after.find((a) => a.pod === 'steady')!;
    assert.deepEqual([steady.reason, steady.recovered], ['CrashLoopBackOff', true]);

    // The restarted process counts what it recovered, not what it restored.
    const recovered = after.filter((a) => a.recovered).length;
    await eventually(
      async () => (counted(await second.api('/metrics')) === recovered ? true : undefined),
      10_000,
      `${recovered} counted`
    );
    // And it goes on counting what it sees.
    await consolidate('after-1');
    const live = (await transitionsFor(second, ['after-1'])).find((t) => t.pod === 'after-1')!;
    assert.deepEqual([live.initiator, live.recovered], ['karpenter', false]);
    await eventually(
      async () => (counted(await second.api('/metrics')) === recovered + 1 ? true : undefined),
      10_000,
      `${recovered + 1} counted`
    );
    const status = await second.api('/api/v1/status');
    assert.equal(status.history.persistent, true);
    assert.ok(status.history.restored >= 3 && status.history.recovered >= recovered, JSON.stringify(status.history));
    assert.deepEqual(first.badLines, []);

    // A second restart (graceful this time) recovers nothing new and counts nothing.
    const held = await transitionsOf(second);
    assert.equal(await second.stop(), 0);
    const third = await (await start([`--data-dir=${dataDir}`])).ready();
    await new Promise((r) => setTimeout(r, 2000));
    const again = await transitionsOf(third);
    assert.deepEqual(
      again.map((t) => [t.uid, t.reason, t.time, t.recovered]).sort(),
      held.map((t) => [t.uid, t.reason, t.time, t.recovered]).sort()
    );
    assert.equal(counted(await third.api('/metrics')), 0);
    assert.equal((await third.api('/api/v1/status')).history.recovered, 0);
    assert.equal(await third.stop(), 0);
    assert.deepEqual([...second.badLines, ...third.badLines], []);
    assert.equal(second.stderr + third.stderr, '');
  });

  test('without --data-dir, evictions are recovered from their Events, and earlier history is unknown', async () => {
    const proxy = await (await start()).ready();
    const items = await transitionsFor(proxy, ['down-1', 'down-2', 'down-3']);
    once(items);
    assert.ok(items.every((t) => t.recovered && t.initiator === 'karpenter'));
    const status = await proxy.api('/api/v1/status');
    assert.equal(status.history.persistent, false);
    assert.ok(Date.parse(status.history.since) > Date.parse(items[0].time), 'history before the start is unknown');
    // Any of them may have been counted by the proxy that ran then.
    assert.equal(counted(await proxy.api('/metrics')), 0);
    await proxy.stop();
  });

  test('a pod whose node is gone is NodeGone from the first list after a restart, not a change while away', async () => {
    const dataDir = join(tmp, 'node-gone');
    const node = `${namespace}-gone`;
    await cluster.createNode(node);
    await cluster.createPod(namespace, 'on-gone-node', { node });
    // Abnormal by itself too: explained without the nodes it would be CrashLoopBackOff.
    await cluster.setPodStatus(namespace, 'on-gone-node', {
      phase: 'Running',
      conditions: readyConditions(false),
      containerStatuses: [containerStatus('app', { waiting: 'CrashLoopBackOff' }, 3)],
    });
    await cluster.deleteNode(node);
    const reasonOf = async (proxy: ProxyProcess) =>
      (await proxy.api(`/api/v1/pods?namespace=${namespace}&pod=on-gone-node`)).items[0]?.reason;
    const first = await (await start([`--data-dir=${dataDir}`])).ready();
    assert.equal(await reasonOf(first), 'NodeGone');
    assert.equal(await first.stop(), 0);
    // Whichever list the API server answers first, the pods are explained with the nodes known.
    for (let i = 0; i < 3; i++) {
      const again = await (await start([`--data-dir=${dataDir}`])).ready();
      assert.equal(await reasonOf(again), 'NodeGone');
      assert.deepEqual(
        (await transitionsOf(again)).filter((t) => t.pod === 'on-gone-node'),
        [],
        `restart ${i}`
      );
      assert.equal(await again.stop(), 0);
    }
  });

  test('a damaged store: one warning line, moved aside, a fresh start', async () => {
    const dataDir = join(tmp, 'damaged');
    const first = await (await start([`--data-dir=${dataDir}`])).ready();
    assert.equal(await first.stop(), 0);
    writeFileSync(join(dataDir, DATABASE_FILE), Buffer.alloc(8192, 'garbage'));
    const proxy = await (await start([`--data-dir=${dataDir}`])).ready();
    const warnings = proxy.logs.filter((l) => l.level >= 40);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(warnings[0].msg, /moved aside/);
    assert.deepEqual(proxy.badLines, []);
    assert.equal(proxy.stderr, '');
    assert.ok(readdirSync(dataDir).some((f) => /^podreasons\..*\.unreadable\.db$/.test(f)));
    assert.equal((await proxy.api('/api/v1/status')).history.restored, 0);
    await proxy.stop();
  });

  test('a directory it may not write: one line, exit code 2', async () => {
    const dir = mkdtempSync(join(tmp, 'ro-'));
    chmodSync(tmp, 0o755);
    chmodSync(dir, 0o555);
    // Root writes anyway: run the proxy as nobody, with a kubeconfig it can read.
    const asRoot = process.getuid?.() === 0;
    const kubeconfig = join(tmp, 'kubeconfig');
    copyFileSync(sharedApiServer().kubeconfigPath, kubeconfig);
    chmodSync(kubeconfig, 0o644);
    const proxy = new ProxyProcess({
      args: [`--data-dir=${join(dir, 'data')}`],
      kubeconfig,
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    assert.equal(await proxy.exited, 2);
    assert.match(proxy.stderr, /^podreasons: cannot write the data directory .*: EACCES\n$/);
    assert.deepEqual(proxy.badLines, []);
  });
});
