// The transition history: time-ordered, holding at most `max` transitions (the oldest go first).
// An array with a moving start keeps appends and trims O(1) amortised; the dead prefix is dropped
// once it is as long as the live part.
import type { Transition } from './store.ts';

export class TransitionLog {
  private items: Transition[] = [];
  private start = 0;

  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  get size(): number {
    return this.items.length - this.start;
  }

  /** Adds in time order: a transition whose attribution settled late may be older than the newest. */
  add(t: Transition): void {
    let i = this.items.length;
    while (i > this.start && this.items[i - 1].time > t.time) {
      i--;
    }
    if (i === this.items.length) {
      this.items.push(t);
    } else {
      this.items.splice(i, 0, t);
    }
    if (this.size > this.max) {
      this.start++;
      if (this.start >= this.size) {
        this.items = this.items.slice(this.start);
        this.start = 0;
      }
    }
  }

  /** Index of the first transition at or after `time`. */
  private lowerBound(time: number): number {
    let lo = this.start;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.items[mid].time < time) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Transitions in [from, to), oldest first. */
  *between(from: number, to: number): Generator<Transition> {
    for (let i = this.lowerBound(from); i < this.items.length && this.items[i].time < to; i++) {
      yield this.items[i];
    }
  }

  /** Transitions in [from, to), newest first. */
  *newestFirst(from: number, to: number): Generator<Transition> {
    const first = this.lowerBound(from);
    for (let i = this.lowerBound(to) - 1; i >= first; i--) {
      yield this.items[i];
    }
  }

  *[Symbol.iterator](): Generator<Transition> {
    for (let i = this.start; i < this.items.length; i++) {
      yield this.items[i];
    }
  }
}
