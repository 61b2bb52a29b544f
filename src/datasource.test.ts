import {
  AnnotationQuery,
  CoreApp,
  DataQueryRequest,
  DataQueryResponse,
  dateTime,
  DataSourceInstanceSettings,
  LoadingState,
} from '@grafana/data';
import { setBackendSrv, setTemplateSrv } from '@grafana/runtime';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';

import { DataSource, stepMs } from './datasource';
import { FakeWebSocket, fakeBackendSrv, ok, Reply } from './testing/fakes';
import { pod, status, summary, transition } from './testing/samples';
import { fakeTemplateSrv } from './testing/templateSrv';
import { PodReasonsOptions, PodReasonsQuery } from './types';

const settings = {
  id: 1,
  uid: 'podreasons',
  type: 'podreasons-kubernetes-datasource',
  name: 'Pod Reasons',
  url: '/api/datasources/proxy/uid/podreasons',
  jsonData: { proxyUrl: 'http://proxy:8080' },
  meta: {},
  access: 'proxy',
  readOnly: false,
} as unknown as DataSourceInstanceSettings<PodReasonsOptions>;

const FROM = 1764316800000;
const TO = FROM + 3600_000;

/** The proxy path after /api/v1/ → the answer. */
let answers: Record<string, Reply>;
let requests: URL[];

beforeEach(() => {
  answers = {
    pods: ok({ items: [pod()], total: 1 }),
    summary: ok(summary()),
    transitions: ok({ items: [transition()] }),
    series: ok({ step: 60000, times: [FROM], series: [{ group: 'Evicted', values: [2] }] }),
    status: ok(status()),
  };
  const backend = fakeBackendSrv((url) => {
    const path = url.pathname.replace('/api/datasources/proxy/uid/podreasons/podreasons/api/v1/', '');
    return answers[path] ?? { status: 404, data: { error: `not found: ${path}` } };
  });
  requests = backend.requests;
  setBackendSrv(backend.srv);
  setTemplateSrv(
    fakeTemplateSrv({
      namespace: ['shop', 'default'],
      node: 'node-a',
      app: ['web', 'api'],
      initiator: { all: ['kubelet', 'karpenter'] },
    })
  );
  FakeWebSocket.instances = [];
  Object.assign(global, { WebSocket: FakeWebSocket });
});

function request(...targets: PodReasonsQuery[]): DataQueryRequest<PodReasonsQuery> {
  return {
    targets,
    range: { from: dateTime(FROM), to: dateTime(TO), raw: { from: 'now-1h', to: 'now' } },
    intervalMs: 60000,
    scopedVars: {},
    requestId: 'r',
    interval: '1m',
    timezone: 'utc',
    app: CoreApp.Dashboard,
    startTime: 0,
  };
}

const run = (...targets: PodReasonsQuery[]) =>
  lastValueFrom(new DataSource(settings).query(request(...targets)).pipe(toArray()));

const param = (name: string) => requests[0].searchParams.getAll(name);

