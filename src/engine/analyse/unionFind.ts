/**
 * Records grouped by shared keys, for a whole index at once (a million traces: typed arrays, no
 * per-key objects). Each record's component is named by its smallest record index.
 *
 * Hot loops: the index casts (`list[i] as number`) in this file sit in per-record loops over arrays
 * whose bounds the loop guarantees; they stay casts for speed (a million records), where code off
 * the hot path uses expectDefined.
 */
import { KeyLists } from './joinKeys';

/**
 * Sorts numbers that are all at least 0 (and not NaN), in place: as the unsigned integers of their
 * bits, which are in the same order for such numbers (IEEE 754), and which V8 sorts in about half
 * the time of doubles (48,000 numbers: ~2 against ~4 ms), whose sort must also order −0 and NaN.
 */
export function sortNonNegative(values: Float64Array): Float64Array {
  new BigUint64Array(values.buffer, values.byteOffset, values.length).sort();
  return values;
}

/** An open-addressing table from key hashes (below 2^53) to the first record that had the key. */
export class KeyTable {
  private keys: Float64Array;
  private owners: Int32Array;
  private size = 0;

  /** For about `expected` keys (the table grows beyond). */
  constructor(expected: number) {
    let cap = 1024;
    while (cap < expected * 1.5) cap *= 2;
    this.keys = new Float64Array(cap);
    this.owners = new Int32Array(cap);
  }

  /** The record that first had `hash` (stored +1, so that 0 marks an empty slot), or −1 after recording `owner`. */
  ownerOrAdd(hash: number, owner: number): number {
    if (this.size * 2 >= this.keys.length) this.grow();
    const stored = hash + 1;
    const mask = this.keys.length - 1;
    let i = (hash ^ (hash / 0x100000000)) & mask;
    for (;;) {
      const k = this.keys[i] as number;
      if (k === 0) {
        this.keys[i] = stored;
        this.owners[i] = owner;
        this.size++;
        return -1;
      }
      if (k === stored) return this.owners[i] as number;
      i = (i + 1) & mask;
    }
  }

  /** The record that first had `hash`, or −1. */
  get(hash: number): number {
    const stored = hash + 1;
    const mask = this.keys.length - 1;
    let i = (hash ^ (hash / 0x100000000)) & mask;
    for (;;) {
      const k = this.keys[i] as number;
      if (k === 0) return -1;
      if (k === stored) return this.owners[i] as number;
      i = (i + 1) & mask;
    }
  }

  /** Every hash in the table, sorted. */
  sortedHashes(): Float64Array {
    const out = new Float64Array(this.size);
    let n = 0;
    for (const k of this.keys) if (k !== 0) out[n++] = k - 1;
    return sortNonNegative(out);
  }

  private grow(): void {
    const keys = this.keys;
    const owners = this.owners;
    this.keys = new Float64Array(keys.length * 2);
    this.owners = new Int32Array(keys.length * 2);
    this.size = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as number;
      if (k !== 0) this.ownerOrAdd(k - 1, owners[i] as number);
    }
  }
}

/** Numbers per record, flat: record i's are values[starts[i] .. starts[i + 1]). */
export class FlatLists {
  readonly starts: Int32Array;
  private values: Float64Array;
  private n = 0;
  private i = 0;

  /** For `count` records holding about `values` numbers in all. */
  constructor(count: number, values = count * 2) {
    this.starts = new Int32Array(count + 1);
    this.values = new Float64Array(Math.max(16, values));
  }

  /** The next record's numbers (records in order). */
  add(list: readonly number[]): void {
    this.starts[this.i++] = this.n;
    for (const h of list) {
      if (this.n === this.values.length) {
        const bigger = new Float64Array(this.values.length * 2);
        bigger.set(this.values);
        this.values = bigger;
      }
      this.values[this.n++] = h;
    }
    this.starts[this.i] = this.n;
  }

  /** The next record's numbers: values[from .. to). */
  addRange(values: Float64Array, from: number, to: number): void {
    this.starts[this.i++] = this.n;
    const need = this.n + (to - from);
    if (need > this.values.length) {
      const bigger = new Float64Array(Math.max(need, this.values.length * 2));
      bigger.set(this.values);
      this.values = bigger;
    }
    for (let j = from; j < to; j++) this.values[this.n++] = values[j] as number;
    this.starts[this.i] = this.n;
  }

