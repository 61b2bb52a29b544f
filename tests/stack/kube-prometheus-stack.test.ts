// examples/kube-prometheus-stack: the Pod Reasons chart's values and kube-prometheus-stack's, checked
// against what kube-prometheus-stack selects and searches by default, then installed on a real API
// server with the Prometheus Operator's CRDs, and the ServiceMonitor's endpoint scraped by a real
// Prometheus configured from it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { downloadModule } from '../cluster/go-module.ts';
import { helm } from '../cluster/helm.ts';
import { apiServer, kubeRequest, objectPath, serverSideApply } from './kube.ts';
import {
  PLUGIN_ID,
  datasourceRefs,
  eventually,
  freePort,
  parseYamlDocuments,
  readJson,
  readYaml,
  repo,
  root,
  startProcess,
  type Started,
} from './lib.ts';

const EXAMPLE = 'examples/kube-prometheus-stack';
const CHART = repo('pkg-proxy/deploy/helm/podreasons');
const RELEASE = 'podreasons';
const KPS_RELEASE = 'kube-prometheus-stack';
const NAMESPACE = 'monitoring';

/**
 * kube-prometheus-stack 88.5.3's defaults that decide what it finds (its values.yaml, and that of its
 * Grafana chart 12.11.1 where kube-prometheus-stack sets nothing): the Prometheus selects
 * ServiceMonitors and PrometheusRules labelled release=<its release> in every namespace
 * (`*SelectorNilUsesHelmValues: true`, namespace selectors `{}`); the dashboard sidecar searches
 * every namespace, the data source sidecar only Grafana's.
 */
const KPS_DEFAULTS = {
  grafana: {
    sidecar: {
      dashboards: {
        label: 'grafana_dashboard',
        labelValue: '1',
        searchNamespace: 'ALL',
        folderAnnotation: null,
        provider: { foldersFromFilesStructure: false },
      },
      datasources: { label: 'grafana_datasource', labelValue: '1', searchNamespace: null, uid: 'prometheus' },
    },
  },
  prometheus: {
    prometheusSpec: { serviceMonitorSelectorNilUsesHelmValues: true, ruleSelectorNilUsesHelmValues: true },
  },
};

const merge = (base: any, over: any): any =>
  over && typeof over === 'object' && !Array.isArray(over) && base && typeof base === 'object'
    ? Object.fromEntries(
        [...new Set([...Object.keys(base), ...Object.keys(over)])].map((k) => [k, merge(base[k], over[k])])
      )
    : over === undefined
      ? base
      : over;

const kps = merge(KPS_DEFAULTS, readYaml(`${EXAMPLE}/kube-prometheus-stack.values.yaml`));
const grafana = kps.grafana;
const helmSelector = { release: KPS_RELEASE };
const sidecarSearches = (searchNamespace: string | null, namespace: string) =>
  searchNamespace === 'ALL' || (searchNamespace ?? NAMESPACE).split(',').includes(namespace);
const labelled = (objects: any[], label: string, value: string) =>
  objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.[label] === value);
const one = (objects: any[], kind: string) => {
  const found = objects.filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `one ${kind}`);
  return found[0];
};
const log = (line: string) => process.stderr.write(`${line}\n`);
const valuesArgs = ['-f', repo(`${EXAMPLE}/podreasons.values.yaml`)];

let objects: any[];
let work: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'podreasons-kps-'));
  const { stdout } = await helm(['template', RELEASE, CHART, '--namespace', NAMESPACE, ...valuesArgs], log);
  objects = parseYamlDocuments(stdout);
});
after(() => rmSync(work, { recursive: true, force: true }));