describe('query', () => {
  it('answers Pods with the pods table, passing filters and limit', async () => {
    const [response] = await run({
      refId: 'A',
      queryType: 'pods',
      namespaces: ['shop'],
      reasons: ['OOMKilled'],
      categories: ['container'],
      initiators: ['kubelet'],
      nodes: ['node-a'],
      pods: ['web-1'],
      workloads: ['Deployment/web'],
      nodepools: ['default'],
      labelSelector: 'app=web',
      abnormalOnly: true,
      includeDeleted: true,
      limit: 50,
    });
    expect(requests[0].pathname).toMatch(/\/api\/v1\/pods$/);
    expect(Object.fromEntries(requests[0].searchParams)).toEqual({
      namespace: 'shop',
      reason: 'OOMKilled',
      category: 'container',
      initiator: 'kubelet',
      node: 'node-a',
      pod: 'web-1',
      workload: 'Deployment/web',
      nodepool: 'default',
      labelSelector: 'app=web',
      abnormal: 'true',
      deleted: 'true',
      limit: '50',
    });
    expect(response).toMatchObject({ key: 'A', state: LoadingState.Done });
    expect(response.data[0]).toMatchObject({ refId: 'A', name: 'pods', length: 1 });
  });

  it('answers Reason counts grouped as asked', async () => {
    const [response] = await run({ refId: 'B', queryType: 'counts', groupBy: 'namespace', abnormalOnly: true });
    expect(requests[0].pathname).toMatch(/\/api\/v1\/summary$/);
    expect(param('abnormal')).toEqual(['true']);
    expect(response.data[0].fields[0].values).toEqual(['shop', 'default']);
  });

  it('answers Reason counts by workload, each group a namespace/Kind/name', async () => {
    const [response] = await run({ refId: 'B', queryType: 'counts', groupBy: 'workload', nodepools: ['gpu'] });
    expect(param('nodepool')).toEqual(['gpu']);
    expect(response.data[0].fields[0].values).toEqual(['shop/Deployment/web', 'shop/StatefulSet/db']);
  });

  it('answers Transitions over the dashboard range, without pod-only filters', async () => {
    const [response] = await run({ refId: 'C', queryType: 'transitions', abnormalOnly: true, limit: 10 });
    expect(requests[0].pathname).toMatch(/\/api\/v1\/transitions$/);
    expect(requests[0].search).toBe(`?from=${FROM}&to=${TO}&limit=10`);
    expect(response.data[0].name).toBe('transitions');
  });

  it('answers Time series with the panel interval as step', async () => {
    const [response] = await run({ refId: 'D', queryType: 'timeseries', groupBy: 'category', reasons: ['Evicted'] });
    expect(requests[0].pathname).toMatch(/\/api\/v1\/series$/);
    expect(requests[0].search).toBe(`?reason=Evicted&from=${FROM}&to=${TO}&step=60000&groupBy=category`);
    expect(response.data[0].fields[1].labels).toEqual({ category: 'Evicted' });
  });

  it('answers Time series grouped by workload', async () => {
    await run({ refId: 'D', queryType: 'timeseries', groupBy: 'workload', workloads: ['shop/Deployment/web'] });
    expect(requests[0].search).toBe(
      `?workload=shop%2FDeployment%2Fweb&from=${FROM}&to=${TO}&step=60000&groupBy=workload`
    );
  });

  it('treats a query without a type as Pods', async () => {
    await run({ refId: 'A' });
    expect(requests[0].pathname).toMatch(/\/api\/v1\/pods$/);
  });

  it('interpolates variables, multi-value ones into several values', async () => {
    await run({
      refId: 'A',
      namespaces: ['$namespace', 'kube-system'],
      nodes: ['${node}'],
      labelSelector: 'app in ($app)',
    });
    expect(param('namespace')).toEqual(['shop', 'default', 'kube-system']);
    expect(param('node')).toEqual(['node-a']);
    expect(param('labelSelector')).toEqual(['app in (web,api)']);
  });

  it('does not filter on a variable set to All', async () => {
    await run({ refId: 'A', initiators: ['$initiator'], namespaces: ['$namespace'] });
    expect(param('initiator')).toEqual([]);
    expect(param('namespace')).toEqual(['shop', 'default']);
  });

  it('skips hidden queries and answers none with no data', async () => {
    expect(await run({ refId: 'A', hide: true })).toEqual([{ data: [] }]);
    expect(requests).toHaveLength(0);
  });

  it('reports an invalid query without calling the proxy', async () => {
    const [response] = await run({ refId: 'A', limit: 0 });
    expect(requests).toHaveLength(0);
    expect(response).toEqual({
      key: 'A',
      state: LoadingState.Error,
      data: [],
      errors: [{ refId: 'A', message: 'Limit must be a whole number from 1 to 10000.' }],
    });
  });

  it("reports a proxy error on its query only, next to the other queries' data", async () => {
    answers.summary = { status: 400, data: { error: 'unknown reason list', parameter: 'reason' } };
    const responses = await run({ refId: 'A' }, { refId: 'B', queryType: 'counts' });
    const byKey = Object.fromEntries(responses.map((response) => [response.key, response]));
    expect(byKey.A.state).toBe(LoadingState.Done);
    expect(byKey.B.errors).toEqual([{ refId: 'B', message: 'Invalid reason: unknown reason list' }]);
  });

  it('streams a live Pods query over a WebSocket on Grafana and closes it when unsubscribed', () => {
    const responses: DataQueryResponse[] = [];
    const subscription = new DataSource(settings)
      .query(request({ refId: 'A', queryType: 'pods', live: true, namespaces: ['$namespace'], abnormalOnly: true }))
      .subscribe((response) => responses.push(response));
    const socket = FakeWebSocket.latest();
    expect(socket.url).toBe(
      'ws://localhost/api/datasources/proxy/uid/podreasons/podreasons/api/v1/stream?kind=pods&namespace=shop&namespace=default&abnormal=true'
    );
    socket.receive({ type: 'snapshot', items: [pod()] });
    expect(responses[0]).toMatchObject({ key: 'A', state: LoadingState.Streaming });
    subscription.unsubscribe();
    expect(socket.closed).toBe(true);
    expect(requests).toHaveLength(0);
  });

  it('streams a live Transitions query: the range over HTTP, new ones over a WebSocket', async () => {
    const observable = new DataSource(settings).query(request({ refId: 'T', queryType: 'transitions', live: true }));
    const first = await firstValueFrom(observable);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(FakeWebSocket.latest().url).toMatch(/\/stream\?kind=transitions$/);
    expect(FakeWebSocket.latest().closed).toBe(true);
    expect(requests[0].pathname).toMatch(/\/api\/v1\/transitions$/);
    expect(first).toMatchObject({ key: 'T', state: LoadingState.Streaming });
  });

  it('ignores live on queries that cannot stream', async () => {
    await run({ refId: 'A', queryType: 'counts', live: true });
    expect(FakeWebSocket.instances).toHaveLength(0);
  });
});