  get list(): Float64Array {
    return this.values.subarray(0, this.n);
  }
}

/** Every record's keys: those it owns, and the group keys it is a member of. */
export interface HashLists {
  own: FlatLists;
  probes: FlatLists;
}

export function hashLists(
  count: number,
  hashesOf: (i: number) => { own: number[]; probes: number[] },
): HashLists {
  const own = new FlatLists(count);
  const probes = new FlatLists(count);
  for (let i = 0; i < count; i++) {
    const h = hashesOf(i);
    own.add(h.own);
    probes.add(h.probes);
  }
  return { own, probes };
}

/** The lists from segments' keys as joinKeys.segmentKeys encodes them, segment after segment. */
export function hashListsOf(count: number, encoded: readonly Float64Array[]): HashLists {
  let total = 0;
  for (const e of encoded) total += e.length;
  const size = Math.max(0, total - 3 * count); // the numbers less the three counts per record
  const own = new FlatLists(count, size);
  const probes = new FlatLists(count, size / 2);
  for (const e of encoded) {
    for (const r = new KeyLists(e); !r.done;) {
      r.nextInto(own);
      r.nextInto(probes);
      r.skip(); // the groups it uses: the union needs its keys only
    }
  }
  if (own.starts.length - 1 !== count) throw new Error('keys for a different number of records');
  return { own, probes };
}

/**
 * The component of each record (by its smallest record index), and the table of every key to the
 * first record that had it.
 */
export function componentRoots(lists: HashLists): { roots: Int32Array; table: KeyTable } {
  const count = lists.own.starts.length - 1;
  const parent = new Int32Array(count);
  for (let i = 0; i < count; i++) parent[i] = i;
  const find = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] as number;
    while (parent[i] !== r) {
      const next = parent[i] as number;
      parent[i] = r;
      i = next;
    }
    return r;
  };
  const union = (i: number, o: number): void => {
    const a = find(o);
    const b = find(i);
    if (a < b) parent[b] = a;
    else if (b < a) parent[a] = b;
  };
  const own = lists.own.list;
  const ownStarts = lists.own.starts;
  const table = new KeyTable(ownStarts[count] as number); // sized for every owned key: no rehash on the way
  for (let i = 0; i < count; i++)
    for (let j = ownStarts[i] as number; j < (ownStarts[i + 1] as number); j++) {
      const o = table.ownerOrAdd(own[j] as number, i);
      if (o >= 0) union(i, o);
    }
  // A member joins whatever component uses its group (owns the group key).
  const probes = lists.probes.list;
  const probeStarts = lists.probes.starts;
  for (let i = 0; i < count; i++)
    for (let j = probeStarts[i] as number; j < (probeStarts[i + 1] as number); j++) {
      const o = table.get(probes[j] as number);
      if (o >= 0) union(i, o);
    }
  for (let i = 0; i < count; i++) parent[i] = find(i);
  return { roots: parent, table };
}

/**
 * Record indexes grouped by component: `order` holds component after component (in order of their
 * first record, records in index order), component k at [starts[k], starts[k + 1]).
 */
export function componentsOf(roots: Int32Array): { order: Int32Array; starts: Int32Array } {
  const n = roots.length;
  const count = new Int32Array(n);
  let components = 0;
  for (let i = 0; i < n; i++) {
    const r = roots[i] as number;
    if (r === i) components++;
    count[r] = (count[r] as number) + 1;
  }
  const starts = new Int32Array(components + 1);
  const at = new Int32Array(n); // where each root's component begins in `order`
  let k = 0;
  let pos = 0;
  for (let r = 0; r < n; r++) {
    if (roots[r] !== r) continue;
    starts[k++] = pos;
    at[r] = pos;
    pos += count[r] as number;
  }
  starts[k] = pos;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = roots[i] as number;
    order[at[r] as number] = i;
    at[r] = (at[r] as number) + 1;
  }
  return { order, starts };
}
