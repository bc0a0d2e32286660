import assert from 'node:assert/strict';

/** |a − e| ≤ rel·max(|e|, tiny): the 1e-9 relative agreement ANALYSIS.md §8 asks for. */
export function close(actual: number | null | undefined, expected: number, rel = 1e-9, what = ''): void {
  assert.ok(typeof actual === 'number', `${what}: expected a number near ${expected}, got ${String(actual)}`);
  const tol = rel * Math.max(Math.abs(expected), 1e-12);
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: ${actual} is not within ${rel} (relative) of ${expected}`,
  );
}