describe("the example values, against kube-prometheus-stack's defaults", () => {
  test("its Prometheus selects the ServiceMonitor and the PrometheusRule, in this chart's namespace", () => {
    for (const kind of ['ServiceMonitor', 'PrometheusRule']) {
      const obj = one(objects, kind);
      for (const [key, value] of Object.entries(helmSelector)) {
        assert.equal(obj.metadata.labels[key], value, `${kind} label ${key}`);
      }
    }
    assert.equal(kps.prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues, true);
    assert.equal(kps.prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues, true);
  });

  test('the dashboard sidecar finds every dashboard and puts it in the folder', () => {
    const { dashboards } = grafana.sidecar;
    const found = labelled(objects, dashboards.label, dashboards.labelValue);
    assert.ok(found.length >= 2, 'the dashboards');
    assert.equal(dashboards.provider.foldersFromFilesStructure, true, 'folders come from the annotation');
    for (const configMap of found) {
      assert.ok(sidecarSearches(dashboards.searchNamespace, configMap.metadata.namespace));
      assert.equal(configMap.metadata.annotations[dashboards.folderAnnotation], 'Pod reasons');
      for (const text of Object.values(configMap.data) as string[]) {
        for (const { where, ref } of datasourceRefs(JSON.parse(text)).filter(({ ref }) => ref?.type === 'prometheus')) {
          assert.equal(ref.uid, grafana.sidecar.datasources.uid, where);
        }
      }
    }
  });

  test("the data source sidecar finds the data source; Grafana gets its token from the chart's Secret, optionally", () => {
    const { datasources } = grafana.sidecar;
    const [configMap] = labelled(objects, datasources.label, datasources.labelValue);
    assert.ok(configMap, 'the data source ConfigMap');
    assert.ok(sidecarSearches(datasources.searchNamespace, configMap.metadata.namespace));
    const [source] = parse(Object.values(configMap.data)[0] as string).datasources;
    assert.equal(source.secureJsonData.token, '${PODREASONS_TOKEN}');
    const ref = grafana.envValueFrom.PODREASONS_TOKEN.secretKeyRef;
    const secret = one(objects, 'Secret');
    assert.equal(ref.name, secret.metadata.name);
    assert.equal(secret.metadata.namespace, NAMESPACE, "the Secret is in Grafana's namespace");
    assert.ok(ref.key in secret.data);
    assert.equal(ref.optional, true, 'Grafana starts before the Secret exists');
  });

  test("the plugin is the release's zip of this version, and only it may load unsigned", () => {
    const { version } = readJson('package.json');
    const [entry] = grafana.plugins;
    const [id, pinned, url] = entry.split('@');
    assert.deepEqual([id, pinned], [PLUGIN_ID, version]);
    assert.match(url, new RegExp(`^https://.+/releases/download/v${version}/${PLUGIN_ID}-${version}\\.zip$`));
    assert.equal(grafana['grafana.ini'].plugins.allow_loading_unsigned_plugins, PLUGIN_ID);
  });
});

/** Prometheus Operator v0.93.1, the version kube-prometheus-stack 88.5.3 runs. */
const operatorCrds = async (): Promise<any[]> => {
  const dir = join(
    await downloadModule('github.com/prometheus-operator/prometheus-operator', 'v0.93.1'),
    'example/prometheus-operator-crd'
  );
  return ['servicemonitors', 'prometheusrules'].map((plural) =>
    parse(readFileSync(join(dir, `monitoring.coreos.com_${plural}.yaml`), 'utf8'))
  );
};

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const relabelConfigs = (rules: any[] = []) =>
  rules.map((rule) =>
    Object.fromEntries(Object.entries(rule).map(([k, v]) => [snake(k), k === 'action' ? String(v).toLowerCase() : v]))
  );

/**
 * A scrape config from a stored ServiceMonitor endpoint, field by field as the operator's
 * generateServiceMonitorConfig (pkg/prometheus/promcfg.go) writes them, with a static target in place
 * of its Kubernetes discovery and the Secrets read from the API server into files. A field it does
 * not know fails the test rather than being left out of the scrape.
 */
async function scrapeConfig(admin: KubeConfig, monitor: any, service: any, target: string) {
  const [endpoint, ...more] = monitor.spec.endpoints;
  assert.equal(more.length, 0);
  const known = ['port', 'path', 'scheme', 'interval', 'scrapeTimeout', 'honorLabels', 'authorization'];
  const unknown = Object.keys(endpoint).filter((k) => !known.includes(k) && !/elabelings$/.test(k));
  assert.deepEqual(unknown, [], 'endpoint fields this translation does not know');
  const secretValue = async ({ name, key }: { name: string; key: string }) => {
    const res = await kubeRequest(admin, 'GET', `/api/v1/namespaces/${monitor.metadata.namespace}/secrets/${name}`);
    assert.equal(res.status, 200, `the Secret ${name} in the ServiceMonitor's namespace`);
    return Buffer.from(res.body.data[key], 'base64').toString();
  };
  const config: any = {
    job_name: `serviceMonitor/${monitor.metadata.namespace}/${monitor.metadata.name}/0`,
    honor_labels: endpoint.honorLabels ?? false,
    scrape_interval: endpoint.interval,
    ...(endpoint.scrapeTimeout && { scrape_timeout: endpoint.scrapeTimeout }),
    metrics_path: endpoint.path,
    scheme: endpoint.scheme ?? 'http',
    static_configs: [
      {
        targets: [target],
        // What the operator's discovery relabelling gives a target before the endpoint's own.
        labels: {
          namespace: service.metadata.namespace,
          service: service.metadata.name,
          endpoint: endpoint.port,
          job: service.metadata.name,
        },
      },
    ],
    relabel_configs: relabelConfigs(endpoint.relabelings),
    metric_relabel_configs: relabelConfigs(endpoint.metricRelabelings),
  };
  if (endpoint.authorization) {
    const file = join(work, 'scrape-credentials');
    writeFileSync(file, await secretValue(endpoint.authorization.credentials));
    config.authorization = { type: endpoint.authorization.type ?? 'Bearer', credentials_file: file };
  }
  return config;
}

