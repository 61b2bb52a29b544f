// Alert rules: the Prometheus rules pass promtool's unit tests, and the Grafana-managed rules are
// the same rules (query + threshold = expression, same "for", same labels) on a provisioned data source.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CATEGORIES, INITIATORS } from '../../pkg-proxy/src/engine/types.ts';
import {
  DASHBOARD_FILES,
  GRAFANA_RULES,
  PROMETHEUS_RULES,
  datasources,
  exactMatchers,
  readJson,
  readYaml,
  repo,
  run,
} from './lib.ts';

interface PromRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const promRules: PromRule[] = readYaml(PROMETHEUS_RULES).groups.flatMap((g: any) => g.rules);
const grafanaFile = readYaml(GRAFANA_RULES);
const grafanaRules: any[] = grafanaFile.groups.flatMap((g: any) => g.rules);
const OPERATORS: Record<string, string> = { gt: '>', lt: '<' };

const normalize = (expr: string) => expr.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();
const duration = (value: string | undefined) => (!value || /^0[smh]?$/.test(value) ? '0s' : value);

/** The labels an alert keeps: those of its expression's outermost `by (...)`. */
const keptLabels = (expr: string) => (/\bby\s*\(([^)]*)\)/.exec(expr)?.[1] ?? '').split(',').map((l) => l.trim());
const templateLabels = (annotations: Record<string, string>) =>
  Object.values(annotations).flatMap((text) => [...text.matchAll(/\$labels\.(\w+)/g)].map((m) => m[1]));

/** A Grafana rule as the Prometheus expression it stands for. */
function asPromQL(rule: any): { expr: string; query: any } {
  const step = (refId: string) => rule.data.find((d: any) => d.refId === refId);
  const condition = step(rule.condition);
  assert.equal(condition?.model.type, 'threshold', `${rule.title}: the condition is not a threshold`);
  const reduce = step(condition.model.expression);
  assert.equal(reduce?.model.type, 'reduce', `${rule.title}: the threshold does not read a reduce step`);
  const query = step(reduce.model.expression);
  assert.ok(query?.model.expr, `${rule.title}: the reduce step does not read a PromQL query`);
  const [{ evaluator }] = condition.model.conditions;
  const operator = OPERATORS[evaluator.type];
  assert.ok(operator, `${rule.title}: unsupported evaluator ${evaluator.type}`);
  return { expr: `${query.model.expr} ${operator} ${evaluator.params[0]}`, query };
}

describe('Prometheus rules', () => {
  test('promtool accepts them and their unit tests pass', async () => {
    await run('promtool', ['check', 'rules', repo(PROMETHEUS_RULES)]);
    const { stdout } = await run('promtool', ['test', 'rules', repo('provisioning/prometheus/rules_test.yml')]);
    assert.match(stdout, /SUCCESS/);
  });

  test('every alert has a unit test in which it fires', () => {
    const fired = new Set(
      readYaml('provisioning/prometheus/rules_test.yml').tests.flatMap((t: any) =>
        t.alert_rule_test.filter((a: any) => a.exp_alerts.length > 0).map((a: any) => a.alertname)
      )
    );
    for (const rule of promRules) {
      assert.ok(fired.has(rule.alert), `${rule.alert} never fires in rules_test.yml`);
    }
  });

  test('label values are from the reason vocabulary and annotations use only kept labels', () => {
    for (const rule of promRules) {
      for (const { label, value } of exactMatchers(rule.expr)) {
        if (label === 'category') {
          assert.ok(CATEGORIES.includes(value as never), `${rule.alert}: category ${value}`);
        }
        if (label === 'initiator') {
          assert.ok(INITIATORS.includes(value as never), `${rule.alert}: initiator ${value}`);
        }
      }
      const kept = keptLabels(rule.expr);
      for (const label of templateLabels(rule.annotations)) {
        assert.ok(kept.includes(label), `${rule.alert}: $labels.${label} is dropped by the expression`);
      }
    }
  });
});

describe('Grafana-managed rules', () => {
  test('are provisioning file version 1 with unique uids', () => {
    assert.equal(grafanaFile.apiVersion, 1);
    for (const group of grafanaFile.groups) {
      assert.ok(group.name && group.folder && group.interval, JSON.stringify(group));
    }
    const uids = grafanaRules.map((r) => r.uid);
    assert.equal(new Set(uids).size, uids.length);
    for (const uid of uids) {
      assert.ok(uid.length <= 40, `uid ${uid} is longer than Grafana allows`);
    }
  });

  test('are the Prometheus rules, one for one', () => {
    assert.deepEqual(grafanaRules.map((r) => r.title).sort(), promRules.map((r) => r.alert).sort());
    for (const rule of grafanaRules) {
      const prom = promRules.find((r) => r.alert === rule.title)!;
      assert.equal(normalize(asPromQL(rule).expr), normalize(prom.expr), rule.title);
      assert.equal(duration(rule.for), duration(prom.for), `${rule.title}: for`);
      assert.deepEqual(rule.labels, prom.labels, `${rule.title}: labels`);
    }
  });

  test('query the provisioned Prometheus and link to a provisioned dashboard panel', () => {
    const provisioned = new Map(datasources().map((ds) => [ds.uid, ds.type]));
    const dashboards = new Map(DASHBOARD_FILES.map((path) => readJson(path)).map((d) => [d.uid, d]));
    for (const rule of grafanaRules) {
      for (const step of rule.data) {
        if (step.datasourceUid === '__expr__') {
          continue;
        }
        assert.equal(
          provisioned.get(step.datasourceUid),
          'prometheus',
          `${rule.title}: data source ${step.datasourceUid}`
        );
      }
      assert.ok(asPromQL(rule).query.model.instant, `${rule.title}: alert queries must be instant`);
      const panels = dashboards.get(rule.dashboardUid)?.panels ?? [];
      assert.ok(
        panels.some((p: any) => p.id === rule.panelId),
        `${rule.title}: no panel ${rule.panelId} in ${rule.dashboardUid}`
      );
    }
  });

  test('annotations name the labels the query keeps', () => {
    for (const rule of grafanaRules) {
      const kept = keptLabels(asPromQL(rule).expr);
      const used = templateLabels(rule.annotations);
      assert.ok(used.length > 0, `${rule.title}: the summary names nothing`);
      for (const label of used) {
        assert.ok(kept.includes(label), `${rule.title}: $labels.${label} is dropped by the query`);
      }
    }
  });
});
