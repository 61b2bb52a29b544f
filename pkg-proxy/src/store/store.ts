// The proxy's memory: per pod the engine's slim input and its answer (never whole objects),
// nodes and recent pod events for attribution, tombstones of deleted abnormal pods, and a
// bounded history of transitions into abnormal reasons.
//
// A transition is recorded only when what the cluster reports changes a pod's reason: a watch
// event about the pod, its node or its events, a pod relist after the first, or a deletion that
// becomes stuck. Lists of nodes and events, and losing node data, re-classify pods without
// recording: they change what the proxy knows, not what happened. The one exception is catch-up
// after downtime (recovery/): the first lists may prove that a disruption happened while no proxy
// watched, and it is recorded once, marked `recovered`.
import { EventEmitter } from 'node:events';
import { awaitsEvidence, explainPod, toEventInput, toNodeInput, toPodInput } from '../engine/index.ts';
import type { EventInput, NodeInput, PodAnswer, PodInput } from '../engine/types.ts';
import type { IntermediateKind } from '../engine/workload.ts';
import type { TransitionItem } from '../contract/index.ts';
import { matchesCommon, matchesPod, type Filter, type Filterable } from './filters.ts';
import { TransitionLog } from './history.ts';
import { UidIndex } from './uid-index.ts';
import { label, type Labels } from './label-selector.ts';
import { OwnerIndex, ownerEntry, ownerKey, type OwnerEntry } from './owners.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A pod as the API serves it: the engine's answer plus where it stands in the store. */
export interface PodView {
  answer: PodAnswer;
  labels: Labels;
  deleted: boolean;
  /** Epoch ms, for tombstones. */
  deletedAt: number | null;
}

/** A pod entering an abnormal primary reason: the API's transition, with the time in epoch ms. */
export type Transition = Omit<TransitionItem, 'time'> & { time: number };

/**
 * Catch-up after downtime (recovery/recovery.ts): the first lists after a start tell what changed
 * while the proxy was not watching.
 */
export interface RecoveryHook {
  /** A pod of the first list of its scope: when it entered its abnormal reason unseen, or null. */
  changedWhileAway(answer: PodAnswer): number | null;
  /** The first list of Events of a scope: some are about pods that went away unseen. */
  eventsListed(objs: readonly EventObject[]): void;
  /** Whether a recovered transition of this time may be counted: no earlier process counted it. */
  countable(time: number): boolean;
}

export interface StoreOptions {
  tombstoneMaxAgeMs: number;
  tombstoneMaxCount: number;
  historyMaxCount: number;
  /** Pod events older than this are dropped: attribution only looks about a minute back. */
  eventMaxAgeMs: number;
  eventsPerPod: number;
  /** Events about pods the proxy does not know (yet) are kept this long, for at most this many pods. */
  unknownPodEventMaxAgeMs: number;
  unknownPodMaxCount: number;
  /**
   * How long a transition whose initiator an Event may still name waits for that Event before it
   * is recorded as it stands (the Event usually follows the eviction within a second).
   */
  attributionDelayMs: number;
  recovery?: RecoveryHook;
  now?: () => number;
}

export const DEFAULT_STORE_OPTIONS: StoreOptions = {
  tombstoneMaxAgeMs: 60 * 60_000,
  tombstoneMaxCount: 10_000,
  historyMaxCount: 100_000,
  eventMaxAgeMs: 10 * 60_000,
  eventsPerPod: 8,
  unknownPodEventMaxAgeMs: 60_000,
  unknownPodMaxCount: 2_000,
  attributionDelayMs: 5_000,
};

/** A current pod: the engine's slim input and what the API serves of it. */
export interface PodRecord {
  input: PodInput;
  view: PodView;
}

interface StoredEvent {
  key: string;
  input: EventInput;
  seenAt: number;
}

/** Where a pod ran and whose it was: what the store keeps once its node or owner is gone. */
type Placement = Pick<PodAnswer, 'node' | 'workloadKind' | 'workload' | 'nodepool' | 'capacityType'>;

/** A transition waiting for the Event that may name its initiator. */
interface PendingTransition {
  transition: Transition;
  /** The pod's last input, to re-classify it when an Event arrives after its deletion. */
  input: PodInput;
  due: number;
}

