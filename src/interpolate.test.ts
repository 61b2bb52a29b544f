import { interpolateList, interpolateQuery } from './interpolate';
import { fakeTemplateSrv } from './testing/templateSrv';

const templateSrv = fakeTemplateSrv({
  namespace: ['shop', 'default'],
  node: 'node-a',
  app: ['web', 'api'],
  workload: ['shop/Deployment/web', 'shop/StatefulSet/db'],
  reason: { all: ['Evicted', 'OOMKilled'] },
});

describe('interpolateList', () => {
  it('expands multi-value variables into entries, keeping literals, without duplicates or blanks', () => {
    expect(interpolateList(['$namespace', 'kube-system', 'shop', ' '], {}, templateSrv)).toEqual([
      'shop',
      'default',
      'kube-system',
    ]);
  });

  it.each(['$reason', '${reason}', '${reason:csv}', '[[reason]]'])(
    'drops the filter when %s is set to All, even next to other values',
    (entry) => {
      expect(interpolateList(['OOMKilled', entry], {}, templateSrv)).toEqual([]);
    }
  );

  it('prefers scoped variables (repeated panels) over dashboard values', () => {
    expect(interpolateList(['$reason'], { reason: { text: 'Evicted', value: 'Evicted' } }, templateSrv)).toEqual([
      'Evicted',
    ]);
    expect(interpolateList(['${namespace}'], { namespace: { text: 'x', value: 'x' } }, templateSrv)).toEqual(['x']);
  });
});

describe('interpolateQuery', () => {
  it('interpolates every list and the label selector', () => {
    const query = interpolateQuery(
      {
        refId: 'A',
        namespaces: ['$namespace'],
        reasons: ['$node'],
        categories: ['$node'],
        initiators: ['$node'],
        nodes: ['$node'],
        pods: ['$node'],
        workloads: ['$workload', 'Job/report'],
        nodepools: ['$node'],
        labelSelector: 'app in ($app)',
        limit: 5,
      },
      {},
      templateSrv
    );
    expect(query).toEqual({
      refId: 'A',
      namespaces: ['shop', 'default'],
      reasons: ['node-a'],
      categories: ['node-a'],
      initiators: ['node-a'],
      nodes: ['node-a'],
      pods: ['node-a'],
      workloads: ['shop/Deployment/web', 'shop/StatefulSet/db', 'Job/report'],
      nodepools: ['node-a'],
      labelSelector: 'app in (web,api)',
      limit: 5,
    });
  });
});
