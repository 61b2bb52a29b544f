// The proxy's memory: per pod the engine's slim input and its answer (never whole objects),
// nodes and recent pod events for attribution, tombstones of deleted abnormal pods, and a
// bounded history of transitions into abnormal reasons.
import { EventEmitter } from 'node:events';
import { explainPod, toEventInput, toNodeInput, toPodInput } from '../engine/index.ts';
import type { EventInput, NodeInput, PodAnswer, PodInput } from '../engine/types.ts';
import { matchesCommon, matchesPod, type Filter } from './filters.ts';
import type { Labels } from './label-selector.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A pod as the API serves it: the engine's answer plus where it stands in the store. */
export interface PodView {
  answer: PodAnswer;
  labels: Labels;
  deleted: boolean;
  /** Epoch ms, for tombstones. */
  deletedAt: number | null;
}

/** A pod entering an abnormal primary reason (docs/http-api.md). */
export interface Transition {
  time: number;
  namespace: string;
  pod: string;
  uid: string;
  node: string;
  reason: string;
  category: string;
  source: string;
  initiator: string;
  detail: string;
  message: string;
  deleted: boolean;
}

export interface StoreOptions {
  tombstoneMaxAgeMs: number;
  tombstoneMaxCount: number;
  historyMaxCount: number;
  /** Pod events older than this are dropped: attribution only looks about a minute back. */
  eventMaxAgeMs: number;
  eventsPerPod: number;
  now?: () => number;
}

export const DEFAULT_STORE_OPTIONS: StoreOptions = {
  tombstoneMaxAgeMs: 60 * 60_000,
  tombstoneMaxCount: 10_000,
  historyMaxCount: 100_000,
  eventMaxAgeMs: 10 * 60_000,
  eventsPerPod: 8,
};

interface PodRecord {
  input: PodInput;
  view: PodView;
}

interface StoredEvent {
  key: string;
  input: EventInput;
  seenAt: number;
}

interface StoreEvents {
  upsert: [PodView];
  delete: [PodView];
  transition: [Transition];
}

type KubeObject = { metadata?: { uid?: string; name?: string; namespace?: string; labels?: Record<string, string> } };

export class PodStore extends EventEmitter<StoreEvents> {
  private readonly pods = new Map<string, PodRecord>();
  private readonly podsByNode = new Map<string, Set<string>>();
  private readonly terminating = new Set<string>();
  private readonly tombstones = new Map<string, PodView>();
  /** Scopes (a namespace, or '' for the cluster) listed at least once. */
  private readonly listedScopes = new Set<string>();
  private readonly events = new Map<string, StoredEvent[]>();
  private history: Transition[] = [];
  /** null while the proxy has no node data (RBAC or not yet synced): the engine skips node rules. */
  private nodes: Map<string, NodeInput> | null = null;
  private readonly opts: StoreOptions;
  private readonly now: () => number;

  constructor(opts: Partial<StoreOptions> = {}) {
    super();
    this.opts = { ...DEFAULT_STORE_OPTIONS, ...opts };
    this.now = opts.now ?? Date.now;
  }

  // ---- pods ----------------------------------------------------------------------------------

