/**
 * The incremental join kept in memory by a long-lived process (the language server): every
 * component's records, and the traces in (path, line) order that the editor lists. Built once from
 * the index by the from-scratch join; then each refresh's changes are applied (incremental.ts).
 *
 * Hot loops: the index casts (`list[i] as number`) in this file sit in per-record loops over arrays
 * whose bounds the loop guarantees; they stay casts for speed (a million records), where code off
 * the hot path uses expectDefined.
 */
import type { TraceIndex } from '../index/traceIndex';
import type { Problem } from '../problems';
import { compareCodePoints } from '../read/discover';
import { totalsOf } from './analysis';
import { positionOf, recordHashes, type FileRef, type JoinRecord } from './components';
import { groupOfKey } from './joinKeys';
import {
  fileRefOf,
  hashesOf,
  JoinState,
  ModelParams,
  recordChanges,
  type FileChange,
  type FreshComponent,
  type Lookup,
  type StoredComponent,
} from './incremental';
import {
  buildTraces,
  forEachRecord,
  sourceFiles,
  type JoinFile,
  type JoinOptions,
  type SourceFile,
  type Trace,
  type TraceSet,
} from './join';
import { comparePositions, givesSize, type ParamsCandidate, type Totals } from './totals';
import { componentRoots, componentsOf, hashLists } from './unionFind';
import { expectDefined } from '../../shared/expect';

type MemComponent = StoredComponent;

const byPlace = (a: Trace, b: Trace): number => a.file - b.file || a.line - b.line;

export class MemoryJoin extends JoinState<MemComponent> {
  private readonly byHash = new Map<number, MemComponent>();
  /** The components with members in each group (by the group's upper 32 bits). */
  private readonly byGroup = new Map<number, Set<MemComponent>>();
  private readonly withProblems = new Set<MemComponent>();
  private readonly withParams = new Set<MemComponent>();
  private readonly params = new ModelParams<MemComponent>();
  private files: SourceFile[] = [];
  private byId = new Map<number, SourceFile>();
  private traces: Trace[] = [];

  private constructor(
    options: JoinOptions,
    totals: Totals,
    /** The index generation the state describes. */
    public generation: number,
  ) {
    super(options, totals);
  }

  /** The state of everything in the index: the from-scratch join, its parts spread over the components. */
  static build(index: TraceIndex, options: JoinOptions, generation: number): MemoryJoin {
    const set = buildTraces(index, options);
    const { totals } = totalsOf(set);
    const state = new MemoryJoin(options, totals, generation);
    state.setFiles(set.files);
    state.traces = set.traces;
    // Every record, and where each (file, line) is among them.
    const records: JoinRecord[] = [];
    const at = new Map<number, Map<number, number>>();
    for (const f of set.files) {
      const ref = fileRefOf(f.row);
      const lines = new Map<number, number>();
      at.set(f.id, lines);
      forEachRecord(index, f.row, (r) => {
        lines.set(r.line, records.length);
        records.push({ file: ref, rec: { ...r } });
      });
    }
    const lists = hashLists(records.length, (i) => recordHashes(records[i] as JoinRecord));
    const { order, starts } = componentsOf(componentRoots(lists).roots);
    const compOf = new Array<MemComponent>(records.length);
    const comps: MemComponent[] = [];
    for (let k = 0; k + 1 < starts.length; k++) {
      const members: JoinRecord[] = [];
      const c: MemComponent = { records: members, hashes: [], probes: [], problems: [], params: new Map() };
      for (let j = starts[k] as number; j < (starts[k + 1] as number); j++) {
        const i = order[j] as number;
        members.push(records[i] as JoinRecord);
        compOf[i] = c;
      }
      Object.assign(c, hashesOf(members));
      comps.push(c);
    }
    const byPath = new Map(set.files.map((f) => [f.path, f]));
    const componentAt = (path: string, line: number): MemComponent => {
      const f = expectDefined(byPath.get(path), `the file ${path}`);
      return expectDefined(
        compOf[expectDefined(at.get(f.id)?.get(line), `line ${line} of ${path}`)],
        'its component',
      );
    };
    // Each problem and each size candidate belongs to the component of the line it is about.
    for (const p of set.problems) componentAt(p.path, (p.line ?? p.row) as number).problems.push(p);
    for (const t of set.traces) {
      if (t.params === null) continue;
      const f = expectDefined(set.files[t.file], 'the file of a trace');
      const c = componentAt(f.path, t.line);
      if (c.params.has(t.key) || !givesSize(t.params)) continue;
      c.params.set(t.key, { ...positionOf(f, t.line), params: t.params });
    }
    for (const c of comps) state.store(c);
    state.params.update(
      state.withParams,
      (c) => c.params,
      () => null,
    );
    return state;
  }

