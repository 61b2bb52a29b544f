// `podreasons serve`: wires the cluster watch, the store, metrics and the HTTP server together.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { UsageError } from './cli/errors.ts';
import { ClusterWatch } from './cluster/cluster-watch.ts';
import { WITHOUT, weakest, type Access, type Namespaced, type Permissions } from './cluster/permissions.ts';
import type { StatusResponse } from './contract/index.ts';
import { buildServer } from './http/server.ts';
import { Metrics } from './metrics/metrics.ts';
import { DataDir } from './persist/data-dir.ts';
import { Persistence } from './persist/persistence.ts';
import { Recovery } from './recovery/recovery.ts';
import { DEFAULT_STORE_OPTIONS, PodStore, type StoreOptions } from './store/store.ts';

export const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

export interface ServeOptions {
  kubeconfig?: string;
  context?: string;
  host: string;
  port: number;
  namespaces: string[] | null;
  token?: string;
  metricsToken?: string;
  tls?: { cert: Buffer; key: Buffer };
  ksmCompatibleMetrics: boolean;
  store: Partial<StoreOptions>;
  watchTimeoutSeconds: number;
  /** A watch with no event or bookmark for this long is restarted (bookmarks come about once a minute). */
  watchSilenceMs: number;
  pollIntervalMs: number;
  /** /readyz fails once every pods watch has been failing this long. */
  notReadyAfterMs: number;
  logLevel: string;
  /** Keep transitions, tombstones and the last answer per pod here (persist/); none: memory only. */
  dataDir?: string;
  /** The data directory's size bound, bytes. */
  dataMaxBytes?: number;
}

export const DEFAULT_DATA_MAX_BYTES = 256 * 2 ** 20;

/** A configuration the user must fix: one line, exit code 2. */
export class ConfigError extends UsageError {}

const hasKubeconfigFile = () => Boolean(process.env.KUBECONFIG) || existsSync(join(homedir(), '.kube', 'config'));

/** Whether kubectl would find a cluster: $KUBECONFIG, ~/.kube/config, or in-cluster. */
export function clusterConfigured(): boolean {
  return hasKubeconfigFile() || Boolean(process.env.KUBERNETES_SERVICE_HOST);
}

/** Loads the client configuration the way kubectl finds it, refusing client-node's silent localhost fallback. */
export function loadKubeConfig(file: string | undefined, context: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (file) {
    if (!existsSync(file)) {
      throw new ConfigError(`kubeconfig not found: ${file}`);
    }
    kc.loadFromFile(file);
  } else if (hasKubeconfigFile()) {
    kc.loadFromDefault();
  } else if (process.env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
  } else {
    throw new ConfigError('no Kubernetes configuration: set KUBECONFIG or --kubeconfig, or run in a cluster');
  }
  if (context) {
    if (!kc.getContexts().some((c) => c.name === context)) {
      throw new ConfigError(`context "${context}" not found in the kubeconfig`);
    }
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) {
    throw new ConfigError('the kubeconfig has no current cluster');
  }
  return kc;
}

export interface RunningProxy {
  app: Awaited<ReturnType<typeof buildServer>>;
  url: string;
  store: PodStore;
  cluster: ClusterWatch;
  metrics: Metrics;
  stop(): Promise<void>;
}

