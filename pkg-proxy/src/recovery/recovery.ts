// Catch-up after downtime. A restart counts nothing by itself (store.ts); what the first lists
// prove happened while no proxy watched is recorded once, as a transition marked `recovered`, at
// the time it happened:
//   - a pod of the first list that is abnormal now with another reason than the answer persisted
//     for it (or a pod that is new since then): it changed during the downtime (needs --data-dir);
//   - a pod that is gone, but whose Event says it was disrupted (recovery/events.ts), as long as the
//     API server keeps Events (--event-ttl, one hour by default); its workload and node pool are
//     those persisted with its last answer, when the previous run knew it.
//
// The downtime starts where the persisted history stops being complete: `lastSeen`, the last
// time the previous run flushed while every pods watch was synced, less what it may not have
// flushed (a second, and evictions still waiting for their Event). Never twice: what the persisted
// or live history already holds for the pod and reason, and pods this run has seen, are skipped.
// Counted are only those after the watched-until mark (persist/watched-mark.ts), when it is later:
// while the previous run could not write (a full disk) it went on counting what it saw, and what
// the history misses of that time is recovered into it, but not counted twice.
//
// Without --data-dir (or on the first start with one) the downtime is unknown: Events of gone pods
// are still recovered into the history, for as far back as the API server keeps them, but only
// those after this process started are counted in podreasons_transitions_total — an earlier
// process may have counted the others (a rollout or an OOM kill restarts the proxy every so often).
import { EVENT_WINDOW_MS } from '../engine/attribution.ts';
import { millis } from '../engine/facts.ts';
import { toEventInput } from '../engine/index.ts';
import type { EventInput, PodAnswer } from '../engine/types.ts';
import type { KnownAnswer } from '../persist/database.ts';
import type { EventObject, PodStore, RecoveryHook, Transition } from '../store/store.ts';
import { disruptionFromEvents, isDisruptionEvent } from './events.ts';

/** What the last run persisted, when there is a data directory with a history in it. */
export interface Previous {
  /** Until when the previous run watched without a gap, as its history says; null when unknown. */
  lastSeen: number | null;
  /** Until when it watched (and counted), even while it could not write its history; null when unknown. */
  watchedUntil: number | null;
  /** Its last answer per pod; null when incomplete or for another scope. */
  answers: ReadonlyMap<string, KnownAnswer> | null;
  /** Every answer it persisted, complete or not: whose a pod that is gone now was, and where it ran. */
  lastKnown: ReadonlyMap<string, KnownAnswer>;
  transitions: readonly Transition[];
}

export interface RecoveryOptions {
  previous: Previous | null;
  /** When this process started (epoch ms). */
  startedAt: number;
  /** Evictions wait this long for their Event before they are recorded (and persisted). */
  attributionDelayMs: number;
  now?: () => number;
}

/** What the previous run may have seen but not flushed: a flush interval and Event time rounding. */
const UNFLUSHED_MS = 2_000;

const key = (uid: string, reason: string) => `${uid}\0${reason}`;
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

export class Recovery implements RecoveryHook {
  /** Transitions recovered so far. */
  recovered = 0;
  /**
   * Disruptions from this time on happened while no earlier process watched; earlier ones are not
   * recovered. Null when unknown (see the header).
   */
  readonly downtimeFrom: number | null;
  private readonly startedAt: number;
  /** Recovered transitions from this time on are counted (see countedFrom). */
  private readonly countedFrom: number;
  private readonly lastSeen: number | null;
  /** The persisted answers, until the first lists are done. */
  private answers: ReadonlyMap<string, KnownAnswer> | null;
  /** Until every first list is in. */
  private lastKnown: ReadonlyMap<string, KnownAnswer> | null;
  private readonly now: () => number;
  private readonly recorded = new Set<string>();
  /** Events proving a disruption, by pod uid, from the first Event lists. */
  private candidates = new Map<string, EventInput[]>();

