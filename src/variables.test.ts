import { DataQueryRequest, DataSourceInstanceSettings } from '@grafana/data';
import { setBackendSrv, setTemplateSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';

import { DataSource } from './datasource';
import { fakeBackendSrv, ok } from './testing/fakes';
import { PodReasonsVariableSupport } from './variables';
import { fakeTemplateSrv } from './testing/templateSrv';
import { PodReasonsOptions, PodReasonsVariableQuery } from './types';

const settings = {
  uid: 'podreasons',
  url: '/api/datasources/proxy/uid/podreasons',
  jsonData: {},
  meta: {},
} as unknown as DataSourceInstanceSettings<PodReasonsOptions>;

let requests: URL[];

beforeEach(() => {
  const backend = fakeBackendSrv(() => ok({ values: ['alpha', 'beta'] }));
  requests = backend.requests;
  setBackendSrv(backend.srv);
  setTemplateSrv(fakeTemplateSrv({ namespace: ['shop', 'default'] }));
});

async function values(query: Partial<PodReasonsVariableQuery>, scopedVars = {}) {
  const request = { targets: [query], scopedVars } as unknown as DataQueryRequest<PodReasonsVariableQuery>;
  const variables = new DataSource(settings).variables as PodReasonsVariableSupport;
  const response = await lastValueFrom(variables.query(request));
  return response.data[0].fields.map((field: { name: string; values: string[] }) => [field.name, field.values]);
}

const called = () => requests.map((url) => url.pathname.replace(/.*\/api\/v1\//, '') + url.search);

describe('template variables', () => {
  it.each(['namespaces', 'nodes', 'reasons', 'initiators', 'workloads', 'nodepools'] as const)(
    'list %s as text values',
    async (kind) => {
      expect(await values({ refId: 'v', kind })).toEqual([['text', ['alpha', 'beta']]]);
      expect(called()).toEqual([`values/${kind}`]);
    }
  );

  it('list namespaces for a new variable without a query', async () => {
    await values({});
    expect(called()).toEqual(['values/namespaces']);
  });

  it('list pods within namespaces that may be variables', async () => {
    await values({ refId: 'v', kind: 'pods', namespace: '$namespace,kube-system' });
    expect(called()).toEqual(['values/pods?namespace=shop&namespace=default&namespace=kube-system']);
  });

  it('list all pods when no namespace is given', async () => {
    await values({ refId: 'v', kind: 'pods' });
    expect(called()).toEqual(['values/pods']);
  });
});
