/**
 * The keys of a record (components.ts says what they are and why) as numbers, hashed as the key
 * strings would be but without building them. A record's keys depend on it alone, so the parse
 * workers compute them for every record they read (parse.ts), and the main thread only joins the
 * components they make.
 *
 * Hot loops: the index casts (`list[i] as number`) in this file sit in per-record loops over arrays
 * whose bounds the loop guarantees; they stay casts for speed (a million records), where code off
 * the hot path uses expectDefined.
 */
import { SEGMENT_COLUMNS, SEGMENT_STRIDE, type Segment } from '../index/segment';
import type { FileKind } from '../settings';
import { canonicalModelKey } from './models';

/** `<base>__dilution` or `<base>__dilution_<k>` (k digits): FORMATS.md §6 rule 2. */
export const DILUTION_SUFFIX = /^(.*)__dilution(?:_\d+)?$/;

/** A variant field that gives a variant (FORMATS.md §6 rule 1; DECISIONS.md 13). */
const VARIANT_VALUES = new Set(['baseline', 'a', 'dilution', 'diluted', 'b']);

/**
 * Keys are below 2^53; a key's upper 32 bits are its group. The directory finds a group's members by
 * the range [group · GROUP_SPAN, (group + 1) · GROUP_SPAN) (persistedJoin.ts).
 */
export const GROUP_SPAN = 0x200000;

const modelKeys = new Map<string, string>();
export function modelKey(name: string): string {
  let k = modelKeys.get(name);
  if (k === undefined) {
    k = canonicalModelKey(name);
    modelKeys.set(name, k);
  }
  return k;
}

export const baseOf = (scenarioId: string): string =>
  scenarioId.includes('__dilution') ? (DILUTION_SUFFIX.exec(scenarioId)?.[1] ?? scenarioId) : scenarioId;

/** Two 32-bit FNV-1a streams over a key's UTF-16 units, fed part by part. */
class KeyHash {
  a = 0;
  b = 0;

  start(tag: number): this {
    this.a = Math.imul(0x811c9dc5 ^ tag, 0x01000193);
    this.b = Math.imul(0x9747b28c ^ tag, 0x5bd1e995);
    return this;
  }

  str(s: string): this {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
    this.a = a;
    this.b = b;
    return this;
  }

  ch(c: number): this {
    this.a = Math.imul(this.a ^ c, 0x01000193);
    this.b = Math.imul(this.b ^ c, 0x5bd1e995);
    return this;
  }

  /** The key: 53 bits, the upper 32 of them the group. */
  get value(): number {
    return (this.a >>> 0) * GROUP_SPAN + ((this.b >>> 0) & (GROUP_SPAN - 1));
  }

  get group(): number {
    return this.a >>> 0;
  }
}

const I = 0x69; // 'i'
const O = 0x6f; // 'o'
const V = 0x76; // 'v'
const P = 0x70; // 'p'
const SEP = 0;
const COLON = 0x3a;

/** Where a record's keys go. */
export interface KeySink {
  /** A key the record owns (a trace id, a group it uses, its place). */
  own(hash: number): void;
  /** The key of a group the record is a member of. */
  member(probe: number): void;
  /** A group the record uses (owns the key of): every member of it is in its component. */
  uses(group: number): void;
}

/** The group of a group key: its upper 32 bits. */
export const groupOfKey = (hash: number): number => Math.floor(hash / GROUP_SPAN);

/** The fields of a record its keys depend on. */
export interface KeyFields {
  line: number;
  traceId: string | null;
  scenarioId: string | null;
  model: string | null;
  variant: string | null;
}

/** A file as the keys see it. */
export interface KeyFile {
  kind: FileKind;
  path: string;
  dataset: string;
}

const h = new KeyHash();

/** The occurrence key of a (dataset, model key, scenario). */
const occurrenceKey = (dataset: string, mk: string, scenario: string): KeyHash =>
  h.start(O).ch(SEP).str(dataset).ch(SEP).str(mk).ch(SEP).str(scenario);

/** A key of a record's place: its id when it has no trace id (tag I), or the key of a record that has no other (P). */
const placeKey = (tag: number, prefix: string, line: number): KeyHash =>
  h.start(tag).ch(SEP).str(prefix).ch(COLON).str(String(line));

/**
 * A trace's variant key: used when the trace reads the group (a variant field, a `__dilution` id),
 * else a member. Whether it gave one.
 */
function variantKey(
  out: KeySink,
  mk: string | null,
  scenario: string | null,
  variant: string | null,
): boolean {
  if (mk === null || scenario === null) return false;
  const user =
    (variant !== null && VARIANT_VALUES.has(variant.trim().toLowerCase())) ||
    // The regex only where it can match (it needs the substring): most scenario ids have none.
    (scenario.includes('__dilution') && DILUTION_SUFFIX.test(scenario));
  const k = h.start(V).ch(SEP).str(mk).ch(SEP).str(baseOf(scenario));
  if (user) {
    out.uses(k.group);
    out.own(k.value);
  } else out.member(k.value);
  return true;
}

