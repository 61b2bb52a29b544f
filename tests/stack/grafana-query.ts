// A dashboard's Prometheus queries run the way Grafana 13 runs them: the frontend's interval (the
// panel's min interval, else the data source's scrape interval, against range / max data points),
// the backend's step, $__interval, $__interval_ms, $__rate_interval and $__range
// (pkg/promlib/models/query.go), the range aligned down to the step, instant queries at the
// aligned end, and multi-value variables set to All expanded as Grafana's template service does:
// the variable's allValue when it has one, else every option the variable lists now.

/** A panel's width in pixels on a 1920-pixel screen: Grafana's max data points for the panel. */
const maxDataPoints = (panel: any): number => Math.round((panel.gridPos.w / 24) * 1920);

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Grafana's roundInterval (gtime and rangeutil share it), in milliseconds. */
export function roundInterval(ms: number): number {
  const steps: Array<[number, number]> = [
    [10, 1],
    [15, 10],
    [35, 20],
    [75, 50],
    [150, 100],
    [350, 200],
    [750, 500],
    [1500, SECOND],
    [3500, 2 * SECOND],
    [7500, 5 * SECOND],
    [12500, 10 * SECOND],
    [17500, 15 * SECOND],
    [25000, 20 * SECOND],
    [45000, 30 * SECOND],
    [90000, MINUTE],
    [210000, 2 * MINUTE],
    [450000, 5 * MINUTE],
    [750000, 10 * MINUTE],
    [1050000, 15 * MINUTE],
    [1500000, 20 * MINUTE],
    [2700000, 30 * MINUTE],
    [5400000, HOUR],
    [9000000, 2 * HOUR],
    [16200000, 3 * HOUR],
    [32400000, 6 * HOUR],
    [86400000, 12 * HOUR],
    [604800000, DAY],
    [1814400000, 7 * DAY],
    [3628800000 - 1, 30 * DAY],
  ];
  return steps.find(([limit]) => ms <= limit)?.[1] ?? 365 * DAY;
}

/** Grafana's FormatInterval: the largest whole unit, as $__interval is written into the query. */
export function formatInterval(ms: number): string {
  const units: Array<[string, number]> = [
    ['y', 365 * DAY],
    ['d', DAY],
    ['h', HOUR],
    ['m', MINUTE],
    ['s', SECOND],
  ];
  for (const [unit, size] of units) {
    if (ms >= size) {
      return `${Math.floor(ms / size)}${unit}`;
    }
  }
  return `${Math.max(1, Math.floor(ms))}ms`;
}

/** Go's time.Duration.String for whole seconds, as $__rate_interval is written ("1m15s", "2m0s"). */
function goDuration(ms: number): string {
  const s = Math.round(ms / SECOND);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = `${s % 60}s`;
  return h ? `${h}h${m}m${rest}` : m ? `${m}m${rest}` : rest;
}

/** Grafana's duration strings ("15s", "1m", "1h"), in milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!match) {
    throw new Error(`not a Grafana duration: ${text}`);
  }
  const unit = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** Grafana's regex escaping of a variable value (templateSrv's regex format). */
const escapeRegex = (value: string) => value.replace(/[\\^$*+?.()|[\]{}\/]/g, '\\$&');

export interface GrafanaRequest {
  panel: string;
  refId: string;
  instant: boolean;
  expr: string;
  /** Epoch milliseconds: start and end of a range query, or its time (end) for an instant one. */
  start: number;
  end: number;
  stepMs: number;
}

/**
 * The Prometheus requests of every Prometheus target of `dashboard` for the range [from, to]
 * (epoch ms), with `options(name)` the values each query variable lists now (for All without an
 * allValue; the value chosen for a variable without All) and `scrapeInterval` the data source's
 * scrape interval setting.
 */
