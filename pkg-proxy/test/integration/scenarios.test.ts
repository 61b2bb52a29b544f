// Every scenario of the driver, played on the real API server, shows in /api/v1/pods and /metrics
// within one second — including pods that exist only until their DELETED watch event.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { sharedApiServer } from '../../../tests/cluster/apiserver.ts';
import { Cluster } from '../../../tests/cluster/driver.ts';
import { containerStatus, podStatus, readyConditions } from '../../../tests/cluster/kubelet.ts';
import { SCENARIOS, type Nodes } from '../../../tests/cluster/scenarios.ts';
import type { RunningProxy } from '../../src/serve.ts';
import { eventually, get, proxyOnScenarioNodes } from './helpers.ts';

const cluster = new Cluster(sharedApiServer().kubeConfig('admin'));
const namespace = `proxy-scenarios-${Date.now()}`;
let proxy: RunningProxy;
let nodes: Nodes;

describe('scenarios through the proxy', () => {
  before(async () => {
    ({ proxy, nodes } = await proxyOnScenarioNodes(cluster, namespace));
  });
  after(() => proxy.stop());

  for (const scenario of SCENARIOS) {
    test(`${scenario.name}: ${scenario.description}`, async () => {
      await scenario.play(cluster, namespace, scenario.name, nodes);
      const { reason, category, initiator, detail, abnormal } = scenario.expect;
      const item = await eventually(
        async () => {
          const res = await get(proxy, `/api/v1/pods?namespace=${namespace}&pod=${scenario.name}&deleted=true`);
          const found = res.body.items.find(
            (i: { reason: string; deleted: boolean }) => i.reason === reason && i.deleted === Boolean(scenario.deletes)
          );
          return found;
        },
        1000,
        `${scenario.name} answered ${reason}`
      );
      assert.equal(item.category, category);
      assert.equal(item.abnormal, abnormal);
      if (initiator) {
        assert.equal(item.initiator, initiator);
      }
      if (detail) {
        assert.equal(item.detail, detail);
      }

      // The scenarios' pods have no controller: each is a workload of its own.
      const series = `podreasons_transitions_total{namespace="${namespace}",reason="${reason}",category="${category}",initiator="${item.initiator}",workload_kind="Pod",workload="${scenario.name}",`;
      // An eviction whose Event never comes is counted once the attribution delay (1 s here) runs out.
      const metrics = await eventually(
        async () => {
          const text = (await get(proxy, '/metrics', null)).text;
          return !abnormal || text.includes(series) ? text : undefined;
        },
        3000,
        `metrics has ${series}`
      );
      const gauge = new RegExp(`podreasons_pod_reason\\{[^}]*pod="${scenario.name}"[^}]*reason="${reason}"`);
      assert.equal(gauge.test(metrics), abnormal && !scenario.deletes, `podreasons_pod_reason for ${scenario.name}`);
    });
  }

  test('Karpenter eviction force-deleted before any scrape still counts, attributed to karpenter', async () => {
    const pod = await cluster.createPod(namespace, 'consolidated', { node: nodes.karpenter });
    await cluster.podEvent(namespace, pod, 'karpenter', 'Evicted', 'Evicted pod: Empty');
    await cluster.evictPod(namespace, 'consolidated');
    await cluster.deletePod(namespace, 'consolidated', 0);
    const transition = await eventually(
      async () => {
        const res = await get(proxy, `/api/v1/transitions?namespace=${namespace}&pod=consolidated`);
        return res.body.items[0];
      },
      1000,
      'transition recorded'
    );
    assert.equal(transition.reason, 'EvictionByEvictionAPI');
    assert.equal(transition.initiator, 'karpenter');
    assert.equal(transition.detail, 'Empty');
    const metrics = (await get(proxy, '/metrics', null)).text;
    assert.match(
      metrics,
      new RegExp(
        `podreasons_transitions_total\\{namespace="${namespace}",reason="EvictionByEvictionAPI",category="eviction",initiator="karpenter",workload_kind="Pod",workload="consolidated",nodepool="default"\\} [1-9]`
      )
    );
    const tombstone = (await get(proxy, `/api/v1/pods?namespace=${namespace}&pod=consolidated&deleted=true`)).body
      .items[0];
    assert.equal(tombstone.deleted, true);
  });

  test('summary, series and values reflect the scenarios', async () => {
    const summary = (await get(proxy, `/api/v1/summary?namespace=${namespace}&abnormal=true`)).body;
    assert.ok(summary.total > 10);
    assert.ok(summary.byCategory.some((c: { value: string }) => c.value === 'eviction'));
    const now = Date.now();
    const series = (
      await get(
        proxy,
        `/api/v1/series?namespace=${namespace}&from=${now - 600_000}&to=${now + 1000}&step=1m&groupBy=initiator`
      )
    ).body;
    const karpenter = series.series.find((s: { group: string }) => s.group === 'karpenter');
    assert.ok(karpenter.values.reduce((a: number, b: number) => a + b, 0) >= 2);
    const values = (await get(proxy, `/api/v1/values/pods?namespace=${namespace}`)).body.values;
    assert.ok(values.includes('crashloop-oom') && values.includes('unbound-eviction'));
  });

  test('/metrics passes promtool check metrics', async () => {
    const text = (await get(proxy, '/metrics', null)).text;
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(check.error, undefined, 'promtool is installed (Debian package prometheus)');
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
  });

  test('the live stream adds a pod that turns abnormal and removes it when it recovers', async () => {
    const url = `${proxy.url.replace('http', 'ws')}/api/v1/stream?kind=pods&namespace=${namespace}&pod=flapping&abnormal=true`;
    const ws = new WebSocket(url, { headers: { Authorization: 'Bearer test-token-0123456789' } } as never);
    const messages: Array<{ type: string; item?: { reason: string } }> = [];
    ws.addEventListener('message', (e) => messages.push(JSON.parse(String(e.data))));
    await new Promise((resolve) => ws.addEventListener('open', resolve));
    try {
      await eventually(async () => (messages[0]?.type === 'snapshot' ? true : undefined), 1000, 'snapshot');
      await cluster.createPod(namespace, 'flapping', { node: nodes.plain });
      await cluster.setPodStatus(
        namespace,
        'flapping',
        podStatus({
          phase: 'Running',
          conditions: readyConditions(false),
          containerStatuses: [
            containerStatus('app', { waiting: 'CrashLoopBackOff', last: { reason: 'Error', exitCode: 1 } }, 2),
          ],
        })
      );
      await eventually(
        async () =>
          messages.some((m) => m.type === 'upsert' && m.item?.reason === 'CrashLoopBackOff') ? true : undefined,
        1000,
        'upsert'
      );
      await cluster.setPodStatus(
        namespace,
        'flapping',
        podStatus({
          phase: 'Running',
          conditions: readyConditions(),
          containerStatuses: [containerStatus('app', { running: true }, 2)],
        })
      );
      await eventually(
        async () => (messages.at(-1)?.type === 'delete' ? true : undefined),
        1000,
        'delete once healthy'
      );
      assert.equal(messages.at(-1)?.item?.reason, 'Running');
    } finally {
      ws.close();
    }
  });
});
