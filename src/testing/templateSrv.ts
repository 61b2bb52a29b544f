import type { ScopedVars, TypedVariableModel } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

/**
 * A TemplateSrv for tests and the browser test page: `$name` and `${name}` from a fixed set of
 * dashboard variables (scoped variables win), multi-values joined as Grafana's `csv` format does.
 */
export function fakeTemplateSrv(variables: Record<string, string | string[]>): TemplateSrv {
  const valueOf = (name: string, scopedVars?: ScopedVars) => scopedVars?.[name]?.value ?? variables[name];
  return {
    getVariables: () => Object.keys(variables).map((name) => ({ name, type: 'custom' }) as TypedVariableModel),
    replace: (target = '', scopedVars?: ScopedVars, format?: string | Function) =>
      target.replace(/\$(\w+)|\$\{(\w+)\}/g, (match, plain?: string, braced?: string) => {
        const value = valueOf(plain ?? braced ?? '', scopedVars);
        if (value === undefined) {
          return match;
        }
        if (!Array.isArray(value)) {
          return String(value);
        }
        return format === 'csv' ? value.join(',') : `{${value.join(',')}}`;
      }),
    containsTemplate: (target = '') => /\$\w+|\$\{\w+\}/.test(target),
    updateTimeRange: () => undefined,
  };
}
