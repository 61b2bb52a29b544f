// Turns Kubernetes objects into the engine's slim inputs. Accepts API JSON (string timestamps) and
// @kubernetes/client-node model objects (Date timestamps; the field names are the same), and
// copies only what the engine and the API read: never env, volumes, managedFields or annotations.
import { KSM_STATUS_REASONS } from './ksm-reasons.ts';
import type {
  ConditionInput,
  ContainerInput,
  EventInput,
  NodeInput,
  PodInput,
  TaintInput,
  TerminationInput,
} from './types.ts';
import { nodePoolOf } from './node-pool.ts';
import { controllerOf } from './workload.ts';

type Obj = Record<string, unknown>;

const NONE: Obj = Object.freeze({});
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/** The pod conditions the engine and kubectl's STATUS column look at. */
const POD_CONDITIONS = new Set(['PodScheduled', 'Ready', 'Initialized', 'DisruptionTarget']);

/** Reasons that kube_pod_status_reason (--ksm-compatible-metrics) finds in a condition of any type. */
const KSM_CONDITION_REASONS = new Set(KSM_STATUS_REASONS);

function obj(v: unknown): Obj {
  return v !== null && typeof v === 'object' ? (v as Obj) : NONE;
}

function list(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * Messages are free text that a controller or the kubelet may make very long; the proxy keeps one
 * per pod, per container, per event and per transition, so they are cut to this many characters.
 */
export const MAX_MESSAGE_LENGTH = 1024;

function message(v: unknown): string {
  const s = str(v);
  return s.length > MAX_MESSAGE_LENGTH ? `${s.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : s;
}

function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** RFC 3339 from a string or a Date; Kubernetes times have whole seconds, so drop ".000". */
export function toTime(v: unknown): string | null {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) {
      return null;
    }
    const iso = v.toISOString();
    return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
  }
  return typeof v === 'string' && v !== '' ? v : null;
}

function toCondition(v: unknown): ConditionInput {
  const c = obj(v);
  return {
    type: str(c.type),
    status: str(c.status),
    reason: str(c.reason),
    message: message(c.message),
    lastTransitionTime: toTime(c.lastTransitionTime),
  };
}

function toTermination(v: unknown): TerminationInput | null {
  if (v === null || typeof v !== 'object') {
    return null;
  }
  const t = v as Obj;
  return {
    reason: str(t.reason),
    message: message(t.message),
    exitCode: int(t.exitCode),
    signal: int(t.signal),
    finishedAt: toTime(t.finishedAt),
  };
}

function toContainer(v: unknown, order: number, restartable: boolean): ContainerInput {
  const status = obj(v);
  const state = obj(status.state);
  // Kubernetes sets at most one of the three.
  const kind = state.waiting ? 'waiting' : state.running ? 'running' : state.terminated ? 'terminated' : '';
  const s = kind === '' ? NONE : obj(state[kind]);
  return {
    name: str(status.name),
    order,
    restartable,
    ready: status.ready === true,
    started: typeof status.started === 'boolean' ? status.started : null,
    state: kind,
    reason: str(s.reason),
    message: message(s.message),
    exitCode: int(s.exitCode),
    signal: int(s.signal),
    finishedAt: toTime(s.finishedAt),
    last: toTermination(obj(status.lastState).terminated),
  };
}

function copyLabels(v: unknown): Readonly<Record<string, string>> {
  const labels = obj(v);
  const keys = Object.keys(labels);
  if (keys.length === 0) {
    return NO_LABELS;
  }
  const out: Record<string, string> = {};
  for (const k of keys) {
    if (typeof labels[k] === 'string') {
      out[k] = labels[k] as string;
    }
  }
  return out;
}

export function toPodInput(pod: unknown): PodInput {
  const p = obj(pod);
  const meta = obj(p.metadata);
  const spec = obj(p.spec);
  const status = obj(p.status);

  const specInit = list(spec.initContainers).map(obj);
  const specApp = list(spec.containers).map(obj);
  const initContainers = list(status.initContainerStatuses).map((s) => {
    const i = specInit.findIndex((c) => c.name === obj(s).name);
    return toContainer(s, i, i >= 0 && specInit[i].restartPolicy === 'Always');
  });
  const containers = list(status.containerStatuses).map((s) =>
    toContainer(
      s,
      specApp.findIndex((c) => c.name === obj(s).name),
      false
    )
  );

  const grace = meta.deletionGracePeriodSeconds;
  return {
    namespace: str(meta.namespace),
    name: str(meta.name),
    uid: str(meta.uid),
    labels: copyLabels(meta.labels),
    owner: controllerOf(meta.ownerReferences),
    node: str(spec.nodeName),
    phase: str(status.phase),
    reason: str(status.reason),
    message: message(status.message),
    deletionTimestamp: toTime(meta.deletionTimestamp),
    deletionGracePeriodSeconds: typeof grace === 'number' ? grace : null,
    initContainerCount: specInit.length,
    conditions: list(status.conditions)
      .filter((c) => POD_CONDITIONS.has(str(obj(c).type)) || KSM_CONDITION_REASONS.has(str(obj(c).reason)))
      .map(toCondition),
    initContainers,
    containers,
  };
}

/** True for an object toPodInput made (explainPod accepts both). */
export function isPodInput(v: unknown): v is PodInput {
  const p = obj(v);
  return typeof p.initContainerCount === 'number' && Array.isArray(p.containers) && !('metadata' in p);
}

export function toNodeInput(node: unknown): NodeInput {
  const n = obj(node);
  const spec = obj(n.spec);
  const meta = obj(n.metadata);
  const ready = list(obj(n.status).conditions).find((c) => obj(c).type === 'Ready');
  return {
    name: str(meta.name),
    unschedulable: spec.unschedulable === true,
    ready: ready === undefined ? null : toCondition(ready),
    taints: list(spec.taints).map((t): TaintInput => {
      const taint = obj(t);
      return { key: str(taint.key), effect: str(taint.effect), timeAdded: toTime(taint.timeAdded) };
    }),
    pool: nodePoolOf(copyLabels(meta.labels)),
  };
}

function byTime(times: readonly unknown[], pick: (a: number, b: number) => boolean): string | null {
  let best: string | null = null;
  for (const t of times) {
    const s = toTime(t);
    if (s !== null && !Number.isNaN(Date.parse(s)) && (best === null || pick(Date.parse(s), Date.parse(best)))) {
      best = s;
    }
  }
  return best;
}

/** core/v1 Events, and events.k8s.io/v1 Events (regarding, note, deprecated* fields). */
export function toEventInput(event: unknown): EventInput {
  const e = obj(event);
  const about = obj(e.involvedObject ?? e.regarding);
  const source = obj(e.source ?? e.deprecatedSource);
  const first = byTime([e.firstTimestamp, e.deprecatedFirstTimestamp, e.eventTime], (a, b) => a < b);
  const last = byTime(
    [e.lastTimestamp, e.deprecatedLastTimestamp, obj(e.series).lastObservedTime, e.eventTime, first],
    (a, b) => a > b
  );
  const created = toTime(obj(e.metadata).creationTimestamp);
  return {
    kind: str(about.kind),
    uid: str(about.uid),
    name: str(about.name),
    namespace: str(about.namespace),
    reason: str(e.reason),
    message: message(str(e.message) || str(e.note)),
    component: str(source.component) || str(e.reportingComponent) || str(e.reportingController),
    firstTime: first ?? created,
    lastTime: last ?? created,
  };
}
