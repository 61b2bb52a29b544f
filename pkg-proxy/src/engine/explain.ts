// The precedence of docs/pod-reasons.md §4: the first rule that finds something gives the primary
// reason; every rule contributes what it saw to `signals`.
import type { Facts, Rule } from './facts.ts';
import { kubectlStatus } from './kubectl-status.ts';
import { isPodInput, toPodInput } from './normalize.ts';
import { containersRule } from './rules/containers.ts';
import { deletionRule } from './rules/deletion.ts';
import { disruptionConditionRule } from './rules/disruption-condition.ts';
import { healthy } from './rules/healthy.ts';
import { nodeHealthRule } from './rules/node-health.ts';
import { readinessRule } from './rules/readiness.ts';
import { schedulingRule } from './rules/scheduling.ts';
import { statusReasonRule } from './rules/status-reason.ts';
import { NO_POOL } from './node-pool.ts';
import type { ExplainContext, PodAnswer, PodInput, Signal } from './types.ts';
import { resolveWorkload } from './workload.ts';

/** Rules 1–7 in order; rule 8 (healthy) answers when none of them does. */
const RULES: readonly Rule[] = [
  statusReasonRule,
  disruptionConditionRule,
  nodeHealthRule,
  deletionRule,
  containersRule,
  schedulingRule,
  readinessRule,
];

const sameSignal = (a: Signal, b: Signal) =>
  a.reason === b.reason && a.source === b.source && a.container === b.container;

/** Why this pod is (not) OK. Takes a Pod object (API JSON or client-node model) or a PodInput. */
export function explainPod(pod: unknown, context: ExplainContext = {}): PodAnswer {
  const input: PodInput = isPodInput(pod) ? pod : toPodInput(pod);
  const facts: Facts = {
    pod: input,
    nodes: context.nodes ?? null,
    events: context.events ?? [],
    now: (context.now ?? new Date()).getTime(),
  };

  let primary = null;
  for (const rule of RULES) {
    primary = rule.find(facts);
    if (primary) {
      break;
    }
  }
  primary ??= healthy(facts);

  const signals: Signal[] = [primary.signal];
  if (primary.evidence) {
    signals.push(primary.evidence);
  }
  for (const rule of RULES) {
    for (const s of rule.signals(facts)) {
      if (!signals.some((seen) => sameSignal(seen, s))) {
        signals.push(s);
      }
    }
  }

  const workload = resolveWorkload(input, context.owners);
  const { nodepool, capacityType } = facts.nodes?.get(input.node)?.pool ?? NO_POOL;
  return {
    namespace: input.namespace,
    name: input.name,
    uid: input.uid,
    node: input.node,
    phase: input.phase,
    reason: primary.reason,
    category: primary.category,
    source: primary.source,
    initiator: primary.initiator,
    detail: primary.detail,
    message: primary.message,
    abnormal: primary.abnormal,
    since: primary.since,
    kubectlStatus: kubectlStatus(input),
    signals,
    workloadKind: workload.kind,
    workload: workload.name,
    nodepool,
    capacityType,
  };
}
