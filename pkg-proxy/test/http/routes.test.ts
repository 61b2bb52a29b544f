// The JSON endpoints' bounds, on a store fed directly (no cluster needed).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ParamError } from '../../src/http/params.ts';
import { series, transitions } from '../../src/http/routes.ts';
import { PodStore } from '../../src/store/store.ts';

const crashLooping = (namespace: string) => ({
  metadata: { name: 'app', namespace, uid: `uid-${namespace}` },
  spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'app:1' }] },
  status: {
    phase: 'Running',
    containerStatuses: [
      { name: 'app', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } },
    ],
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
      (err: unknown) =>
        err instanceof ParamError && err.parameter === 'step' && /at most 500000 values/.test(err.message)
    );
  });

  test('the same range and step in one series is answered', () => {
    const answer = series(store, q('reason'));
    assert.equal(answer.series.length, 1);
    assert.equal(
      answer.series[0].values.reduce((a, b) => a + b, 0),
      60
    );
  });
});

const rejects = (run: () => unknown, parameter: string) =>
  assert.throws(run, (err: unknown) => err instanceof ParamError && err.parameter === parameter);

describe('dates are strict RFC 3339', () => {
  const store = new PodStore({ now: () => Date.parse('2026-11-28T09:00:00Z') });
  const now = Date.parse('2026-11-28T09:00:00Z');
  for (const from of [
    '2026-02-30T00:00:00Z',
    '2026-11-31T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-11-00T00:00:00Z',
    '2026-11-27T24:00:00Z',
    '2026-11-27T23:60:00Z',
    '2026-11-27T23:59:60Z',
    '2026-11-27T23:00:00+24:00',
    '2026-11-27T23:00:00+01:60',
  ]) {
    test(`${from} is refused, not rolled over`, () => rejects(() => transitions(store, { from }, now), 'from'));
  }
  for (const from of ['2024-02-29T00:00:00Z', '2026-11-27T23:59:59.999+01:00', '2026-11-27t00:00:00z']) {
    test(`${from} is accepted`, () => assert.deepEqual(transitions(store, { from }, now).items, []));
  }
});

describe('time range oddities', () => {
  const store = new PodStore({ now: () => 0 });
  test('to=0 with the default from (before the epoch) is a 400 naming to', () =>
    rejects(() => transitions(store, { to: '0' }, 5_000_000), 'to'));
  test('to=0 with an explicit from is an empty range', () =>
    assert.deepEqual(transitions(store, { from: '0', to: '0' }, 5_000_000).items, []));
  for (const step of ['1.5', '0.5', '0.5ms', '1.0001']) {
    test(`step=${step} (not whole milliseconds) is refused`, () =>
      rejects(() => series(store, { from: '0', to: '1000', step }), 'step'));
  }
  for (const [step, ms] of [
    ['2', 2],
    ['1.1s', 1100],
    ['0.5s', 500],
  ] as const) {
    test(`step=${step} is ${ms} ms`, () => assert.equal(series(store, { from: '0', to: '10000', step }).step, ms));
  }
});