describe('stepMs', () => {
  const range = (span: number) => ({ from: dateTime(0), to: dateTime(span), raw: { from: '', to: '' } });

  it('uses the panel interval, at least a second, widened to stay under 11,000 buckets', () => {
    expect(stepMs({ intervalMs: 60000, range: range(3600_000) })).toBe(60000);
    expect(stepMs({ intervalMs: 10, range: range(60_000) })).toBe(1000);
    expect(stepMs({ intervalMs: 1000, range: range(30 * 86400_000) })).toBe(Math.ceil((30 * 86400_000) / 11000));
  });
});

describe('query model helpers', () => {
  const ds = new DataSource(settings);

  it('defaults to abnormal pods', () => {
    expect(ds.getDefaultQuery(CoreApp.PanelEditor)).toEqual({
      queryType: 'pods',
      abnormalOnly: true,
      groupBy: 'reason',
    });
  });

  it('filters out hidden and invalid queries', () => {
    expect(ds.filterQuery({ refId: 'A' })).toBe(true);
    expect(ds.filterQuery({ refId: 'A', hide: true })).toBe(false);
    expect(ds.filterQuery({ refId: 'A', categories: ['bogus'] })).toBe(false);
  });

  it('describes queries for history', () => {
    expect(ds.getQueryDisplayText({ refId: 'A', queryType: 'transitions', namespaces: ['shop'] })).toBe(
      'Transitions · namespace shop'
    );
  });

  it('interpolates queries for Explore and the query library', () => {
    const [query] = ds.interpolateVariablesInQueries([{ refId: 'A', namespaces: ['$namespace'], pods: ['$pod'] }], {
      pod: { text: 'web-1', value: 'web-1' },
    });
    expect(query).toMatchObject({
      namespaces: ['shop', 'default'],
      pods: ['web-1'],
      datasource: { uid: 'podreasons' },
    });
  });
});

