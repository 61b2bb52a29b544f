import { describeStatus } from './health';
import { status } from './testing/samples';

describe('describeStatus', () => {
  it('reports success with the cluster version, scope, pods and last change', () => {
    expect(describeStatus(status())).toEqual({
      status: 'success',
      message: 'Connected to Kubernetes v1.37.2 (whole cluster): watching 120 pods, 4 not OK; last change 1 s ago.',
    });
  });

  it('names the namespaces of a namespaced proxy and formats older changes', () => {
    const result = describeStatus(
      status({
        scope: { cluster: false, namespaces: ['shop'] },
        lastEventAgeSeconds: 7200,
        counts: { pods: 1, abnormal: 0, tombstones: 0, transitions: 0 },
      })
    );
    expect(result.message).toBe(
      'Connected to Kubernetes v1.37.2 (1 namespace: shop): watching 1 pod, 0 not OK; last change 2 h ago.'
    );
    expect(describeStatus(status({ lastEventAgeSeconds: 300 })).message).toContain('last change 5 min ago');
    expect(describeStatus(status({ lastEventAgeSeconds: null })).message).toContain('no change seen yet');
  });

  it('warns, still connected, when data is partial or stale', () => {
    expect(
      describeStatus(status({ partial: ['events: forbidden (initiators may be unknown)'], stale: ['nodes watch'] }))
    ).toEqual({
      status: 'warning',
      message:
        'Connected to Kubernetes v1.37.2 (whole cluster): watching 120 pods, 4 not OK; last change 1 s ago. Some data is missing.',
      details: { message: 'Partial: events: forbidden (initiators may be unknown). Stale: nodes watch.' },
    });
  });

  it('fails when RBAC forbids pods, before the first sync, when the cluster is out of reach, and for another server', () => {
    expect(describeStatus(status({ permissions: { ...status().permissions!, pods: 'forbidden' } }))).toEqual({
      status: 'error',
      message: 'Kubernetes RBAC forbids the proxy to list pods: grant its service account get, list and watch on pods.',
    });
    expect(describeStatus(status({ synced: false }))).toEqual({
      status: 'error',
      message: 'The proxy is running but has not finished reading the pods from Kubernetes yet. Test again shortly.',
    });
    expect(
      describeStatus(status({ synced: false, permissions: null, error: 'connect ECONNREFUSED 10.0.0.1:6443' }))
    ).toEqual({
      status: 'error',
      message: 'The proxy cannot watch Kubernetes (it keeps retrying): connect ECONNREFUSED 10.0.0.1:6443',
    });
    expect(describeStatus('<html>')).toEqual({
      status: 'error',
      message: 'The proxy URL answered, but not like a Pod Reasons proxy (no status found).',
    });
  });
});
