// The filters shared by the HTTP API, the live stream and the store's queries (docs/http-api.md).
import type { PodAnswer } from '../engine/types.ts';
import { workloadKey } from '../contract/index.ts';
import type { LabelMatcher, Labels } from './label-selector.ts';

export interface Filter {
  namespaces?: ReadonlySet<string>;
  reasons?: ReadonlySet<string>;
  categories?: ReadonlySet<string>;
  initiators?: ReadonlySet<string>;
  nodes?: ReadonlySet<string>;
  pods?: ReadonlySet<string>;
  /** `Kind/name` (any namespace) and `namespace/Kind/name` values. */
  workloads?: ReadonlySet<string>;
  nodepools?: ReadonlySet<string>;
  abnormal?: boolean;
  labels?: LabelMatcher;
  includeDeleted?: boolean;
}

/** The fields of a pod answer or a transition that filters look at. */
export interface Filterable {
  namespace: string;
  reason: string;
  category: string;
  initiator: string;
  node: string;
  workloadKind: string;
  workload: string;
  nodepool: string;
}

const allows = (set: ReadonlySet<string> | undefined, value: string) => !set || set.has(value);

/** A `Kind/name` value never equals a `namespace/Kind/name` one: names hold no slash. */
const allowsWorkload = (set: ReadonlySet<string> | undefined, item: Filterable) =>
  !set || set.has(`${item.workloadKind}/${item.workload}`) || set.has(workloadKey(item));

/** Matches transitions and pods on the fields both have. */
export function matchesCommon(f: Filter, item: Filterable, name: string): boolean {
  return (
    allows(f.namespaces, item.namespace) &&
    allows(f.reasons, item.reason) &&
    allows(f.categories, item.category) &&
    allows(f.initiators, item.initiator) &&
    allows(f.nodes, item.node) &&
    allows(f.pods, name) &&
    allowsWorkload(f.workloads, item) &&
    allows(f.nodepools, item.nodepool)
  );
}

export function matchesPod(f: Filter, answer: PodAnswer, labels: Labels): boolean {
  return (
    matchesCommon(f, answer, answer.name) &&
    (f.abnormal === undefined || answer.abnormal === f.abnormal) &&
    (!f.labels || f.labels(labels))
  );
}
