// --ksm-compatible-metrics against kube-state-metrics v2.20.0 itself: both watch the same pods on
// the real API server (every scenario of the driver that leaves a pod behind), and their
// kube_pod_status_reason and kube_pod_status_disruption_reason must be the same series, except for
// the one documented addition (Evicted for pods evicted through the Eviction API).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedApiServer } from '../../../tests/cluster/apiserver.ts';
import { Cluster } from '../../../tests/cluster/driver.ts';
import { KubeStateMetrics } from '../../../tests/cluster/ksm.ts';
import { SCENARIOS, createNodes } from '../../../tests/cluster/scenarios.ts';
import type { RunningProxy } from '../../src/serve.ts';
import { eventually, get, startProxy, waitReady } from './helpers.ts';

const FAMILIES = ['kube_pod_status_reason', 'kube_pod_status_disruption_reason'] as const;
type Family = (typeof FAMILIES)[number];

interface Exposition {
  /** `name{label="value",…} value`, labels sorted, for the test's namespace only. */
  series: string[];
  help: Partial<Record<Family, string>>;
  type: Partial<Record<Family, string>>;
}

/** The labels of one sample, `{a="x",b="y"}`, with the text format's escapes undone. */
function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pair = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gy;
  let parsed = 0;
  let m: RegExpExecArray | null;
  while ((m = pair.exec(text))) {
    labels[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    parsed = pair.lastIndex;
  }
  assert.equal(text.slice(parsed).trim(), '', `unparsed labels in {${text}}`);
  return labels;
}

/** The two families in a Prometheus text exposition, restricted to one namespace. */
function parseExposition(text: string, namespace: string): Exposition {
  const out: Exposition = { series: [], help: {}, type: {} };
  const isFamily = (name: string): name is Family => (FAMILIES as readonly string[]).includes(name);
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      if (isFamily(meta[2])) {
        out[meta[1] === 'HELP' ? 'help' : 'type'][meta[2]] = meta[3];
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample || !isFamily(sample[1])) {
      continue;
    }
    const labels = parseLabels(sample[2] ?? '');
    if (labels.namespace !== namespace) {
      continue;
    }
    const sorted = Object.keys(labels)
      .sort()
      .map((k) => `${k}=${JSON.stringify(labels[k])}`);
    out.series.push(`${sample[1]}{${sorted.join(',')}} ${Number(sample[3])}`);
  }
  out.series.sort();
  return out;
}

/** What KSM v2.20.0 reports for these states (read from its internal/store/pod.go, checked here against KSM). */
const KSM_EXPECTED: Record<string, { reasons: string[]; disruption: string[] }> = {
  running: { reasons: [], disruption: [] },
  'node-pressure-eviction': { reasons: ['Evicted', 'TerminationByKubelet'], disruption: ['TerminationByKubelet'] },
  'kubelet-eviction-legacy': { reasons: ['Evicted'], disruption: [] },
  'graceful-node-shutdown': { reasons: ['Other', 'TerminationByKubelet'], disruption: ['TerminationByKubelet'] },
  'legacy-node-shutdown': { reasons: ['Shutdown'], disruption: [] },
  'node-lost': { reasons: ['NodeLost'], disruption: [] },
  'admission-node-affinity': { reasons: ['NodeAffinity'], disruption: [] },
  'admission-unexpected-error': { reasons: ['UnexpectedAdmissionError'], disruption: [] },
  'deadline-exceeded': { reasons: ['Other'], disruption: [] },
  'scheduler-preemption': { reasons: ['PreemptionByScheduler'], disruption: ['PreemptionByScheduler'] },
  'drain-eviction': { reasons: [], disruption: ['EvictionByEvictionAPI'] },
  'taint-manager-deletion': { reasons: [], disruption: ['DeletionByTaintManager'] },
  'scheduling-gated': { reasons: ['SchedulingGated'], disruption: [] },
  'stale-disruption-target': { reasons: [], disruption: ['Other'] },
};

