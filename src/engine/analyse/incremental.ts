/**
 * Incremental analysis: after an append, a new file, a rewritten or a deleted one, the components
 * (components.ts) whose keys the changed records touch are joined again, their part is taken out of
 * the totals and the part of what they became is added. Nothing else is read or joined again. Two
 * homes share the algorithm (JoinState): the language server keeps everything in memory
 * (MemoryJoin, with the traces the editor lists), the CLI keeps it in the index (persistedJoin.ts).
 */
import type { FileChange } from '../index/indexer';
import type { Segment } from '../index/segment';
import { emptyRec, forEachRow, type Rec } from '../index/segment';
import type { FileRow } from '../index/traceIndex';
import type { Problem } from '../problems';
import {
  addPart,
  compareRecords,
  joinComponent,
  joinTogether,
  rankOf,
  recordHashes,
  splitComponents,
  type FileRef,
  type JoinRecord,
} from './components';
import type { JoinFile, JoinOptions, Trace } from './join';
import { KeyLists } from './joinKeys';
import { comparePositions, type ParamsCandidate, type Totals } from './totals';

export type { FileChange };

const JOINED_KINDS = new Set(['traces', 'graded', 'xgrader', 'database']);

export const fileRefOf = (row: FileRow): FileRef => ({
  id: row.id,
  path: row.path,
  kind: row.kind,
  dataset: row.dataset,
  rank: rankOf(row.kind),
});

/**
 * A file's records, each with its keys when the parse computed them (segmentKeys, for this very
 * file): a change's records are then not hashed again on the thread that applies it.
 */
function recordsOf(file: FileRef, segments: Segment[]): JoinRecord[] {
  const out: JoinRecord[] = [];
  const r = emptyRec();
  for (const seg of segments) {
    const keys = seg.keys;
    if (!keys) {
      forEachRow(seg, r, (x) => out.push({ file, rec: { ...x } }));
      continue;
    }
    const lists = new KeyLists(keys);
    forEachRow(seg, r, (x) =>
      out.push({
        file,
        rec: { ...x },
        hashes: { own: lists.next(), probes: lists.next(), groups: lists.next() },
      }),
    );
    if (!lists.done) throw new Error("a segment's keys are for other records");
  }
  return out;
}

const sameRec = (a: Rec, b: Rec): boolean => {
  for (const k in a) if (a[k as keyof Rec] !== b[k as keyof Rec]) return false;
  return true;
};

/**
 * The records a refresh took away and those it added, over all files. A file read again in full
 * keeps the records that did not change (same line, same fields): an in-place edit of one line
 * touches only that line's component.
 */
export function recordChanges(changes: FileChange[]): { removed: JoinRecord[]; added: JoinRecord[] } {
  const removed: JoinRecord[] = [];
  const added: JoinRecord[] = [];
  for (const c of changes) {
    const before = c.before && JOINED_KINDS.has(c.before.kind) ? fileRefOf(c.before) : null;
    const after = c.after && JOINED_KINDS.has(c.after.kind) ? fileRefOf(c.after) : null;
    const gone = before ? recordsOf(before, c.removed) : [];
    const come = after ? recordsOf(after, c.added) : [];
    const sameFile =
      before !== null && after !== null && before.kind === after.kind && before.path === after.path;
    if (!sameFile || gone.length === 0 || come.length === 0) {
      removed.push(...gone);
      added.push(...come);
      continue;
    }
    const old = new Map(gone.map((r) => [r.rec.line, r]));
    for (const r of come) {
      const was = old.get(r.rec.line);
      if (was && sameRec(was.rec, r.rec)) old.delete(r.rec.line);
      else added.push(r);
    }
    removed.push(...old.values());
  }
  return { removed, added };
}

/** A file numbered for one join whose traces are not kept. */
export interface LocalFile extends JoinFile {
  id: number;
}

/** JoinFiles numbered in the records' own (path, line) order (records visited in that order): for joins whose traces are not kept. */
export class LocalFiles {
  readonly list: LocalFile[] = [];
  private readonly byId = new Map<number, LocalFile>();

  readonly of = (f: FileRef): LocalFile => {
    let j = this.byId.get(f.id);
    if (!j) {
      j = { idx: this.list.length, id: f.id, path: f.path, kind: f.kind, dataset: f.dataset };
      this.byId.set(f.id, j);
      this.list.push(j);
    }
    return j;
  };
}

/** A record's identity: its file and line (a corpus row's id). */
export const recordId = (r: JoinRecord): string => `${r.file.id}:${r.rec.line}`;

/** The state could not be brought forward (a record to remove is not where the state says): build it again. */
export class JoinStateStale extends Error {}

/** Each model's first parameter-count candidate in (path, line) order, and which holder (component, bucket) has it. */
export class ModelParams<H> {
  readonly best = new Map<string, { candidate: ParamsCandidate; holder: H }>();