interface StoreEvents {
  upsert: [PodView];
  delete: [PodView];
  /** `counted`: false for a recovered transition an earlier process may already have counted. */
  transition: [transition: Transition, counted: boolean];
  /**
   * A current pod was added, changed or removed (`after` undefined): for what is kept up to date
   * beside the store, such as the pod families of /metrics.
   */
  pod: [uid: string, before: PodRecord | undefined, after: PodRecord | undefined];
}

/** One value of a pod or transition (`name`: the pod's), for /values. */
export type ValueOf = (item: Filterable, name: string) => string;

type KubeObject = { metadata?: { uid?: string; name?: string; namespace?: string; labels?: Record<string, string> } };
export type EventObject = KubeObject & { involvedObject?: { uid?: string } };

/** What an earlier run left on disk (persist/), loaded before the first list. */
export interface RestoredState {
  transitions: readonly Transition[];
  /** Oldest first. */
  tombstones: readonly PodView[];
}

/**
 * Label keys that get an index when a selector first uses them: dashboards use a few; the bound
 * keeps a caller that tries every key from indexing every label of every pod.
 */
const MAX_LABEL_INDEXES = 16;

/** A label's index key: its value behind a marker, so that the empty value is indexed too. */
const labelValueKey = (labels: Labels, key: string): string | undefined => {
  const value = label(labels, key);
  return value === undefined ? undefined : `=${value}`;
};

export class PodStore extends EventEmitter<StoreEvents> {
  private readonly pods = new Map<string, PodRecord>();
  private readonly podsByNode = new UidIndex();
  private readonly podsByNamespace = new UidIndex();
  private readonly podsByReason = new UidIndex();
  private readonly abnormalPods = new Set<string>();
  /** Per label key a selector used, its pods by value: built at the first use, then kept up to date. */
  private readonly podsByLabel = new Map<string, UidIndex>();
  private readonly terminating = new Set<string>();
  private readonly tombstones = new Map<string, PodView>();
  /** Scopes (a namespace, or '' for the cluster) listed at least once. */
  private readonly listedScopes = new Set<string>();
  private readonly eventScopesListed = new Set<string>();
  private readonly events = new Map<string, StoredEvent[]>();
  /** uids with events but neither a pod nor a pending transition, oldest first. */
  private readonly unknownPodEvents = new Set<string>();
  private readonly pending = new Map<string, PendingTransition>();
  private readonly history: TransitionLog;
  private readonly owners = new OwnerIndex();
  /** null while the proxy has no node data (RBAC or not yet synced): the engine skips node rules. */
  private nodes: Map<string, NodeInput> | null = null;
  private readonly opts: StoreOptions;
  private readonly now: () => number;

