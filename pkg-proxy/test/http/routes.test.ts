// The JSON endpoints' bounds, on a store fed directly (no cluster needed).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ParamError } from '../../src/http/params.ts';
import { series } from '../../src/http/routes.ts';
import { PodStore } from '../../src/store/store.ts';

const crashLooping = (namespace: string) => ({
  metadata: { name: 'app', namespace, uid: `uid-${namespace}` },
  spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'app:1' }] },
  status: {
    phase: 'Running',
    containerStatuses: [{ name: 'app', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
  },
});

describe('/api/v1/series bounds', () => {
  const now = Date.parse('2026-11-28T09:00:00Z');
  const store = new PodStore({ now: () => now });
  for (let i = 0; i < 60; i++) {
    store.applyPod('DELETED', crashLooping(`team-${i}`));
  }
  const q = (groupBy: string) => ({ from: String(now - 10_000_000), to: String(now + 1), step: '1s', groupBy });

  test('series × points beyond the bound is a 400 naming step, before the answer is built', () => {
    assert.throws(
      () => series(store, q('namespace')),
      (err: unknown) => err instanceof ParamError && err.parameter === 'step' && /at most 500000 values/.test(err.message)
    );
  });

  test('the same range and step in one series is answered', () => {
    const answer = series(store, q('reason'));
    assert.equal(answer.series.length, 1);
    assert.equal(answer.series[0].values.reduce((a, b) => a + b, 0), 60);
  });
});
