// The pod families of /metrics are kept up to date pod by pod (src/metrics/text-families.ts). Whatever
// the sequence of adds, changes, deletions and relists, a scrape must show exactly what a walk of
// every current pod gives.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { toPodInput } from '../../src/engine/index.ts';
import { Metrics } from '../../src/metrics/metrics.ts';
import { ksmDisruptionReasons, ksmStatusReasons } from '../../src/metrics/ksm.ts';
import { PodStore } from '../../src/store/store.ts';
import * as fixtures from '../fixtures/pods.ts';
import { T0 } from '../fixtures/k8s.ts';

type Json = Record<string, unknown>;
const FAMILIES = [
  'podreasons_pod_reason',
  'podreasons_pods',
  'kube_pod_status_reason',
  'kube_pod_status_disruption_reason',
];

const pods = Object.values(fixtures).filter((f): f is Json => (f as Json).kind !== 'Node' && 'status' in (f as Json));

/** Fixture `k` as pod number `i`: its own uid, name and namespace, so any state can go to any pod. */
function podAs(i: number, k: number): Json {
  const template = pods[k % pods.length] as { metadata: Json };
  return {
    ...template,
    metadata: { ...template.metadata, uid: `uid-${i}`, name: `pod-${i}`, namespace: `team-${i % 3}` },
  };
}

/** The series lines of the pod families, sorted. */
async function scraped(metrics: Metrics): Promise<string[]> {
  const text = await metrics.render();
  return text
    .split('\n')
    .filter((l) => FAMILIES.some((f) => l.startsWith(`${f}{`)))
    .sort();
}

/** The same series from a walk of every current pod. */
function walked(store: PodStore): string[] {
  const lines: string[] = [];
  const counts = new Map<string, number>();
  const labels = (o: Record<string, string>) =>
    `{${Object.entries(o)
      .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`)
      .join(',')}}`;
  for (const { input, view } of store.currentPods()) {
    const a = view.answer;
    if (a.abnormal) {
      const { namespace, name: pod, uid, node, reason, category, source, initiator } = a;
      lines.push(
        `podreasons_pod_reason${labels({ namespace, pod, uid, node, reason, category, source, initiator })} 1`
      );
    }
    const key = labels({ namespace: a.namespace, reason: a.reason, category: a.category });
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const ids = { namespace: input.namespace, pod: input.name, uid: input.uid };
    for (const reason of ksmStatusReasons(input)) {
      lines.push(`kube_pod_status_reason${labels({ ...ids, reason })} 1`);
    }
    for (const reason of ksmDisruptionReasons(input)) {
      lines.push(`kube_pod_status_disruption_reason${labels({ ...ids, reason })} 1`);
    }
  }
  for (const [key, n] of counts) {
    lines.push(`podreasons_pods${key} ${n}`);
  }
  return lines.sort();
}

describe('pod families of /metrics', () => {
  test('equal a walk of every pod after adds, changes, deletions and relists', async () => {
    const store = new PodStore({ now: () => T0 });
    // Pods before the metrics exist, then more after: both paths fill the families.
    for (let i = 0; i < 20; i++) {
      store.applyPod('ADDED', podAs(i, i) as never);
    }
    const metrics = new Metrics({ store, ksmCompatible: true, watchHealth: () => [] });
    const counted = new Map<string, number>();
    store.on('transition', (t, isCounted) => {
      if (isCounted) {
        const key = [t.namespace, t.reason, t.category, t.initiator, t.workloadKind, t.workload, t.nodepool].join('/');
        counted.set(key, (counted.get(key) ?? 0) + 1);
      }
    });
    for (let i = 20; i < 2 * pods.length; i++) {
      store.applyPod('ADDED', podAs(i, i) as never);
    }
    assert.deepEqual(await scraped(metrics), walked(store));
    assert.ok(
      walked(store).some((l) => l.startsWith('kube_pod_status_disruption_reason')),
      'fixtures cover every family'
    );

    // Every pod moves to another state, some twice.
    for (let round = 1; round <= 2; round++) {
      for (let i = 0; i < 2 * pods.length; i += round) {
        store.applyPod('MODIFIED', podAs(i, i + 7 * round) as never);
      }
      assert.deepEqual(await scraped(metrics), walked(store), `after changes, round ${round}`);
    }

    for (let i = 0; i < 2 * pods.length; i += 3) {
      store.applyPod('DELETED', podAs(i, i + 14) as never);
    }
    assert.deepEqual(await scraped(metrics), walked(store), 'after deletions');

    // A relist of team-1 without some of its pods: they are gone, the others are re-read.
    const relisted = [];
    for (let i = 1; i < 2 * pods.length; i += 3) {
      if (i % 2 === 0) {
        relisted.push(podAs(i, i + 3));
      }
    }
    store.replacePods(relisted.map(toPodInput), 'team-1');
    assert.deepEqual(await scraped(metrics), walked(store), 'after a relist');

    // podreasons_transitions_total: one series per label set, counting every counted transition.
    const text = await metrics.render();
    const series = new Map<string, number>();
    for (const line of text.split('\n').filter((l) => l.startsWith('podreasons_transitions_total{'))) {
      const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      const key = ['namespace', 'reason', 'category', 'initiator', 'workload_kind', 'workload', 'nodepool']
        .map((k) => labels[k])
        .join('/');
      assert.ok(!series.has(key), `one series per label set: ${key}`);
      series.set(key, Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
    assert.ok(counted.size > 5, 'the changes made transitions');
    assert.deepEqual(series, counted);
  });
});
