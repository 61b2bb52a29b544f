// What the proxy knows of ReplicaSets and Jobs: for each, its controller (a Deployment, a CronJob,
// a custom controller) or none. Fed their metadata only (PartialObjectMetadata), it keeps two names
// per object, so that naming the workload of every pod costs little memory.
import { controllerOf, type IntermediateKind, type Owner, type OwnerLookup } from '../engine/workload.ts';

type OwnerMetadata = { metadata?: { name?: unknown; namespace?: unknown; ownerReferences?: unknown } } | null;

/** How the index names a ReplicaSet or Job of a namespace. */
export const ownerKey = (namespace: string, name: string) => `${namespace}/${name}`;
const same = (a: Owner | null | undefined, b: Owner | null) => a?.kind === b?.kind && a?.name === b?.name;

/** A ReplicaSet or Job as the index keeps it: where it is, and its controller. */
export interface OwnerEntry {
  namespace: string;
  name: string;
  controller: Owner | null;
}

/** The object's namespace and name, and its controller; null for what is not an object with a name. */
export function ownerEntry(obj: unknown): OwnerEntry | null {
  const meta = (obj as OwnerMetadata)?.metadata;
  if (typeof meta?.name !== 'string' || meta.name === '') {
    return null;
  }
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
  return { namespace, name: meta.name, controller: controllerOf(meta.ownerReferences) };
}

export class OwnerIndex {
  private readonly known: Record<IntermediateKind, Map<string, Owner | null>> = {
    ReplicaSet: new Map(),
    Job: new Map(),
  };

  readonly lookup: OwnerLookup = (namespace, owner) =>
    this.known[owner.kind as IntermediateKind]?.get(ownerKey(namespace, owner.name));

  /**
   * One watch event. Returns whether the object's controller changed, i.e. whether its pods'
   * workload may have: a deleted object changes none (its pods keep their last known workload).
   */
  apply(kind: IntermediateKind, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: unknown): boolean {
    const entry = ownerEntry(obj);
    if (!entry) {
      return false;
    }
    const map = this.known[kind];
    const k = ownerKey(entry.namespace, entry.name);
    if (type === 'DELETED') {
      map.delete(k);
      return false;
    }
    const changed = !map.has(k) || !same(map.get(k), entry.controller);
    map.set(k, entry.controller);
    return changed;
  }

  /**
   * Replaces what is known of one scope (null: all) after a (re)list of entries (ownerEntry of each
   * listed object); returns the ownerKeys of those whose controller is new or changed.
   */
  replace(
    kind: IntermediateKind,
    entries: ReadonlyArray<OwnerEntry | null>,
    namespace: string | null
  ): ReadonlySet<string> {
    const map = this.known[kind];
    const before = new Map(map);
    for (const k of before.keys()) {
      if (namespace === null || k.startsWith(`${namespace}/`)) {
        map.delete(k);
      }
    }
    const changed = new Set<string>();
    for (const entry of entries) {
      if (entry) {
        const k = ownerKey(entry.namespace, entry.name);
        if (!before.has(k) || !same(before.get(k), entry.controller)) {
          changed.add(k);
        }
        map.set(k, entry.controller);
      }
    }
    return changed;
  }

  get size(): number {
    return this.known.ReplicaSet.size + this.known.Job.size;
  }
}
