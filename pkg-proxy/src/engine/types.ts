// The engine's public vocabulary and the shape of its answer are part of the contract with the
// Grafana data source (../contract/): defined there, re-exported here for the engine's own modules.
export { CATEGORIES, INITIATORS, SOURCES, type Category, type Initiator, type Source } from '../contract/vocabulary.ts';
export type { PodAnswer, Signal } from '../contract/api.ts';
import type { NodePool } from './node-pool.ts';
import type { Owner, OwnerLookup } from './workload.ts';
export type { NodePool, Owner, OwnerLookup };

// ---- The engine's input: slim copies of Kubernetes objects (see normalize.ts) ----------------
// The proxy keeps one PodInput per pod for tens of thousands of pods, so these hold only what the
// engine and the API read, flat, with times as RFC 3339 strings.

/** A pod condition the engine reads: PodScheduled, Ready, Initialized or DisruptionTarget. */
export interface ConditionInput {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string | null;
}

/** A container's last termination (`lastState.terminated`). */
export interface TerminationInput {
  reason: string;
  message: string;
  exitCode: number;
  signal: number;
  finishedAt: string | null;
}

/** One container status, flattened: `state` names which of waiting/running/terminated is set. */
export interface ContainerInput {
  name: string;
  /** Index in the pod spec's list (-1 when the spec does not name it). */
  order: number;
  /** An init container with `restartPolicy: Always` (a sidecar). */
  restartable: boolean;
  ready: boolean;
  started: boolean | null;
  state: 'waiting' | 'running' | 'terminated' | '';
  reason: string;
  message: string;
  exitCode: number;
  signal: number;
  finishedAt: string | null;
  last: TerminationInput | null;
}

export interface PodInput {
  namespace: string;
  name: string;
  uid: string;
  labels: Readonly<Record<string, string>>;
  /** The controller ownerReference; null for a bare pod. */
  owner: Owner | null;
  /** spec.nodeName; empty while unscheduled. */
  node: string;
  phase: string;
  /** status.reason and status.message. */
  reason: string;
  message: string;
  deletionTimestamp: string | null;
  deletionGracePeriodSeconds: number | null;
  /** How many init containers the spec lists (kubectl prints `Init:i/n`). */
  initContainerCount: number;
  conditions: ConditionInput[];
  /** Statuses in the order the kubelet reports them. */
  initContainers: ContainerInput[];
  containers: ContainerInput[];
}

export interface TaintInput {
  key: string;
  effect: string;
  timeAdded: string | null;
}

export interface NodeInput {
  name: string;
  unschedulable: boolean;
  /** The node's Ready condition, null when it reports none. */
  ready: ConditionInput | null;
  taints: TaintInput[];
  /** From the node's labels (node-pool.ts). */
  pool: NodePool;
}

/** An Event (core/v1 or events.k8s.io/v1) about one object. */
export interface EventInput {
  kind: string;
  uid: string;
  name: string;
  namespace: string;
  reason: string;
  message: string;
  /** source.component, else reportingComponent / reportingController. */
  component: string;
  /** When it was first and last seen. */
  firstTime: string | null;
  lastTime: string | null;
}

export interface ExplainContext {
  /** null/undefined: no node data, so node rules and node attribution are skipped. */
  nodes?: ReadonlyMap<string, NodeInput> | null;
  /** Events whose involvedObject is this pod. */
  events?: readonly EventInput[];
  /** What the proxy knows of ReplicaSets and Jobs; without it a pod's workload is its own controller. */
  owners?: OwnerLookup;
  /** The time to judge "stuck" deletions and recent events against; defaults to the current time. */
  now?: Date;
}
