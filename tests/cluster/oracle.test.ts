// The oracle: for every pod state the driver produces, the engine's kubectlStatus must equal the
// STATUS cell the real API server prints for the same object (server-side Table), and its primary
// reason must be what the scenario expects.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { explainPod, toEventInput, toNodeInput } from '../../pkg-proxy/src/engine/index.ts';
import { sharedApiServer } from './apiserver.ts';
import { Cluster } from './driver.ts';
import { kubectlStatusFromServer } from './raw.ts';
import { SCENARIOS, createNodes, type Nodes } from './scenarios.ts';

const kc = sharedApiServer().kubeConfig();
const cluster = new Cluster(kc);
const namespace = `oracle-${Date.now()}`;
let nodes: Nodes;

describe('engine vs. kube-apiserver pod printer', () => {
  before(async () => {
    await cluster.ensureNamespace(namespace);
    nodes = await createNodes(cluster, namespace);
  });

  const observable = SCENARIOS.filter((s) => !s.deletes);
  test('covers at least 20 distinct pod states', () =>
    assert.ok(observable.length >= 20, `${observable.length} states`));

  for (const scenario of observable) {
    test(`${scenario.name}: ${scenario.description}`, async () => {
      await scenario.play(cluster, namespace, scenario.name, nodes);
      const pod = await cluster.core.readNamespacedPod({ namespace, name: scenario.name });
      const nodeList = await cluster.core.listNode();
      const events = await cluster.core.listNamespacedEvent({
        namespace,
        fieldSelector: `involvedObject.uid=${pod.metadata!.uid}`,
      });
      const answer = explainPod(pod, {
        nodes: new Map(nodeList.items.map((n) => [n.metadata!.name!, toNodeInput(n)])),
        events: events.items.map(toEventInput),
      });

      assert.equal(answer.kubectlStatus, await kubectlStatusFromServer(kc, namespace, scenario.name), 'kubectlStatus');
      const { reason, category, initiator, detail, abnormal } = scenario.expect;
      assert.deepEqual(
        { reason: answer.reason, category: answer.category, abnormal: answer.abnormal },
        { reason, category, abnormal },
        JSON.stringify(answer, null, 1)
      );
      if (initiator) {
        assert.equal(answer.initiator, initiator, 'initiator');
      }
      if (detail) {
        assert.equal(answer.detail, detail, 'detail');
      }
    });
  }
});
