import { ScopedVars } from '@grafana/data';
import { getTemplateSrv, TemplateSrv } from '@grafana/runtime';

import { PodReasonsQuery } from './types';

/**
 * Replaces template variables in every entry of a list. A multi-value variable becomes several
 * entries: Grafana's `csv` format joins its values with commas, which no Kubernetes name contains.
 */
export function interpolateList(
  values: string[],
  scopedVars: ScopedVars = {},
  templateSrv: TemplateSrv = getTemplateSrv()
): string[] {
  const expanded = values.flatMap((value) => templateSrv.replace(value, scopedVars, 'csv').split(','));
  return [...new Set(expanded.map((value) => value.trim()).filter(Boolean))];
}

/** The query with every template variable replaced, ready to become proxy parameters. */
export function interpolateQuery(
  query: PodReasonsQuery,
  scopedVars: ScopedVars = {},
  templateSrv: TemplateSrv = getTemplateSrv()
): PodReasonsQuery {
  const list = (values?: string[]) => values && interpolateList(values, scopedVars, templateSrv);
  return {
    ...query,
    namespaces: list(query.namespaces),
    reasons: list(query.reasons),
    categories: list(query.categories),
    initiators: list(query.initiators),
    nodes: list(query.nodes),
    pods: list(query.pods),
    // `csv` also suits selectors: `app in ($app)` becomes `app in (web,api)`.
    labelSelector: query.labelSelector && templateSrv.replace(query.labelSelector, scopedVars, 'csv'),
  };
}