  /** Bring the state to `generation`: the files of the index now, and what the refresh changed. */
  apply(changes: FileChange[], index: TraceIndex, generation: number): void {
    const { removed, added } = recordChanges(changes);
    const oldFiles = this.files;
    const files = sourceFiles(index);
    this.setFiles(files);
    const { old, fresh, traces } = this.applyRecords(removed, added);
    const moved = oldFiles.length !== files.length || oldFiles.some((f, i) => files[i]?.id !== f.id);
    this.generation = generation;
    if (old.length === 0 && fresh.length === 0 && !moved) return;
    // The traces of the components that went leave the list; what they became comes in.
    const goneLines = new Map<number, Set<number>>();
    for (const c of old)
      for (const r of c.records) {
        let s = goneLines.get(r.file.id);
        if (!s) goneLines.set(r.file.id, (s = new Set()));
        s.add(r.rec.line);
      }
    const renumber = new Map<number, number>();
    if (moved) for (const f of oldFiles) renumber.set(f.idx, this.byId.get(f.id)?.idx ?? -1);
    // An append of records that join none already there (new traces and their verdicts) keeps every
    // trace where it was: no pass over them all.
    let kept = this.traces;
    if (old.length > 0 || moved) {
      kept = [];
      for (const t of this.traces) {
        const f = expectDefined(oldFiles[t.file], 'the file of a kept trace');
        if (goneLines.get(f.id)?.has(t.line)) continue;
        if (moved) renumberTrace(t, renumber);
        kept.push(t);
      }
    }
    const come = traces.sort(byPlace);
    this.traces = merge(kept, come);
  }

  traceSet(): TraceSet {
    const problems: Problem[] = [];
    for (const c of this.withProblems) problems.push(...c.problems);
    return {
      files: this.files,
      traces: this.traces,
      problems,
      graderVerdicts: new Map(this.totals.graders),
      graders: [...this.totals.graders.keys()].sort(compareCodePoints),
    };
  }

  fieldParams(): Map<string, ParamsCandidate> {
    return this.params.candidates();
  }

  protected find(lookup: Lookup): MemComponent[] {
    const found = new Set<MemComponent>();
    for (const h of lookup.hashes) {
      const c = this.byHash.get(h);
      if (c) found.add(c);
    }
    for (const g of lookup.groups) for (const c of this.byGroup.get(g) ?? []) found.add(c);
    return [...found];
  }

  protected replace(old: MemComponent[], fresh: FreshComponent[]): void {
    const touched = new Set<MemComponent>(old);
    for (const c of old) {
      for (const h of c.hashes) this.byHash.delete(h);
      for (const g of groupsOf(c)) {
        const set = this.byGroup.get(g);
        set?.delete(c);
        if (set?.size === 0) this.byGroup.delete(g);
      }
      this.withProblems.delete(c);
      this.withParams.delete(c);
    }
    const gone = new Set(old);
    for (const f of fresh) {
      const c: MemComponent = { ...f };
      this.store(c);
      touched.add(c);
    }
    this.params.update(
      touched,
      (c) => (gone.has(c) ? new Map<string, ParamsCandidate>() : c.params),
      (model) => {
        let best: { candidate: ParamsCandidate; holder: MemComponent } | null = null;
        for (const c of this.withParams) {
          const cand = c.params.get(model);
          if (cand && (!best || comparePositions(cand, best.candidate) < 0))
            best = { candidate: cand, holder: c };
        }
        return best;
      },
    );
  }

  protected fileOf(): (f: FileRef) => JoinFile {
    return (f) => this.byId.get(f.id) as SourceFile;
  }

  private store(c: MemComponent): void {
    for (const h of c.hashes) this.byHash.set(h, c);
    for (const g of groupsOf(c)) {
      let set = this.byGroup.get(g);
      if (!set) this.byGroup.set(g, (set = new Set()));
      set.add(c);
    }
    if (c.problems.length > 0) this.withProblems.add(c);
    if (c.params.size > 0) this.withParams.add(c);
  }

  private setFiles(files: SourceFile[]): void {
    this.files = files;
    this.byId = new Map(files.map((f) => [f.id, f]));
  }
}

/** A kept trace's file numbers after files came or went (the numbers are positions in (path, line) order). */
function renumberTrace(t: Trace, renumber: Map<number, number>): void {
  t.file = renumber.get(t.file) as number;
  if (t.verdict) t.verdict.file = renumber.get(t.verdict.file) as number;
  for (const o of t.opinions) o.file = renumber.get(o.file) as number;
}

/** Two lists in (file, line) order merged. */
function merge(a: Trace[], b: Trace[]): Trace[] {
  if (b.length === 0) return a;
  const out = new Array<Trace>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length)
    out[k++] = byPlace(a[i] as Trace, b[j] as Trace) <= 0 ? (a[i++] as Trace) : (b[j++] as Trace);
  while (i < a.length) out[k++] = a[i++] as Trace;
  while (j < b.length) out[k++] = b[j++] as Trace;
  return out;
}

/** The groups a component has members in. */
const groupsOf = (c: MemComponent): Set<number> => new Set(c.probes.map(groupOfKey));
