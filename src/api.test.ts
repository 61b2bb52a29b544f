import { setBackendSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';

import { Api, ProxyError, TOKEN_REJECTED, toProxyError } from './api';
import { fakeBackendSrv, ok, Reply } from './testing/fakes';
import { pod } from './testing/samples';

const settings = { url: '/api/datasources/proxy/uid/pr', jsonData: { proxyUrl: 'http://proxy:8080' } };

function api(reply: (url: URL) => Reply) {
  const backend = fakeBackendSrv(reply);
  setBackendSrv(backend.srv);
  return { api: new Api(settings), requests: backend.requests };
}

describe('Api', () => {
  it('calls the proxy through the plugin route with the given parameters', async () => {
    const { api: client, requests } = api(() => ok({ items: [pod()], total: 1 }));
    const response = await lastValueFrom(
      client.pods(
        new URLSearchParams([
          ['namespace', 'a'],
          ['namespace', 'b'],
        ])
      )
    );
    expect(response.total).toBe(1);
    expect(requests[0].pathname).toBe('/api/datasources/proxy/uid/pr/podreasons/api/v1/pods');
    expect(requests[0].searchParams.getAll('namespace')).toEqual(['a', 'b']);
  });

  it.each(['summary', 'transitions', 'series'] as const)('calls /%s', async (endpoint) => {
    const { api: client, requests } = api(() => ok({}));
    await lastValueFrom<unknown>(client[endpoint](new URLSearchParams()));
    expect(requests[0].pathname).toBe(`/api/datasources/proxy/uid/pr/podreasons/api/v1/${endpoint}`);
    expect(requests[0].search).toBe('');
  });

  it('lists values, pods narrowed to namespaces', async () => {
    const { api: client, requests } = api(() => ok({ values: ['x', 'y'] }));
    expect(await client.values('pods', ['shop', 'default'])).toEqual(['x', 'y']);
    expect(await client.values('nodes', ['ignored'])).toEqual(['x', 'y']);
    expect(requests.map((url) => url.pathname + url.search)).toEqual([
      '/api/datasources/proxy/uid/pr/podreasons/api/v1/values/pods?namespace=shop&namespace=default',
      '/api/datasources/proxy/uid/pr/podreasons/api/v1/values/nodes',
    ]);
  });

  it('turns a proxy failure into a ProxyError with a readable message', async () => {
    const { api: client } = api(() => ({
      status: 400,
      data: { error: 'unknown category "x"', parameter: 'category' },
    }));
    const error = await lastValueFrom(client.summary(new URLSearchParams())).catch((e) => e);
    expect(error).toBeInstanceOf(ProxyError);
    expect(error.message).toBe('Invalid category: unknown category "x"');
    expect(error.status).toBe(400);
  });

  it('builds the WebSocket URL on this Grafana, behind the sub path its page names in <base href>', () => {
    const { api: client } = api(() => ok({}));
    const stream = () => client.streamUrl(new URLSearchParams([['kind', 'pods']]));
    expect(stream()).toBe('ws://localhost/api/datasources/proxy/uid/pr/podreasons/api/v1/stream?kind=pods');
    const base = document.head.appendChild(Object.assign(document.createElement('base'), { href: '/grafana/' }));
    try {
      expect(stream()).toBe('ws://localhost/grafana/api/datasources/proxy/uid/pr/podreasons/api/v1/stream?kind=pods');
    } finally {
      base.remove();
    }
  });
});

describe('toProxyError', () => {
  const fail = (status: number, data: unknown = '') =>
    toProxyError({ status, data, statusText: '' }, 'http://proxy:8080').message;

  it.each([
    [400, { error: 'bad step', parameter: 'step' }, 'Invalid step: bad step'],
    [400, 'Authentication to data source failed', TOKEN_REJECTED],
    [400, { message: 'oops' }, 'Bad request: oops'],
    [401, { error: 'missing or invalid bearer token' }, TOKEN_REJECTED],
    [
      403,
      { message: 'plugin proxy route access denied' },
      'Grafana denied access to the data source proxy: plugin proxy route access denied',
    ],
    [
      404,
      { error: 'not found: /api/v1/x' },
      'Not found at http://proxy:8080: is the proxy URL a Pod Reasons proxy? (not found: /api/v1/x)',
    ],
    [502, '', 'Grafana cannot reach the proxy at http://proxy:8080: check the URL and that the proxy is running.'],
    [504, '', 'The proxy at http://proxy:8080 did not answer in time.'],
    [500, { error: 'boom' }, 'The proxy at http://proxy:8080 answered 500: boom'],
  ])('%s %j', (status, data, message) => {
    expect(fail(status, data)).toBe(message);
  });

  it('keeps the message of other errors', () => {
    expect(toProxyError(new Error('offline')).message).toBe('offline');
  });
});