  constructor(opts: Partial<StoreOptions> = {}) {
    super();
    this.opts = { ...DEFAULT_STORE_OPTIONS, ...opts };
    this.now = opts.now ?? Date.now;
    this.history = new TransitionLog(this.opts.historyMaxCount);
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
    this.classify(uid, input, true);
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
      const { answer } = this.classify(input.uid, input, !initial);
      const changedAt = initial ? this.opts.recovery?.changedWhileAway(answer) : null;
      if (changedAt != null) {
        this.recordTransition(answer, false, input, changedAt, true);
      }
    }
    for (const [uid, record] of this.pods) {
      if (!seen.has(uid) && (namespace === null || record.view.answer.namespace === namespace)) {
        this.removePod(uid, record.input, false);
      }
    }
  }

  /** `previous`: the pod's last input and placement, kept where its owner or node is no longer known. */
  private explain(uid: string, input: PodInput, previous?: { input: PodInput; placement: Placement }): PodAnswer {
    const answer = explainPod(input, {
      nodes: this.nodes,
      events: this.events.get(uid)?.map((e) => e.input) ?? [],
      owners: this.owners.lookup,
      now: new Date(this.now()),
    });
    if (!previous) {
      return answer;
    }
    const { owner } = input;
    const last = previous.placement;
    // A ReplicaSet or Job deleted before its pods (or not read yet again) leaves the workload last known.
    if (
      owner &&
      owner.kind === previous.input.owner?.kind &&
      owner.name === previous.input.owner.name &&
      this.owners.lookup(input.namespace, owner) === undefined
    ) {
      answer.workloadKind = last.workloadKind;
      answer.workload = last.workload;
    }
    // A node that is gone (or unreadable) leaves the pool its pods last ran in.
    if (answer.node === last.node && !this.nodes?.has(answer.node)) {
      answer.nodepool = last.nodepool;
      answer.capacityType = last.capacityType;
    }
    return answer;
  }

  /** `record`: the change comes from the cluster, so entering an abnormal reason is a transition. */
  private classify(uid: string, input: PodInput, record: boolean, deleted = false): PodView {
    const known = this.pods.get(uid);
    const answer = this.explain(uid, input, known && { input: known.input, placement: known.view.answer });
    const before = known?.view;
    const previous = before?.answer;
    const view: PodView = { answer, labels: input.labels, deleted, deletedAt: deleted ? this.now() : null };
    if (record && answer.abnormal && (!previous || !previous.abnormal || previous.reason !== answer.reason)) {
      this.recordTransition(answer, deleted, input);
    } else {
      this.updatePending(uid, answer, input);
    }
    if (!deleted) {
      this.unknownPodEvents.delete(uid);
      this.setPod(uid, { input, view });
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
    const view = final
      ? this.classify(uid, input, true, true)
      : { ...record!.view, deleted: true, deletedAt: this.now() };
    this.deletePod(uid);
    this.terminating.delete(uid);
    // A pending transition still reads the pod's events: its Event may come after the deletion.
    if (!this.pending.has(uid)) {
      this.events.delete(uid);
    }
    if (view.answer.abnormal) {
      this.addTombstone(uid, view);
    }
    this.emit('delete', view);
  }

  /** Every change of `pods` goes through here and deletePod: they keep the indexes and tell listeners. */
  private setPod(uid: string, after: PodRecord): void {
    const before = this.pods.get(uid);
    this.pods.set(uid, after);
    this.index(uid, before?.view, after.view);
    this.emit('pod', uid, before, after);
  }

  private deletePod(uid: string): void {
    const before = this.pods.get(uid);
    if (before) {
      this.pods.delete(uid);
      this.index(uid, before.view, undefined);
      this.emit('pod', uid, before, undefined);
    }
  }

  private index(uid: string, before: PodView | undefined, after: PodView | undefined): void {
    const [was, is] = [before?.answer, after?.answer];
    this.podsByNode.move(uid, was?.node, is?.node);
    this.podsByNamespace.move(uid, was?.namespace, is?.namespace);
    this.podsByReason.move(uid, was?.reason, is?.reason);
    if (is?.abnormal) {
      this.abnormalPods.add(uid);
    } else {
      this.abnormalPods.delete(uid);
    }
    if (before?.labels !== after?.labels) {
      for (const [key, index] of this.podsByLabel) {
        index.move(uid, labelValueKey(before?.labels, key), labelValueKey(after?.labels, key));
      }
    }
  }

  /** The index of a label key, built from every pod at the first use; none past MAX_LABEL_INDEXES keys. */
  private labelIndex(key: string): UidIndex | undefined {
    let index = this.podsByLabel.get(key);
    if (!index && this.podsByLabel.size < MAX_LABEL_INDEXES) {
      index = new UidIndex();
      for (const [uid, { view }] of this.pods) {
        index.move(uid, undefined, labelValueKey(view.labels, key));
      }
      this.podsByLabel.set(key, index);
    }
    return index;
  }

  private reclassify(uid: string, record: boolean): void {
    const pod = this.pods.get(uid);
    if (pod) {
      this.classify(uid, pod.input, record);
      return;
    }
    // A deleted pod whose transition waits for its Event: the Event may complete it and its tombstone.
    const pending = this.pending.get(uid);
    if (pending) {
      const answer = this.explain(uid, pending.input, { input: pending.input, placement: pending.transition });
      const tombstone = this.tombstones.get(uid);
      if (tombstone && tombstone.answer.reason === answer.reason) {
        tombstone.answer = answer;
      }
      this.updatePending(uid, answer, pending.input);
    }
  }

  private reclassifyNode(node: string, record: boolean): void {
    for (const uid of this.podsByNode.get(node) ?? []) {
      this.reclassify(uid, record);
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
    this.reclassifyNode(name, true);
  }

  /** After a (re)list of nodes: what the proxy knows changed, so pods are re-classified, not recorded. */
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
      this.reclassifyNode(node, false);
    }
  }

  applyEvent(type: WatchEventType, obj: EventObject): void {
    if (type !== 'DELETED' && this.addEvent(obj)) {
      this.reclassify(obj.involvedObject!.uid!, true);
    }
  }

  /** Stores one event; false when it names no pod. */
  private addEvent(obj: EventObject, seenAt = this.now()): boolean {
    const uid = obj.involvedObject?.uid;
    if (!uid) {
      return false;
    }
    const list = this.events.get(uid) ?? [];
    // An Event object is updated in place when it repeats (count, lastTimestamp): keep its latest.
    const key = obj.metadata?.uid ?? obj.metadata?.name ?? '';
    const kept = list.filter((e) => e.key !== key);
    kept.push({ key, input: toEventInput(obj), seenAt });
    this.events.set(uid, kept.slice(-this.opts.eventsPerPod));
    if (!this.pods.has(uid) && !this.pending.has(uid)) {
      this.trackUnknownPodEvents(uid);
    }
    return true;
  }

  /** Events may arrive just before their pod; kept briefly, and never more than the cap. */
  private trackUnknownPodEvents(uid: string): void {
    this.unknownPodEvents.delete(uid);
    this.unknownPodEvents.add(uid);
    if (this.unknownPodEvents.size > this.opts.unknownPodMaxCount) {
      this.dropEvents(this.unknownPodEvents.values().next().value!);
    }
  }

  private dropEvents(uid: string): void {
    this.events.delete(uid);
    this.unknownPodEvents.delete(uid);
  }

  /**
   * Replaces the pod events of one namespace (null: all) after a (re)list. Events already held keep
   * the time they were first seen, so that a relist does not make old events young again.
   */
  replaceEvents(objs: readonly EventObject[], namespace: string | null): void {
    const scope = namespace ?? '';
    if (!this.eventScopesListed.has(scope)) {
      this.eventScopesListed.add(scope);
      this.opts.recovery?.eventsListed(objs);
    }
    const firstSeen = new Map<string, number>();
    for (const [uid, list] of this.events) {
      if (namespace === null || list[0]?.input.namespace === namespace) {
        for (const e of list) {
          firstSeen.set(e.key, e.seenAt);
        }
        this.dropEvents(uid);
      }
    }
    const touched = new Set<string>();
    for (const obj of objs) {
      const key = obj.metadata?.uid ?? obj.metadata?.name ?? '';
      if (this.addEvent(obj, firstSeen.get(key))) {
        touched.add(obj.involvedObject!.uid!);
      }
    }
    for (const uid of touched) {
      this.reclassify(uid, false);
    }
  }

  // ---- ReplicaSets and Jobs (workloads) ------------------------------------------------------

  applyOwner(kind: IntermediateKind, type: WatchEventType, obj: unknown): void {
    if (this.owners.apply(kind, type, obj)) {
      const { namespace, name } = ownerEntry(obj)!;
      this.reclassifyOwned(kind, new Set([ownerKey(namespace, name)]));
    }
  }

  /** After a (re)list of one scope's ReplicaSets or Jobs (namespace null: all), as ownerEntry gives them. */
  replaceOwners(kind: IntermediateKind, entries: ReadonlyArray<OwnerEntry | null>, namespace: string | null): void {
    const changed = this.owners.replace(kind, entries, namespace);
    if (changed.size > 0) {
      this.reclassifyOwned(kind, changed);
    }
  }

  /**
   * The pods of the ReplicaSets or Jobs (ownerKeys) whose controller became known or changed: a
   * scan, but a rare one, as they are created before their pods. Only their workload changes: what
   * the proxy knows, not what happened, so the pod is not explained again (nothing else moved, and
   * a reason that time alone changed must wait for the tick that records it). A deleted owner
   * leaves the workload last known.
   */
  private reclassifyOwned(kind: IntermediateKind, owners: ReadonlySet<string>): void {
    for (const [uid, { input, view }] of this.pods) {
      const owner = input.owner;
      if (owner?.kind !== kind || !owners.has(ownerKey(input.namespace, owner.name))) {
        continue;
      }
      const parent = this.owners.lookup(input.namespace, owner);
      if (parent === undefined) {
        continue;
      }
      const workload = parent ?? owner;
      if (workload.kind === view.answer.workloadKind && workload.name === view.answer.workload) {
        continue;
      }
      const answer = { ...view.answer, workloadKind: workload.kind, workload: workload.name };
      const updated: PodView = { ...view, answer };
      this.setPod(uid, { input, view: updated });
      this.updatePending(uid, answer, input);
      this.emit('upsert', updated);
    }
  }

  // ---- transitions ---------------------------------------------------------------------------

  /** `time`: when the pod entered the reason, for recovered transitions; else now. */
  private recordTransition(
    a: PodAnswer,
    deleted: boolean,
    input: PodInput,
    time = this.now(),
    recovered = false
  ): void {
    const transition = toTransition(a, time, deleted, recovered);
    const earlier = this.pending.get(a.uid);
    if (earlier) {
      this.commit(earlier.transition);
      this.pending.delete(a.uid);
    }
    if (awaitsEvidence(a)) {
      this.pending.set(a.uid, { transition, input, due: this.now() + this.opts.attributionDelayMs });
    } else {
      this.commit(transition);
    }
  }

  /** A disruption of a pod that went away while no proxy watched, as recovered from its Event. */
  recordRecovered(a: PodAnswer, time: number): void {
    this.commit(toTransition(a, time, true, true));
  }

  /** A pending transition takes the pod's latest attribution, and is recorded once an Event settles it. */
  private updatePending(uid: string, a: PodAnswer, input: PodInput): void {
    const p = this.pending.get(uid);
    if (!p || p.transition.reason !== a.reason) {
      return;
    }
    p.input = input;
    Object.assign(p.transition, latest(a));
    if (!awaitsEvidence(a)) {
      this.settle(uid, p);
    }
  }

  private settle(uid: string, p: PendingTransition): void {
    this.pending.delete(uid);
    this.commit(p.transition);
    if (!this.pods.has(uid)) {
      this.dropEvents(uid);
    }
  }

  private commit(t: Transition): void {
    this.history.add(t);
    this.emit('transition', t, !t.recovered || (this.opts.recovery?.countable(t.time) ?? true));
  }

  /** Records the transitions whose Event did not come within the attribution delay, as they stand. */
  settleDue(): void {
    const now = this.now();
    for (const [uid, p] of this.pending) {
      if (p.due <= now) {
        this.settle(uid, p);
      }
    }
  }

  // ---- tombstones, housekeeping --------------------------------------------------------------

  /**
   * Loads what an earlier run persisted, before the first list: transitions and tombstones answer
   * as before the restart, and are not counted again.
   */
  restore(state: RestoredState): void {
    for (const t of state.transitions) {
      this.history.add(t);
    }
    for (const view of state.tombstones) {
      this.addTombstone(view.answer.uid, view);
    }
  }

  tombstone(uid: string): PodView | undefined {
    return this.tombstones.get(uid);
  }

  /** Whether the proxy has seen this pod: current, deleted while watched, or awaiting its Event. */
  knowsPod(uid: string): boolean {
    return this.pods.has(uid) || this.tombstones.has(uid) || this.pending.has(uid);
  }

  isPending(uid: string): boolean {
    return this.pending.has(uid);
  }

  private addTombstone(uid: string, view: PodView): void {
    this.tombstones.delete(uid);
    this.tombstones.set(uid, view);
    while (this.tombstones.size > this.opts.tombstoneMaxCount) {
      this.tombstones.delete(this.tombstones.keys().next().value!);
    }
  }

  /** Time-driven work: stuck deletions, old tombstones and events. Call every few seconds. */
  tick(): void {
    const now = this.now();
    this.settleDue();
    for (const uid of [...this.terminating]) {
      this.reclassify(uid, true);
    }
    for (const [uid, view] of this.tombstones) {
      if (now - view.deletedAt! <= this.opts.tombstoneMaxAgeMs) {
        break;
      } // insertion order = age order
      this.tombstones.delete(uid);
    }
    for (const [uid, list] of this.events) {
      const maxAge = this.unknownPodEvents.has(uid) ? this.opts.unknownPodEventMaxAgeMs : this.opts.eventMaxAgeMs;
      const fresh = list.filter((e) => now - e.seenAt <= maxAge);
      if (fresh.length === 0) {
        this.dropEvents(uid);
      } else if (fresh.length !== list.length) {
        this.events.set(uid, fresh);
      }
    }
  }

  // ---- queries -------------------------------------------------------------------------------

  /** Current pods (and tombstones when the filter asks) that match. */
  *matchingPods(f: Filter): Generator<PodView> {
    for (const { view } of this.candidates(f)) {
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

  /**
   * The current pods a filter may match: those of the smallest index among the fields it names
   * (nodes, namespaces, reasons, abnormal=true, a label selector's `=` and `in` requirements),
   * else every pod. A superset: matchesPod decides.
   */
  private candidates(f: Filter): Iterable<PodRecord> {
    let best: { sets: Array<ReadonlySet<string>>; size: number } | undefined;
    const consider = (c: { sets: Array<ReadonlySet<string>>; size: number }) => {
      if (c.size < (best?.size ?? this.pods.size)) {
        best = c;
      }
    };
    if (f.nodes) {
      consider(this.podsByNode.of(f.nodes));
    }
    if (f.namespaces) {
      consider(this.podsByNamespace.of(f.namespaces));
    }
    if (f.reasons) {
      consider(this.podsByReason.of(f.reasons));
    }
    if (f.abnormal === true) {
      consider({ sets: [this.abnormalPods], size: this.abnormalPods.size });
    }
    for (const { key, values } of f.labels?.required ?? []) {
      const index = this.labelIndex(key);
      if (index) {
        consider(index.of(new Set(values.map((v) => labelValueKey({ [key]: v }, key)!))));
      }
    }
    return best ? this.records(best.sets) : this.pods.values();
  }

  private *records(sets: ReadonlyArray<ReadonlySet<string>>): Generator<PodRecord> {
    for (const set of sets) {
      for (const uid of set) {
        yield this.pods.get(uid)!;
      }
    }
  }

  /** Transitions in [from, to), newest first. */
  transitions(f: Filter, from: number, to: number, limit: number): Transition[] {
    const out: Transition[] = [];
    for (const t of this.history.newestFirst(from, to)) {
      if (out.length >= limit) {
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
    for (const t of this.history.between(from, to)) {
      if (matchesCommon(f, t, t.pod)) {
        yield t;
      }
    }
  }

  /** Distinct non-empty values across pods, tombstones and history, for template variables. */
  values(valueOf: ValueOf, namespaces?: ReadonlySet<string>): string[] {
    const out = new Set<string>();
    const add = (item: Filterable, name: string) => {
      const value = valueOf(item, name);
      if (value && (!namespaces || namespaces.has(item.namespace))) {
        out.add(value);
      }
    };
    for (const { view } of this.pods.values()) {
      add(view.answer, view.answer.name);
    }
    for (const view of this.tombstones.values()) {
      add(view.answer, view.answer.name);
    }
    for (const t of this.history) {
      add(t, t.pod);
    }
    return [...out].sort();
  }

  counts(): {
    pods: number;
    abnormal: number;
    tombstones: number;
    transitions: number;
    nodes: number;
    events: number;
    owners: number;
  } {
    let events = 0;
    for (const list of this.events.values()) {
      events += list.length;
    }
    return {
      pods: this.pods.size,
      abnormal: this.abnormalPods.size,
      tombstones: this.tombstones.size,
      transitions: this.history.size,
      nodes: this.nodes?.size ?? 0,
      events,
      owners: this.owners.size,
    };
  }

  /** Every current pod (see also the `pod` event). */
  currentPods(): IterableIterator<PodRecord> {
    return this.pods.values();
  }
}

/** What a transition takes from the pod's latest answer while it waits for its Event: attribution and placement. */
function latest(a: PodAnswer) {
  return {
    node: a.node,
    initiator: a.initiator,
    detail: a.detail,
    message: a.message,
    workloadKind: a.workloadKind,
    workload: a.workload,
    nodepool: a.nodepool,
    capacityType: a.capacityType,
  };
}

function toTransition(a: PodAnswer, time: number, deleted: boolean, recovered: boolean): Transition {
  const { namespace, name: pod, uid, reason, category, source } = a;
  return { time, namespace, pod, uid, reason, category, source, ...latest(a), deleted, recovered };
}

function sameView(a: PodView, b: PodView): boolean {
  return sameFields(a.labels ?? {}, b.labels ?? {}) && sameFields(a.answer, b.answer);
}

/** Same keys and values; arrays (the answer's signals) compared as JSON. Runs on every pod event. */
function sameFields(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const key in x) {
    keys++;
    const [u, v] = [x[key], y[key]];
    if (!Object.hasOwn(y, key)) {
      return false;
    }
    if (u !== v && !(Array.isArray(u) && Array.isArray(v) && JSON.stringify(u) === JSON.stringify(v))) {
      return false;
    }
  }
  return keys === Object.keys(y).length;
}
