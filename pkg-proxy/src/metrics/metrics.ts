// Prometheus metrics. The podreasons_* names and labels are a contract for dashboards and alert
// rules (README "Metrics"). The pod gauges are text kept up to date as pods change, one small family
// each (text-families.ts); the transitions counter is fed as transitions happen, so it keeps
// counting pods that were deleted between scrapes.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PodStore, Transition } from '../store/store.ts';
import { ksmCompatibleFamilies } from './ksm.ts';
import { CountFamily, CounterFamily, PerPodFamily } from './text-families.ts';

export interface WatchHealth {
  resource: string;
  scope: string;
  healthy: boolean;
  lastSync: number;
}

export interface MetricsOptions {
  store: PodStore;
  ksmCompatible: boolean;
  watchHealth(): WatchHealth[];
  /** Failed writes of --data-dir so far; without one the family is not exposed. */
  persistenceWriteFailures?: () => number;
}

export class Metrics {
  readonly registry = new Registry();
  readonly watchEvents: Counter<'resource' | 'type'>;
  readonly watchRestarts: Counter<'resource' | 'cause'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** A series per workload that had a transition: text, like the pod families. */
  private readonly transitions: CounterFamily;

  /** Families kept as text (text-families.ts), rendered after the registry's. */
  private readonly textFamilies: Array<PerPodFamily | CountFamily | CounterFamily> = [];

  constructor(opts: MetricsOptions) {
    const { store } = opts;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    // prom-client names these gauges *_total, which `promtool check metrics` rejects; the same
    // numbers are in nodejs_active_{handles,requests,resources} without the suffix.
    for (const name of [
      'nodejs_active_handles_total',
      'nodejs_active_requests_total',
      'nodejs_active_resources_total',
    ]) {
      this.registry.removeSingleMetric(name);
    }

    this.textFamilies.push(
      new PerPodFamily(
        store,
        'podreasons_pod_reason',
        'The primary reason of each currently abnormal pod (1 per pod; healthy pods have no series).',
        ({ view: { answer: a } }) =>
          a.abnormal
            ? [
                {
                  namespace: a.namespace,
                  pod: a.name,
                  uid: a.uid,
                  node: a.node,
                  reason: a.reason,
                  category: a.category,
                  source: a.source,
                  initiator: a.initiator,
                },
              ]
            : []
      ),
      new CountFamily(
        store,
        'podreasons_pods',
        'Current pods by namespace and primary reason.',
        ({ view: { answer: a } }) => ({
          namespace: a.namespace,
          reason: a.reason,
          category: a.category,
        })
      )
    );

    this.transitions = new CounterFamily(
      'podreasons_transitions_total',
      'Pods entering an abnormal primary reason, including pods seen only in their DELETED watch event, by workload and node pool.'
    );
    store.on('transition', (t: Transition, counted: boolean) => {
      if (counted) {
        this.transitions.inc({
          namespace: t.namespace,
          reason: t.reason,
          category: t.category,
          initiator: t.initiator,
          workload_kind: t.workloadKind,
          workload: t.workload,
          nodepool: t.nodepool,
        });
      }
    });

    this.textFamilies.push(this.transitions);
    if (opts.ksmCompatible) {
      this.textFamilies.push(...ksmCompatibleFamilies(store));
    }

    this.watchEvents = new Counter({
      name: 'podreasons_watch_events_total',
      help: 'Watch events received, by resource and event type.',
      labelNames: ['resource', 'type'],
      registers,
    });
    this.watchRestarts = new Counter({
      name: 'podreasons_watch_restarts_total',
      help: 'Watch restarts by resource and cause (timeout: normal server-side end; gone: 410 and relist; silent; forbidden; error; poll).',
      labelNames: ['resource', 'cause'],
      registers,
    });
    new Gauge({
      name: 'podreasons_watch_healthy',
      help: '1 when every watch of the resource is synced, 0 when one is retrying or forbidden.',
      labelNames: ['resource'],
      registers,
      collect() {
        this.reset();
        const byResource = new Map<string, boolean>();
        for (const w of opts.watchHealth()) {
          byResource.set(w.resource, (byResource.get(w.resource) ?? true) && w.healthy);
        }
        for (const [resource, healthy] of byResource) {
          this.set({ resource }, healthy ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'podreasons_last_sync_timestamp_seconds',
      help: 'When the resource was last listed or received a watch event (oldest across scopes).',
      labelNames: ['resource'],
      registers,
      collect() {
        this.reset();
        const oldest = new Map<string, number>();
        for (const w of opts.watchHealth()) {
          oldest.set(w.resource, Math.min(oldest.get(w.resource) ?? Infinity, w.lastSync));
        }
        for (const [resource, t] of oldest) {
          if (t > 0) {
            this.set({ resource }, t / 1000);
          }
        }
      },
    });
    new Gauge({
      name: 'podreasons_cached_objects',
      help: 'Objects the proxy keeps in memory, by kind.',
      labelNames: ['kind'],
      registers,
      collect() {
        const c = store.counts();
        this.set({ kind: 'pods' }, c.pods);
        this.set({ kind: 'tombstones' }, c.tombstones);
        this.set({ kind: 'transitions' }, c.transitions);
        this.set({ kind: 'nodes' }, c.nodes);
        this.set({ kind: 'events' }, c.events);
        this.set({ kind: 'owners' }, c.owners);
      },
    });
    const writeFailures = opts.persistenceWriteFailures;
    if (writeFailures) {
      new Counter({
        name: 'podreasons_persistence_write_failures_total',
        help: 'Writes of the data directory that failed (each retry counts); the history is kept in memory until one succeeds.',
        registers,
        collect() {
          this.reset();
          this.inc(writeFailures());
        },
      });
    }
    this.httpDuration = new Histogram({
      name: 'podreasons_http_request_duration_seconds',
      help: 'HTTP request durations by route.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
  }

  /** The text exposition of every family: prom-client's, then those kept as text. */
  async render(): Promise<string> {
    const families = await this.registry.metrics();
    return `${families}\n${this.textFamilies.map((f) => f.render()).join('\n\n')}\n`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