  constructor(opts: RecoveryOptions) {
    this.now = opts.now ?? Date.now;
    this.startedAt = opts.startedAt;
    this.lastSeen = opts.previous?.lastSeen ?? null;
    this.answers = this.lastSeen === null ? null : (opts.previous?.answers ?? null);
    this.lastKnown = opts.previous?.lastKnown ?? null;
    const unrecordedFrom = (seen: number) => seen - opts.attributionDelayMs - UNFLUSHED_MS;
    this.downtimeFrom = this.lastSeen === null ? null : unrecordedFrom(this.lastSeen);
    const watchedUntil = Math.max(this.lastSeen ?? -Infinity, opts.previous?.watchedUntil ?? -Infinity);
    // Event times have whole seconds: an Event of this process's first second counts.
    this.countedFrom = Number.isFinite(watchedUntil)
      ? unrecordedFrom(watchedUntil)
      : Math.floor(this.startedAt / 1000) * 1000;
    // A disruption in the downtime was recorded, if at all, within an Event window of its start.
    const recentFrom = (this.downtimeFrom ?? -Infinity) - EVENT_WINDOW_MS;
    for (const t of opts.previous?.transitions ?? []) {
      if (t.time >= recentFrom) {
        this.recorded.add(key(t.uid, t.reason));
      }
    }
  }

  countable(time: number): boolean {
    return time >= this.countedFrom;
  }

  changedWhileAway(answer: PodAnswer): number | null {
    const { answers, lastSeen } = this;
    if (!answers || lastSeen === null || !answer.abnormal || this.recorded.has(key(answer.uid, answer.reason))) {
      return null;
    }
    const before = answers.get(answer.uid);
    if (before?.abnormal && before.reason === answer.reason) {
      return null;
    }
    this.recorded.add(key(answer.uid, answer.reason));
    this.recovered++;
    // When Kubernetes recorded the change, if that lies in the downtime; else somewhere in it.
    const now = this.now();
    return clamp(millis(answer.since) ?? now, lastSeen, now);
  }

  eventsListed(objs: readonly EventObject[]): void {
    for (const obj of objs) {
      const e = toEventInput(obj);
      if (e.uid && isDisruptionEvent(e)) {
        const list = this.candidates.get(e.uid);
        if (list) {
          list.push(e);
        } else {
          this.candidates.set(e.uid, [e]);
        }
      }
    }
  }

  /**
   * Once the pods of every scope are listed: records the disruptions of pods that went away unseen
   * (call again after a later first list of Events; `final` once every first list is in). Returns
   * how many it recorded.
   */
  recoverGonePods(store: PodStore, final = false): number {
    this.answers = null; // the first pod lists are done
    const count = this.candidates.size === 0 ? 0 : this.recordGonePods(store);
    if (final) {
      this.lastKnown = null;
    }
    return count;
  }

  private recordGonePods(store: PodStore): number {
    for (const t of store.transitionsBetween({}, this.startedAt - UNFLUSHED_MS, Infinity)) {
      this.recorded.add(key(t.uid, t.reason));
    }
    let count = 0;
    for (const [uid, events] of this.candidates) {
      if (store.knowsPod(uid)) {
        continue;
      }
      const found = disruptionFromEvents(events);
      if (
        !found ||
        (this.downtimeFrom !== null && found.time < this.downtimeFrom) ||
        this.recorded.has(key(uid, found.answer.reason))
      ) {
        continue;
      }
      this.recorded.add(key(uid, found.answer.reason));
      const known = this.lastKnown?.get(uid);
      const placement = known && {
        workloadKind: known.workloadKind,
        workload: known.workload,
        nodepool: known.nodepool,
        capacityType: known.capacityType,
      };
      store.recordRecovered({ ...found.answer, ...placement }, found.time);
      count++;
    }
    this.candidates = new Map();
    this.recovered += count;
    return count;
  }
}