const cluster = new Cluster(sharedApiServer().kubeConfig('admin'));
const namespace = `ksm-compat-${Date.now()}`;
const scenarios = SCENARIOS.filter((s) => !s.deletes);
let proxy: RunningProxy;
let ksm: KubeStateMetrics;

describe('--ksm-compatible-metrics against kube-state-metrics v2.20.0', () => {
  before(async () => {
    await cluster.ensureNamespace(namespace);
    const nodes = await createNodes(cluster, namespace);
    for (const scenario of scenarios) {
      await scenario.play(cluster, namespace, scenario.name, nodes);
    }
    ksm = await KubeStateMetrics.start(sharedApiServer().kubeconfigPath, {
      resources: 'pods',
      args: [`--namespaces=${namespace}`],
    });
    proxy = await startProxy();
    await waitReady(proxy);
  });
  after(async () => {
    await proxy?.stop();
    await ksm?.stop();
  });

  /** Both outputs once KSM shows every pod of the namespace (it lists them once, then watches). */
  async function outputs(): Promise<{ ours: Exposition; theirs: Exposition }> {
    return eventually(
      async () => {
        const text = await ksm.metrics();
        const pods = text
          .split('\n')
          .filter((l) => l.startsWith('kube_pod_info{') && l.includes(`namespace="${namespace}"`));
        if (pods.length !== scenarios.length) {
          return undefined;
        }
        return {
          theirs: parseExposition(text, namespace),
          ours: parseExposition((await get(proxy, '/metrics', null)).text, namespace),
        };
      },
      60_000,
      `kube-state-metrics showing the ${scenarios.length} pods`
    );
  }

  const reasonsOf = (e: Exposition, family: Family, pod: string) =>
    e.series
      .filter((s) => s.startsWith(`${family}{`) && s.includes(`pod="${pod}"`))
      .map((s) => /reason="([^"]*)"/.exec(s)![1])
      .sort();

  test('kube-state-metrics reports the states as its source says', async () => {
    const { theirs } = await outputs();
    for (const [pod, expected] of Object.entries(KSM_EXPECTED)) {
      assert.deepEqual(
        reasonsOf(theirs, 'kube_pod_status_reason', pod),
        expected.reasons,
        `${pod}: kube_pod_status_reason`
      );
      assert.deepEqual(
        reasonsOf(theirs, 'kube_pod_status_disruption_reason', pod),
        expected.disruption,
        `${pod}: kube_pod_status_disruption_reason`
      );
    }
  });

  test('the proxy exports the same series, HELP and TYPE, plus Evicted for Eviction-API evictions', async () => {
    // Eviction-API pods are those whose DisruptionTarget is True with EvictionByEvictionAPI.
    const pods = (await cluster.core.listNamespacedPod({ namespace })).items;
    const evictedByApi = pods.filter((p) =>
      p.status?.conditions?.some(
        (c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'EvictionByEvictionAPI'
      )
    );
    assert.ok(
      evictedByApi.length >= 4,
      'the Eviction API evicted the drain, Karpenter, autoscaler and descheduler pods'
    );
    const addition = evictedByApi.map(
      (p) =>
        `kube_pod_status_reason{namespace=${JSON.stringify(namespace)},pod=${JSON.stringify(p.metadata!.name)},reason="Evicted",uid=${JSON.stringify(p.metadata!.uid)}} 1`
    );

    // Both watch: wait until the proxy has caught up with what KSM shows.
    const final = await eventually(
      async () => {
        const { ours, theirs } = await outputs();
        const expected = [...theirs.series, ...addition].sort();
        return JSON.stringify(ours.series) === JSON.stringify(expected) ? { ours, theirs, expected } : undefined;
      },
      30_000,
      'the same series'
    ).catch(async () => {
      const { ours, theirs } = await outputs();
      return { ours, theirs, expected: [...theirs.series, ...addition].sort() };
    });
    assert.deepEqual(final.ours.series, final.expected);
    assert.ok(final.theirs.series.length >= 20, `kube-state-metrics reported ${final.theirs.series.length} series`);
    assert.deepEqual(final.ours.help, final.theirs.help);
    assert.deepEqual(final.ours.type, final.theirs.type);
  });
});
