/**
 * The page's size axis ticks (webview/ticks.ts): pure arithmetic, tested here rather than through a
 * drawn chart. Expected values: the 1–2–5 sequence over each range, written out by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sizeTicks } from '../../webview/ticks';

describe('size axis ticks', () => {
  it('1, 2 and 5 × 10^k inside the range', () => {
    assert.deepEqual(sizeTicks(0.5, 300), [0.5, 1, 2, 5, 10, 20, 50, 100, 200]);
    assert.deepEqual(sizeTicks(1, 10), [1, 2, 5, 10]);
  });
  it('a wide range keeps the first tick and every power of ten, not the first alone', () => {
    // 0.135B (SmolLM2) to 405B (Llama 3.1): the 40,000-trace bench corpus's widest regression.
    assert.deepEqual(sizeTicks(0.1, 500), [0.1, 1, 10, 100]);
    assert.deepEqual(sizeTicks(0.05, 2000), [0.05, 0.1, 1, 10, 100, 1000]);
    assert.deepEqual(sizeTicks(0.001, 10000), [0.001, 0.01, 0.1, 1, 10, 100, 1000, 10000]);
  });
});
