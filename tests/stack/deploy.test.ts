// pkg-proxy/deploy: rendered by kustomize itself, checked for what the proxy needs (read-only RBAC,
// hardened pod, probes, token from a Secret, matching Service, NetworkPolicy and ServiceMonitor),
// then sent to a real API server: every object with server-side dry-run and strict field
// validation, and the RBAC for real, to ask the server what the proxy's service account may do.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { PROMETHEUS_RULES, readYaml } from './lib.ts';
import { apiServer, kubeRequest, kustomize, objectPath, serverSideApply } from './kube.ts';

const SA_USER = 'system:serviceaccount:podreasons:podreasons';
const SA_GROUPS = ['system:serviceaccounts', 'system:serviceaccounts:podreasons', 'system:authenticated'];
const READ = ['get', 'list', 'watch'];

/**
 * The ServiceMonitor CRD is not part of Kubernetes. This stand-in declares only the fields this
 * project sets, typed as in the Prometheus Operator's API reference, so that strict validation
 * rejects a misspelt or mistyped field; it proves nothing about fields it does not declare.
 */
const SERVICE_MONITOR_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'servicemonitors.monitoring.coreos.com' },
  spec: {
    group: 'monitoring.coreos.com',
    scope: 'Namespaced',
    names: {
      kind: 'ServiceMonitor',
      listKind: 'ServiceMonitorList',
      plural: 'servicemonitors',
      singular: 'servicemonitor',
    },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['selector'],
                properties: {
                  jobLabel: { type: 'string' },
                  selector: {
                    type: 'object',
                    properties: { matchLabels: { type: 'object', additionalProperties: { type: 'string' } } },
                  },
                  namespaceSelector: {
                    type: 'object',
                    properties: { any: { type: 'boolean' }, matchNames: { type: 'array', items: { type: 'string' } } },
                  },
                  endpoints: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        port: { type: 'string' },
                        path: { type: 'string' },
                        scheme: { type: 'string', enum: ['http', 'https'] },
                        interval: {
                          type: 'string',
                          pattern: '^(0|(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$',
                        },
                        honorLabels: { type: 'boolean' },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};

const find = (objects: any[], kind: string, name?: string) =>
  objects.filter((o) => o.kind === kind && (!name || o.metadata.name === name));
const one = (objects: any[], kind: string) => {
  const found = find(objects, kind);
  assert.equal(found.length, 1, `expected one ${kind}, found ${found.length}`);
  return found[0];
};
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const proxyContainer = (objects: any[]) => one(objects, 'Deployment').spec.template.spec.containers[0];
const flagValue = (args: string[], name: string) => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);

let base: any[];
let namespaced: any[];
let monitored: any[];

before(async () => {
  [base, namespaced, monitored] = await Promise.all(
    ['base', 'overlays/namespaced', 'overlays/servicemonitor'].map((dir) => kustomize(`pkg-proxy/deploy/${dir}`))
  );
});

