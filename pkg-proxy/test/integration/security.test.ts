// The HTTP API as an attacker sees it, against a proxy watching the real API server: no spelling
// of a path reaches data without the token, errors share one JSON shape, sizes a client controls
// are bounded, and a fuzzer never gets a 5xx or data without the token.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import fc from 'fast-check';
import { sharedApiServer } from '../../../tests/cluster/apiserver.ts';
import { Cluster } from '../../../tests/cluster/driver.ts';
import { containerStatus, podStatus, readyConditions } from '../../../tests/cluster/kubelet.ts';
import { POD_FILTER_PARAMS } from '../../src/contract/index.ts';
import type { RunningProxy } from '../../src/serve.ts';
import { TOKEN, startProxy, waitReady } from './helpers.ts';

const METRICS_TOKEN = 'metrics-token-9876543210';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Sends the request target exactly as given (percent-escapes, dot segments, absolute form). */
function raw(proxy: RunningProxy, method: string, target: string, token?: string): Promise<RawResponse> {
  const { hostname, port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, method, path: target, headers: token ? { Authorization: `Bearer ${token}` } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString() })
        );
        res.on('error', reject);
      }
    );
    req.on('error', reject);
    req.end();
  });
}

const json = (r: RawResponse) => JSON.parse(r.text) as Record<string, unknown>;

/** Every spelling of a data path that a router might decode or normalise. */
const SPELLINGS = [
  '/%61pi/v1/pods?limit=1',
  '/%61%70%69/v1/pods',
  '/api/v%31/pods',
  '/api/v1/%70ods',
  '/api%2Fv1%2Fpods',
  '/api%2fv1/pods',
  '//api/v1/pods',
  '/api//v1/pods',
  '/api/./v1/pods',
  '/api/v1/../v1/pods',
  '/./api/v1/pods',
  '/API/v1/pods',
  '/Api/V1/Pods',
  '/api/v1/pods/',
  '/api/v1/pods;x=1',
  '/api/v1/pods%3Flimit=1',
  '/api/v1/pods#frag',
  '/api/v1/values/%6eamespaces',
  '/api/v1/%73tatus',
  '/api/v1/transitions%00',
  'http://x/api/v1/pods?limit=1',
  'http://127.0.0.1/api/v1/status',
  'https://x:1/api/v1/pods',
  '/%6detrics',
  '/%4Detrics',
  '/metrics/',
  '//metrics',
  'http://x/metrics',
  '/nope',
];

