// Shared helpers of the stack tests: repository paths, file loading, and the provisioned objects
// that several tests cross-check.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse, parseAllDocuments, stringify } from 'yaml';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const repo = (...parts: string[]): string => join(root, ...parts);

export const readText = (path: string): string => readFileSync(repo(path), 'utf8');
export const readYaml = <T = any>(path: string): T => parse(readText(path)) as T;
export const parseYamlDocuments = (text: string): any[] =>
  parseAllDocuments(text)
    .map((doc) => doc.toJS())
    .filter((doc) => doc !== null);
export const readJson = <T = any>(path: string): T => JSON.parse(readText(path)) as T;

/** Runs a command; a non-zero exit rejects with its output, so a failing tool explains itself. */
export async function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  try {
    return await promisify(execFile)(command, args, { maxBuffer: 64 * 1024 * 1024, ...options });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

export type Sample = { metric: Record<string, string>; value: [number, string] };

export interface PrometheusServer {
  url: string;
  output(): string;
  /** An instant query at `time` (epoch ms; default now). */
  query(expr: string, time?: number): Promise<Sample[]>;
  stop(): Promise<void>;
}

/**
 * The real Prometheus of provisioning/prometheus: only the targets and the intervals (1 s) change;
 * the rules are the file's, loaded from where it is. Data goes under `dir`.
 */
export async function startPrometheus(dir: string, targets: string[]): Promise<PrometheusServer> {
  const config = readYaml('provisioning/prometheus/prometheus.yml');
  config.global = { ...config.global, scrape_interval: '1s', evaluation_interval: '1s' };
  config.rule_files = config.rule_files.map((f: string) => repo('provisioning/prometheus', f));
  config.scrape_configs[0].static_configs = [{ targets }];
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = startProcess(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    {}
  );
  return {
    url,
    output: proc.output,
    stop: proc.stop,
    async query(expr, time) {
      const at = time === undefined ? '' : `&time=${time / 1000}`;
      const body: any = await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}${at}`)).json();
      if (body.status !== 'success') {
        throw new Error(`${expr}: ${body.error}`);
      }
      return body.data.result;
    },
  };
}

export const PLUGIN_ID: string = readJson('src/plugin.json').id;
export const DASHBOARD_FILES = readdirSync(repo('provisioning', 'dashboards'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => `provisioning/dashboards/${f}`);
export const PROMETHEUS_RULES = 'provisioning/prometheus/rules.yml';
export const GRAFANA_RULES = 'provisioning/alerting/podreasons.yaml';

export interface ProvisionedDatasource {
  uid: string;
  type: string;
  name: string;
  url?: string;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}

export const datasources = (): ProvisionedDatasource[] =>
  readYaml('provisioning/datasources/datasources.yml').datasources;

/** Grafana's duration variables ($__interval, $__rate_interval, $__range), PromQL durations once filled in. */
export const isDurationVariable = (name: string): boolean => /^__(rate_)?interval$|^__range$/.test(name);

/**
 * The Prometheus queries of the provisioned dashboards' panels, with Grafana's variables
 * (`$name`, `${name}`, `${name:format}`) replaced by `value(name, format)`.
 */
export function dashboardQueries(
  value: (name: string, format: string | undefined) => string
): Array<{ panel: string; expr: string }> {
  return DASHBOARD_FILES.flatMap((path) =>
    readJson(path).panels.flatMap((p: any) =>
      (p.targets ?? [])
        .filter((t: any) => t.expr)
        .map((t: any) => ({
          panel: p.title as string,
          expr: (t.expr as string).replace(/\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g, (_, a, format, b) =>
            value(a ?? b, format)
          ),
        }))
    )
  );
}

/** Every object in a dashboard that names a data source: panels, their targets, variables, annotations. */
export function datasourceRefs(dashboard: any): Array<{ where: string; ref: { type: string; uid: string } }> {
  const refs: Array<{ where: string; ref: { type: string; uid: string } }> = [];
  for (const panel of dashboard.panels) {
    refs.push({ where: `panel ${panel.id}`, ref: panel.datasource });
    for (const target of panel.targets ?? []) {
      refs.push({ where: `panel ${panel.id} target ${target.refId}`, ref: target.datasource });
    }
  }
  for (const variable of dashboard.templating.list) {
    if (variable.datasource) {
      refs.push({ where: `variable ${variable.name}`, ref: variable.datasource });
    }
  }
  for (const annotation of dashboard.annotations.list) {
    refs.push({ where: `annotation ${annotation.name}`, ref: annotation.datasource });
  }
  return refs;
}

/** The exact-match label matchers of a PromQL expression (`label="v"` and `label!="v"`), to check vocabularies. */
export function exactMatchers(expr: string): Array<{ label: string; value: string }> {
  return [...expr.matchAll(/(\w+)\s*!?=\s*"([^"]*)"/g)].map(([, label, value]) => ({ label, value }));
}

/** Makes a temporary directory, hands it to `use`, and removes it afterwards. */
async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'podreasons-stack-'));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Parses each expression with Prometheus' own parser (promtool), as recording rules of a scratch file. */
export async function checkPromql(exprs: string[]): Promise<void> {
  await withTempDir(async (dir) => {
    const rules = exprs.map((expr, i) => ({ record: `check:expr_${i}`, expr }));
    writeFileSync(join(dir, 'rules.yml'), stringify({ groups: [{ name: 'check', rules }] }));
    await run('promtool', ['check', 'rules', join(dir, 'rules.yml')]);
  });
}

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Polls `check` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string | (() => string),
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface Started {
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a long-running child (a proxy, Prometheus) whose output is kept for error messages. */
export function startProcess(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv }
): Started {
  const proc = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  return {
    proc,
    output: () => output,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        return;
      }
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
