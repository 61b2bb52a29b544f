// Keeps the store in step with the cluster: pods always, nodes and pod events when RBAC allows
// them (attribution falls back to `unknown` without them), and the metadata of ReplicaSets and Jobs
// when allowed (without them a pod's workload is its own controller).
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { toPodInput } from '../engine/index.ts';
import type { PodInput } from '../engine/types.ts';
import { ownerEntry } from '../store/owners.ts';
import type { PodStore } from '../store/store.ts';
import { KubeClient, METADATA, METADATA_LIST } from './kube-client.ts';
import { WITHOUT, discoverPermissions, type Namespaced, type Permissions } from './permissions.ts';
import { ResourceWatcher, type ListPage, type RestartCause, type Resource, type WatchState } from './watcher.ts';

export interface ClusterWatchOptions {
  kubeConfig: KubeConfig;
  store: PodStore;
  log: Logger;
  /** Namespaces to watch; null: as wide as RBAC allows. */
  namespaces: string[] | null;
  watchTimeoutSeconds?: number;
  watchSilenceMs?: number;
  pollIntervalMs?: number;
  onWatchEvent?(resource: string, type: string): void;
  onRestart?(resource: string, cause: RestartCause): void;
}

/** Where each resource's API lives; ReplicaSets and Jobs are read as metadata only. */
const API: Record<Resource, { group: string; metadataOnly?: true }> = {
  pods: { group: '/api/v1' },
  nodes: { group: '/api/v1' },
  events: { group: '/api/v1' },
  replicasets: { group: '/apis/apps/v1', metadataOnly: true },
  jobs: { group: '/apis/batch/v1', metadataOnly: true },
};

const path = (resource: Resource, namespace: string | null) =>
  `${API[resource].group}${namespace === null ? '' : `/namespaces/${namespace}`}/${resource}`;

interface ListResult {
  /** null in an empty PartialObjectMetadataList. */
  items: unknown[] | null;
  metadata?: { resourceVersion?: string; continue?: string };
}

const page = (r: ListResult): ListPage => ({
  items: r.items ?? [],
  resourceVersion: r.metadata?.resourceVersion ?? '',
  continueToken: r.metadata?.continue,
});

export class ClusterWatch {
  permissions: Permissions | undefined;
  serverVersion = '';
  readonly watchers: ResourceWatcher[] = [];
  private readonly opts: ClusterWatchOptions;
  private readonly client: KubeClient;

  constructor(opts: ClusterWatchOptions) {
    this.opts = opts;
    this.client = new KubeClient(opts.kubeConfig);
  }

  get server(): string {
    return this.client.server;
  }

  /** Asks what it may read, starts the watchers and resolves after the first sync of each. */
  async start(): Promise<void> {
    const { log } = this.opts;
    const version = await this.client.get<{ gitVersion: string }>('/version');
    this.serverVersion = version.gitVersion;
    const p = (this.permissions = await discoverPermissions(this.client, this.opts.namespaces));
    if (p.pods === 'forbidden') {
      throw new Error(
        `this identity may not list pods in ${p.namespaces === null ? 'the cluster' : 'any namespace asked for'}`
      );
    }
    log.info(
      {
        server: this.server,
        version: this.serverVersion,
        scope: p.namespaces ?? 'cluster',
        pods: p.pods,
        nodes: p.nodes,
        events: p.events,
        replicasets: p.replicasets,
        jobs: p.jobs,
      },
      'permissions'
    );
    if (p.deniedNamespaces.length) {
      log.warn({ namespaces: p.deniedNamespaces }, 'pods forbidden in these namespaces: not watched');
    }

    const scopes: Array<string | null> = p.namespaces ?? [null];
    const access = (ns: string | null, resource: Namespaced) =>
      ns === null ? p[resource] : p.byNamespace[ns][resource];
    const optional = (resource: Exclude<Namespaced, 'pods'>) => {
      for (const ns of scopes) {
        const allowed = access(ns, resource);
        if (allowed !== 'forbidden') {
          this.add(resource, ns, allowed);
        } else {
          log.warn({ scope: ns ?? 'cluster' }, `${resource} are forbidden: ${WITHOUT[resource]}`);
        }
      }
    };
    // ReplicaSets, Jobs (metadata only) and nodes first, quick lists: pods listed after them are
    // explained once, with their workload and node, instead of once more when those arrive. The
    // first pod list after a restart is also what recovery compares with the persisted answers: a
    // pod on a node that is gone must be NodeGone there, as it was before, not changed "while away".
    optional('replicasets');
    optional('jobs');
    if (p.nodes !== 'forbidden') {
      this.add('nodes', null, p.nodes);
    } else {
      log.warn('nodes are forbidden: node health and node-based attribution are unavailable');
    }
    await Promise.all(this.watchers.map((w) => w.start()));
    const before = this.watchers.length;
    for (const ns of scopes) {
      this.add('pods', ns, access(ns, 'pods') as 'watch' | 'list');
    }
    optional('events');
    await Promise.all(this.watchers.slice(before).map((w) => w.start()));
  }

