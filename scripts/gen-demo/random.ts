/**
 * Seeded randomness: one independent stream per label, so editing one file's plan does not
 * reshuffle every other file.
 */
import { expectDefined } from '../../src/shared/expect.ts';

const SEED = 353;

function hashString(s: string): number {
  let h = 2166136261;
  for (const ch of s) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

function mulberry32(a: number): () => number {
  return function next() {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Rng {
  next(): number;
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number;
  pick<T>(arr: readonly T[]): T;
  chance(p: number): boolean;
  shuffle<T>(arr: readonly T[]): T[];
}

export function rngFor(label: string): Rng {
  const next = mulberry32(hashString(`${SEED}/${label}`));
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (arr) => expectDefined(arr[Math.floor(next() * arr.length)], 'a non-empty list to pick from'),
    chance: (p) => next() < p,
    shuffle(arr) {
      const a = arr.slice();
      for (let i = a.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const ai = expectDefined(a[i], 'an element to swap');
        a[i] = expectDefined(a[j], 'an element to swap');
        a[j] = ai;
      }
      return a;
    },
  };
}

/** `list[i % list.length]`: the deterministic pick that walks a pool from a starting point. */
export function cycle<T>(list: readonly T[], i: number): T {
  return expectDefined(list[i % list.length], 'an element of a non-empty list');
}
