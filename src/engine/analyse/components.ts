/**
 * Components of the join. Every non-local rule of the join (join.ts) looks at records that share a key:
 * a trace id (duplicates, graded lines by `trace_id`, a graded line that stands alone under its own
 * id), an occurrence key (dataset, model, scenario: graded lines without a trace id, counted per file),
 * or a variant key (model, base scenario: FORMATS.md §6 rule 3 and McNemar's pairs). A component is a
 * set of records closed under shared keys; its join, given the (path, line) order of its records, is
 * the same whatever the other components hold. So a change re-joins only the components whose keys it
 * touches, and every total is the sum of the components' parts (incremental.ts).
 *
 * Hot loops: the index casts (`list[i] as number`) in this file sit in per-record loops over arrays
 * whose bounds the loop guarantees; they stay casts for speed (a million records), where code off
 * the hot path uses expectDefined.
 */
import type { Rec } from '../index/segment';
import type { Problem } from '../problems';
import type { FileKind } from '../settings';
import { joinRecords, type JoinFile, type JoinOptions, type Trace } from './join';
import { recordKeyHashes } from './joinKeys';
import {
  comparePlaces,
  dilutionPairs,
  givesSize,
  paramsCandidates,
  type PairCounts,
  type ParamsCandidate,
  type Position,
  type Totals,
} from './totals';
import { componentRoots, componentsOf, hashLists } from './unionFind';
import { expectDefined } from '../../shared/expect';

/** A run file or database as a record remembers it: its place in (path, line) order and its kind. */
export interface FileRef {
  /** The index's id of the file. */
  id: number;
  path: string;
  kind: FileKind;
  dataset: string;
  /** Databases come after every JSONL file (DECISIONS.md 1). */
  rank: number;
}

/** One indexed line or corpus row, and the file it belongs to. */
export interface JoinRecord {
  file: FileRef;
  rec: Rec;
  /** Its keys' hashes, once computed. */
  hashes?: RecordHashes;
}

export const rankOf = (kind: FileKind): number => (kind === 'database' ? 1 : 0);

/** (path, line) order of records (DECISIONS.md 1). */
export function compareRecords(a: JoinRecord, b: JoinRecord): number {
  return (
    comparePlaces(a.file.rank, a.file.path, a.rec.line, b.file.rank, b.file.path, b.rec.line) ||
    a.file.id - b.file.id
  );
}

/** A record's keys as numbers (joinKeys.ts). */
export interface RecordHashes {
  /** Keys it owns: trace ids, the groups it uses, its place. */
  own: number[];
  /** The keys of the groups it is a member of: it is joined with whatever component uses them. */
  probes: number[];
  /** The groups it uses: every member of them is in its component. */
  groups: number[];
}

export function recordHashes(r: JoinRecord): RecordHashes {
  if (r.hashes) return r.hashes;
  const out: RecordHashes = { own: [], probes: [], groups: [] };
  recordKeyHashes(r.file, r.rec, {
    own: (x) => out.own.push(x),
    member: (p) => out.probes.push(p),
    uses: (g) => out.groups.push(g),
  });
  return (r.hashes = out);
}

/** Records split into components (closed under shared keys), each in (path, line) order. */
export function splitComponents(records: readonly JoinRecord[]): JoinRecord[][] {
  const record = (i: number): JoinRecord => expectDefined(records[i], 'a record');
  const lists = hashLists(records.length, (i) => recordHashes(record(i)));
  const { order, starts } = componentsOf(componentRoots(lists).roots);
  const out: JoinRecord[][] = [];
  for (let k = 0; k + 1 < starts.length; k++)
    out.push([...order.subarray(starts[k], starts[k + 1])].map(record).sort(compareRecords));
  return out;
}

/** What one component adds to the totals. */
export interface Part {
  traces: Trace[];
  problems: Problem[];
  graderVerdicts: Map<string, number>;
  pairs: Map<string, PairCounts>;
  params: Map<string, ParamsCandidate>;
}

/**
 * The join of one component's records (in (path, line) order). `fileOf` gives each file as the join
 * numbers it (JoinFile.idx in (path, line) order): the workspace's own numbering in the language
 * server, any order-keeping numbering otherwise.
 */
export function joinComponent(
  records: readonly JoinRecord[],
  fileOf: (f: FileRef) => JoinFile,
  options: JoinOptions,
): Part {
  const files: JoinFile[] = [];
  const byFile = new Map<JoinFile, Rec[]>();
  for (const r of records) {
    const f = fileOf(r.file);
    let list = byFile.get(f);
    if (!list) {
      byFile.set(f, (list = []));
      files.push(f);
    }
    list.push(r.rec);
  }
  const joined = joinRecords(
    files,
    (f, visit) => {
      for (const r of byFile.get(f) as Rec[]) visit(r);
    },
    options,
  );
  const place = new Map(files.map((f) => [f.idx, f]));
  return {
    ...joined,
    pairs: dilutionPairs(joined.traces),
    params: paramsCandidates(joined.traces, (t) => positionOf(place.get(t.file) as JoinFile, t.line)),
  };
}

/**
 * Join several components at once (the join of a union of components is the union of their joins)
 * and give each component the problems and size candidates of its own records. `fileOf` must number
 * files in (path, line) order and give each a `path` unique to it.
 */
export function joinTogether(
  comps: readonly { records: JoinRecord[]; problems: Problem[]; params: Map<string, ParamsCandidate> }[],
  fileOf: (f: FileRef) => JoinFile,
  options: JoinOptions,
): Part {
  if (comps.length === 1) {
    const only = comps[0] as (typeof comps)[number];
    const part = joinComponent(only.records, fileOf, options);
    only.problems.push(...part.problems);
    for (const [m, c] of part.params) only.params.set(m, c);
    return part;
  }
  // Which component each record is, by file and line.
  const owner = new Map<string, Map<number, number>>();
  const records: JoinRecord[] = [];
  comps.forEach((c, k) => {
    for (const r of c.records) {
      let lines = owner.get(r.file.path);
      if (!lines) owner.set(r.file.path, (lines = new Map<number, number>()));
      lines.set(r.rec.line, k);
      records.push(r);
    }
  });
  records.sort(compareRecords);
  const part = joinComponent(records, fileOf, options);
  const ownerAt = (path: string, line: number): (typeof comps)[number] =>
    comps[owner.get(path)?.get(line) as number] as (typeof comps)[number];
  for (const p of part.problems) ownerAt(p.path, (p.line ?? p.row) as number).problems.push(p);
  const place = new Map<number, JoinFile>();
  for (const r of records) {
    const f = fileOf(r.file);
    place.set(f.idx, f);
  }
  for (const t of part.traces) {
    if (t.params === null) continue;
    const f = place.get(t.file) as JoinFile;
    const c = ownerAt(f.path, t.line);
    if (!c.params.has(t.key) && givesSize(t.params))
      c.params.set(t.key, { ...positionOf(f, t.line), params: t.params });
  }
  return part;
}

export const positionOf = (f: JoinFile, line: number): Position => ({
  rank: rankOf(f.kind),
  path: f.path,
  line,
});

/** Add a component's part to the totals (sign 1) or take it away (−1); its parameter candidates are kept apart. */
export function addPart(totals: Totals, part: Part, sign: number): void {
  totals.addTraces(part.traces, sign);
  totals.addPairs(part.pairs, sign);
  totals.addGraders(part.graderVerdicts, sign);
}
