// Grafana provisioning: data sources, the dashboard provider and the dashboards. Plugin queries are
// type-checked against src/types.ts, PromQL is parsed by promtool, and every reference (data
// source uid, dashboard uid, template variable, vocabulary value) must resolve.
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { describe, test } from 'node:test';
import { defaultDashboard } from '@grafana/schema';
import { CATEGORIES, INITIATORS } from '../../pkg-proxy/src/engine/types.ts';
import {
  DASHBOARD_FILES,
  PLUGIN_ID,
  checkPromql,
  datasourceRefs,
  datasources,
  exactMatchers,
  isDurationVariable,
  readJson,
  readYaml,
  repo,
} from './lib.ts';
import { typecheckAgainstPluginTypes } from './typecheck.ts';

const dashboards = DASHBOARD_FILES.map((path) => ({ path, dashboard: readJson(path) }));
const byUid = new Map(dashboards.map(({ dashboard }) => [dashboard.uid, dashboard]));
const pluginDs = (ref: { uid: string } | undefined) => ref?.uid === 'podreasons';
const promDs = (ref: { uid: string } | undefined) => ref?.uid === 'prometheus';

/** Every string in an object tree, with its path, for links and variable references. */
function strings(value: unknown, path = ''): Array<{ path: string; text: string }> {
  if (typeof value === 'string') {
    return [{ path, text: value }];
  }
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => strings(v, `${path}.${k}`));
  }
  return [];
}

const promTargets = (dashboard: any) =>
  dashboard.panels.flatMap((panel: any) =>
    (panel.targets ?? []).filter((t: any) => promDs(t.datasource)).map((t: any) => ({ panel, expr: t.expr as string }))
  );

describe('data sources', () => {
  const [plugin, prometheus] = ['podreasons', 'prometheus'].map((uid) => datasources().find((ds) => ds.uid === uid));

  test('the plugin data source takes its proxy URL and token from the environment', () => {
    assert.ok(plugin, 'no data source with uid podreasons');
    assert.equal(plugin.type, PLUGIN_ID);
    assert.equal(plugin.name, 'Pod Reasons');
    assert.equal(plugin.jsonData?.proxyUrl, '${PODREASONS_PROXY_URL}');
    assert.equal(plugin.secureJsonData?.token, '${PODREASONS_TOKEN}');
  });

  test('its settings are the ones the plugin defines (src/types.ts)', () => {
    assert.deepEqual(
      typecheckAgainstPluginTypes({
        PodReasonsOptions: [{ where: 'jsonData', value: plugin!.jsonData }],
        PodReasonsSecureOptions: [{ where: 'secureJsonData', value: plugin!.secureJsonData }],
      }),
      []
    );
  });

  test('Prometheus takes its URL from the environment', () => {
    assert.ok(prometheus, 'no data source with uid prometheus');
    assert.equal(prometheus.type, 'prometheus');
    assert.equal(prometheus.url, '${PROMETHEUS_URL}');
  });
});