describe('annotations', () => {
  const ds = new DataSource(settings);
  const annotation = {
    name: 'Transitions',
    enable: true,
    iconColor: 'red',
    target: { refId: 'Anno', namespaces: ['$namespace'], reasons: ['EvictionByEvictionAPI'], live: true },
  } as AnnotationQuery<PodReasonsQuery>;

  it('runs annotations as Transitions queries, filtered like panels and never live', async () => {
    const query = ds.annotations!.prepareQuery!(annotation)!;
    expect(query).toMatchObject({ queryType: 'transitions', live: false });
    const [response] = await lastValueFrom(ds.query(request(query)).pipe(toArray()));
    expect(param('namespace')).toEqual(['shop', 'default']);
    expect(param('reason')).toEqual(['EvictionByEvictionAPI']);
    const events = await firstValueFrom(ds.annotations!.processEvents!(annotation, response.data));
    expect(events).toEqual([
      {
        time: Date.parse('2026-11-28T08:00:00Z'),
        title: 'EvictionByEvictionAPI',
        text: 'shop/web-1 · Deployment/web · initiator karpenter · Underutilized · Eviction API: evicting',
        tags: ['shop', 'eviction', 'karpenter'],
      },
    ]);
  });

  it('starts a new annotation as all transitions', () => {
    expect(ds.annotations!.getDefaultQuery!()).toEqual({ queryType: 'transitions' });
    expect(ds.annotations!.prepareQuery!({ name: 'x', enable: true, iconColor: 'red' })).toEqual({
      refId: 'Anno',
      queryType: 'transitions',
      live: false,
    });
  });
});

describe('testDatasource', () => {
  const test = () => new DataSource(settings).testDatasource();

  it('reports the connected cluster', async () => {
    expect(await test()).toEqual({
      status: 'success',
      message: 'Connected to Kubernetes v1.37.2 (whole cluster): watching 120 pods, 4 not OK; last change 1 s ago.',
    });
    expect(requests[0].pathname).toBe('/api/datasources/proxy/uid/podreasons/podreasons/api/v1/status');
  });

  it('asks for the proxy URL when none is set', async () => {
    const ds = new DataSource({ ...settings, jsonData: {} });
    expect(await ds.testDatasource()).toEqual({
      status: 'error',
      message: 'Enter the URL of the Pod Reasons proxy, then save and test again.',
    });
    expect(requests).toHaveLength(0);
  });

  it.each([
    [
      { status: 502, data: '' },
      'Grafana cannot reach the proxy at http://proxy:8080: check the URL and that the proxy is running.',
    ],
    [
      { status: 400, data: 'Authentication to data source failed' },
      'The proxy rejected the token: set the token the proxy was started with (--token-file or PODREASONS_TOKEN).',
    ],
    [
      ok(status({ permissions: { ...status().permissions!, pods: 'forbidden' } })),
      'Kubernetes RBAC forbids the proxy to list pods: grant its service account get, list and watch on pods.',
    ],
    [
      ok(status({ synced: false })),
      'The proxy is running but has not finished reading the pods from Kubernetes yet. Test again shortly.',
    ],
  ])('fails with a message the admin can act on (%j)', async (reply, message) => {
    answers.status = reply;
    expect(await test()).toEqual({ status: 'error', message });
  });

  it('warns when the scope is partial', async () => {
    answers.status = ok(status({ partial: ['events: forbidden (initiators may be unknown)'] }));
    expect(await test()).toMatchObject({
      status: 'warning',
      details: { message: 'Partial: events: forbidden (initiators may be unknown).' },
    });
  });
});