/** Starts serving at once (probes answer while syncing) and syncs the cluster in the background. */
export async function serve(opts: ServeOptions, log: Logger = pino({ level: opts.logLevel })): Promise<RunningProxy> {
  const startedAt = Date.now();
  const kubeConfig = loadKubeConfig(opts.kubeconfig, opts.context);
  const storeOptions = { ...DEFAULT_STORE_OPTIONS, ...opts.store };
  const scope = JSON.stringify(opts.namespaces);
  const loaded = opts.dataDir
    ? DataDir.open(opts.dataDir, { ...storeOptions, maxBytes: opts.dataMaxBytes ?? DEFAULT_DATA_MAX_BYTES }, scope, log)
    : null;
  const recovery = new Recovery({
    previous: loaded && {
      lastSeen: loaded.state.meta.lastSeen,
      watchedUntil: loaded.watchedUntil,
      answers: loaded.state.meta.answersComplete && loaded.state.meta.scope === scope ? loaded.state.answers : null,
      lastKnown: loaded.state.answers,
      transitions: loaded.state.transitions,
    },
    startedAt,
    attributionDelayMs: storeOptions.attributionDelayMs,
  });
  const store = new PodStore({ ...storeOptions, recovery });
  const dataDir = loaded?.dataDir ?? null;
  const history = {
    since: new Date(loaded?.state.meta.created ?? startedAt).toISOString(),
    restored: loaded?.state.transitions.length ?? 0,
  };
  if (loaded) {
    store.restore(loaded.state);
    log.info(
      { dataDir: opts.dataDir, transitions: history.restored, tombstones: loaded.state.tombstones.length },
      'history restored'
    );
  }
  let startError = '';
  let lastEvent = 0;
  const cluster = new ClusterWatch({
    kubeConfig,
    store,
    log,
    namespaces: opts.namespaces,
    watchTimeoutSeconds: opts.watchTimeoutSeconds,
    watchSilenceMs: opts.watchSilenceMs,
    pollIntervalMs: opts.pollIntervalMs,
    onWatchEvent: (resource, type) => {
      lastEvent = Date.now();
      metrics.watchEvents.inc({ resource, type });
    },
    onRestart: (resource, cause) => metrics.watchRestarts.inc({ resource, cause }),
  });
  // Before any watcher runs (API server unreachable, pods forbidden) the pods are reported unhealthy,
  // so that the watch alert can fire.
  const watchHealth = () =>
    cluster.watchers.length === 0
      ? [{ resource: 'pods', scope: 'cluster', healthy: false, lastSync: 0 }]
      : cluster.watchers.map((w) => ({
          resource: w.resource,
          scope: w.scope,
          healthy: w.state === 'synced',
          lastSync: w.lastActivity,
        }));
  const metrics = new Metrics({
    store,
    ksmCompatible: opts.ksmCompatibleMetrics,
    watchHealth,
    persistenceWriteFailures: dataDir ? () => dataDir.writeFailures : undefined,
  });
  /** Every first list is in (cluster.start() resolved), and what they prove is recorded. */
  let listed = false;
  let caughtUp = false;
  const persistence =
    loaded &&
    new Persistence({
      store,
      dataDir: loaded.dataDir,
      previousAnswers: loaded.state.answers,
      synced: () => cluster.synced,
      // Not before the catch-up of this start is recorded: killed earlier, the next start must
      // still see the whole downtime.
      watching: () =>
        caughtUp && cluster.synced && cluster.watchers.every((w) => w.resource !== 'pods' || w.state === 'synced'),
    });
  const recoverGonePods = () => {
    if (!cluster.synced) {
      return;
    }
    const count = recovery.recoverGonePods(store, listed);
    caughtUp ||= listed;
    if (count > 0) {
      log.info({ count }, 'recovered disruptions of pods that went away while no proxy watched');
    }
  };

  /** What the proxy may read now in one scope: found at start, forbidden while its watch is refused. */
  const access = (p: Permissions, resource: Namespaced | 'nodes', scope: string | null): Access => {
    const found = resource === 'nodes' || scope === null ? p[resource] : p.byNamespace[scope][resource];
    const watcher = cluster.watchers.find((w) => w.resource === resource && w.scope === (scope ?? 'cluster'));
    return watcher?.state === 'forbidden' ? 'forbidden' : found;
  };
  const acrossScopes = (p: Permissions, resource: Namespaced) =>
    weakest((p.namespaces ?? [null]).map((ns) => access(p, resource, ns)));

  const status = (): StatusResponse => {
    const p = cluster.permissions;
    const permissions = p && {
      pods: acrossScopes(p, 'pods'),
      nodes: access(p, 'nodes', null),
      events: acrossScopes(p, 'events'),
      replicasets: acrossScopes(p, 'replicasets'),
      jobs: acrossScopes(p, 'jobs'),
    };
    const partial: string[] = [];
    if (permissions?.nodes === 'forbidden') {
      partial.push('nodes: forbidden (node health and node-based initiators are unavailable)');
    }
    const scopes = p?.namespaces ?? [null];
    for (const [resource, without] of Object.entries(WITHOUT) as Array<[keyof typeof WITHOUT, string]>) {
      const forbidden = p ? scopes.filter((ns) => access(p, resource, ns) === 'forbidden') : [];
      if (forbidden.length > 0 && forbidden.length === scopes.length) {
        partial.push(`${resource}: forbidden (${without})`);
      } else if (forbidden.length) {
        partial.push(`${resource} forbidden in namespaces: ${forbidden.join(', ')} (${without} there)`);
      }
    }
    if (p?.deniedNamespaces.length) {
      partial.push(`pods forbidden in namespaces: ${p.deniedNamespaces.join(', ')}`);
    }
    if (dataDir?.failure) {
      partial.push(`data directory: ${dataDir.failure} (the history is kept in memory only)`);
    }
    const counts = store.counts();
    return {
      version: VERSION,
      cluster: { version: cluster.serverVersion, server: cluster.server },
      scope: { cluster: p ? p.namespaces === null : false, namespaces: p?.namespaces ?? [] },
      permissions: permissions ?? null,
      synced: cluster.synced,
      lastEventAgeSeconds: lastEvent ? (Date.now() - lastEvent) / 1000 : null,
      counts: {
        pods: counts.pods,
        abnormal: counts.abnormal,
        tombstones: counts.tombstones,
        transitions: counts.transitions,
      },
      history: { persistent: dataDir !== null && !dataDir.failure, ...history, recovered: recovery.recovered },
      partial,
      stale: cluster.watchers
        .filter((w) => w.state !== 'synced')
        .map((w) => `${w.resource} (${w.scope}): ${w.state}${w.lastError ? ` — ${w.lastError}` : ''}`),
      error: startError || null,
    };
  };

  /** Not ready until synced, and again once no pods watch has worked for notReadyAfterMs. */
  const notReady = (): string | undefined => {
    if (!cluster.synced) {
      return 'syncing';
    }
    const pods = cluster.watchers.filter((w) => w.resource === 'pods');
    const now = Date.now();
    if (pods.every((w) => w.failingSince > 0 && now - w.failingSince > opts.notReadyAfterMs)) {
      return `pods unwatchable for more than ${Math.round(opts.notReadyAfterMs / 1000)}s`;
    }
    return undefined;
  };

  const app = await buildServer({
    store,
    metrics,
    log,
    token: opts.token,
    metricsToken: opts.metricsToken,
    tls: opts.tls,
    notReady,
    status,
  });
  let url: string;
  try {
    url = await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    await persistence?.close(); // the writer thread would keep the process alive
    throw err;
  }
  log.info({ url, version: VERSION }, 'listening');

  const ticker = setInterval(() => {
    store.tick();
    recoverGonePods();
  }, 5_000);
  ticker.unref();
  // Transitions waiting for their Event are recorded soon after the attribution delay runs out.
  const settler = setInterval(() => store.settleDue(), 1_000);
  settler.unref();
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  // Retry start-up (API server unreachable, RBAC not there yet) with backoff; status shows why.
  void (async () => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        await cluster.start();
        startError = '';
        if (stopped) {
          cluster.stop();
        } // stop() came while the first list was running
        else {
          log.info(store.counts(), 'initial sync done');
          listed = true;
          recoverGonePods();
        }
        return;
      } catch (err) {
        startError = (err as Error).message;
        const delay = Math.min(60_000, 1000 * 2 ** Math.min(attempt, 6));
        log.error({ err: startError, retryInMs: delay }, 'cannot start watching the cluster');
        cluster.stop();
        cluster.watchers.length = 0;
        await new Promise((r) => (retry = setTimeout(r, delay)));
      }
    }
  })();

  return {
    app,
    url,
    store,
    cluster,
    metrics,
    async stop() {
      stopped = true;
      clearInterval(ticker);
      clearInterval(settler);
      clearTimeout(retry);
      cluster.stop();
      await app.close();
      await persistence?.close();
    },
  };
}