  /**
   * After a change: `touched` holders were rewritten, created or deleted; `candidatesOf` gives each
   * touched holder's candidates as they are now (none when deleted); `rescan` finds a model's best over
   * every holder, for the rare case where the best one went and nothing new is at least as early.
   */
  update(
    touched: Set<H>,
    candidatesOf: (h: H) => Map<string, ParamsCandidate>,
    rescan: (model: string) => { candidate: ParamsCandidate; holder: H } | null,
  ): void {
    const fresh = new Map<string, { candidate: ParamsCandidate; holder: H }>();
    for (const h of touched)
      for (const [model, candidate] of candidatesOf(h)) {
        const f = fresh.get(model);
        if (!f || comparePositions(candidate, f.candidate) < 0) fresh.set(model, { candidate, holder: h });
      }
    const models = new Set(fresh.keys());
    for (const [model, b] of this.best) if (touched.has(b.holder)) models.add(model);
    for (const model of models) {
      const old = this.best.get(model);
      const f = fresh.get(model);
      let next: { candidate: ParamsCandidate; holder: H } | null | undefined;
      if (old && !touched.has(old.holder))
        next = f && comparePositions(f.candidate, old.candidate) < 0 ? f : old;
      else if (f && (!old || comparePositions(f.candidate, old.candidate) <= 0)) next = f;
      else if (old) next = rescan(model);
      else next = null;
      if (next) this.best.set(model, next);
      else this.best.delete(model);
    }
  }

  candidates(): Map<string, ParamsCandidate> {
    return new Map([...this.best].map(([m, b]) => [m, b.candidate]));
  }
}

/** A component as a state keeps it: its records, their keys, and the problems and candidates of its join. */
export interface StoredComponent {
  records: JoinRecord[];
  /** The keys its records own. */
  hashes: number[];
  /** The group keys its records are members of. */
  probes: number[];
  problems: Problem[];
  params: Map<string, ParamsCandidate>;
}

/** The keys a component's records own, and the group keys they are members of. */
export function hashesOf(records: readonly JoinRecord[]): { hashes: number[]; probes: number[] } {
  const own = new Set<number>();
  const probes = new Set<number>();
  for (const r of records) {
    const h = recordHashes(r);
    for (const x of h.own) own.add(x);
    for (const x of h.probes) probes.add(x);
  }
  return { hashes: [...own], probes: [...probes] };
}

/**
 * What to look for when records come or go: the components that own a key they own or probe, and the
 * components with members in the groups they use.
 */
export interface Lookup {
  hashes: Set<number>;
  groups: Set<number>;
}

/** A component that a change made. */
export type FreshComponent = StoredComponent;

/**
 * The algorithm both homes share. `find` gives the stored components holding any of some keys (each
 * once), `replace` stores what they became.
 */
export abstract class JoinState<C extends StoredComponent> {
  constructor(
    readonly options: JoinOptions,
    readonly totals: Totals,
  ) {}

  protected abstract find(lookup: Lookup): C[];
  protected abstract replace(old: C[], fresh: FreshComponent[]): void;
  /** How the join numbers files for components that stay (the server keeps their traces). */
  protected abstract fileOf(): (f: FileRef) => JoinFile;

  /** Take `removed` records away and add `added` ones; returns the components taken out and those made. */
  protected applyRecords(
    removed: JoinRecord[],
    added: JoinRecord[],
  ): { old: C[]; fresh: FreshComponent[]; traces: Trace[] } {
    if (removed.length === 0 && added.length === 0) return { old: [], fresh: [], traces: [] };
    const lookup: Lookup = { hashes: new Set(), groups: new Set() };
    for (const r of [...removed, ...added]) {
      const h = recordHashes(r);
      for (const x of h.own) lookup.hashes.add(x);
      for (const x of h.probes) lookup.hashes.add(x);
      for (const x of h.groups) lookup.groups.add(x);
    }
    const old = this.find(lookup);
    const gone = new Set(removed.map(recordId));
    const kept: JoinRecord[] = [];
    const before: JoinRecord[] = [];
    let found = 0;
    for (const c of old)
      for (const r of c.records) {
        before.push(r);
        if (gone.has(recordId(r))) found++;
        else kept.push(r);
      }
    if (found !== gone.size)
      throw new JoinStateStale(`${gone.size - found} records to remove are not in the join state`);
    // What the old components gave is taken away; one join of them all gives it exactly.
    if (before.length > 0)
      addPart(this.totals, joinComponent(before.sort(compareRecords), new LocalFiles().of, this.options), -1);
    const fresh: FreshComponent[] = splitComponents([...kept, ...added]).map((records) => ({
      records,
      ...hashesOf(records),
      problems: [],
      params: new Map(),
    }));
    const part = joinTogether(fresh, this.fileOf(), this.options);
    addPart(this.totals, part, 1);
    this.replace(old, fresh);
    return { old, fresh, traces: part.traces };
  }
}

export { compareRecords };
