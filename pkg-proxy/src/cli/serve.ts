// `podreasons serve`: flags, each with its environment variable, turned into ServeOptions.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../duration.ts';
import { ConfigError, DEFAULT_DATA_MAX_BYTES, serve, type ServeOptions } from '../serve.ts';

function parseListen(value: string): { host: string; port: number } {
  const m = /^(.*):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) {
    throw new InvalidArgumentError('expected HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080');
  }
  return { host: m[1].replace(/^\[(.*)\]$/, '$1') || '0.0.0.0', port };
}

function durationFlag(value: string): number {
  const ms = parseDuration(value, true);
  if (ms === undefined) {
    throw new InvalidArgumentError('expected a duration like 90s, 30m, 1h or 2d');
  }
  return ms;
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError('expected a whole number ≥ 1');
  }
  return Number(value);
}

const SIZE_UNITS: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };

function parseSize(value: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(value);
  if (!m || Number(m[1]) < 1) {
    throw new InvalidArgumentError('expected a size like 64Mi, 1Gi or a number of bytes');
  }
  return Number(m[1]) * SIZE_UNITS[m[2] ?? ''];
}

function readConfigFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    throw new ConfigError(`cannot read the ${what} file ${file}`);
  }
}

/**
 * A token from its file flag or its variable; undefined when neither is set. Set but empty (or only
 * whitespace) is refused: taken for "no token", it would serve the data to anyone.
 */
function readSecret(file: string | undefined, flag: string, variable: string, what: string): string | undefined {
  if (file !== undefined) {
    if (file === '') {
      throw new ConfigError(`${flag} is empty: give the path of the ${what} file`);
    }
    const token = readConfigFile(file, what).toString('utf8').trim();
    if (!token) {
      throw new ConfigError(`the ${what} file ${file} (${flag}) is empty`);
    }
    return token;
  }
  const value = process.env[variable];
  if (value === undefined) {
    return undefined;
  }
  if (!value.trim()) {
    throw new ConfigError(`${variable} is set but empty: set a ${what}, or unset it to serve without one`);
  }
  return value.trim();
}

