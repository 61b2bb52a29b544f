// Whose pod is it? The workload a user thinks in (docs/pod-reasons.md §3: workloadKind, workload):
// the pod's controller, or for a ReplicaSet or Job the controller above it (a Deployment's
// ReplicaSets, a CronJob's Jobs). Pure: the cluster layer supplies what it knows of the ReplicaSets
// and Jobs (metadata only); without it the pod's own controller is the answer.

/** A controller ownerReference, as written: kind and name. */
export interface Owner {
  kind: string;
  name: string;
}

/** The kinds whose own controller names the workload, and whose metadata the proxy reads. */
export const INTERMEDIATE_KINDS = ['ReplicaSet', 'Job'] as const;
export type IntermediateKind = (typeof INTERMEDIATE_KINDS)[number];

export const isIntermediate = (kind: string): kind is IntermediateKind =>
  (INTERMEDIATE_KINDS as readonly string[]).includes(kind);

/**
 * The controller of a namespace's ReplicaSet or Job: null when it has none (a ReplicaSet or Job of
 * its own), undefined when unknown (not read yet, gone, or forbidden).
 */
export type OwnerLookup = (namespace: string, owner: Owner) => Owner | null | undefined;

/** The pod's workload: its controller's controller, its controller, or the pod itself. */
export function resolveWorkload(
  pod: { namespace: string; name: string; owner: Owner | null },
  lookup?: OwnerLookup
): Owner {
  const { owner } = pod;
  if (!owner) {
    return { kind: 'Pod', name: pod.name };
  }
  return (isIntermediate(owner.kind) && lookup?.(pod.namespace, owner)) || owner;
}

/** The controller ownerReference of an object's metadata (`controller: true`), or null. */
export function controllerOf(ownerReferences: unknown): Owner | null {
  if (!Array.isArray(ownerReferences)) {
    return null;
  }
  for (const ref of ownerReferences as Array<Record<string, unknown>>) {
    if (ref?.controller === true && typeof ref.kind === 'string' && typeof ref.name === 'string') {
      return { kind: ref.kind, name: ref.name };
    }
  }
  return null;
}