export function grafanaRequests(
  dashboard: any,
  range: { from: number; to: number },
  scrapeInterval: string,
  options: (variable: string) => string[]
): GrafanaRequest[] {
  const variables = new Map<string, any>(dashboard.templating.list.map((v: any) => [v.name, v]));
  const allOf = (name: string): string => {
    const variable = variables.get(name);
    if (!variable.includeAll) {
      // A single-value variable: the value chosen, `options` gives it.
      return options(name)[0];
    }
    if (variable.allValue !== undefined && variable.allValue !== null && variable.allValue !== '') {
      return variable.allValue;
    }
    const values = options(name).map(escapeRegex);
    return values.length === 1 ? values[0] : `(${values.join('|')})`;
  };
  const scrapeMs = parseDuration(scrapeInterval);
  const rangeMs = range.to - range.from;
  return dashboard.panels.flatMap((panel: any) =>
    (panel.targets ?? [])
      .filter((t: any) => t.datasource?.type === 'prometheus' && t.expr)
      .map((target: any): GrafanaRequest => {
        // The frontend's interval: its low limit is the panel's min interval or the scrape interval.
        const lowLimit = panel.interval ? parseDuration(panel.interval) : scrapeMs;
        const calculated = roundInterval(rangeMs / maxDataPoints(panel));
        const intervalMs = Math.max(lowLimit, calculated);
        // The backend's step: never finer than 11000 points.
        const stepMs = Math.max(intervalMs, roundInterval(rangeMs / 11000));
        const rateIntervalMs = Math.max(intervalMs + scrapeMs, 4 * scrapeMs);
        const builtIn: Record<string, string> = {
          __interval_ms: String(stepMs),
          __interval: formatInterval(stepMs),
          __range_ms: String(rangeMs),
          __range_s: String(Math.round(rangeMs / SECOND)),
          __range: `${Math.round(rangeMs / SECOND)}s`,
          __rate_interval: goDuration(rateIntervalMs),
        };
        const expr = (target.expr as string).replace(
          /\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g,
          (whole: string, braced: string, format: string | undefined, bare: string) => {
            const name = braced ?? bare;
            if (name in builtIn) {
              return builtIn[name];
            }
            if (!variables.has(name)) {
              throw new Error(`${panel.title}: unknown variable in ${whole}`);
            }
            if (format !== undefined && format !== 'regex') {
              throw new Error(`${panel.title}: ${whole} has a format this helper does not know`);
            }
            return allOf(name);
          }
        );
        const align = (t: number) => Math.floor(t / stepMs) * stepMs;
        return {
          panel: panel.title,
          refId: target.refId,
          instant: target.instant === true,
          expr,
          start: align(range.from),
          end: align(range.to),
          stepMs,
        };
      })
  );
}

/** A series of a Prometheus answer: its labels and its values (one for an instant query). */
export interface AnsweredSeries {
  metric: Record<string, string>;
  values: number[];
}

/** Sends one request to Prometheus' HTTP API, as Grafana's backend does. */
export async function runRequest(prometheusUrl: string, request: GrafanaRequest): Promise<AnsweredSeries[]> {
  const params = new URLSearchParams({ query: request.expr });
  if (request.instant) {
    params.set('time', String(request.end / SECOND));
  } else {
    params.set('start', String(request.start / SECOND));
    params.set('end', String(request.end / SECOND));
    params.set('step', String(request.stepMs / SECOND));
  }
  const res = await fetch(`${prometheusUrl}/api/v1/${request.instant ? 'query' : 'query_range'}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: params,
  });
  const body: any = await res.json();
  if (body.status !== 'success') {
    throw new Error(`${request.panel} ${request.refId}: ${body.error}\n${request.expr}`);
  }
  return body.data.result.map((s: any) => ({
    metric: s.metric,
    values: request.instant ? [Number(s.value[1])] : s.values.map(([, v]: [number, string]) => Number(v)),
  }));
}

/** The legend's `sum` calc of a series: the sum of its points. */
export const legendSum = (series: AnsweredSeries): number => series.values.reduce((a, b) => a + b, 0);