  stop(): void {
    for (const w of this.watchers) {
      w.stop();
    }
  }

  /** True once every pod watcher has listed at least once; nodes and events are optional. */
  get synced(): boolean {
    const pods = this.watchers.filter((w) => w.resource === 'pods');
    return pods.length > 0 && pods.every((w) => w.lastSync > 0);
  }

  private add(resource: Resource, namespace: string | null, access: 'watch' | 'list'): void {
    const { store, log } = this.opts;
    const fieldSelector = resource === 'events' ? 'involvedObject.kind=Pod' : undefined;
    const handlers: Record<
      Resource,
      { replace(items: unknown[]): void; event(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: unknown): void }
    > = {
      pods: {
        replace: (items) => store.replacePods(items as PodInput[], namespace),
        event: (t, o) => store.applyPod(t, o as never),
      },
      nodes: {
        replace: (items) => store.replaceNodes(items as never[]),
        event: (t, o) => store.applyNode(t, o as never),
      },
      events: {
        replace: (items) => store.replaceEvents(items as never[], namespace),
        event: (t, o) => store.applyEvent(t, o as never),
      },
      replicasets: {
        replace: (items) => store.replaceOwners('ReplicaSet', items as never[], namespace),
        event: (t, o) => store.applyOwner('ReplicaSet', t, o),
      },
      jobs: {
        replace: (items) => store.replaceOwners('Job', items as never[], namespace),
        event: (t, o) => store.applyOwner('Job', t, o),
      },
    };
    const { metadataOnly } = API[resource];
    const watcher = new ResourceWatcher({
      resource,
      namespace,
      kubeConfig: this.opts.kubeConfig,
      log,
      path: path(resource, namespace),
      fieldSelector,
      accept: metadataOnly && METADATA,
      canWatch: access === 'watch',
      watchTimeoutSeconds: this.opts.watchTimeoutSeconds,
      silenceMs: this.opts.watchSilenceMs,
      pollIntervalMs: this.opts.pollIntervalMs,
      probe: () => this.client.get('/version'),
      list: (limit, token) => this.list(resource, namespace, limit, token, fieldSelector),
      slimListItem: resource === 'pods' ? toPodInput : metadataOnly && ownerEntry,
      onReplace: handlers[resource].replace,
      onEvent: (type, obj) => {
        this.opts.onWatchEvent?.(resource, type);
        handlers[resource].event(type, obj);
      },
      onRestart: (cause) => this.opts.onRestart?.(resource, cause),
      onStateChange: (state: WatchState) => {
        log.info({ resource, scope: namespace ?? 'cluster', state }, 'watch state');
        if (resource === 'nodes' && state === 'forbidden') {
          store.dropNodes();
        }
      },
    });
    this.watchers.push(watcher);
  }

  private async list(
    resource: Resource,
    namespace: string | null,
    limit: number,
    token: string | undefined,
    fieldSelector?: string
  ): Promise<ListPage> {
    return page(
      await this.client.get<ListResult>(
        path(resource, namespace),
        { limit, continue: token, fieldSelector },
        API[resource].metadataOnly && METADATA_LIST
      )
    );
  }
}