const opt = (flags: string, description: string, env: string) => new Option(flags, description).env(env);

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('watch the cluster and serve pod reasons: JSON API for Grafana, /metrics for Prometheus')
    .addOption(
      opt(
        '--kubeconfig <file>',
        'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, then in-cluster)',
        'PODREASONS_KUBECONFIG'
      )
    )
    .addOption(opt('--context <name>', 'kubeconfig context to use', 'PODREASONS_CONTEXT'))
    .addOption(
      opt('--listen <host:port>', 'address to listen on', 'PODREASONS_LISTEN')
        .default('127.0.0.1:8080')
        .argParser(parseListen)
    )
    .addOption(
      opt(
        '--namespaces <a,b>',
        'watch only these namespaces (default: as wide as RBAC allows)',
        'PODREASONS_NAMESPACES'
      )
    )
    .addOption(
      opt('--token-file <file>', 'bearer token required on /api/v1 (or set PODREASONS_TOKEN)', 'PODREASONS_TOKEN_FILE')
    )
    .addOption(
      opt(
        '--metrics-token-file <file>',
        'bearer token required on /metrics (or set PODREASONS_METRICS_TOKEN)',
        'PODREASONS_METRICS_TOKEN_FILE'
      )
    )
    .addOption(opt('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)', 'PODREASONS_TLS_CERT'))
    .addOption(opt('--tls-key <file>', 'private key for --tls-cert (PEM)', 'PODREASONS_TLS_KEY'))
    .addOption(
      opt(
        '--tombstone-max-age <duration>',
        'how long deleted abnormal pods stay queryable',
        'PODREASONS_TOMBSTONE_MAX_AGE'
      )
        .default(3_600_000, '1h')
        .argParser(durationFlag)
    )
    .addOption(
      opt('--tombstone-max-count <n>', 'at most this many tombstones', 'PODREASONS_TOMBSTONE_MAX_COUNT')
        .default(10_000)
        .argParser(parseCount)
    )
    .addOption(
      opt('--history-max-count <n>', 'at most this many transitions in the history', 'PODREASONS_HISTORY_MAX_COUNT')
        .default(100_000)
        .argParser(parseCount)
    )
    .addOption(
      opt(
        '--data-dir <dir>',
        'keep transitions, tombstones and the last answer per pod in this directory, and catch up after a restart (default: memory only)',
        'PODREASONS_DATA_DIR'
      )
    )
    .addOption(
      opt(
        '--data-max-size <size>',
        'size bound of the data directory; the oldest transitions go first',
        'PODREASONS_DATA_MAX_SIZE'
      )
        .default(DEFAULT_DATA_MAX_BYTES, '256Mi')
        .argParser(parseSize)
    )
    .addOption(
      opt('--watch-timeout <duration>', 'server-side timeout of each watch request', 'PODREASONS_WATCH_TIMEOUT')
        .default(300_000, '5m')
        .argParser(durationFlag)
    )
    .addOption(
      opt(
        '--watch-silence <duration>',
        'after a watch brought no event or bookmark for this long, check that the API server answers (restart the watch if not)',
        'PODREASONS_WATCH_SILENCE'
      )
        .default(90_000, '90s')
        .argParser(durationFlag)
    )
    .addOption(
      opt(
        '--attribution-delay <duration>',
        'how long an eviction or deletion waits for the Event that names who caused it before it is recorded',
        'PODREASONS_ATTRIBUTION_DELAY'
      )
        .default(5_000, '5s')
        .argParser(durationFlag)
    )
    .addOption(
      opt(
        '--not-ready-after <duration>',
        '/readyz fails once every pods watch has been failing (API server unreachable, forbidden) this long',
        'PODREASONS_NOT_READY_AFTER'
      )
        .default(300_000, '5m')
        .argParser(durationFlag)
    )
    .addOption(
      opt(
        '--poll-interval <duration>',
        'relist interval where RBAC allows list but not watch',
        'PODREASONS_POLL_INTERVAL'
      )
        .default(15_000, '15s')
        .argParser(durationFlag)
    )
    // Not .env(): commander turns a boolean on whenever its variable exists, even as "false".
    .addOption(
      new Option(
        '--ksm-compatible-metrics',
        "also export kube-state-metrics v2.20's kube_pod_status_reason and kube_pod_status_disruption_reason (env: PODREASONS_KSM_COMPATIBLE_METRICS=true)"
      )
    )
    .addOption(
      opt('--log-level <level>', 'log level', 'PODREASONS_LOG_LEVEL')
        .choices(['trace', 'debug', 'info', 'warn', 'error'])
        .default('info')
    )
    .addHelpText(
      'after',
      `
Environment: PODREASONS_TOKEN and PODREASONS_METRICS_TOKEN hold the tokens themselves; KUBECONFIG is honoured as by kubectl.
Logs are JSON lines on stdout.

Examples:
  podreasons serve                                   # current kubeconfig context, http://127.0.0.1:8080
  podreasons serve --context prod --namespaces shop,payments --listen 0.0.0.0:8080 --token-file /etc/podreasons/token
  podreasons serve --data-dir /var/lib/podreasons            # history survives restarts; downtime is caught up`
    )
    .action(async (o) => {
      const options: ServeOptions = {
        kubeconfig: o.kubeconfig,
        context: o.context,
        ...(o.listen as { host: string; port: number }),
        namespaces: o.namespaces
          ? String(o.namespaces)
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : null,
        token: readSecret(o.tokenFile, '--token-file', 'PODREASONS_TOKEN', 'token'),
        metricsToken: readSecret(
          o.metricsTokenFile,
          '--metrics-token-file',
          'PODREASONS_METRICS_TOKEN',
          'metrics token'
        ),
        tls: undefined,
        ksmCompatibleMetrics:
          Boolean(o.ksmCompatibleMetrics) ||
          ['true', '1'].includes(process.env.PODREASONS_KSM_COMPATIBLE_METRICS ?? ''),
        store: {
          tombstoneMaxAgeMs: o.tombstoneMaxAge,
          tombstoneMaxCount: o.tombstoneMaxCount,
          historyMaxCount: o.historyMaxCount,
          attributionDelayMs: o.attributionDelay,
        },
        dataDir: o.dataDir,
        dataMaxBytes: o.dataMaxSize,
        notReadyAfterMs: o.notReadyAfter,
        watchTimeoutSeconds: Math.round(o.watchTimeout / 1000),
        watchSilenceMs: o.watchSilence,
        pollIntervalMs: o.pollInterval,
        logLevel: o.logLevel,
      };
      if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) {
        throw new ConfigError('--tls-cert and --tls-key go together');
      }
      if (o.tlsCert) {
        options.tls = { cert: readConfigFile(o.tlsCert, 'TLS certificate'), key: readConfigFile(o.tlsKey, 'TLS key') };
      }
      const proxy = await serve(options);
      const shutdown = () => void proxy.stop().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}