describe('dashboards', () => {
  test('the provider loads this folder from where docker-compose.yaml mounts provisioning/', () => {
    const [provider] = readYaml('provisioning/dashboards/dashboards.yml').providers;
    const prefix = '/etc/grafana/provisioning/';
    assert.ok(provider.options.path.startsWith(prefix), provider.options.path);
    const local = repo('provisioning', provider.options.path.slice(prefix.length));
    assert.equal(relative(repo('provisioning', 'dashboards'), local), '');
    assert.deepEqual(dashboards.map(({ dashboard }) => dashboard.uid).sort(), [
      'podreasons-overview',
      'podreasons-pod',
    ]);
  });

  for (const { path, dashboard } of dashboards) {
    describe(path, () => {
      test('has the schema version of Grafana 13 and unique panel ids', () => {
        assert.equal(dashboard.schemaVersion, defaultDashboard.schemaVersion);
        const ids = dashboard.panels.map((p: any) => p.id);
        assert.equal(new Set(ids).size, ids.length, `duplicate panel ids: ${ids}`);
      });

      test('panels fit the 24-column grid without overlapping', () => {
        const boxes = dashboard.panels.map((p: any) => ({ id: p.id, ...p.gridPos }));
        for (const b of boxes) {
          assert.ok(b.x >= 0 && b.w > 0 && b.h > 0 && b.x + b.w <= 24, `panel ${b.id}: ${JSON.stringify(b)}`);
        }
        for (const a of boxes) {
          for (const b of boxes) {
            const overlap = a.id < b.id && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
            assert.ok(!overlap, `panels ${a.id} and ${b.id} overlap`);
          }
        }
      });

      test('every data source it uses is provisioned, with the right type', () => {
        const provisioned = new Map(datasources().map((ds) => [ds.uid, ds.type]));
        for (const { where, ref } of datasourceRefs(dashboard)) {
          assert.ok(ref, `${where} names no data source`);
          assert.equal(provisioned.get(ref.uid), ref.type, `${where}: ${JSON.stringify(ref)}`);
        }
      });

      test('plugin queries, annotations and variables type-check against the query model', () => {
        const queries = dashboard.panels.flatMap((panel: any) =>
          (panel.targets ?? [])
            .filter((t: any) => pluginDs(t.datasource))
            .map((value: any) => ({ where: `panel ${panel.id} target ${value.refId}`, value }))
        );
        const annotations = dashboard.annotations.list
          .filter((a: any) => pluginDs(a.datasource))
          .map((a: any) => ({ where: `annotation ${a.name}`, value: a.target }));
        const variables = dashboard.templating.list
          .filter((v: any) => pluginDs(v.datasource))
          .map((v: any) => ({ where: `variable ${v.name}`, value: v.query }));
        assert.ok(queries.length > 0);
        assert.deepEqual(
          typecheckAgainstPluginTypes({
            PodReasonsQuery: [...queries, ...annotations],
            PodReasonsVariableQuery: variables,
          }),
          []
        );
        for (const { where, value } of [...queries, ...annotations]) {
          for (const category of value.categories ?? []) {
            assert.ok(CATEGORIES.includes(category), `${where}: category ${category}`);
          }
        }
      });

      test('every template variable it uses is defined', () => {
        const defined = new Set(dashboard.templating.list.map((v: any) => v.name));
        for (const { path: at, text } of strings({
          panels: dashboard.panels,
          annotations: dashboard.annotations,
          templating: dashboard.templating,
        })) {
          for (const [, name] of text.matchAll(/\$\{?(\w+)/g)) {
            // Names starting with __ are Grafana's own (__rate_interval, __data, __url_time_range, …).
            assert.ok(
              name.startsWith('__') || defined.has(name),
              `${at}: $${name} is not a variable of this dashboard`
            );
          }
        }
      });

      test('its PromQL parses and names only known categories and initiators', async () => {
        const exprs: string[] = promTargets(dashboard).map(({ expr }: { expr: string }) => expr);
        for (const expr of exprs) {
          for (const { label, value } of exactMatchers(expr)) {
            if (label === 'category') {
              assert.ok(CATEGORIES.includes(value as never), `${expr}: category ${value}`);
            }
            if (label === 'initiator') {
              assert.ok(INITIATORS.includes(value as never), `${expr}: initiator ${value}`);
            }
          }
        }
        // Grafana fills these in before Prometheus sees the query.
        const substituted = exprs.map((expr) =>
          expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (_, a, b) => (isDurationVariable(a ?? b) ? '1m' : 'value'))
        );
        await checkPromql(substituted);
      });

      test('links to dashboards resolve, pass the pod or the workload and keep the time range', () => {
        const linked = { pod: 0, workload: 0 };
        for (const { path: at, text } of strings({ panels: dashboard.panels, links: dashboard.links })) {
          const target = /^\/d\/([\w-]+)/.exec(text);
          if (!target) {
            continue;
          }
          const dashboardLinked = byUid.get(target[1]);
          assert.ok(dashboardLinked, `${at}: links to unknown dashboard ${target[1]}`);
          if (!at.startsWith('.panels')) {
            continue;
          }
          assert.match(text, /&\$\{__url_time_range\}/, at);
          const names = dashboardLinked.templating.list.map((v: any) => v.name);
          if (text.includes('var-workload=')) {
            // The workload variable takes namespace/Kind/name, as /values/workloads lists it.
            assert.match(
              text,
              /[?&]var-workload=\$\{__data\.fields\.namespace:percentencode\}%2F\$\{__data\.fields\.workload_kind:percentencode\}%2F\$\{__data\.fields\.workload:percentencode\}&/,
              at
            );
            assert.ok(names.includes('workload'), `${target[1]} has no workload variable`);
            linked.workload++;
          } else {
            assert.match(text, /[?&]var-namespace=\$\{__data\.fields\.namespace(:percentencode)?\}/, at);
            assert.match(text, /[?&]var-pod=\$\{__data\.fields\.pod(:percentencode)?\}/, at);
            assert.ok(
              names.includes('namespace') && names.includes('pod'),
              `${target[1]} has no namespace and pod variables`
            );
            linked.pod++;
          }
        }
        for (const link of dashboard.links) {
          assert.equal(link.keepTime, true, `dashboard link ${link.title} drops the time range`);
        }
        if (dashboard.uid === 'podreasons-overview') {
          assert.ok(linked.pod >= 2, 'the pod tables link to the drill-down');
          assert.ok(linked.workload >= 1, 'the workloads table links to the overview filtered on one');
        }
      });
    });
  }

  test('the overview filters by namespace, reason, initiator, node and workload, each multi-value with All', () => {
    const overview = byUid.get('podreasons-overview');
    const kinds = Object.fromEntries(overview.templating.list.map((v: any) => [v.name, v]));
    for (const [name, kind] of Object.entries({
      namespace: 'namespaces',
      reason: 'reasons',
      initiator: 'initiators',
      node: 'nodes',
      workload: 'workloads',
    })) {
      assert.equal(kinds[name]?.query.kind, kind, name);
      assert.equal(kinds[name].multi, true, name);
      assert.equal(kinds[name].includeAll, true, name);
    }
    const panelTypes = overview.panels.map((p: any) => p.type);
    for (const type of ['stat', 'barchart', 'table', 'timeseries']) {
      assert.ok(panelTypes.includes(type), type);
    }
    const live = overview.panels.flatMap((p: any) => p.targets).filter((t: any) => t.live);
    assert.deepEqual(live.map((t: any) => t.queryType).sort(), ['pods', 'transitions']);
    // Every data source panel and the annotation follow the workload variable (the workload links set it).
    const pluginTargets = [
      ...overview.panels.flatMap((p: any) => p.targets).filter((t: any) => pluginDs(t.datasource)),
      ...overview.annotations.list.filter((a: any) => pluginDs(a.datasource)).map((a: any) => a.target),
    ];
    for (const target of pluginTargets) {
      assert.deepEqual(target.workloads, ['$workload'], JSON.stringify(target));
    }
  });

  test('the overview says who pays for disruptions: per workload, per initiator and per node pool', () => {
    const overview = byUid.get('podreasons-overview');
    const panel = (title: string) => overview.panels.find((p: any) => p.title === title);
    const disrupted = panel('Most disrupted workloads');
    const byInitiator = panel('Most disrupted workloads, by initiator');
    const byPool = panel('Disruptions by node pool');
    assert.deepEqual([disrupted?.type, byInitiator?.type, byPool?.type], ['table', 'barchart', 'timeseries']);
    for (const { targets } of [disrupted, byInitiator]) {
      // Totals over the dashboard's time range, one row per workload.
      assert.equal(targets[0].instant, true);
      assert.equal(targets[0].format, 'table');
      assert.match(targets[0].expr, /\[\$__range\]/);
    }
    assert.deepEqual(
      byInitiator.transformations.map((t: any) => t.id),
      ['groupingToMatrix']
    );
    assert.match(byPool.targets[0].expr, /^sum by \(nodepool\)/);
  });

  test('the drill-down selects one pod of one namespace', () => {
    const pod = byUid.get('podreasons-pod');
    const [namespace, podVar] = pod.templating.list;
    assert.equal(namespace.query.kind, 'namespaces');
    assert.deepEqual([podVar.name, podVar.query.kind, podVar.query.namespace], ['pod', 'pods', '$namespace']);
    assert.ok(!namespace.multi && !podVar.multi);
  });
});
