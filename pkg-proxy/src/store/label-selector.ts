// Kubernetes label selectors (k8s.io/apimachinery/pkg/labels/selector.go syntax):
//   app=web  app==web  tier!=db  env in (a,b)  env notin (a)  team  !canary
// Requirements are comma-separated and AND-ed.

export type Labels = Readonly<Record<string, string>> | undefined;

/** A label's value; own properties only, so that "constructor" is not a label of every pod. */
export const label = (labels: Labels, key: string): string | undefined =>
  labels && Object.hasOwn(labels, key) ? labels[key] : undefined;

/** A requirement only pods with one of `values` for `key` meet (`=`, `==`, `in`). */
export interface ValueRequirement {
  key: string;
  values: readonly string[];
}

export interface LabelMatcher {
  (labels: Labels): boolean;
  /** Its `=`, `==` and `in` requirements: where the store may start looking (store/store.ts). */
  readonly required: readonly ValueRequirement[];
}

type Requirement = { matches: (labels: Labels) => boolean; required?: ValueRequirement };

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

export class LabelSelectorError extends Error {}

/** Splits on commas that are not inside parentheses. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') {
      depth++;
    }
    if (ch === ')') {
      depth--;
    }
    if (depth < 0) {
      throw new LabelSelectorError(`unbalanced ")" in label selector "${selector}"`);
    }
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (depth !== 0) {
    throw new LabelSelectorError(`unbalanced "(" in label selector "${selector}"`);
  }
  parts.push(current.trim());
  return parts;
}

function checkKey(key: string): string {
  if (!KEY.test(key) || key.length > 316) {
    throw new LabelSelectorError(`invalid label key "${key}"`);
  }
  return key;
}

function checkValue(value: string): string {
  if (!VALUE.test(value) || value.length > 63) {
    throw new LabelSelectorError(`invalid label value "${value}"`);
  }
  return value;
}

function parseRequirement(req: string): Requirement {
  if (req === '') {
    throw new LabelSelectorError('empty requirement in label selector');
  }
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(req);
  if (set) {
    const key = checkKey(set[1]);
    if (set[3].trim() === '') {
      throw new LabelSelectorError(`"${set[2]}" needs at least one value in label selector requirement "${req}"`);
    }
    const values = new Set(set[3].split(',').map((v) => checkValue(v.trim())));
    const inSet = (labels: Labels) => {
      const value = label(labels, key);
      return value !== undefined && values.has(value);
    };
    return set[2] === 'in'
      ? { matches: inSet, required: { key, values: [...values] } }
      : { matches: (labels) => !inSet(labels) };
  }
  const op = /^([^!=\s]+)\s*(!=|==|=)\s*(.*)$/.exec(req);
  if (op) {
    const key = checkKey(op[1]);
    const value = checkValue(op[3].trim());
    return op[2] === '!='
      ? { matches: (labels) => label(labels, key) !== value }
      : { matches: (labels) => label(labels, key) === value, required: { key, values: [value] } };
  }
  if (req.startsWith('!')) {
    const key = checkKey(req.slice(1).trim());
    return { matches: (labels) => label(labels, key) === undefined };
  }
  const key = checkKey(req);
  return { matches: (labels) => label(labels, key) !== undefined };
}

/** Parses a selector into a matcher; throws LabelSelectorError with a one-line message. */
export function parseLabelSelector(selector: string): LabelMatcher {
  const requirements = splitRequirements(selector.trim()).map(parseRequirement);
  const matches = (labels: Labels) => requirements.every((r) => r.matches(labels));
  return Object.assign(matches, { required: requirements.flatMap((r) => (r.required ? [r.required] : [])) });
}
