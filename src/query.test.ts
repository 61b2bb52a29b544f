import { describeQuery, queryProblem } from './query';

describe('queryProblem', () => {
  it.each(['workload', 'nodepool'] as const)('accepts grouping by %s', (groupBy) => {
    expect(queryProblem({ refId: 'A', groupBy })).toBeUndefined();
  });

  it('accepts a default query and variables in vocabulary fields', () => {
    expect(queryProblem({ refId: 'A' })).toBeUndefined();
    expect(
      queryProblem({ refId: 'A', categories: ['$category'], initiators: ['karpenter'], limit: 10000 })
    ).toBeUndefined();
  });

  it.each([
    [{ queryType: 'logs' }, 'Unknown query type "logs".'],
    [{ groupBy: 'node' }, 'Unknown grouping "node".'],
    [{ limit: 0 }, 'Limit must be a whole number from 1 to 10000.'],
    [{ limit: 2.5 }, 'Limit must be a whole number from 1 to 10000.'],
    [{ limit: 10001 }, 'Limit must be a whole number from 1 to 10000.'],
    [{ categories: ['evicted'] }, 'Unknown category "evicted".'],
    [{ initiators: ['kubectl'] }, 'Unknown initiator "kubectl".'],
  ])('rejects %j', (fields, problem) => {
    expect(queryProblem({ refId: 'A', ...(fields as object) })).toBe(problem);
  });
});

describe('describeQuery', () => {
  it('names the type and the filters that apply to it', () => {
    expect(
      describeQuery({
        refId: 'A',
        queryType: 'pods',
        namespaces: ['shop', 'default'],
        reasons: ['OOMKilled'],
        labelSelector: 'app=web',
        abnormalOnly: true,
        includeDeleted: true,
        live: true,
      })
    ).toBe('Pods · namespace shop, default · reason OOMKilled · labels app=web · abnormal only · with deleted · live');
  });

  it('shows the grouping and leaves out filters the type ignores', () => {
    expect(describeQuery({ refId: 'A', queryType: 'timeseries', abnormalOnly: true, live: true, nodes: ['n'] })).toBe(
      'Time series · by reason · node n'
    );
    expect(describeQuery({ refId: 'A', queryType: 'counts', groupBy: 'category' })).toBe('Reason counts · by category');
    expect(
      describeQuery({
        refId: 'A',
        queryType: 'counts',
        groupBy: 'workload',
        workloads: ['Deployment/web'],
        nodepools: ['spot'],
      })
    ).toBe('Reason counts · by workload · workload Deployment/web · nodepool spot');
  });
});
