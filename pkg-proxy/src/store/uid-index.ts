// The uids of current pods by one field (node, namespace, reason): what node changes re-classify,
// and where a filtered query starts instead of walking every pod.

export class UidIndex {
  private readonly byKey = new Map<string, Set<string>>();

  /** Moves `uid` from `before` to `after` (either may be undefined: added, removed). Empty keys are not indexed. */
  move(uid: string, before: string | undefined, after: string | undefined): void {
    if (before === after) {
      return;
    }
    if (before) {
      const set = this.byKey.get(before);
      if (set?.delete(uid) && set.size === 0) {
        this.byKey.delete(before);
      }
    }
    if (after) {
      let set = this.byKey.get(after);
      if (!set) {
        this.byKey.set(after, (set = new Set()));
      }
      set.add(uid);
    }
  }

  get(key: string): ReadonlySet<string> | undefined {
    return this.byKey.get(key);
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  /** The indexed uids of any of `keys`, one set per key that has some; each uid is in one set only. */
  of(keys: ReadonlySet<string>): { sets: Array<ReadonlySet<string>>; size: number } {
    const sets: Array<ReadonlySet<string>> = [];
    let size = 0;
    for (const key of keys) {
      const set = this.byKey.get(key);
      if (set) {
        sets.push(set);
        size += set.size;
      }
    }
    return { sets, size };
  }
}
