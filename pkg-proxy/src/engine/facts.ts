// What every rule sees, and small questions about a pod that several rules ask.
import type { Category, ConditionInput, EventInput, Initiator, NodeInput, PodInput, Signal, Source } from './types.ts';

export interface Facts {
  pod: PodInput;
  /** null: no node data. */
  nodes: ReadonlyMap<string, NodeInput> | null;
  events: readonly EventInput[];
  /** Epoch milliseconds. */
  now: number;
}

/** A candidate primary reason. `signal` is the raw fact it was read from. */
export interface Finding {
  reason: string;
  category: Category;
  source: Source;
  initiator: Initiator;
  detail: string;
  message: string;
  since: string | null;
  abnormal: boolean;
  signal: Signal;
  /** An Event that named the initiator. */
  evidence?: Signal;
}

/** One rule of the precedence (docs/pod-reasons.md §4): its primary candidate, and all it saw. */
export interface Rule {
  find(facts: Facts): Finding | null;
  signals(facts: Facts): Signal[];
}

export function condition(pod: PodInput, type: string): ConditionInput | undefined {
  return pod.conditions.find((c) => c.type === type);
}

export function conditionIs(pod: PodInput, type: string, status: 'True' | 'False'): ConditionInput | undefined {
  const c = condition(pod, type);
  return c?.status === status ? c : undefined;
}

/** DisruptionTarget counts only while True: the disruption controller resets stale ones to False. */
export function disruptionTarget(pod: PodInput): ConditionInput | undefined {
  return conditionIs(pod, 'DisruptionTarget', 'True');
}

export function isTerminal(phase: string): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Epoch ms of an RFC 3339 time, or null. */
export function millis(time: string | null): number | null {
  if (time === null) {
    return null;
  }
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? null : ms;
}
