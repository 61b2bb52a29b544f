// A page of pods out of many: /pods answers at most `limit` (1,000 by default) of what matches,
// which at 150,000 pods is a small part; sorting everything for it took most of the request.

/**
 * The first `limit` items in `compare` order, as a sorted array: a bounded max-heap of the best
 * so far, so most items cost one comparison with the worst kept. Ties keep no particular order,
 * so `compare` should order every pair (the routes end with namespace and name).
 */
export function firstInOrder<T>(items: readonly T[], limit: number, compare: (a: T, b: T) => number): T[] {
  if (items.length <= limit) {
    return [...items].sort(compare);
  }
  if (limit <= 0) {
    return [];
  }
  const heap: T[] = [];
  const worse = (i: number, j: number) => compare(heap[i], heap[j]) > 0;
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j], heap[i]]);
  for (const item of items) {
    if (heap.length < limit) {
      heap.push(item);
      for (let i = heap.length - 1; i > 0 && worse(i, (i - 1) >> 1); i = (i - 1) >> 1) {
        swap(i, (i - 1) >> 1);
      }
    } else if (compare(item, heap[0]) < 0) {
      heap[0] = item;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let top = i;
        if (l < limit && worse(l, top)) {
          top = l;
        }
        if (r < limit && worse(r, top)) {
          top = r;
        }
        if (top === i) {
          break;
        }
        swap(i, top);
        i = top;
      }
    }
  }
  return heap.sort(compare);
}