describe('installed on a real API server with the Prometheus Operator CRDs', () => {
  let admin: KubeConfig;
  let kubeconfigArgs: string[];
  let release: () => Promise<void>;
  let crds: any[] = [];
  const started: Started[] = [];

  before(async () => {
    const harness = await apiServer();
    release = harness.release;
    admin = harness.server.kubeConfig('admin');
    kubeconfigArgs = ['--kubeconfig', harness.server.kubeconfigPath, '--kube-context', 'admin'];
    crds = await operatorCrds();
    for (const obj of [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }, ...crds]) {
      const res = await serverSideApply(admin, obj, false);
      assert.ok(res.status < 300, `${obj.kind}: ${res.body?.message}`);
    }
  });

  after(async () => {
    for (const proc of started) {
      await proc.stop();
    }
    await helm(['uninstall', RELEASE, '--namespace', NAMESPACE, ...kubeconfigArgs]).catch(() => undefined);
    for (const crd of crds) {
      await kubeRequest(admin, 'DELETE', objectPath(crd));
    }
    await release?.();
  });

  test('helm install creates every object, and Prometheus scrapes the proxy with the metrics token', async () => {
    const metricsToken = 'metrics-token-for-prometheus-only';
    const metricsSecret = readYaml(`${EXAMPLE}/podreasons.values.yaml`).metricsAuth.existingSecret;
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: metricsSecret, namespace: NAMESPACE },
      stringData: { token: metricsToken },
    };
    assert.ok((await serverSideApply(admin, secret, false)).status < 300);
    // Until the CRDs are served, an install of custom resources fails with "no matches for kind".
    await eventually('the ServiceMonitor kind to be served', async () =>
      (await kubeRequest(admin, 'GET', `/apis/monitoring.coreos.com/v1/namespaces/${NAMESPACE}/servicemonitors`))
        .status === 200
        ? true
        : undefined
    );
    await helm(['install', RELEASE, CHART, '--namespace', NAMESPACE, ...kubeconfigArgs, ...valuesArgs], log);
    for (const obj of objects.filter((o) => !o.metadata.annotations?.['helm.sh/hook'])) {
      const res = await kubeRequest(admin, 'GET', objectPath(obj));
      assert.equal(res.status, 200, `${obj.kind} ${obj.metadata.name} was created`);
    }

    // The proxy as the Deployment runs it, its metrics token file written from the Secret.
    const container = one(objects, 'Deployment').spec.template.spec.containers[0];
    const tokenFile = join(work, 'metrics-token');
    writeFileSync(tokenFile, metricsToken);
    const port = await freePort();
    const args = container.args.map((a: string) =>
      a.startsWith('--listen=')
        ? `--listen=127.0.0.1:${port}`
        : a.startsWith('--metrics-token-file=')
          ? `--metrics-token-file=${tokenFile}`
          : a
    );
    assert.ok(
      args.some((a: string) => a.startsWith('--metrics-token-file=')),
      'the proxy requires a metrics token'
    );
    const kubeconfig = join(work, 'admin.kubeconfig');
    writeFileSync(kubeconfig, admin.exportConfig());
    const proxy = startProcess(
      process.execPath,
      ['pkg-proxy/bin/podreasons.ts', ...args, `--kubeconfig=${kubeconfig}`],
      {
        cwd: root,
        env: { PATH: process.env.PATH, PODREASONS_TOKEN: 'api-token' },
      }
    );
    started.push(proxy);
    const target = `127.0.0.1:${port}`;
    await eventually(
      () => `the proxy: ${proxy.output().slice(-1000)}`,
      async () => ((await fetch(`http://${target}/readyz`)).ok ? true : undefined),
      60_000
    );
    assert.equal((await fetch(`http://${target}/metrics`)).status, 401, '/metrics needs the token');

    const stored = (await kubeRequest(admin, 'GET', objectPath(one(objects, 'ServiceMonitor')))).body;
    const service = one(objects, 'Service');
    const scrape = await scrapeConfig(admin, stored, service, target);
    scrape.scrape_interval = '1s'; // the test's pace; everything else is the ServiceMonitor's
    delete scrape.scrape_timeout;
    writeFileSync(join(work, 'prometheus.yml'), stringify({ scrape_configs: [scrape] }));
    const promPort = await freePort();
    const prometheus = startProcess(
      'prometheus',
      [
        `--config.file=${join(work, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(work, 'prometheus-data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      {}
    );
    started.push(prometheus);
    const query = async (expr: string) => {
      const body: any = await (
        await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(expr)}`)
      ).json();
      return body.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>;
    };
    const [up] = await eventually(
      () => `a scrape of the proxy: ${prometheus.output().slice(-1500)}`,
      async () => {
        const result = await query('up');
        return result.length > 0 && result[0].value[1] === '1' ? result : undefined;
      },
      60_000
    );
    assert.equal(up.metric.job, 'podreasons', 'the job the alert rules expect');
    const cached = await eventually('podreasons metrics in Prometheus', async () => {
      const result = await query('podreasons_cached_objects{job="podreasons"}');
      return result.length > 0 ? result : undefined;
    });
    assert.ok(cached.length > 0);
  });
});