  applyPod(type: WatchEventType, obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) {
      return;
    }
    const input = toPodInput(obj);
    if (type === 'DELETED') {
      this.removePod(uid, input, true);
      return;
    }
    this.classify(uid, input);
  }

  /**
   * Replaces every pod of a scope after a (re)list: pods missing from the list were deleted
   * while the proxy was not watching, so only their last known state remains. Takes slim inputs
   * (toPodInput per list page), so that a large list is never held as whole objects.
   */
  replacePods(inputs: readonly PodInput[], namespace: string | null): void {
    // Pods already abnormal at the first list of a scope entered their reason before the proxy
    // watched: counting them would count them again at every proxy restart.
    const scope = namespace ?? '';
    const initial = !this.listedScopes.has(scope);
    this.listedScopes.add(scope);
    const seen = new Set<string>();
    for (const input of inputs) {
      if (!input.uid) {
        continue;
      }
      seen.add(input.uid);
      this.classify(input.uid, input, false, !initial);
    }
    for (const [uid, record] of this.pods) {
      if (!seen.has(uid) && (namespace === null || record.view.answer.namespace === namespace)) {
        this.removePod(uid, record.input, false);
      }
    }
  }

  private classify(uid: string, input: PodInput, deleted = false, record = true): PodView {
    const answer = explainPod(input, {
      nodes: this.nodes,
      events: this.events.get(uid)?.map((e) => e.input) ?? [],
      now: new Date(this.now()),
    });
    const previous = this.pods.get(uid)?.view.answer;
    const view: PodView = { answer, labels: input.labels, deleted, deletedAt: deleted ? this.now() : null };
    if (record && answer.abnormal && (!previous || !previous.abnormal || previous.reason !== answer.reason)) {
      this.recordTransition(answer, deleted);
    }
    if (!deleted) {
      const before = this.pods.get(uid)?.view;
      if (previous && previous.node !== answer.node) {
        this.unindexNode(previous.node, uid);
      }
      this.pods.set(uid, { input, view });
      this.indexByNode(answer.node, uid);
      if (input.deletionTimestamp) {
        this.terminating.add(uid);
      } else {
        this.terminating.delete(uid);
      }
      // Re-classifications (node changes, the stuck-deletion tick) often change nothing.
      if (!before || !sameView(before, view)) {
        this.emit('upsert', view);
      }
    }
    return view;
  }

  /** `final` is the object of a DELETED event: classify it once more, it may name the cause. */
  private removePod(uid: string, input: PodInput, final: boolean): void {
    const record = this.pods.get(uid);
    const view = final ? this.classify(uid, input, true) : { ...record!.view, deleted: true, deletedAt: this.now() };
    this.pods.delete(uid);
    this.terminating.delete(uid);
    this.events.delete(uid);
    if (record) {
      this.unindexNode(record.view.answer.node, uid);
    }
    if (view.answer.abnormal) {
      this.addTombstone(uid, view);
    }
    this.emit('delete', view);
  }

  private indexByNode(node: string, uid: string): void {
    if (!node) {
      return;
    }
    let set = this.podsByNode.get(node);
    if (!set) {
      this.podsByNode.set(node, (set = new Set()));
    }
    set.add(uid);
  }

  private unindexNode(node: string, uid: string): void {
    const set = this.podsByNode.get(node);
    if (set?.delete(uid) && set.size === 0) {
      this.podsByNode.delete(node);
    }
  }

  private reclassify(uid: string): void {
    const record = this.pods.get(uid);
    if (record) {
      this.classify(uid, record.input);
    }
  }

  private reclassifyNode(node: string): void {
    for (const uid of this.podsByNode.get(node) ?? []) {
      this.reclassify(uid);
    }
  }

  // ---- nodes and events (attribution) --------------------------------------------------------

  applyNode(type: WatchEventType, obj: KubeObject): void {
    const name = obj.metadata?.name;
    if (!name || !this.nodes) {
      return;
    }
    if (type === 'DELETED') {
      this.nodes.delete(name);
    } else {
      this.nodes.set(name, toNodeInput(obj));
    }
    this.reclassifyNode(name);
  }

  replaceNodes(objs: readonly KubeObject[]): void {
    this.nodes = new Map(objs.map((o) => [o.metadata!.name!, toNodeInput(o)]));
    this.reclassifyBoundPods();
  }

  /** Node data became unavailable (forbidden): node rules and node attribution stop applying. */
  dropNodes(): void {
    if (!this.nodes) {
      return;
    }
    this.nodes = null;
    this.reclassifyBoundPods();
  }

  /** Every pod on a node, including nodes that are gone. */
  private reclassifyBoundPods(): void {
    for (const node of [...this.podsByNode.keys()]) {
      this.reclassifyNode(node);
    }
  }

  applyEvent(type: WatchEventType, obj: KubeObject & { involvedObject?: { uid?: string } }): void {
    const uid = obj.involvedObject?.uid;
    if (!uid || type === 'DELETED') {
      return;
    }
    const list = this.events.get(uid) ?? [];
    // An Event object is updated in place when it repeats (count, lastTimestamp): keep its latest.
    const key = obj.metadata?.uid ?? obj.metadata?.name ?? '';
    const kept = list.filter((e) => e.key !== key);
    kept.push({ key, input: toEventInput(obj), seenAt: this.now() });
    this.events.set(uid, kept.slice(-this.opts.eventsPerPod));
    this.reclassify(uid);
  }

  /** Replaces the pod events of one namespace (null: all) after a (re)list. */
  replaceEvents(
    objs: ReadonlyArray<KubeObject & { involvedObject?: { uid?: string } }>,
    namespace: string | null
  ): void {
    for (const [uid, list] of this.events) {
      if (namespace === null || list[0]?.input.namespace === namespace) {
        this.events.delete(uid);
      }
    }
    for (const obj of objs) {
      this.applyEvent('ADDED', obj);
    }
  }

  // ---- tombstones, history, housekeeping ------------------------------------------------------

  private addTombstone(uid: string, view: PodView): void {
    this.tombstones.delete(uid);
    this.tombstones.set(uid, view);
    while (this.tombstones.size > this.opts.tombstoneMaxCount) {
      this.tombstones.delete(this.tombstones.keys().next().value!);
    }
  }

  private recordTransition(a: PodAnswer, deleted: boolean): void {
    const t: Transition = {
      time: this.now(),
      namespace: a.namespace,
      pod: a.name,
      uid: a.uid,
      node: a.node,
      reason: a.reason,
      category: a.category,
      source: a.source,
      initiator: a.initiator,
      detail: a.detail,
      message: a.message,
      deleted,
    };
    this.history.push(t);
    // Trim in batches so that the array is not shifted on every push.
    if (this.history.length > this.opts.historyMaxCount * 1.1) {
      this.history = this.history.slice(-this.opts.historyMaxCount);
    }
    this.emit('transition', t);
  }

  /** Time-driven work: stuck deletions, old tombstones and events. Call every few seconds. */
  tick(): void {
    const now = this.now();
    for (const uid of [...this.terminating]) {
      this.reclassify(uid);
    }
    for (const [uid, view] of this.tombstones) {
      if (now - view.deletedAt! <= this.opts.tombstoneMaxAgeMs) {
        break;
      } // insertion order = age order
      this.tombstones.delete(uid);
    }
    for (const [uid, list] of this.events) {
      const fresh = list.filter((e) => now - e.seenAt <= this.opts.eventMaxAgeMs);
      if (fresh.length === 0) {
        this.events.delete(uid);
      } else if (fresh.length !== list.length) {
        this.events.set(uid, fresh);
      }
    }
  }

  // ---- queries -------------------------------------------------------------------------------

  /** Current pods (and tombstones when the filter asks) that match. */
  *matchingPods(f: Filter): Generator<PodView> {
    for (const { view } of this.pods.values()) {
      if (matchesPod(f, view.answer, view.labels)) {
        yield view;
      }
    }
    if (f.includeDeleted) {
      for (const view of this.tombstones.values()) {
        if (matchesPod(f, view.answer, view.labels)) {
          yield view;
        }
      }
    }
  }

  /** Transitions in [from, to), newest first. */
  transitions(f: Filter, from: number, to: number, limit: number): Transition[] {
    const out: Transition[] = [];
    for (let i = this.history.length - 1; i >= 0 && out.length < limit; i--) {
      const t = this.history[i];
      if (t.time >= to) {
        continue;
      }
      if (t.time < from) {
        break;
      }
      if (matchesCommon(f, t, t.pod)) {
        out.push(t);
      }
    }
    return out;
  }

  /** Every transition in [from, to) that matches, oldest first (for series). */
  *transitionsBetween(f: Filter, from: number, to: number): Generator<Transition> {
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid].time < from) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    for (let i = lo; i < this.history.length && this.history[i].time < to; i++) {
      if (matchesCommon(f, this.history[i], this.history[i].pod)) {
        yield this.history[i];
      }
    }
  }

  /** Distinct values of one field across pods, tombstones and history, for template variables. */
  values(field: 'namespace' | 'node' | 'reason' | 'initiator' | 'name', namespaces?: ReadonlySet<string>): string[] {
    const out = new Set<string>();
    const add = (ns: string, value: string) => {
      if (value && (!namespaces || namespaces.has(ns))) {
        out.add(value);
      }
    };
    for (const { view } of this.pods.values()) {
      add(view.answer.namespace, view.answer[field]);
    }
    for (const view of this.tombstones.values()) {
      add(view.answer.namespace, view.answer[field]);
    }
    const historyField = field === 'name' ? 'pod' : field;
    for (const t of this.history) {
      add(t.namespace, t[historyField]);
    }
    return [...out].sort();
  }

  counts(): { pods: number; abnormal: number; tombstones: number; transitions: number; nodes: number; events: number } {
    let abnormal = 0;
    for (const { view } of this.pods.values()) {
      if (view.answer.abnormal) {
        abnormal++;
      }
    }
    let events = 0;
    for (const list of this.events.values()) {
      events += list.length;
    }
    return {
      pods: this.pods.size,
      abnormal,
      tombstones: this.tombstones.size,
      transitions: this.history.length,
      nodes: this.nodes?.size ?? 0,
      events,
    };
  }

  /** Every current pod, for metrics. */
  currentPods(): IterableIterator<PodRecord> {
    return this.pods.values();
  }
}

function sameView(a: PodView, b: PodView): boolean {
  return JSON.stringify(a.labels) === JSON.stringify(b.labels) && JSON.stringify(a.answer) === JSON.stringify(b.answer);
}
