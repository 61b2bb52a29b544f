import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { firstInOrder } from '../../src/http/first-in-order.ts';

const byNumber = (a: number, b: number) => a - b;

/** A fixed pseudo-random sequence, so that a failure can be replayed. */
function numbers(n: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => (x = (x * 1_103_515_245 + 12_345) % 2 ** 31) % 1000);
}

describe('firstInOrder', () => {
  test('equals sorting everything and slicing, for every limit around the length and many orders', () => {
    for (const seed of [1, 7, 42, 2026]) {
      const items = numbers(200, seed);
      for (const limit of [0, 1, 2, 3, 50, 199, 200, 201]) {
        assert.deepEqual(
          firstInOrder(items, limit, byNumber),
          [...items].sort(byNumber).slice(0, limit),
          `seed ${seed}, limit ${limit}`
        );
      }
    }
  });

  test('sorted, reversed and all-equal input', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i);
    assert.deepEqual(firstInOrder(sorted, 10, byNumber), sorted.slice(0, 10));
    assert.deepEqual(firstInOrder([...sorted].reverse(), 10, byNumber), sorted.slice(0, 10));
    assert.deepEqual(firstInOrder(new Array(50).fill(3), 5, byNumber), [3, 3, 3, 3, 3]);
  });

  test('leaves its input as it was', () => {
    const items = [5, 1, 4, 2, 3];
    firstInOrder(items, 2, byNumber);
    firstInOrder(items, 10, byNumber);
    assert.deepEqual(items, [5, 1, 4, 2, 3]);
  });
});