/**
 * The keys of one record of a traces, graded, cross-grader or database file. Written without a
 * closure per call: a parse thread's first files, and a CLI append's records, run it unoptimised.
 */
export function recordKeyHashes(f: KeyFile, r: KeyFields, out: KeySink): void {
  const mk = r.model === null ? null : modelKey(r.model);
  const scenario = r.scenarioId;
  let any = false;
  switch (f.kind) {
    case 'traces':
      if (mk === null) break;
      out.own((r.traceId !== null ? h.start(I).ch(SEP).str(r.traceId) : placeKey(I, f.path, r.line)).value);
      any = true;
      if (scenario !== null) out.member(occurrenceKey(f.dataset, mk, scenario).value);
      variantKey(out, mk, scenario, r.variant);
      break;
    case 'database':
      if (mk === null) break;
      out.own((r.traceId !== null ? h.start(I).ch(SEP).str(r.traceId) : placeKey(I, 'db', r.line)).value);
      any = true;
      variantKey(out, mk, scenario, r.variant);
      break;
    case 'graded':
    case 'xgrader':
      if (r.traceId !== null) {
        out.own(h.start(I).ch(SEP).str(r.traceId).value);
        any = true;
      } else if (mk !== null && scenario !== null) {
        const k = occurrenceKey(f.dataset, mk, scenario);
        out.uses(k.group);
        out.own(k.value);
        any = true;
      }
      // A graded line that joins nothing and names a model is a trace of its own (DECISIONS.md 5).
      if (f.kind === 'graded' && mk !== null) {
        if (r.traceId === null) {
          out.own(placeKey(I, f.path, r.line).value);
          any = true;
        }
        if (variantKey(out, mk, scenario, r.variant)) any = true;
      }
      break;
    default:
      break;
  }
  if (!any) out.own(placeKey(P, f.path, r.line).value);
}

const COL = Object.fromEntries(SEGMENT_COLUMNS.map(([name], i) => [name, i])) as Record<
  (typeof SEGMENT_COLUMNS)[number][0],
  number
>;

/**
 * The keys of every record of a segment, flat: per record the count of keys it owns and them, the
 * count of group keys it is a member of and them, then the count of groups it uses and them (what
 * recordHashes gives, so that a change's records need not be hashed again: incremental.ts). Read
 * them with KeyLists.
 */
export function segmentKeys(seg: Segment, f: KeyFile): Float64Array {
  let out = new Float64Array(Math.max(16, (seg.rows.length / SEGMENT_STRIDE) * 7));
  let n = 0;
  const push = (x: number): void => {
    if (n === out.length) {
      const bigger = new Float64Array(out.length * 2);
      bigger.set(out);
      out = bigger;
    }
    out[n++] = x;
  };
  const own: number[] = [];
  const probes: number[] = [];
  const uses: number[] = [];
  const sink: KeySink = {
    own: (x) => own.push(x),
    member: (p) => probes.push(p),
    uses: (g) => uses.push(g),
  };
  const d = seg.dict;
  const str = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));
  const dict = (v: unknown): string | null => ((v as number) < 0 ? null : (d[v as number] as string));
  const fields: KeyFields = { line: 0, traceId: null, scenarioId: null, model: null, variant: null };
  for (let i = 0; i < seg.rows.length; i += SEGMENT_STRIDE) {
    fields.line = seg.rows[i + COL.line] as number;
    fields.traceId = str(seg.rows[i + COL.traceId]);
    fields.scenarioId = dict(seg.rows[i + COL.scenarioId]);
    fields.model = dict(seg.rows[i + COL.model]);
    fields.variant = dict(seg.rows[i + COL.variant]);
    own.length = 0;
    probes.length = 0;
    uses.length = 0;
    recordKeyHashes(f, fields, sink);
    push(own.length);
    for (let j = 0; j < own.length; j++) push(own[j] as number);
    push(probes.length);
    for (let j = 0; j < probes.length; j++) push(probes[j] as number);
    push(uses.length);
    for (let j = 0; j < uses.length; j++) push(uses[j] as number);
  }
  return out.slice(0, n);
}

/** segmentKeys' flat lists read in order: per record, the keys it owns, its group keys, its groups. */
export class KeyLists {
  private k = 0;

  constructor(private readonly keys: Float64Array) {}

  /** Whether every list has been read. */
  get done(): boolean {
    return this.k >= this.keys.length;
  }

  /** The next list, into `out` (emptied first; a new array when none is given). */
  next(out: number[] = []): number[] {
    const keys = this.keys;
    out.length = 0;
    for (let n = keys[this.k++] as number; n > 0; n--) out.push(keys[this.k++] as number);
    return out;
  }

  /** The next list, appended to `into` straight from the keys (a million records: no array each). */
  nextInto(into: { addRange(values: Float64Array, from: number, to: number): void }): void {
    const n = this.keys[this.k] as number;
    into.addRange(this.keys, this.k + 1, this.k + 1 + n);
    this.k += n + 1;
  }

  /** Pass over the next list. */
  skip(): void {
    this.k += (this.keys[this.k] as number) + 1;
  }
}
