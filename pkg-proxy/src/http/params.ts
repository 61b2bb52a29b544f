// Query parameters of the HTTP API, validated into typed values; anything wrong is a ParamError
// that the server turns into 400 {"error", "parameter"}.
import { parseDuration } from '../duration.ts';
import { CATEGORIES, INITIATORS } from '../engine/types.ts';
import type { Filter } from '../store/filters.ts';
import { LabelSelectorError, parseLabelSelector } from '../store/label-selector.ts';

export class ParamError extends Error {
  readonly parameter: string;
  constructor(parameter: string, message: string) {
    super(message);
    this.parameter = parameter;
  }
}

export type Query = Record<string, string | string[] | undefined>;

/** All values of a parameter, repeated or comma-separated, without empties. */
export function list(q: Query, name: string): string[] {
  const raw = q[name];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

function single(q: Query, name: string): string | undefined {
  const raw = q[name];
  if (Array.isArray(raw)) {
    if (raw.length > 1) {
      throw new ParamError(name, `${name} may be given only once`);
    }
    return raw[0];
  }
  return raw;
}

function set(q: Query, name: string, allowed?: readonly string[]): ReadonlySet<string> | undefined {
  const values = list(q, name);
  if (values.length === 0) {
    return undefined;
  }
  if (allowed) {
    const bad = values.find((v) => !allowed.includes(v));
    if (bad !== undefined) {
      throw new ParamError(name, `unknown ${name} "${bad}" (one of: ${allowed.join(', ')})`);
    }
  }
  return new Set(values);
}

export function bool(q: Query, name: string): boolean | undefined {
  const v = single(q, name);
  if (v === undefined || v === '') {
    return undefined;
  }
  if (v === 'true') {
    return true;
  }
  if (v === 'false') {
    return false;
  }
  throw new ParamError(name, `${name} must be true or false, not "${v}"`);
}

export function int(q: Query, name: string, min: number, max: number, fallback: number): number {
  const v = single(q, name);
  if (v === undefined || v === '') {
    return fallback;
  }
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new ParamError(name, `${name} must be a whole number from ${min} to ${max}, not "${v}"`);
  }
  return Number(v);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

const daysIn = (year: number, month: number) =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

/** Epoch ms of an RFC 3339 date-time whose every field is in range (no 2026-02-30, no T24:00), or NaN. */
function parseRfc3339(v: string): number {
  const m = RFC3339.exec(v);
  if (!m) {
    return NaN;
  }
  const [year, month, day, hour, minute, second, offsetHour = 0, offsetMinute = 0] = [1, 2, 3, 4, 5, 6, 8, 9].map((i) =>
    Number(m[i] ?? 0)
  );
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysIn(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHour <= 23 &&
    offsetMinute <= 59;
  return valid ? Date.parse(v) : NaN;
}
/** Whole milliseconds since the epoch, up to the year 9999. */
const EPOCH_MS = /^\d{1,15}$/;

/** RFC 3339 or epoch milliseconds, nothing else (no signs, spaces or other date formats). */
export function time(q: Query, name: string, fallback?: number): number {
  const v = single(q, name);
  if (v === undefined || v === '') {
    if (fallback === undefined) {
      throw new ParamError(name, `${name} is required (RFC 3339 or milliseconds since the epoch)`);
    }
    return fallback;
  }
  const ms = EPOCH_MS.test(v) ? Number(v) : parseRfc3339(v);
  if (!Number.isFinite(ms)) {
    throw new ParamError(name, `${name} must be RFC 3339 or milliseconds since the epoch, not "${v}"`);
  }
  return ms;
}

/** "30s", "5m", "1h", "1d", "500ms" or plain milliseconds, whole milliseconds, at most `max` ms. */
export function duration(q: Query, name: string, max: number): number {
  const v = single(q, name);
  if (v === undefined || v === '') {
    throw new ParamError(name, `${name} is required (e.g. 30s, 5m, 1h)`);
  }
  const ms = parseDuration(v);
  if (ms === undefined || ms > max) {
    throw new ParamError(
      name,
      `${name} must be a duration like 30s, 5m or 1h in whole milliseconds (at most ${max / 86_400_000}d), not "${v}"`
    );
  }
  return ms;
}

/** `sort=field` or `sort=-field` (descending); undefined when not given. */
export function sortOrder<T extends string>(
  q: Query,
  fields: readonly T[]
): { field: T; descending: boolean } | undefined {
  const v = single(q, 'sort');
  if (v === undefined || v === '') {
    return undefined;
  }
  const field = v.replace(/^-/, '') as T;
  if (!fields.includes(field)) {
    throw new ParamError('sort', `sort must be one of ${fields.join(', ')} (prefix - for descending), not "${v}"`);
  }
  return { field, descending: v.startsWith('-') };
}

export function oneOf<T extends string>(q: Query, name: string, allowed: readonly T[], fallback: T): T {
  const v = single(q, name);
  if (v === undefined || v === '') {
    return fallback;
  }
  if (!allowed.includes(v as T)) {
    throw new ParamError(name, `${name} must be one of ${allowed.join(', ')}, not "${v}"`);
  }
  return v as T;
}

/** `workload`: `Kind/name` or `namespace/Kind/name`, each part non-empty. */
function workloads(q: Query): ReadonlySet<string> | undefined {
  const values = set(q, 'workload');
  const bad = [...(values ?? [])].find((v) => {
    const parts = v.split('/');
    return (parts.length !== 2 && parts.length !== 3) || parts.includes('');
  });
  if (bad !== undefined) {
    throw new ParamError('workload', `workload must be Kind/name or namespace/Kind/name, not "${bad}"`);
  }
  return values;
}

/** The filters of docs/http-api.md; `podFilters` adds those that only pods have. */
export function parseFilter(q: Query, podFilters: boolean): Filter {
  const f: Filter = {
    namespaces: set(q, 'namespace'),
    reasons: set(q, 'reason'),
    categories: set(q, 'category', CATEGORIES),
    initiators: set(q, 'initiator', INITIATORS),
    nodes: set(q, 'node'),
    pods: set(q, 'pod'),
    workloads: workloads(q),
    nodepools: set(q, 'nodepool'),
  };
  if (!podFilters) {
    return f;
  }
  f.abnormal = bool(q, 'abnormal');
  f.includeDeleted = bool(q, 'deleted');
  const selector = single(q, 'labelSelector');
  if (selector) {
    try {
      f.labels = parseLabelSelector(selector);
    } catch (err) {
      if (err instanceof LabelSelectorError) {
        throw new ParamError('labelSelector', err.message);
      }
      throw err;
    }
  }
  return f;
}

/** Rejects parameters an endpoint does not know, so that typos do not silently match everything. */
export function rejectUnknown(q: Query, known: readonly string[]): void {
  const unknown = Object.keys(q).find((k) => !known.includes(k));
  if (unknown !== undefined) {
    throw new ParamError(unknown, `unknown parameter "${unknown}"`);
  }
}