describe('rendered manifests', () => {
  test('the base holds the proxy and its read-only cluster RBAC', () => {
    assert.deepEqual(base.map((o) => o.kind).sort(), [
      'ClusterRole',
      'ClusterRoleBinding',
      'Deployment',
      'Namespace',
      'NetworkPolicy',
      'Service',
      'ServiceAccount',
    ]);
    const role = one(base, 'ClusterRole');
    assert.deepEqual(role.rules, [
      { apiGroups: [''], resources: ['pods', 'nodes', 'events'], verbs: READ },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ },
    ]);
    const binding = one(base, 'ClusterRoleBinding');
    assert.equal(binding.roleRef.name, role.metadata.name);
    const sa = one(base, 'ServiceAccount');
    assert.deepEqual(binding.subjects, [
      { kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace },
    ]);
  });

  test('the pod is non-root, read-only, bounded, probed, and gets its token from a Secret', () => {
    const deployment = one(base, 'Deployment');
    const pod = deployment.spec.template.spec;
    const container = proxyContainer(base);
    assert.equal(pod.serviceAccountName, one(base, 'ServiceAccount').metadata.name);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.ok(pod.securityContext.runAsUser > 0);
    assert.deepEqual(container.securityContext, {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    // The only writable places are emptyDirs: /tmp and the data directory.
    for (const path of ['/tmp', flagValue(container.args, '--data-dir')]) {
      const mount = container.volumeMounts.find((m: any) => m.mountPath === path);
      assert.ok(pod.volumes.find((v: any) => v.name === mount?.name)?.emptyDir, `no emptyDir at ${path}`);
    }
    assert.ok(
      container.resources.requests.cpu && container.resources.requests.memory && container.resources.limits.memory
    );
    const [port] = container.ports;
    assert.equal(flagValue(container.args, '--listen'), `0.0.0.0:${port.containerPort}`);
    assert.deepEqual(
      [container.readinessProbe.httpGet.path, container.readinessProbe.httpGet.port],
      ['/readyz', port.name]
    );
    assert.deepEqual(
      [container.livenessProbe.httpGet.path, container.livenessProbe.httpGet.port],
      ['/healthz', port.name]
    );
    const token = container.env.find((e: any) => e.name === 'PODREASONS_TOKEN');
    assert.ok(
      token?.valueFrom?.secretKeyRef?.name && token.valueFrom.secretKeyRef.key,
      'PODREASONS_TOKEN comes from a Secret'
    );
    assert.ok(!container.env.some((e: any) => 'value' in e && /token/i.test(e.name)), 'no token in plain text');
  });

  test('the Service and NetworkPolicy select the proxy pods and its port', () => {
    const podLabels = one(base, 'Deployment').spec.template.metadata.labels;
    const port = proxyContainer(base).ports[0];
    const service = one(base, 'Service');
    assert.ok(selects(service.spec.selector, podLabels));
    assert.deepEqual(
      service.spec.ports.map((p: any) => p.targetPort),
      [port.name]
    );
    const policy = one(base, 'NetworkPolicy');
    assert.ok(selects(policy.spec.podSelector.matchLabels, podLabels));
    assert.deepEqual(policy.spec.policyTypes, ['Ingress', 'Egress']);
    assert.deepEqual(
      policy.spec.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port)),
      [port.name]
    );
    assert.ok(
      policy.spec.ingress.every((r: any) => r.from?.length > 0),
      'ingress is restricted to named callers'
    );
    assert.deepEqual(policy.spec.egress.flatMap((r: any) => r.ports.map((p: any) => p.port)).sort(), [443, 6443]);
  });

  test('the namespaced overlay trades the ClusterRole for a Role in each watched namespace', () => {
    assert.equal(find(namespaced, 'ClusterRole').length + find(namespaced, 'ClusterRoleBinding').length, 0);
    const watched = flagValue(proxyContainer(namespaced).args, '--namespaces')!.split(',');
    assert.deepEqual(
      find(namespaced, 'Role')
        .map((r) => r.metadata.namespace)
        .sort(),
      [...watched].sort()
    );
    for (const role of find(namespaced, 'Role')) {
      assert.ok(
        role.rules.every((r: any) => r.verbs.every((v: string) => READ.includes(v))),
        'read-only'
      );
      const binding = find(namespaced, 'RoleBinding').find((b) => b.metadata.namespace === role.metadata.namespace);
      assert.equal(binding?.roleRef.name, role.metadata.name);
      assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'podreasons', namespace: 'podreasons' }]);
    }
  });

  test('the ServiceMonitor scrapes the Service under the job name the alert rules use', () => {
    const monitor = one(monitored, 'ServiceMonitor');
    const service = one(monitored, 'Service');
    assert.equal(monitor.apiVersion, 'monitoring.coreos.com/v1');
    assert.equal(monitor.metadata.namespace, service.metadata.namespace);
    assert.ok(selects(monitor.spec.selector.matchLabels, service.metadata.labels));
    const [endpoint] = monitor.spec.endpoints;
    assert.ok(service.spec.ports.some((p: any) => p.name === endpoint.port));
    assert.equal(endpoint.path, '/metrics');
    // The proxy's namespace and pod labels describe other pods: the target's own must not win.
    assert.equal(endpoint.honorLabels, true);
    // Without jobLabel the job is the Service's name.
    assert.equal(monitor.spec.jobLabel, undefined);
    const rules = readYaml(PROMETHEUS_RULES).groups.flatMap((g: any) => g.rules);
    assert.ok(rules.some((r: any) => r.expr.includes(`up{job="${service.metadata.name}"}`)));
  });
});

