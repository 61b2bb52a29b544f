import type { ScopedVars, TypedVariableModel } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

/** A dashboard variable's value: one, several, or All of the given options. */
export type FakeValue = string | string[] | { all: string[] };

/**
 * A TemplateSrv for tests and the browser test page: `$name` and `${name}` from a fixed set of
 * dashboard variables (scoped variables win), multi-values joined as Grafana's `csv` format does,
 * and All as Grafana stores it (`$__all`) and expands it (every option, without a custom all value).
 */
export function fakeTemplateSrv(variables: Record<string, FakeValue>): TemplateSrv {
  const expand = (value: FakeValue) => (typeof value === 'object' && 'all' in value ? value.all : value);
  const valueOf = (name: string, scopedVars?: ScopedVars) =>
    scopedVars?.[name]?.value ?? (name in variables ? expand(variables[name]) : undefined);
  return {
    getVariables: () =>
      Object.entries(variables).map(
        ([name, value]) =>
          ({
            name,
            type: 'custom',
            current: { value: typeof value === 'object' && 'all' in value ? ['$__all'] : value },
          }) as unknown as TypedVariableModel
      ),
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
