// pkg-proxy/deploy/helm/podreasons: linted and rendered by Helm itself (built from its Go module),
// checked for what the proxy needs and against the provisioning/ files it reads, then taken to a
// real API server: every object of every profile by server-side dry-run with strict field
// validation in a namespace that enforces Pod Security "restricted", a real install and upgrade,
// the proxy running on its ServiceAccount's token, and that account's permissions as the server
// sees them.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { downloadModule } from '../cluster/go-module.ts';
import { helm } from '../cluster/helm.ts';
import { execForm, imageNodeOptions, parseDockerfile } from './dockerfile.ts';
import { apiServer, kubeRequest, objectPath, serverSideApply, serviceAccountKubeconfig } from './kube.ts';
import {
  DASHBOARD_FILES,
  PROMETHEUS_RULES,
  datasourceRefs,
  datasources,
  eventually,
  freePort,
  parseYamlDocuments,
  readJson,
  readText,
  readYaml,
  repo,
  root,
  run,
  startProcess,
  type Started,
} from './lib.ts';

const CHART_DIR = 'pkg-proxy/deploy/helm/podreasons';
const CHART = repo(CHART_DIR);
const RELEASE = 'podreasons';
const NAMESPACE = 'podreasons';
const WATCHED = ['team-a', 'team-b'];
const READ = ['get', 'list', 'watch'];
const RESTRICTED = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
};

/** The values of the issue's "done when", plus what kube-prometheus-stack selects by. */
const KUBE_PROMETHEUS_STACK = [
  'serviceMonitor.enabled=true',
  'prometheusRule.enabled=true',
  'grafana.dashboards.enabled=true',
  'grafana.datasource.enabled=true',
  'serviceMonitor.labels.release=kube-prometheus-stack',
  'prometheusRule.labels.release=kube-prometheus-stack',
  'networkPolicy.enabled=true',
];
const PROFILES: Record<string, string[]> = {
  default: [],
  namespaced: [`namespaces={${WATCHED.join(',')}}`],
  ha: ['replicaCount=2', 'doNotDisrupt=true', 'persistence.enabled=true'],
  'kube-prometheus-stack': KUBE_PROMETHEUS_STACK,
};

const log = (line: string) => process.stderr.write(`${line}\n`);
const setArgs = (values: string[]) => values.flatMap((v) => ['--set', v]);
const render = async (values: string[], chart = CHART): Promise<any[]> =>
  parseYamlDocuments(
    (await helm(['template', RELEASE, chart, '--namespace', NAMESPACE, ...setArgs(values)], log)).stdout
  );

const find = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind);
const one = (objects: any[], kind: string) => {
  const found = find(objects, kind);
  assert.equal(found.length, 1, `expected one ${kind}, found ${found.length}`);
  return found[0];
};
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const podSpec = (objects: any[]) => one(objects, 'Deployment').spec.template.spec;
const proxyContainer = (objects: any[]) => podSpec(objects).containers[0];
const flagValue = (args: string[], name: string) => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
const labelled = (objects: any[], label: string) =>
  find(objects, 'ConfigMap').filter((c) => c.metadata.labels?.[label]);

const rendered: Record<string, any[]> = {};
let work: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'podreasons-chart-'));
  for (const [profile, values] of Object.entries(PROFILES)) {
    rendered[profile] = await render(values);
  }
});

after(() => rmSync(work, { recursive: true, force: true }));

