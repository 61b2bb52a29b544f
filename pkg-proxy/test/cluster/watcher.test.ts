// The watcher's retry schedule: retries back off while they fail and start again from the shortest
// delay after any success. Lists follow a script; watches go to the real API server as an identity
// that may not watch, so each one is refused with a real 403.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { sharedApiServer } from '../../../tests/cluster/apiserver.ts';
import { ResourceWatcher } from '../../src/cluster/watcher.ts';

const forbidden = () => Object.assign(new Error('pods is forbidden'), { statusCode: 403 });

test('a 403 after a successful sync retries after the shortest delay, not the grown one', async () => {
  // list() answers 403 three times, then a page; the watch after it is refused; then a page again.
  const script = ['403', '403', '403', 'ok', 'ok'];
  const delays: number[] = [];
  let watcher: ResourceWatcher;
  const done = new Promise<void>((resolve) => {
    watcher = new ResourceWatcher({
      resource: 'pods',
      namespace: null,
      kubeConfig: sharedApiServer().kubeConfig('nobody'),
      log: pino({ level: 'warn' }, { write: (line: string) => delays.push(JSON.parse(line).delayMs) }),
      path: '/api/v1/pods',
      canWatch: true,
      forbiddenRetryBaseMs: 20,
      probe: async () => undefined,
      list: async () => {
        const step = script.shift();
        if (step === undefined) {
          watcher.stop();
          resolve();
        }
        if (step === '403') {
          throw forbidden();
        }
        return { items: [], resourceVersion: '1' };
      },
      onReplace: () => undefined,
      onEvent: () => undefined,
    });
  });
  void watcher!.start();
  await done;
  assert.equal(delays.length, 5);
  // 20, 40, 80 ms (±20 % jitter) while failing; after each successful list, 20 ms again.
  [20, 40, 80, 20, 20].forEach((base, i) =>
    assert.ok(delays[i] >= base * 0.8 - 1 && delays[i] <= base * 1.2 + 1, `retry ${i + 1}: ${delays[i]} ms`)
  );
  assert.equal(watcher!.state, 'stopped');
});

test('errors (connection refused) back off to at most 10× the first delay, so recovery is seen within seconds', async () => {
  const delays: number[] = [];
  let failures = 0;
  let watcher: ResourceWatcher;
  const done = new Promise<void>((resolve) => {
    watcher = new ResourceWatcher({
      resource: 'pods',
      namespace: null,
      kubeConfig: sharedApiServer().kubeConfig('nobody'),
      log: pino({ level: 'warn' }, { write: (line: string) => delays.push(JSON.parse(line).delayMs) }),
      path: '/api/v1/pods',
      canWatch: true,
      retryBaseMs: 10,
      probe: async () => undefined,
      list: async () => {
        if (++failures > 8) {
          watcher.stop();
          resolve();
        }
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
      },
      onReplace: () => undefined,
      onEvent: () => undefined,
    });
  });
  void watcher!.start();
  await done;
  // 10, 20, 40, 80, then 100 ms (±20 % jitter) however long it fails.
  [10, 20, 40, 80, 100, 100, 100, 100].forEach((base, i) =>
    assert.ok(delays[i] >= base * 0.8 - 1 && delays[i] <= base * 1.2 + 1, `retry ${i + 1}: ${delays[i]} ms`)
  );
});
