// List + watch of one resource in one scope, made robust where @kubernetes/client-node's own
// informer is not: paged lists, bookmarks, a server-side timeout, resume from the last
// resourceVersion, relist on 410 Gone, backoff with jitter, slow retries on 403, detection of a
// silent watch, and a stop() that is final.
import type { KubeConfig } from '@kubernetes/client-node';
import { Watch } from './kube-client.ts';
import type { Logger } from 'pino';

export type WatchState = 'starting' | 'synced' | 'retrying' | 'forbidden' | 'stopped';

/** How a watch stream ended or failed; the label values of podreasons_watch_restarts_total. */
export type RestartCause = 'gone' | 'timeout' | 'silent' | 'forbidden' | 'error' | 'poll';

export interface ListPage {
  items: unknown[];
  resourceVersion: string;
  continueToken?: string;
}

/** What the proxy watches: pods, and what explains them (nodes, events) or names their workload. */
export type Resource = 'pods' | 'nodes' | 'events' | 'replicasets' | 'jobs';

export interface WatcherOptions {
  resource: Resource;
  /** null for cluster scope. */
  namespace: string | null;
  kubeConfig: KubeConfig;
  log: Logger;
  /** One page of a list; `continueToken` undefined for the first page. */
  list(limit: number, continueToken: string | undefined): Promise<ListPage>;
  /** Watch path, e.g. /api/v1/pods or /api/v1/namespaces/a/events. */
  path: string;
  fieldSelector?: string;
  /** The watch's Accept header (e.g. metadata only); JSON objects by default. */
  accept?: string;
  /** false: list only (RBAC allows no watch), relisting every pollIntervalMs. */
  canWatch: boolean;
  pageSize?: number;
  /** Server-side watch timeout; jittered ±20% so many watchers do not reconnect together. */
  watchTimeoutSeconds?: number;
  /**
   * After this long with no event or bookmark the API server is asked whether it still answers
   * (`probe`): a quiet watch goes on, one whose server does not answer is restarted.
   */
  silenceMs?: number;
  /** A cheap request to the API server (e.g. GET /version). */
  probe(): Promise<unknown>;
  pollIntervalMs?: number;
  /**
   * First retry delays after an error and after a 403; each further failure doubles them, up to 10×
   * the first after an error (5 s: an API server back from an outage is seen within seconds) and
   * 30× after a 403 (5 min: RBAC changes are slow).
   */
  retryBaseMs?: number;
  forbiddenRetryBaseMs?: number;
  /** Applied to every listed item as its page arrives, so that only one page is held whole. */
  slimListItem?(item: unknown): unknown;
  onReplace(items: unknown[]): void;
  onEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: unknown): void;
  onRestart?(cause: RestartCause): void;
  onStateChange?(state: WatchState): void;
}

class GoneError extends Error {}
class SilentWatchError extends Error {}

/** How long the liveness check of a quiet watch waits for the API server. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * A Watch whose own inactivity limit only catches a connection the server failed to end: the server
 * ends every watch after timeoutSeconds, so nothing at all for longer than that means it is dead.
 */
class BoundedWatch extends Watch {
  constructor(kc: KubeConfig, limitMs: number) {
    super(kc);
    (this as unknown as { requestTimeoutMs: number }).requestTimeoutMs = limitMs;
  }
}

const statusCode = (err: unknown): number | undefined =>
  (err as { statusCode?: number; code?: number }).statusCode ?? (err as { code?: number }).code;

export class ResourceWatcher {
  state: WatchState = 'starting';
  /** Epoch ms of the last list or watch event (bookmarks included). */
  lastActivity = 0;
  lastSync = 0;
  lastError = '';
  /** Epoch ms since when the watch has been retrying or forbidden; 0 while synced. */
  failingSince = 0;
  private resourceVersion: string | undefined;
  private failures = 0;
  private cancel: (() => void) | undefined;
  private wake: (() => void) | undefined;
  private readonly opts: Required<
    Omit<WatcherOptions, 'fieldSelector' | 'accept' | 'slimListItem' | 'onRestart' | 'onStateChange'>
  > &
    WatcherOptions;
  private readonly watch: Watch;