describe('authentication on every spelling of a path', () => {
  const ns = `security-${Date.now()}`;
  let proxy: RunningProxy;
  before(async () => {
    const admin = new Cluster(sharedApiServer().kubeConfig('admin'));
    await admin.ensureNamespace(ns);
    await admin.createNode(`${ns}-node`);
    await admin.createPod(ns, 'secret-workload', { node: `${ns}-node` });
    await admin.setPodStatus(
      ns,
      'secret-workload',
      podStatus({
        phase: 'Running',
        conditions: readyConditions(false),
        containerStatuses: [containerStatus('app', { waiting: 'CrashLoopBackOff' }, 2)],
      })
    );
    proxy = await startProxy({ metricsToken: METRICS_TOKEN });
    await waitReady(proxy);
  });
  after(() => proxy.stop());

  for (const target of SPELLINGS) {
    test(`${target}: 401 without a token, never data`, async () => {
      for (const token of [undefined, 'wrong']) {
        const res = await raw(proxy, 'GET', target, token);
        assert.ok([400, 401].includes(res.status), `${target} → ${res.status} ${res.text.slice(0, 200)}`);
        assert.doesNotMatch(res.text, /secret-workload|podreasons_|"items"/);
        assert.equal(typeof json(res).error, 'string');
      }
    });
  }

  test('the listed bypasses of the old check are each a 401', async () => {
    for (const target of ['/%61pi/v1/pods?limit=1', '/%6detrics', 'http://x/api/v1/pods?limit=1', 'http://x/metrics']) {
      assert.equal((await raw(proxy, 'GET', target)).status, 401, target);
    }
  });

  test('with the right token the decoded spellings reach their route', async () => {
    assert.equal((await raw(proxy, 'GET', '/%61pi/v1/pods?limit=1', TOKEN)).status, 200);
    assert.equal((await raw(proxy, 'GET', 'http://x/api/v1/status', TOKEN)).status, 200);
    assert.equal((await raw(proxy, 'GET', '/%6detrics', METRICS_TOKEN)).status, 200);
    // One token does not open the other's routes.
    assert.equal((await raw(proxy, 'GET', '/metrics', TOKEN)).status, 401);
    assert.equal((await raw(proxy, 'GET', '/api/v1/pods', METRICS_TOKEN)).status, 401);
  });

  test('probes stay open under any spelling', async () => {
    for (const target of ['/healthz', '/%68ealthz', 'http://x/readyz']) {
      const res = await raw(proxy, 'GET', target);
      assert.equal(res.status, 200, target);
      assert.deepEqual(Object.keys(json(res)), ['status']);
    }
  });

  test('a WebSocket upgrade needs the token under any spelling', async () => {
    for (const path of ['/api/v1/stream?kind=pods', '/%61pi/v1/stream?kind=pods', '/api/v1/%73tream']) {
      const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}${path}`);
      const messages: string[] = [];
      ws.addEventListener('message', (m) => messages.push(String(m.data)));
      const outcome = await new Promise<string>((resolve) => {
        ws.addEventListener('open', () => resolve('open'));
        ws.addEventListener('error', () => resolve('refused'));
      });
      assert.equal(outcome, 'refused', path);
      assert.deepEqual(messages, []);
    }
  });
});

describe('one error shape, methods and bounds', () => {
  let proxy: RunningProxy;
  before(async () => {
    proxy = await startProxy();
    await waitReady(proxy);
  });
  after(() => proxy.stop());

  test('a wrong method on a known path is 405 with Allow', async () => {
    for (const [method, target] of [
      ['POST', '/api/v1/pods'],
      ['DELETE', '/api/v1/status'],
      ['PUT', '/metrics'],
      ['PATCH', '/api/v1/values/namespaces'],
      ['POST', '/api/v1/stream'],
    ]) {
      const res = await raw(proxy, method, target, TOKEN);
      assert.equal(res.status, 405, `${method} ${target}`);
      assert.match(String(res.headers.allow), /^GET/);
      assert.match(String(json(res).error), /not allowed/);
    }
    assert.equal((await raw(proxy, 'HEAD', '/api/v1/pods', TOKEN)).status, 200);
  });

  test('errors the framework and the HTTP parser raise have the API shape', async () => {
    const badPath = await raw(proxy, 'GET', '/api/v1/values/%E0%A4%A', TOKEN);
    assert.equal(badPath.status, 400);
    assert.equal(typeof json(badPath).error, 'string');
    // Headers larger than Node's limit (16 KiB): the parser answers before any route.
    const { hostname, port } = new URL(proxy.url);
    const big = await new Promise<RawResponse>((resolve, reject) => {
      const req = request(
        { host: hostname, port, path: '/api/v1/pods', headers: { 'X-Big': 'x'.repeat(20_000) } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
        }
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(big.status, 431);
    assert.deepEqual(json(big), { error: 'request header fields too large' });
  });

  const bad: Array<[target: string, parameter: string]> = [
    ['/api/v1/transitions?from=-1', 'from'],
    ['/api/v1/transitions?to=%201', 'to'],
    ['/api/v1/transitions?from=2026-01-01', 'from'],
    ['/api/v1/transitions?from=Sat,%2028%20Nov%202026%2008:00:00%20GMT', 'from'],
    ['/api/v1/transitions?from=1e12', 'from'],
    [`/api/v1/series?from=0&to=1000&step=${'9'.repeat(400)}`, 'step'],
    ['/api/v1/series?from=0&to=1000&step=400d', 'step'],
    ['/api/v1/status?bogus=1', 'bogus'],
    ['/metrics?bogus=1', 'bogus'],
    ['/api/v1/pods?labelSelector=app%20in%20()', 'labelSelector'],
  ];
  for (const [target, parameter] of bad) {
    test(`400 naming ${parameter} for ${target.slice(0, 80)}`, async () => {
      const res = await raw(proxy, 'GET', target, TOKEN);
      assert.equal(res.status, 400, res.text);
      assert.equal(json(res).parameter, parameter);
    });
  }

  test('RFC 3339 with an offset and epoch milliseconds are accepted', async () => {
    for (const from of ['2026-11-28T08:00:00Z', '2026-11-28T08:00:00.5%2B01:00', '1764316800000']) {
      assert.equal((await raw(proxy, 'GET', `/api/v1/transitions?from=${from}`, TOKEN)).status, 200, from);
    }
  });

  test('labelSelector=constructor matches no pod, !constructor every pod', async () => {
    const all = json(await raw(proxy, 'GET', '/api/v1/pods?limit=1', TOKEN)).total as number;
    assert.ok(all > 0);
    assert.equal(json(await raw(proxy, 'GET', '/api/v1/pods?labelSelector=constructor', TOKEN)).total, 0);
    assert.equal(json(await raw(proxy, 'GET', '/api/v1/pods?labelSelector=!constructor', TOKEN)).total, all);
  });

  test('a stream parameter with non-ASCII text closes with 4400 and a reason within 123 bytes', async () => {
    const value = encodeURIComponent('ü'.repeat(200));
    const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/api/v1/stream?kind=pods&category=${value}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    } as never);
    const closed = await new Promise<CloseEvent>((resolve) => ws.addEventListener('close', resolve));
    assert.equal(closed.code, 4400);
    assert.ok(Buffer.byteLength(closed.reason) <= 123);
    assert.match(closed.reason, /^unknown category "ü+/);
  });

  test('more than ten streams at once: no listener warning, each gets its snapshot', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const sockets = Array.from(
      { length: 15 },
      () =>
        new WebSocket(`${proxy.url.replace('http', 'ws')}/api/v1/stream?kind=pods`, {
          headers: { Authorization: `Bearer ${TOKEN}` },
        } as never)
    );
    try {
      await Promise.all(
        sockets.map(
          (ws) =>
            new Promise<void>((resolve, reject) => {
              ws.addEventListener('message', (m) =>
                JSON.parse(String(m.data)).type === 'snapshot' ? resolve() : undefined
              );
              ws.addEventListener('error', () => reject(new Error('stream failed')));
            })
        )
      );
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(
        warnings.map((w) => w.name),
        []
      );
    } finally {
      process.off('warning', onWarning);
      sockets.forEach((ws) => ws.close());
    }
  });
});

describe('fuzzing the HTTP API', () => {
  let proxy: RunningProxy;
  before(async () => {
    proxy = await startProxy({ metricsToken: METRICS_TOKEN });
    await waitReady(proxy);
  });
  after(() => proxy.stop());

  const ROUTES = [
    '/api/v1/pods',
    '/api/v1/transitions',
    '/api/v1/summary',
    '/api/v1/series',
    '/api/v1/values/pods',
    '/api/v1/values/namespaces',
    '/api/v1/status',
    '/api/v1/stream',
    '/metrics',
    '/healthz',
    '/readyz',
  ];
  const PARAMS = [
    ...POD_FILTER_PARAMS,
    'limit',
    'sort',
    'from',
    'to',
    'step',
    'groupBy',
    'kind',
    '__proto__',
    'constructor',
  ];
  const byte = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  /** Rewrites a path as a client or an attacker might: escapes, case, slashes, dot segments, absolute form. */
  const mangle = fc
    .tuple(fc.constantFrom(...ROUTES), fc.array(fc.nat(9), { maxLength: 4 }), fc.nat())
    .map(([route, edits, seed]) =>
      edits.reduce((path, edit, i) => {
        const at = 1 + ((seed + i * 7) % Math.max(1, path.length - 1));
        switch (edit) {
          case 0:
            return path.slice(0, at) + byte(path[at] ?? 'a') + path.slice(at + 1);
          case 1:
            return path.slice(0, at) + byte(path[at] ?? 'a').toUpperCase() + path.slice(at + 1);
          case 2:
            return path.toUpperCase();
          case 3:
            return path.replace('/', '//');
          case 4:
            return path.replace(/\/(?=[^/]*$)/, '/./');
          case 5:
            return `http://x${path}`;
          case 6:
            return `${path}/`;
          case 7:
            return path.replace('/v1/', '/v1/../v1/');
          default:
            return path;
        }
      }, route)
    );
  const value = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom('', 'true', 'false', '-1', '0', '1e3', '9'.repeat(40), 'reason', 'app in ()', '!a', '1h', '30s'),
    fc.integer().map(String),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
  );
  const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PARAMS), fc.string({ maxLength: 10 })), value), {
    maxLength: 5,
  });
  const method = fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH');
  const credentials = fc.constantFrom<string | undefined>(undefined, 'wrong', TOKEN, METRICS_TOKEN);

  test('every answer is 2xx or a 4xx JSON error; nothing but the probes answers without its token', async () => {
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(method, mangle, query, credentials, async (m, path, params, token) => {
        const search = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        const target = search ? `${path}?${search}` : path;
        const res = await raw(proxy, m, target, token);
        requests++;
        assert.ok(res.status < 500, `${m} ${target} → ${res.status} ${res.text.slice(0, 200)}`);
        if (m !== 'HEAD' && res.status >= 400 && res.status !== 503) {
          assert.equal(typeof json(res).error, 'string', `${m} ${target}: ${res.text.slice(0, 200)}`);
          assert.doesNotMatch(res.text, /\n\s+at /, 'no stack trace');
        }
        if (res.status < 300 && m !== 'HEAD') {
          const probe = Object.keys(json(res)).join() === 'status';
          const needed = /metrics/i.test(path) ? METRICS_TOKEN : TOKEN;
          assert.ok(
            probe || /^# HELP/m.test(res.text) || token === needed,
            `${m} ${target} answered without its token`
          );
          if (/^# HELP/m.test(res.text)) {
            assert.equal(token, METRICS_TOKEN, `${m} ${target}: metrics without the metrics token`);
          }
        }
      }),
      { numRuns: 1500, seed: 20261129 }
    );
    assert.equal(requests, 1500);
  });
});
