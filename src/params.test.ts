import { dateTime } from '@grafana/data';

import { filterParams, setRange } from './params';

describe('filterParams', () => {
  const lists = {
    namespaces: ['shop', 'default'],
    reasons: ['OOMKilled'],
    categories: ['eviction'],
    initiators: ['karpenter'],
    nodes: ['node-a'],
    pods: ['web-1'],
    workloads: ['Deployment/web', 'batch/CronJob/report'],
    nodepools: ['default'],
  };
  const podFilters = { labelSelector: ' app=web ', abnormalOnly: true, includeDeleted: true };

  it('repeats each list filter once per value', () => {
    expect(filterParams({ refId: 'A', queryType: 'pods', ...lists }).toString()).toBe(
      'namespace=shop&namespace=default&reason=OOMKilled&category=eviction&initiator=karpenter&node=node-a&pod=web-1' +
        '&workload=Deployment%2Fweb&workload=batch%2FCronJob%2Freport&nodepool=default'
    );
  });

  it.each(['pods', 'counts'] as const)('sends the pod-only filters for %s', (queryType) => {
    const params = filterParams({ refId: 'A', queryType, ...podFilters });
    expect(params.get('labelSelector')).toBe('app=web');
    expect(params.get('abnormal')).toBe('true');
    expect(params.get('deleted')).toBe('true');
  });

  it.each(['transitions', 'timeseries'] as const)('leaves the pod-only filters out of %s', (queryType) => {
    expect(filterParams({ refId: 'A', queryType, ...podFilters }).toString()).toBe('');
  });

  it('treats a query without a type as Pods, and false switches as no filter', () => {
    expect(filterParams({ refId: 'A', labelSelector: 'a=b', abnormalOnly: false }).toString()).toBe(
      'labelSelector=a%3Db'
    );
  });
});

describe('setRange', () => {
  it('sends the range in milliseconds', () => {
    const range = { from: dateTime(1000), to: dateTime(5000), raw: { from: 'now-1h', to: 'now' } };
    expect(setRange(new URLSearchParams(), range).toString()).toBe('from=1000&to=5000');
  });
});