  constructor(opts: WatcherOptions) {
    // Explicit undefined must not override a default.
    this.opts = {
      ...opts,
      pageSize: opts.pageSize ?? 500,
      watchTimeoutSeconds: opts.watchTimeoutSeconds ?? 300,
      silenceMs: opts.silenceMs ?? 90_000,
      pollIntervalMs: opts.pollIntervalMs ?? 15_000,
      retryBaseMs: opts.retryBaseMs ?? 500,
      forbiddenRetryBaseMs: opts.forbiddenRetryBaseMs ?? 10_000,
    };
    this.watch = new BoundedWatch(opts.kubeConfig, this.opts.watchTimeoutSeconds * 1200 + this.opts.silenceMs);
  }

  get resource(): string {
    return this.opts.resource;
  }

  get scope(): string {
    return this.opts.namespace ?? 'cluster';
  }

  /** Runs until stop(); resolves the first time the resource is synced (or fails to be). */
  start(): Promise<void> {
    return new Promise((firstSync) => {
      void this.run(firstSync);
    });
  }

  private get stopped(): boolean {
    return this.state === 'stopped';
  }

  stop(): void {
    this.setState('stopped');
    this.cancel?.();
    this.wake?.();
  }

  private setState(state: WatchState): void {
    if (this.state === 'stopped' || this.state === state) {
      return;
    }
    if (state === 'synced') {
      this.failingSince = 0;
    } else if ((state === 'retrying' || state === 'forbidden') && this.failingSince === 0) {
      this.failingSince = Date.now();
    }
    this.state = state;
    this.opts.onStateChange?.(state);
  }

  /** Any successful list or watch event: healthy again, and the next failure retries quickly. */
  private healthy(): void {
    this.failures = 0;
    this.setState('synced');
  }