describe('the chart, rendered', () => {
  test('helm lint passes for every profile, warnings included', async () => {
    for (const values of Object.values(PROFILES)) {
      const { stdout } = await helm(['lint', CHART, '--strict', '--namespace', NAMESPACE, ...setArgs(values)]);
      assert.match(stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });

  test('the values schema rejects unknown and mistyped values', async () => {
    await assert.rejects(render(['replicas=2']), /replicas/);
    await assert.rejects(render(['replicaCount=two']), /replicaCount/);
    await assert.rejects(render(['extraArgs={serve}']), /extraArgs/);
  });

  test('by default: the proxy with read-only cluster RBAC and its token Secret', () => {
    const objects = rendered.default;
    assert.deepEqual(objects.map((o) => o.kind).sort(), [
      'ClusterRole',
      'ClusterRoleBinding',
      'Deployment',
      'Pod',
      'Secret',
      'Service',
      'ServiceAccount',
    ]);
    assert.equal(one(objects, 'Pod').metadata.annotations['helm.sh/hook'], 'test', 'the only pod is the test hook');
    for (const obj of objects.filter((o) => !o.kind.startsWith('Cluster') && o.kind !== 'Pod')) {
      assert.equal(obj.metadata.namespace, NAMESPACE, `${obj.kind} in the release namespace`);
    }
    assert.deepEqual(one(objects, 'ClusterRole').rules, [
      { apiGroups: [''], resources: ['pods', 'nodes', 'events'], verbs: READ },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ },
      { apiGroups: ['batch'], resources: ['jobs'], verbs: READ },
    ]);
    const binding = one(objects, 'ClusterRoleBinding');
    assert.equal(binding.roleRef.name, one(objects, 'ClusterRole').metadata.name);
    const sa = one(objects, 'ServiceAccount');
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: NAMESPACE }]);
    assert.equal(podSpec(objects).serviceAccountName, sa.metadata.name);
    assert.equal(one(objects, 'Deployment').spec.replicas, 1);
  });

  test('the pod is non-root, read-only, bounded, probed, and gets its token from the Secret', () => {
    const objects = rendered.default;
    const pod = podSpec(objects);
    const container = proxyContainer(objects);
    assert.deepEqual(pod.securityContext, {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    assert.deepEqual(container.securityContext, {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    const tmp = container.volumeMounts.find((m: any) => m.mountPath === '/tmp');
    assert.ok(pod.volumes.find((v: any) => v.name === tmp?.name)?.emptyDir, 'the only writable place is an emptyDir');
    assert.deepEqual(container.resources, { requests: { cpu: '100m', memory: '224Mi' }, limits: { memory: '768Mi' } });
    const [port] = container.ports;
    assert.deepEqual(container.args, ['serve', `--listen=0.0.0.0:${port.containerPort}`]);
    assert.deepEqual(
      [container.readinessProbe.httpGet, container.livenessProbe.httpGet],
      [
        { path: '/readyz', port: port.name },
        { path: '/healthz', port: port.name },
      ]
    );
    const token = container.env.find((e: any) => e.name === 'PODREASONS_TOKEN').valueFrom.secretKeyRef;
    const secret = one(objects, 'Secret');
    assert.equal(token.name, secret.metadata.name);
    assert.match(Buffer.from(secret.data[token.key], 'base64').toString(), /^[A-Za-z0-9]{48}$/);
    assert.ok(!container.env.some((e: any) => 'value' in e && /token/i.test(e.name)), 'no token in plain text');
  });

  test('an existing Secret replaces the generated one', async () => {
    const objects = await render(['auth.existingSecret=grafana-shared', 'auth.secretKey=proxy-token']);
    assert.equal(find(objects, 'Secret').length, 0);
    const token = proxyContainer(objects).env.find((e: any) => e.name === 'PODREASONS_TOKEN');
    assert.deepEqual(token.valueFrom.secretKeyRef, { name: 'grafana-shared', key: 'proxy-token' });
  });

  test('the Service and the NetworkPolicy select the proxy pods and their port', () => {
    const objects = rendered['kube-prometheus-stack'];
    const podLabels = one(objects, 'Deployment').spec.template.metadata.labels;
    const port = proxyContainer(objects).ports[0];
    const service = one(objects, 'Service');
    assert.ok(selects(service.spec.selector, podLabels));
    assert.deepEqual(
      service.spec.ports.map((p: any) => p.targetPort),
      [port.name]
    );
    const policy = one(objects, 'NetworkPolicy');
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
    assert.equal(find(rendered.default, 'NetworkPolicy').length, 0, 'off by default');
  });

  test('namespaced: a Role in each watched namespace, no cluster RBAC, and --namespaces to match', () => {
    const objects = rendered.namespaced;
    assert.equal(find(objects, 'ClusterRole').length + find(objects, 'ClusterRoleBinding').length, 0);
    assert.equal(flagValue(proxyContainer(objects).args, '--namespaces'), WATCHED.join(','));
    assert.deepEqual(
      find(objects, 'Role').map((r) => r.metadata.namespace),
      WATCHED
    );
    for (const role of find(objects, 'Role')) {
      assert.deepEqual(role.rules, [
        { apiGroups: [''], resources: ['pods', 'events'], verbs: READ },
        { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ },
        { apiGroups: ['apps'], resources: ['replicasets'], verbs: READ },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: READ },
      ]);
      const binding = find(objects, 'RoleBinding').find((b) => b.metadata.namespace === role.metadata.namespace);
      assert.equal(binding?.roleRef.name, role.metadata.name);
      assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: RELEASE, namespace: NAMESPACE }]);
    }
  });

  test('HA: two replicas, a PodDisruptionBudget over them, and Karpenter told not to disrupt them', () => {
    const objects = rendered.ha;
    const deployment = one(objects, 'Deployment');
    assert.equal(deployment.spec.replicas, 2);
    const budget = one(objects, 'PodDisruptionBudget');
    assert.equal(budget.spec.maxUnavailable, 1);
    assert.ok(selects(budget.spec.selector.matchLabels, deployment.spec.template.metadata.labels));
    assert.deepEqual(deployment.spec.template.metadata.annotations, { 'karpenter.sh/do-not-disrupt': 'true' });
    assert.equal(find(rendered.default, 'PodDisruptionBudget').length, 0, 'one replica would block every drain');
    // Without a claim a move loses the history: Karpenter is told not to disrupt it by default.
    assert.deepEqual(one(rendered.default, 'Deployment').spec.template.metadata.annotations, {
      'karpenter.sh/do-not-disrupt': 'true',
    });
  });

  test("nodeOptions: the image's command with other Node options; by default the image's own", async () => {
    assert.equal(one(rendered.default, 'Deployment').spec.template.spec.containers[0].command, undefined);
    const options = ['--max-semi-space-size=2', '--optimize-for-size'];
    const objects = await render([`nodeOptions={${options.join(',')}}`]);
    const entrypoint = execForm(
      parseDockerfile('pkg-proxy/Dockerfile')
        .at(-1)!
        .instructions.findLast((i) => i.keyword === 'ENTRYPOINT')!.args
    );
    const image = imageNodeOptions();
    assert.deepEqual(one(objects, 'Deployment').spec.template.spec.containers[0].command, [
      'node',
      ...options,
      ...entrypoint.slice(1 + image.length),
    ]);
    await assert.rejects(render(['nodeOptions={optimize-for-size}']), /nodeOptions/);
  });

  test('persistence: a data directory of its own for each replica, bounded below its volume', async () => {
    const container = (objects: any[]) => one(objects, 'Deployment').spec.template.spec.containers[0];
    const volume = (objects: any[]) =>
      one(objects, 'Deployment').spec.template.spec.volumes.find((v: any) => v.name === 'data');
    assert.ok(!container(rendered.default).args.some((a: string) => a.startsWith('--data-dir')), 'off by default');
    assert.equal(volume(rendered.default), undefined);

    const ha = rendered.ha;
    assert.deepEqual(
      container(ha).args.filter((a: string) => a.startsWith('--data-')),
      ['--data-dir=/var/lib/podreasons', '--data-max-size=192Mi']
    );
    assert.deepEqual(
      container(ha).volumeMounts.find((m: any) => m.name === 'data'),
      { name: 'data', mountPath: '/var/lib/podreasons' }
    );
    assert.deepEqual(volume(ha), { name: 'data', emptyDir: { sizeLimit: '256Mi' } });

    const claimed = await render(['persistence.enabled=true', 'persistence.existingClaim=podreasons-data']);
    assert.deepEqual(volume(claimed), { name: 'data', persistentVolumeClaim: { claimName: 'podreasons-data' } });
    await assert.rejects(
      render(['persistence.enabled=true', 'persistence.existingClaim=podreasons-data', 'replicaCount=2']),
      /every replica needs a data directory of its own/
    );
    await assert.rejects(render(['persistence.maxSize=lots']), /maxSize/);
  });

  test('kube-prometheus-stack: the ServiceMonitor scrapes the Service as job "podreasons"', () => {
    const objects = rendered['kube-prometheus-stack'];
    const monitor = one(objects, 'ServiceMonitor');
    const service = one(objects, 'Service');
    assert.equal(monitor.apiVersion, 'monitoring.coreos.com/v1');
    assert.equal(monitor.metadata.labels.release, 'kube-prometheus-stack');
    assert.ok(selects(monitor.spec.selector.matchLabels, service.metadata.labels));
    assert.deepEqual(monitor.spec.namespaceSelector, { matchNames: [service.metadata.namespace] });
    const [endpoint] = monitor.spec.endpoints;
    assert.ok(service.spec.ports.some((p: any) => p.name === endpoint.port));
    assert.equal(endpoint.path, '/metrics');
    // The proxy's namespace and pod labels describe other pods: the target's own must not win.
    assert.equal(endpoint.honorLabels, true);
    assert.deepEqual(endpoint.relabelings, [{ action: 'replace', targetLabel: 'job', replacement: 'podreasons' }]);
    const rules = readYaml(PROMETHEUS_RULES).groups.flatMap((g: any) => g.rules);
    assert.ok(rules.some((r: any) => r.expr.includes('up{job="podreasons"}')));
  });

  test('a metrics token and TLS: the proxy gets the flags, and the probes and the ServiceMonitor follow', async () => {
    const objects = await render([
      ...KUBE_PROMETHEUS_STACK,
      'metricsAuth.existingSecret=podreasons-metrics',
      'tls.existingSecret=podreasons-tls',
      'serviceMonitor.namespace=monitoring',
      'serviceMonitor.scrapeTimeout=10s',
      'serviceMonitor.metricRelabelings[0].action=labeldrop',
      'serviceMonitor.metricRelabelings[0].regex=uid',
    ]);
    const container = proxyContainer(objects);
    const mountOf = (flag: string) => {
      const file = flagValue(container.args, flag)!;
      const mount = container.volumeMounts.find((m: any) => file.startsWith(`${m.mountPath}/`));
      return podSpec(objects).volumes.find((v: any) => v.name === mount.name).secret;
    };
    assert.equal(mountOf('--metrics-token-file').secretName, 'podreasons-metrics');
    assert.equal(mountOf('--tls-cert').secretName, 'podreasons-tls');
    assert.equal(mountOf('--tls-key').secretName, 'podreasons-tls');
    assert.equal(container.readinessProbe.httpGet.scheme, 'HTTPS');
    assert.equal(container.livenessProbe.httpGet.scheme, 'HTTPS');
    const monitor = one(objects, 'ServiceMonitor');
    assert.equal(monitor.metadata.namespace, 'monitoring');
    assert.deepEqual(monitor.spec.namespaceSelector, { matchNames: [NAMESPACE] });
    const [endpoint] = monitor.spec.endpoints;
    assert.equal(endpoint.scheme, 'https');
    assert.equal(endpoint.scrapeTimeout, '10s');
    assert.deepEqual(endpoint.authorization, {
      type: 'Bearer',
      credentials: { name: 'podreasons-metrics', key: 'token' },
    });
    assert.deepEqual(endpoint.tlsConfig, {
      serverName: `${RELEASE}.${NAMESPACE}.svc`,
      ca: { secret: { name: 'podreasons-tls', key: 'ca.crt' } },
    });
    assert.deepEqual(endpoint.metricRelabelings, [{ action: 'labeldrop', regex: 'uid' }]);
    const [configMap] = labelled(objects, 'grafana_datasource');
    const [datasource] = parseYamlDocuments(Object.values(configMap.data)[0] as string)[0].datasources;
    assert.equal(datasource.jsonData.proxyUrl, `https://${RELEASE}.${NAMESPACE}.svc:8080`);
    assert.equal(datasource.jsonData.tlsAuthWithCACert, true);
    assert.equal(datasource.secureJsonData.tlsCACert, '${PODREASONS_CA_CERT}');
    const endpointDefaults = one(rendered['kube-prometheus-stack'], 'ServiceMonitor').spec.endpoints[0];
    assert.equal(endpointDefaults.scheme, 'http');
    assert.equal(endpointDefaults.authorization, undefined);
    await assert.rejects(render(['extraArgs={--tls-cert=/x.pem}']), /tls\.existingSecret instead/);
    await assert.rejects(render(['extraArgs={--metrics-token-file=/t}']), /metricsAuth\.existingSecret instead/);
  });

  test('persistence.size: a claim of its own, Recreate, and Karpenter may move the pod', async () => {
    const objects = await render(['persistence.enabled=true', 'persistence.size=2Gi', 'persistence.storageClass=gp3']);
    const claim = one(objects, 'PersistentVolumeClaim');
    assert.deepEqual(claim.spec, {
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'gp3',
      resources: { requests: { storage: '2Gi' } },
    });
    assert.equal(claim.metadata.annotations['helm.sh/resource-policy'], 'keep');
    const deployment = one(objects, 'Deployment');
    assert.deepEqual(
      deployment.spec.template.spec.volumes.find((v: any) => v.name === 'data'),
      { name: 'data', persistentVolumeClaim: { claimName: claim.metadata.name } }
    );
    assert.deepEqual(deployment.spec.strategy, { type: 'Recreate' });
    assert.equal(deployment.spec.template.metadata.annotations, undefined, 'the data follows the pod');
    assert.equal(one(rendered.default, 'Deployment').spec.strategy, undefined);
    await assert.rejects(
      render(['persistence.enabled=true', 'persistence.size=2Gi', 'replicaCount=2']),
      /replicaCount: 1/
    );
  });

  test('extraObjects go through tpl; the image can be pinned by digest', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const objects = await render([
      'extraObjects[0].apiVersion=v1',
      'extraObjects[0].kind=ConfigMap',
      'extraObjects[0].metadata.name=extra-{{ .Release.Name }}',
      `image.digest=${digest}`,
    ]);
    assert.equal(one(objects, 'ConfigMap').metadata.name, `extra-${RELEASE}`);
    assert.equal(proxyContainer(objects).image, `ghcr.io/podreasons/podreasons-proxy:0.1.0@${digest}`);
    assert.equal(proxyContainer(rendered.default).image, 'ghcr.io/podreasons/podreasons-proxy:0.1.0');
    await assert.rejects(render(['image.digest=latest']), /digest/);
  });

  test('kube-prometheus-stack: the PrometheusRule holds exactly the groups of rules.yml', () => {
    const rule = one(rendered['kube-prometheus-stack'], 'PrometheusRule');
    assert.equal(rule.metadata.labels.release, 'kube-prometheus-stack');
    assert.deepEqual(rule.spec, { groups: readYaml(PROMETHEUS_RULES).groups });
  });

  test("the PrometheusRule's rules pass promtool's checks and the rules' unit tests", async () => {
    const rule = one(rendered['kube-prometheus-stack'], 'PrometheusRule');
    // rules_test.yml loads rules.yml from its own directory: here, the rendered groups.
    const dir = mkdtempSync(join(work, 'rules-'));
    copyFileSync(repo('provisioning/prometheus/rules_test.yml'), join(dir, 'rules_test.yml'));
    writeFileSync(join(dir, 'rules.yml'), stringify(rule.spec));
    await run('promtool', ['check', 'rules', join(dir, 'rules.yml')]);
    const { stdout } = await run('promtool', ['test', 'rules', join(dir, 'rules_test.yml')]);
    assert.match(stdout, /SUCCESS/);
  });

  test('kube-prometheus-stack: one dashboard ConfigMap per provisioned dashboard, in its folder', () => {
    const configMaps = labelled(rendered['kube-prometheus-stack'], 'grafana_dashboard');
    assert.equal(configMaps.length, DASHBOARD_FILES.length);
    for (const path of DASHBOARD_FILES) {
      const file = path.split('/').pop()!;
      const configMap = configMaps.find((c) => file in c.data);
      assert.ok(configMap, `no ConfigMap for ${path}`);
      assert.equal(configMap.metadata.labels.grafana_dashboard, '1');
      assert.equal(configMap.metadata.annotations.grafana_folder, 'Pod reasons');
      assert.deepEqual(JSON.parse(configMap.data[file]), readJson(path), `${file} differs from ${path}`);
    }
    assert.equal(labelled(rendered.default, 'grafana_dashboard').length, 0, 'off by default');
  });

  test("the dashboards' Prometheus data source uid is configurable, and nothing else changes", async () => {
    const prometheusUid = datasources().find((d) => d.type === 'prometheus')!.uid;
    const objects = await render([...KUBE_PROMETHEUS_STACK, 'grafana.prometheusDatasourceUid=kps-prometheus']);
    for (const path of DASHBOARD_FILES) {
      const file = path.split('/').pop()!;
      const dashboard = JSON.parse(labelled(objects, 'grafana_dashboard').find((c) => file in c.data).data[file]);
      const prometheusRefs = datasourceRefs(dashboard).filter(({ ref }) => ref?.type === 'prometheus');
      for (const { where, ref } of prometheusRefs) {
        assert.equal(ref.uid, 'kps-prometheus', `${file} ${where}`);
        ref.uid = prometheusUid;
      }
      assert.deepEqual(dashboard, readJson(path), `${file}: only the Prometheus uid may change`);
    }
  });

  test("kube-prometheus-stack: the data source ConfigMap is provisioning's, at the Service, token from Grafana's environment", () => {
    const objects = rendered['kube-prometheus-stack'];
    const [configMap] = labelled(objects, 'grafana_datasource');
    assert.equal(configMap.metadata.labels.grafana_datasource, '1');
    const files = Object.values(configMap.data) as string[];
    assert.equal(files.length, 1);
    const provisioned = parseYamlDocuments(files[0])[0];
    const service = one(objects, 'Service');
    const source = datasources().find((d) => d.type === 'podreasons-kubernetes-datasource')!;
    assert.deepEqual(provisioned, {
      apiVersion: 1,
      datasources: [
        {
          ...source,
          isDefault: false,
          jsonData: { ...source.jsonData, proxyUrl: `http://${service.metadata.name}.${NAMESPACE}.svc:8080` },
        },
      ],
    });
    assert.equal(source.secureJsonData?.token, '${PODREASONS_TOKEN}', 'the token is never in a ConfigMap');
    assert.equal(labelled(rendered.default, 'grafana_datasource').length, 0, 'off by default');
  });

  test('the packaged chart needs no checkout and renders the same objects', async () => {
    const dir = join(work, 'package');
    await helm(['package', CHART, '--destination', dir]);
    const [archive] = readdirSync(dir);
    assert.equal(archive, `podreasons-${readYaml(`${CHART_DIR}/Chart.yaml`).version}.tgz`);
    const { stdout } = await run('tar', ['-tvzf', join(dir, archive)]);
    assert.ok(!/^l/m.test(stdout), `the archive holds symbolic links:\n${stdout}`);
    assert.ok(!stdout.includes('dashboards.yml'), 'only dashboards, not the demo provider file');
    const withoutToken = (objects: any[]) => objects.filter((o) => o.kind !== 'Secret');
    assert.deepEqual(
      withoutToken(await render(KUBE_PROMETHEUS_STACK, join(dir, archive))),
      withoutToken(rendered['kube-prometheus-stack'])
    );
  });

  test("the chart README's values table names every value of values.yaml, and only those", () => {
    const leaves = (value: any, prefix: string): string[] =>
      value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0
        ? Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k))
        : [prefix];
    const values = leaves(readYaml(`${CHART_DIR}/values.yaml`), '');
    const table = readText(`${CHART_DIR}/README.md`).split('## Values')[1];
    const documented = [...table.matchAll(/^\| (.+?) \|/gm)].flatMap(([, cell]) =>
      [...cell.matchAll(/`([\w.]+)`/g)].map((m) => m[1])
    );
    const covers = (key: string, leaf: string) => leaf === key || leaf.startsWith(`${key}.`);
    for (const leaf of values) {
      assert.ok(
        documented.some((key) => covers(key, leaf)),
        `${leaf} is not in the README's values table`
      );
    }
    for (const key of documented) {
      assert.ok(
        values.some((leaf) => covers(key, leaf)),
        `${key} is in the README's values table but not in values.yaml`
      );
    }
  });
});

