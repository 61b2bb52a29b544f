// Owner resolution and node pools: pure functions of the pod's ownerReference, what is known of its
// ReplicaSet or Job, and the node's labels.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nodePoolOf, resolveWorkload, type Owner, type OwnerLookup } from '../../src/engine/index.ts';
import { controllerOf } from '../../src/engine/workload.ts';
import { controllerRef } from '../fixtures/k8s.ts';

const pod = (owner: Owner | null) => ({ namespace: 'shop', name: 'web-7d4b9c-x2k8p', owner });
/** What the cluster layer knows in namespace shop. */
const known: Record<string, Owner | null> = {
  'ReplicaSet/web-7d4b9c': { kind: 'Deployment', name: 'web' },
  'ReplicaSet/legacy': null,
  'Job/report-29012345': { kind: 'CronJob', name: 'report' },
  'Job/migrate': null,
  'ReplicaSet/canary-5f6': { kind: 'Rollout', name: 'canary' },
};
const lookup: OwnerLookup = (namespace, owner) =>
  namespace === 'shop' ? known[`${owner.kind}/${owner.name}`] : undefined;

describe('resolveWorkload', () => {
  const cases: Array<[string, Owner | null, Owner]> = [
    [
      'a Deployment through its ReplicaSet',
      { kind: 'ReplicaSet', name: 'web-7d4b9c' },
      { kind: 'Deployment', name: 'web' },
    ],
    ['a CronJob through its Job', { kind: 'Job', name: 'report-29012345' }, { kind: 'CronJob', name: 'report' }],
    ['a ReplicaSet without a parent', { kind: 'ReplicaSet', name: 'legacy' }, { kind: 'ReplicaSet', name: 'legacy' }],
    ['a Job without a parent', { kind: 'Job', name: 'migrate' }, { kind: 'Job', name: 'migrate' }],
    [
      'a custom controller above a ReplicaSet',
      { kind: 'ReplicaSet', name: 'canary-5f6' },
      { kind: 'Rollout', name: 'canary' },
    ],
    ['a StatefulSet', { kind: 'StatefulSet', name: 'db' }, { kind: 'StatefulSet', name: 'db' }],
    ['a DaemonSet', { kind: 'DaemonSet', name: 'agent' }, { kind: 'DaemonSet', name: 'agent' }],
    [
      'a ReplicationController',
      { kind: 'ReplicationController', name: 'old' },
      { kind: 'ReplicationController', name: 'old' },
    ],
    ['a custom controller, as written', { kind: 'Workflow', name: 'nightly' }, { kind: 'Workflow', name: 'nightly' }],
    [
      'a ReplicaSet not known (yet, or forbidden)',
      { kind: 'ReplicaSet', name: 'new-1' },
      { kind: 'ReplicaSet', name: 'new-1' },
    ],
    ['a bare pod', null, { kind: 'Pod', name: 'web-7d4b9c-x2k8p' }],
  ];
  for (const [what, owner, workload] of cases) {
    test(what, () => assert.deepEqual(resolveWorkload(pod(owner), lookup), workload));
  }

  test('without a lookup (the CLI on pods alone) the pod’s own controller', () => {
    assert.deepEqual(resolveWorkload(pod({ kind: 'ReplicaSet', name: 'web-7d4b9c' })), {
      kind: 'ReplicaSet',
      name: 'web-7d4b9c',
    });
  });

  test('the controller reference is the one with controller: true', () => {
    const other = { ...controllerRef('ConfigMap', 'settings'), controller: false };
    assert.deepEqual(controllerOf([other, controllerRef('StatefulSet', 'db')]), { kind: 'StatefulSet', name: 'db' });
    assert.equal(controllerOf([other]), null);
    assert.equal(controllerOf(undefined), null);
    assert.equal(controllerOf([null, 'x', { controller: true, kind: 1, name: 'n' }]), null);
  });
});

describe('nodePoolOf', () => {
  const cases: Array<[string, Record<string, string>, string, string]> = [
    ['Karpenter', { 'karpenter.sh/nodepool': 'default', 'karpenter.sh/capacity-type': 'spot' }, 'default', 'spot'],
    [
      'EKS managed node group',
      { 'eks.amazonaws.com/nodegroup': 'ng-1', 'eks.amazonaws.com/capacityType': 'ON_DEMAND' },
      'ng-1',
      'on-demand',
    ],
    ['EKS spot', { 'eks.amazonaws.com/nodegroup': 'ng-2', 'eks.amazonaws.com/capacityType': 'SPOT' }, 'ng-2', 'spot'],
    ['GKE', { 'cloud.google.com/gke-nodepool': 'pool-1' }, 'pool-1', 'on-demand'],
    ['GKE spot', { 'cloud.google.com/gke-nodepool': 'pool-2', 'cloud.google.com/gke-spot': 'true' }, 'pool-2', 'spot'],
    [
      'GKE preemptible',
      { 'cloud.google.com/gke-nodepool': 'pool-3', 'cloud.google.com/gke-preemptible': 'true' },
      'pool-3',
      'spot',
    ],
    ['AKS', { 'kubernetes.azure.com/agentpool': 'system' }, 'system', 'on-demand'],
    [
      'AKS spot',
      { 'kubernetes.azure.com/agentpool': 'spot1', 'kubernetes.azure.com/scalesetpriority': 'spot' },
      'spot1',
      'spot',
    ],
    [
      'Karpenter before the cloud labels it also carries',
      { 'karpenter.sh/nodepool': 'batch', 'eks.amazonaws.com/nodegroup': 'ng-1' },
      'batch',
      '',
    ],
    ['no known label', { 'kubernetes.io/hostname': 'n1' }, '', ''],
  ];
  for (const [what, labels, nodepool, capacityType] of cases) {
    test(what, () => assert.deepEqual(nodePoolOf(labels), { nodepool, capacityType }));
  }
});