  private async run(firstSync: () => void): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined || !this.opts.canWatch) {
          await this.relist();
          firstSync();
        }
        if (this.opts.canWatch) {
          await this.watchOnce();
          this.healthy(); // the server ended the watch as asked
          this.opts.onRestart?.('timeout');
        } else {
          await this.sleep(this.opts.pollIntervalMs);
          this.opts.onRestart?.('poll');
        }
      } catch (err) {
        if (this.stopped) {
          break;
        }
        const cause = this.causeOf(err);
        this.opts.onRestart?.(cause);
        this.lastError = (err as Error).message ?? String(err);
        if (cause === 'gone') {
          this.opts.log.info(
            { resource: this.opts.resource, scope: this.scope },
            'resourceVersion too old (410 Gone): relisting'
          );
          this.resourceVersion = undefined;
          continue;
        }
        if (cause === 'silent') {
          // A server that does not answer is failing, hung or not: stale, and the not-ready timer runs.
          // No backoff: each attempt already waits silenceMs and the probe.
          this.setState('retrying');
          this.opts.log.warn({ resource: this.opts.resource, scope: this.scope, err: this.lastError }, 'reconnecting');
          continue;
        }
        const failures = ++this.failures;
        this.setState(cause === 'forbidden' ? 'forbidden' : 'retrying');
        // What was missed while forbidden cannot be replayed reliably (and node data was dropped).
        if (cause === 'forbidden') {
          this.resourceVersion = undefined;
        }
        firstSync(); // a failed first sync still ends start(): the proxy reports it instead of hanging
        // 403s wait longer: RBAC changes are slow, and a tight loop would only load the API server.
        const base = cause === 'forbidden' ? this.opts.forbiddenRetryBaseMs : this.opts.retryBaseMs;
        const cap = base * (cause === 'forbidden' ? 30 : 10);
        const delay = Math.min(cap, base * 2 ** Math.min(failures - 1, 10)) * (0.8 + Math.random() * 0.4);
        this.opts.log.warn(
          { resource: this.opts.resource, scope: this.scope, cause, delayMs: Math.round(delay), err: this.lastError },
          'watch failed: retrying'
        );
        await this.sleep(delay);
      }
    }
  }

  private causeOf(err: unknown): RestartCause {
    if (err instanceof GoneError || statusCode(err) === 410) {
      return 'gone';
    }
    if (statusCode(err) === 403) {
      return 'forbidden';
    }
    if (err instanceof SilentWatchError || (err as { name?: string }).name === 'TimeoutError') {
      return 'silent';
    }
    return 'error';
  }

  private async relist(): Promise<void> {
    const items: unknown[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.opts.list(this.opts.pageSize, token);
      const slim = this.opts.slimListItem;
      for (const item of page.items) {
        items.push(slim ? slim(item) : item);
      }
      resourceVersion = page.resourceVersion;
      token = page.continueToken || undefined;
    } while (token && !this.stopped);
    if (this.stopped) {
      return;
    }
    this.resourceVersion = resourceVersion;
    this.opts.onReplace(items);
    this.lastSync = this.lastActivity = Date.now();
    this.healthy();
  }

  private watchOnce(): Promise<void> {
    const jitter = 0.8 + Math.random() * 0.4;
    const { log, resource, silenceMs } = this.opts;
    return new Promise((resolve, reject) => {
      let settled = false;
      let controller: AbortController | undefined;
      let quietTimer: NodeJS.Timeout | undefined;
      const finish = (err?: unknown) => {
        if (settled) {
          return;
        }
        settled = true;
        clearTimeout(quietTimer);
        controller?.abort();
        this.cancel = undefined;
        if (err && !this.stopped) {
          reject(err);
        } else {
          resolve();
        }
      };
      this.cancel = () => finish();
      // Quiet is not failure (kube-apiserver v1.37 sends pod and node watches a bookmark every 60 s, but
      // Event watches none after the first):
      // only a server that does not answer at all ends the watch early.
      const checkAlive = () => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise((_, fail) => {
          timer = setTimeout(() => fail(new Error('timed out')), Math.min(silenceMs, PROBE_TIMEOUT_MS));
        });
        Promise.race([this.opts.probe(), timeout]).then(
          () => {
            clearTimeout(timer);
            if (!settled) {
              log.debug({ resource, scope: this.scope }, 'watch quiet; the API server answers');
              armQuietTimer();
            }
          },
          (err: Error) => {
            clearTimeout(timer);
            finish(
              new SilentWatchError(
                `no watch event for ${silenceMs / 1000}s and the API server does not answer: ${err.message}`
              )
            );
          }
        );
      };
      const armQuietTimer = () => {
        clearTimeout(quietTimer);
        quietTimer = setTimeout(checkAlive, silenceMs);
      };
      const onEvent = (
        type: string,
        obj: { metadata?: { resourceVersion?: string }; code?: number; message?: string }
      ) => {
        this.lastActivity = Date.now();
        armQuietTimer();
        if (type === 'ERROR') {
          finish(
            obj.code === 410
              ? new GoneError(obj.message ?? 'Gone')
              : Object.assign(new Error(obj.message ?? 'watch error'), { statusCode: obj.code })
          );
          return;
        }
        this.healthy(); // a watch that resumed after a failure is healthy again
        if (obj.metadata?.resourceVersion) {
          this.resourceVersion = obj.metadata.resourceVersion;
        }
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
          this.opts.onEvent(type, obj);
        }
      };
      armQuietTimer();
      this.watch
        .watch(
          this.opts.path,
          {
            resourceVersion: this.resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: Math.max(1, Math.round(this.opts.watchTimeoutSeconds * jitter)),
            fieldSelector: this.opts.fieldSelector,
          },
          onEvent,
          (err: unknown) => finish(err ?? undefined),
          this.opts.accept
        )
        .then((c) => {
          controller = c;
          if (settled) {
            c.abort();
          } else {
            // Open again: what was missed follows from resourceVersion, so no event needs to prove it
            // (a quiet Events watch may bring none for hours).
            this.healthy();
          }
        }, finish);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
