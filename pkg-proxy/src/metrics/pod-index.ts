// What the pod families of /metrics render, kept up to date pod by pod from the store's `pod`
// events: a scrape then costs what it renders (abnormal pods, namespace × reason counts), not a
// walk of every pod, which at 50,000 pods took most of a scrape's time.
import type { PodRecord, PodStore } from '../store/store.ts';

/** Per pod, what `of` makes of it; pods for which it gives undefined (most: healthy ones) are left out. */
export function indexPods<T>(store: PodStore, of: (pod: PodRecord) => T | undefined): ReadonlyMap<string, T> {
  const index = new Map<string, T>();
  const put = (uid: string, pod: PodRecord | undefined) => {
    const value = pod && of(pod);
    if (value === undefined) {
      index.delete(uid);
    } else {
      index.set(uid, value);
    }
  };
  for (const pod of store.currentPods()) {
    put(pod.input.uid, pod);
  }
  store.on('pod', (uid, _before, after) => put(uid, after));
  return index;
}

export interface Count<K> {
  key: K;
  n: number;
}

/** How many current pods share each key (`keyOf` gives its text form and its labels); zero counts are dropped. */
export function countPods<K>(store: PodStore, keyOf: (pod: PodRecord) => [string, K]): ReadonlyMap<string, Count<K>> {
  const counts = new Map<string, Count<K>>();
  const add = (pod: PodRecord, n: number) => {
    const [text, key] = keyOf(pod);
    const count = counts.get(text);
    if (!count) {
      counts.set(text, { key, n });
    } else if ((count.n += n) === 0) {
      counts.delete(text);
    }
  };
  for (const pod of store.currentPods()) {
    add(pod, 1);
  }
  store.on('pod', (_uid, before, after) => {
    if (before) {
      add(before, -1);
    }
    if (after) {
      add(after, 1);
    }
  });
  return counts;
}