describe('on a real API server', () => {
  let admin: KubeConfig;
  let release: () => Promise<void>;
  const created: any[] = [];

  const apply = async (obj: any, dryRun: boolean) => {
    const res = await serverSideApply(admin, obj, dryRun);
    assert.ok(
      res.status === 200 || res.status === 201,
      `${obj.kind} ${obj.metadata.name}: ${res.status} ${res.body?.message}`
    );
    if (!dryRun) {
      created.push(obj);
    }
  };

  /** What the proxy's service account may do, according to the API server's own authorizer. */
  const may = async (verb: string, resource: string, group = '', namespace?: string) => {
    const review = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: SA_USER, groups: SA_GROUPS, resourceAttributes: { verb, resource, group, namespace } },
    };
    const res = await kubeRequest(admin, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', review);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.status.allowed === true;
  };

  before(async () => {
    const harness = await apiServer();
    release = harness.release;
    admin = harness.server.kubeConfig('admin');
    // Dry-run objects are admitted only into namespaces that exist.
    for (const name of ['podreasons', 'team-a', 'team-b']) {
      await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, false);
    }
  });

  after(async () => {
    for (const obj of created.reverse()) {
      if (obj.kind !== 'Namespace') {
        await kubeRequest(admin, 'DELETE', objectPath(obj));
      }
    }
    await release?.();
  });

  test('every object of the base and the namespaced overlay passes server-side dry-run', async () => {
    for (const obj of [...base, ...namespaced]) {
      await apply(obj, true);
    }
  });

  test('the ServiceMonitor passes dry-run against the fields its CRD declares', async () => {
    await apply(SERVICE_MONITOR_CRD, false);
    const monitor = one(monitored, 'ServiceMonitor');
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await serverSideApply(admin, monitor, true);
      if (res.status === 200 || res.status === 201) {
        break;
      }
      // The new resource takes a moment to be served.
      assert.ok(res.status === 404 && Date.now() < deadline, `${res.status} ${res.body?.message}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const typo = structuredClone(monitor);
    typo.spec.endpoints[0].honourLabels = true;
    const rejected = await serverSideApply(admin, typo, true);
    assert.ok(rejected.status >= 400, 'an undeclared field is rejected');
    assert.match(rejected.body.message, /honourLabels/);
  });

  test('the base lets the proxy read pods, nodes and events everywhere, and nothing else', async () => {
    for (const obj of find(base, 'ServiceAccount').concat(
      find(base, 'ClusterRole'),
      find(base, 'ClusterRoleBinding')
    )) {
      await apply(obj, false);
    }
    for (const verb of READ) {
      assert.ok(await may(verb, 'pods'), `${verb} pods`);
      assert.ok(await may(verb, 'nodes'), `${verb} nodes`);
      assert.ok(await may(verb, 'events'), `${verb} events`);
      assert.ok(await may(verb, 'events', 'events.k8s.io'), `${verb} events.k8s.io/events`);
    }
    // The permission check the proxy makes at start-up needs no grant of ours.
    assert.ok(await may('create', 'selfsubjectaccessreviews', 'authorization.k8s.io'));
    assert.ok(!(await may('get', 'secrets', '', 'podreasons')));
    assert.ok(!(await may('delete', 'pods', '', 'team-a')));
    assert.ok(!(await may('create', 'pods/eviction', '', 'team-a')));
    assert.ok(!(await may('patch', 'nodes')));
  });

  test('the namespaced overlay lets the proxy read only its namespaces, and no nodes', async () => {
    const binding = one(base, 'ClusterRoleBinding');
    await kubeRequest(admin, 'DELETE', objectPath(binding));
    for (const obj of find(namespaced, 'Role').concat(find(namespaced, 'RoleBinding'))) {
      await apply(obj, false);
    }
    for (const ns of ['team-a', 'team-b']) {
      assert.ok(await may('watch', 'pods', '', ns), `watch pods in ${ns}`);
      assert.ok(await may('list', 'events', 'events.k8s.io', ns), `list events in ${ns}`);
    }
    assert.ok(!(await may('list', 'pods', '', 'default')));
    assert.ok(!(await may('list', 'pods')), 'no cluster-wide list');
    assert.ok(!(await may('list', 'nodes')));
  });
});
