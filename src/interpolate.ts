import { ScopedVars } from '@grafana/data';
import { getTemplateSrv, TemplateSrv } from '@grafana/runtime';

import { LIST_FILTERS } from './params';
import { PodReasonsQuery } from './types';

/** How Grafana stores a variable set to All. */
const ALL_VALUE = '$__all';

/** An entry that is one variable and nothing else: `$name`, `${name}`, `${name:format}`, `[[name]]`. */
const WHOLE_VARIABLE = /^\$(\w+)$|^\$\{(\w+)(?::[^}]*)?\}$|^\[\[(\w+)(?::[^\]]*)?\]\]$/;

/** Whether the entry is a dashboard variable set to All (a repeated panel's own value is never All). */
function isAll(entry: string, scopedVars: ScopedVars, templateSrv: TemplateSrv): boolean {
  const match = WHOLE_VARIABLE.exec(entry.trim());
  const name = match && (match[1] ?? match[2] ?? match[3]);
  if (!name || scopedVars[name]) {
    return false;
  }
  const variable = templateSrv.getVariables().find((candidate) => candidate.name === name) as
    { current?: { value?: string | string[] } } | undefined;
  return [variable?.current?.value].flat().includes(ALL_VALUE);
}

/**
 * Replaces template variables in every entry of a list. A multi-value variable becomes several
 * entries: Grafana's `csv` format joins its values with commas, which no Kubernetes name contains.
 * A variable set to All means any value, so the list becomes empty (no filter): expanding it to
 * the values listed when the dashboard loaded would hide pods without a node, or with a reason
 * first seen later.
 */
export function interpolateList(
  values: string[],
  scopedVars: ScopedVars = {},
  templateSrv: TemplateSrv = getTemplateSrv()
): string[] {
  if (values.some((value) => isAll(value, scopedVars, templateSrv))) {
    return [];
  }
  const expanded = values.flatMap((value) => templateSrv.replace(value, scopedVars, 'csv').split(','));
  return [...new Set(expanded.map((value) => value.trim()).filter(Boolean))];
}

/** The query with every template variable replaced, ready to become proxy parameters. */
export function interpolateQuery(
  query: PodReasonsQuery,
  scopedVars: ScopedVars = {},
  templateSrv: TemplateSrv = getTemplateSrv()
): PodReasonsQuery {
  const lists = LIST_FILTERS.map(([field]) => {
    const values = query[field];
    return [field, values && interpolateList(values, scopedVars, templateSrv)];
  });
  return {
    ...query,
    ...Object.fromEntries(lists),
    // `csv` also suits selectors: `app in ($app)` becomes `app in (web,api)`.
    labelSelector: query.labelSelector && templateSrv.replace(query.labelSelector, scopedVars, 'csv'),
  };
}