/**
 * The Prometheus Operator's CRDs, as its Go module ships them (the version kube-prometheus-stack
 * 88.5.3 runs): strict field validation rejects a misspelt or mistyped field anywhere in them.
 */
const PROMETHEUS_OPERATOR = { module: 'github.com/prometheus-operator/prometheus-operator', version: 'v0.93.1' };
const operatorCrds = async (): Promise<any[]> => {
  const dir = join(
    await downloadModule(PROMETHEUS_OPERATOR.module, PROMETHEUS_OPERATOR.version),
    'example/prometheus-operator-crd'
  );
  return ['servicemonitors', 'prometheusrules'].map((plural) =>
    parse(readFileSync(join(dir, `monitoring.coreos.com_${plural}.yaml`), 'utf8'))
  );
};

describe('on a real API server', () => {
  let admin: KubeConfig;
  let adminKubeconfig: string[];
  let release: () => Promise<void>;
  let proxy: Started | undefined;
  let crds: any[] = [];

  const apply = async (obj: any, dryRun: boolean) => {
    const res = await serverSideApply(admin, obj, dryRun);
    assert.ok(
      res.status === 200 || res.status === 201,
      `${obj.kind} ${obj.metadata.name}: ${res.status} ${res.body?.message}`
    );
  };

  /** Applies by dry-run, waiting while a new custom resource is not served yet. */
  const dryRun = async (obj: any) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await serverSideApply(admin, obj, true);
      if (res.status === 404 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      assert.ok(
        res.status === 200 || res.status === 201,
        `${obj.kind} ${obj.metadata.name}: ${res.status} ${res.body?.message}`
      );
      return;
    }
  };

  const helmOnCluster = async (command: 'install' | 'upgrade', values: string[]) =>
    helm([command, RELEASE, CHART, '--namespace', NAMESPACE, ...adminKubeconfig, ...setArgs(values)], log);

  /** What the ServiceAccount may do, asked with its own token. */
  const may = async (kc: KubeConfig, verb: string, resource: string, group = '', namespace?: string) => {
    const review = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb, resource, group, namespace } },
    };
    const res = await kubeRequest(kc, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', review);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.status.allowed === true;
  };

  /** The proxy as the Deployment runs it: its args and token, with the ServiceAccount's credentials. */
  const startProxy = async (objects: any[]) => {
    await proxy?.stop();
    const kubeconfig = join(work, 'serviceaccount.kubeconfig');
    const kc = await serviceAccountKubeconfig(admin, NAMESPACE, podSpec(objects).serviceAccountName, kubeconfig);
    const container = proxyContainer(objects);
    const secretRef = container.env.find((e: any) => e.name === 'PODREASONS_TOKEN').valueFrom.secretKeyRef;
    const secret = await kubeRequest(admin, 'GET', `/api/v1/namespaces/${NAMESPACE}/secrets/${secretRef.name}`);
    const token = Buffer.from(secret.body.data[secretRef.key], 'base64').toString();
    const port = await freePort();
    const args = container.args.map((a: string) => (a.startsWith('--listen=') ? `--listen=127.0.0.1:${port}` : a));
    proxy = startProcess(process.execPath, ['pkg-proxy/bin/podreasons.ts', ...args, `--kubeconfig=${kubeconfig}`], {
      cwd: root,
      env: { PATH: process.env.PATH, PODREASONS_TOKEN: token },
    });
    const url = `http://127.0.0.1:${port}`;
    const running = proxy;
    await eventually(
      () => `the proxy to sync; it said: ${running.output().slice(-2000)}`,
      async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined),
      60_000
    );
    assert.equal((await fetch(`${url}/api/v1/status`)).status, 401, 'the API needs the token');
    const status: any = await (
      await fetch(`${url}/api/v1/status`, { headers: { Authorization: `Bearer ${token}` } })
    ).json();
    return { kc, status, url, token };
  };

  before(async () => {
    const harness = await apiServer();
    release = harness.release;
    admin = harness.server.kubeConfig('admin');
    adminKubeconfig = ['--kubeconfig', harness.server.kubeconfigPath, '--kube-context', 'admin'];
    await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: RESTRICTED } }, false);
    for (const name of WATCHED) {
      await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, false);
    }
    crds = await operatorCrds();
    for (const crd of crds) {
      await apply(crd, false);
    }
  });

  after(async () => {
    await proxy?.stop();
    await helm(['uninstall', RELEASE, '--namespace', NAMESPACE, ...adminKubeconfig]).catch(() => undefined);
    for (const crd of crds) {
      await kubeRequest(admin, 'DELETE', objectPath(crd));
    }
    await release?.();
  });

  test('every object of every profile passes server-side dry-run, its pod under Pod Security "restricted"', async () => {
    for (const objects of Object.values(rendered)) {
      for (const obj of objects) {
        await dryRun(obj);
      }
      // Pod Security admission enforces on pods, and only warns on Deployments: the pod template
      // goes in as a pod. No controller would ever run it; dry-run does not even store it.
      const deployment = one(objects, 'Deployment');
      await dryRun({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${deployment.metadata.name}-pod-security`, namespace: NAMESPACE },
        spec: deployment.spec.template.spec,
      });
    }
  });

  test('the namespace does enforce "restricted": a pod that may escalate privileges is refused', async () => {
    const spec = structuredClone(podSpec(rendered.default));
    spec.containers[0].securityContext.allowPrivilegeEscalation = true;
    const res = await serverSideApply(
      admin,
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'escalating', namespace: NAMESPACE }, spec },
      true
    );
    assert.equal(res.status, 403);
    assert.match(res.body.message, /violates PodSecurity "restricted:latest": allowPrivilegeEscalation/);
  });

  test("the operator's CRDs reject a misspelt field", async () => {
    const monitor = structuredClone(one(rendered['kube-prometheus-stack'], 'ServiceMonitor'));
    monitor.spec.endpoints[0].honourLabels = true;
    const res = await serverSideApply(admin, monitor, true);
    assert.ok(res.status >= 400, 'an undeclared field is rejected');
    assert.match(res.body.message, /honourLabels/);
  });

  test('helm install, then upgrade: the token is made once and kept', async () => {
    const { stdout } = await helmOnCluster('install', KUBE_PROMETHEUS_STACK);
    assert.match(stdout, new RegExp(`http://${RELEASE}\\.${NAMESPACE}\\.svc:8080`), 'the notes name the URL');
    const secretPath = `/api/v1/namespaces/${NAMESPACE}/secrets/${RELEASE}-token`;
    const installed = (await kubeRequest(admin, 'GET', secretPath)).body.data.token;
    assert.ok(installed);
    await helmOnCluster('upgrade', KUBE_PROMETHEUS_STACK);
    assert.equal((await kubeRequest(admin, 'GET', secretPath)).body.data.token, installed);
  });

  test("the proxy on the ServiceAccount's token syncs the whole cluster and may read nothing else", async () => {
    const { kc, status } = await startProxy(rendered['kube-prometheus-stack']);
    assert.deepEqual(status.scope, { cluster: true, namespaces: [] });
    assert.deepEqual(status.permissions, {
      pods: 'watch',
      nodes: 'watch',
      events: 'watch',
      replicasets: 'watch',
      jobs: 'watch',
    });
    assert.equal(status.synced, true);
    for (const verb of READ) {
      for (const [resource, group] of [
        ['pods', ''],
        ['nodes', ''],
        ['events', ''],
        ['events', 'events.k8s.io'],
      ]) {
        assert.ok(await may(kc, verb, resource, group), `${verb} ${group}/${resource}`);
      }
    }
    for (const [verb, resource, namespace] of [
      ['get', 'secrets', NAMESPACE],
      ['list', 'secrets', undefined],
      ['create', 'pods', 'team-a'],
      ['patch', 'pods', 'team-a'],
      ['delete', 'pods', 'team-a'],
      ['create', 'pods/eviction', 'team-a'],
      ['create', 'pods/exec', 'team-a'],
      ['patch', 'nodes', undefined],
      ['list', 'configmaps', NAMESPACE],
    ]) {
      assert.ok(!(await may(kc, verb!, resource!, '', namespace)), `must not ${verb} ${resource}`);
    }
    // Everything the account may do in a namespace: reads, and the self-reviews every identity may make.
    const res = await kubeRequest(kc, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      spec: { namespace: 'team-a' },
    });
    for (const rule of res.body.status.resourceRules) {
      const selfReview = rule.verbs.join() === 'create' && rule.resources.every((r: string) => r.startsWith('self'));
      assert.ok(
        selfReview || rule.verbs.every((v: string) => READ.includes(v)),
        `a rule beyond reading: ${JSON.stringify(rule)}`
      );
      assert.ok(!rule.resources.includes('secrets') && !rule.resources.includes('*'), JSON.stringify(rule));
    }
    await proxy!.stop();
  });

  test('the `helm test` pod passes against the running proxy, and fails against a wrong token', async () => {
    const objects = rendered['kube-prometheus-stack'];
    const { url, token } = await startProxy(objects);
    const hook = one(objects, 'Pod');
    const [container] = hook.spec.containers;
    const env = (value: string) => ({ PATH: process.env.PATH, PODREASONS_URL: url, PODREASONS_TOKEN: value });
    const [command, ...args] = container.command;
    assert.equal(command, 'node');
    const { stdout } = await run(process.execPath, args, { env: env(token) });
    assert.match(stdout, /is ready and answers with the token/);
    await assert.rejects(run(process.execPath, args, { env: env('not-the-token') }), /with the token answered 401/);
    await proxy!.stop();
  });

  test('namespaced: after an upgrade the proxy watches only its namespaces, and reads no nodes', async () => {
    const values = [...KUBE_PROMETHEUS_STACK, ...PROFILES.namespaced];
    await helmOnCluster('upgrade', values);
    const clusterRole = one(rendered.default, 'ClusterRole');
    assert.equal((await kubeRequest(admin, 'GET', objectPath(clusterRole))).status, 404, 'the ClusterRole is gone');
    const { kc, status } = await startProxy(await render(values));
    assert.deepEqual(status.scope, { cluster: false, namespaces: WATCHED });
    assert.equal(status.permissions.pods, 'watch');
    assert.equal(status.permissions.nodes, 'forbidden');
    assert.deepEqual([status.permissions.replicasets, status.permissions.jobs], ['watch', 'watch']);
    for (const ns of WATCHED) {
      assert.ok(await may(kc, 'watch', 'pods', '', ns), `watch pods in ${ns}`);
      assert.ok(await may(kc, 'list', 'events', 'events.k8s.io', ns), `list events in ${ns}`);
    }
    assert.ok(!(await may(kc, 'list', 'pods', '', 'default')));
    assert.ok(!(await may(kc, 'list', 'pods')), 'no cluster-wide list');
    assert.ok(!(await may(kc, 'list', 'nodes')));
    await proxy!.stop();
  });
});
