/**
 * The incremental join kept in the index, for the CLI (a new process per run). Components
 * (components.ts) are packed into buckets, in order of their first record; a bucket row holds each
 * component's record places (file, line), its keys, and the problems and size candidates of its
 * join, never a record's fields (those stay in the segments). A directory of sorted key runs maps
 * every key to its bucket; the totals live in one checksummed meta row. A refresh that changes
 * records reads the directory, the buckets its keys lead to and the records of the components it
 * touches, joins those again and writes what changed, inside the refresh's transaction. The analysis
 * reads the totals and the problems, never a trace.
 *
 * Hot loops: the index casts (`list[i] as number`) in this file sit in per-record loops over arrays
 * whose bounds the loop guarantees; they stay casts for speed (a million records), where code off
 * the hot path uses expectDefined.
 */
import type { FileChange } from '../index/indexer';
import { collectGarbage } from '../memory';
import { emptyRec, forEachRow, readRow, SEGMENT_STRIDE, type Rec, type Segment } from '../index/segment';
import { IndexDamaged, type FileRow, type TraceIndex } from '../index/traceIndex';
import type { Problem } from '../problems';
import type { FileKind } from '../settings';
import { addPart, positionOf, rankOf, type FileRef, type JoinRecord } from './components';
import {
  fileRefOf,
  JoinState,
  JoinStateStale,
  LocalFiles,
  ModelParams,
  recordChanges,
  type FreshComponent,
  type Lookup,
  type StoredComponent,
} from './incremental';
import { joinRecords, sourceFiles, type JoinFile, type JoinOptions, type SourceFile } from './join';
import { GROUP_SPAN, groupOfKey, segmentKeys } from './joinKeys';
import {
  comparePositions,
  dilutionPairs,
  givesSize,
  Totals,
  type ParamsCandidate,
  type TotalsJson,
} from './totals';
import { componentRoots, componentsOf, hashListsOf, sortNonNegative } from './unionFind';

const NONE: readonly never[] = [];

/** Records per bucket (a component is never split): small enough that a scattered change reads little. */
const BUCKET_RECORDS = 256;
/** More key runs than this are merged, newest first. */
const MAX_RUNS = 8;
/** Rows of segments a cold build keeps parsed at once. */
const CACHED_ROWS = 30_000;
/** A cold build collects its garbage every this many buckets (about 200,000 records). */
const GC_BUCKETS = 800;
/**
 * Below this many records a build forces no collection: the heap is small, and a full collection
 * costs more than the memory it gives back (a small workspace is rebuilt often: other settings, a
 * language server that moved the index on).
 */
const GC_RECORDS = 100_000;

type CandidateJson = [model: string, rank: number, path: string, line: number, params: string];

interface JoinMetaJson {
  fingerprint: string;
  /** The index generation the state describes. */
  generation: number;
  nextBucket: number;
  nextRun: number;
  buckets: number;
  /** Key runs, oldest first: [id, entries]. */
  runs: [number, number][];
  totals: TotalsJson;
  /** Each model's first size candidate and the bucket that holds it. */
  params: [...CandidateJson, number][];
}

/** A bucket's `places` column. */
interface PlacesJson {
  /** The bucket's files: id, path, kind, dataset. */
  f: [number, string, FileKind, string][];
  /** Components in order: records, owned keys, group keys, problems, size candidates (the keys are in `keys`). */
  c: [number, number, number, Problem[], CandidateJson[]][];
  /** Each record's place: file (an index into `f`), line; component after component. */
  p: number[];
}

/** What bucketContent needs of a component. */
interface ComponentShape {
  count: number;
  hashes: ArrayLike<number>;
  probes: ArrayLike<number>;
  problems: Problem[];
  params: Map<string, ParamsCandidate>;
}

/** A bucket's components by owned key, and by group they have members in, in bucket order. */
interface BucketIndex {
  byKey: Map<number, BucketComponent[]>;
  byGroup: Map<number, BucketComponent[]>;
}

/** A component as a bucket keeps it; its records are read from the segments only when it is touched. */
interface BucketComponent extends StoredComponent {
  bucket: number;
  places: [FileRef, number][];
}

const toCandidate = ([, rank, path, line, params]: CandidateJson): ParamsCandidate => ({
  rank,
  path,
  line,
  params,
});
const candidateJson = (model: string, c: ParamsCandidate): CandidateJson => [
  model,
  c.rank,
  c.path,
  c.line,
  c.params,
];

/** The best candidate per model over some components. */
function bestCandidates(
  comps: readonly { params: Map<string, ParamsCandidate> }[],
): Map<string, ParamsCandidate> {
  const best = new Map<string, ParamsCandidate>();
  for (const c of comps)
    for (const [m, cand] of c.params) {
      const b = best.get(m);
      if (!b || comparePositions(cand, b) < 0) best.set(m, cand);
    }
  return best;
}

/** What a bucket row holds of some components. */
interface BucketContent {
  places: string;
  keys: Buffer;
  params: string;
  problems: string;
}

function bucketContent(
  files: PlacesJson['f'],
  comps: readonly ComponentShape[],
  places: number[],
): BucketContent {
  let n = 0;
  for (const c of comps) n += c.hashes.length + c.probes.length;
  const keys = new Float64Array(n);
  let k = 0;
  for (const c of comps) {
    for (let i = 0; i < c.hashes.length; i++) keys[k++] = c.hashes[i] as number;
    for (let i = 0; i < c.probes.length; i++) keys[k++] = c.probes[i] as number;
  }
  const json: PlacesJson = {
    f: files,
    c: comps.map((c) => [
      c.count,
      c.hashes.length,
      c.probes.length,
      c.problems,
      [...c.params].map(([m, cand]) => candidateJson(m, cand)),
    ]),
    p: places,
  };
  return {
    places: JSON.stringify(json),
    keys: Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength),
    params: JSON.stringify([...bestCandidates(comps)].map(([m, c]) => candidateJson(m, c))),
    problems: JSON.stringify(comps.flatMap((c) => c.problems)),
  };
}

/**
 * Numbers without repeats, in order of first appearance. A component's key lists are short (a trace
 * and its verdict: a few keys), where a scan beats a Set; a long one gets a Set.
 */
class UniqueList {
  readonly list: number[] = [];
  private seen: Set<number> | null = null;

  /** Each of values[from .. to) not held yet. */
  addRange(values: Float64Array, from: number, to: number): void {
    for (let j = from; j < to; j++) {
      const h = values[j] as number;
      if (this.seen) {
        if (this.seen.has(h)) continue;
        this.seen.add(h);
      } else {
        if (this.list.includes(h)) continue;
        if (this.list.length >= 16) this.seen = new Set(this.list).add(h);
      }
      this.list.push(h);
    }
  }
}

/** A bucket of components as kept in memory (their places, keys, problems and candidates). */
function bucketOf(comps: readonly BucketComponent[]): BucketContent {
  const files: PlacesJson['f'] = [];
  const fileAt = new Map<number, number>();
  const places: number[] = [];
  for (const c of comps)
    for (const [f, line] of c.places) {
      let i = fileAt.get(f.id);
      if (i === undefined) {
        i = files.length;
        fileAt.set(f.id, i);
        files.push([f.id, f.path, f.kind, f.dataset]);
      }
      places.push(i, line);
    }
  return bucketContent(
    files,
    comps.map((c) => ({ ...c, count: c.places.length })),
    places,
  );
}

function bucketComponents(id: number, placesJson: string, keys: Buffer): BucketComponent[] {
  let json: PlacesJson;
  try {
    json = JSON.parse(placesJson) as PlacesJson;
  } catch {
    throw new IndexDamaged('a bucket of the join state is not JSON');
  }
  const files: FileRef[] = json.f.map(([fid, path, kind, dataset]) => ({
    id: fid,
    path,
    kind,
    dataset,
    rank: rankOf(kind),
  }));
  const hashes = new Float64Array(keys.length / 8);
  new Uint8Array(hashes.buffer).set(keys);
  const comps: BucketComponent[] = [];
  let at = 0;
  let k = 0;
  for (const [count, nOwn, nProbes, problems, params] of json.c) {
    const places: [FileRef, number][] = [];
    for (let i = 0; i < count; i++, at += 2)
      places.push([files[json.p[at] as number] as FileRef, json.p[at + 1] as number]);
    comps.push({
      bucket: id,
      places,
      records: [],
      hashes: Array.from(hashes.subarray(k, k + nOwn)),
      probes: Array.from(hashes.subarray(k + nOwn, k + nOwn + nProbes)),
      problems,
      params: new Map(params.map((p) => [p[0], toCandidate(p)])),
    });
    k += nOwn + nProbes;
  }
  if (at !== json.p.length || k !== hashes.length)
    throw new IndexDamaged('a bucket of the join state lost records');
  return comps;
}

/**
 * A directory entry for "bucket `id` has members of group `g`": negative, apart from every key (keys
 * are at least 0), and the entries of a group form one range (memberRange). Bucket ids stay below
 * GROUP_SPAN.
 */
const memberEntry = (g: number, id: number): number => -(g * GROUP_SPAN + id) - 1;
const memberRange = (g: number): [number, number] => [-(g + 1) * GROUP_SPAN, -g * GROUP_SPAN];

/** The directory entries of a bucket's components: each key they own, each group they have members in. */
function directoryEntries(
  id: number,
  comps: readonly { hashes: ArrayLike<number>; probes: ArrayLike<number> }[],
  out: Map<number, number>,
): void {
  for (const c of comps) {
    for (let i = 0; i < c.hashes.length; i++) out.set(c.hashes[i] as number, id);
    for (let i = 0; i < c.probes.length; i++) out.set(memberEntry(groupOfKey(c.probes[i] as number), id), id);
  }
}

/** A sorted run of the key directory: key hashes and their buckets, interleaved. */
class KeyRun {
  constructor(
    readonly id: number,
    readonly entries: Float64Array,
  ) {}

  get length(): number {
    return this.entries.length / 2;
  }

  bucketOf(hash: number): number | undefined {
    const e = this.entries;
    let lo = 0;
    let hi = e.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = e[2 * mid] as number;
      if (k < hash) lo = mid + 1;
      else if (k > hash) hi = mid - 1;
      else return e[2 * mid + 1];
    }
    return undefined;
  }

  /** Every entry with a key in [lo, hi). */
  range(lo: number, hi: number, visit: (hash: number, bucket: number) => void): void {
    const e = this.entries;
    let a = 0;
    let b = e.length / 2;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if ((e[2 * mid] as number) < lo) a = mid + 1;
      else b = mid;
    }
    for (let i = a; i < e.length / 2 && (e[2 * i] as number) < hi; i++)
      visit(e[2 * i] as number, e[2 * i + 1] as number);
  }

  static of(id: number, pairs: Map<number, number>): KeyRun {
    const keys = Float64Array.from(pairs.keys()).sort();
    const e = new Float64Array(keys.length * 2);
    keys.forEach((k, i) => {
      e[2 * i] = k;
      e[2 * i + 1] = pairs.get(k) as number;
    });
    return new KeyRun(id, e);
  }

  /** Two runs as one; the newer's entry wins. */
  static merge(id: number, older: KeyRun, newer: KeyRun): KeyRun {
    const a = older.entries;
    const b = newer.entries;
    const out = new Float64Array(a.length + b.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < a.length || j < b.length) {
      const ka = i < a.length ? (a[i] as number) : Infinity;
      const kb = j < b.length ? (b[j] as number) : Infinity;
      if (kb <= ka) {
        out[k++] = kb;
        out[k++] = b[j + 1] as number;
        j += 2;
        if (ka === kb) i += 2;
      } else {
        out[k++] = ka;
        out[k++] = a[i + 1] as number;
        i += 2;
      }
    }
    return new KeyRun(id, k === out.length ? out : out.slice(0, k));
  }

  buffer(): Buffer {
    return Buffer.from(this.entries.buffer, this.entries.byteOffset, this.entries.byteLength);
  }

  /**
   * A run read from the index. The entries are read in place when the bytes lie on an 8-byte
   * boundary (better-sqlite3 gives a blob a buffer of its own, at offset 0); the copy of the ~1.5 MB
   * run of a 48,000-trace index, mostly the fresh pages it touched, was 3–4 ms of a short append's
   * join state (26–28 → 23 ms). The run is never written to.
   */
  static fromBuffer(id: number, b: Buffer, entries: number): KeyRun {
    if (b.length !== entries * 16) throw new IndexDamaged('a key run of the join state has the wrong size');
    if (b.byteOffset % 8 === 0) return new KeyRun(id, new Float64Array(b.buffer, b.byteOffset, entries * 2));
    const copy = new Float64Array(entries * 2);
    new Uint8Array(copy.buffer).set(b);
    return new KeyRun(id, copy);
  }
}

/**
 * The records of touched components, read by place: from the segments a refresh dropped (the data of
 * records that went), else from the file's segments in the index. A file is read once, whole.
 */
class RecordSource {
  private readonly byFile = new Map<number, Map<number, Rec>>();
  private rows: Map<number, FileRow> | null = null;

  constructor(
    private readonly index: TraceIndex,
    private readonly dropped: Map<number, Segment[]>,
  ) {}

  get(file: FileRef, line: number): Rec {
    let lines = this.byFile.get(file.id);
    if (!lines) {
      lines = new Map();
      const r = emptyRec();
      const keep = (x: Rec): void => void (lines as Map<number, Rec>).set(x.line, { ...x });
      const row = this.rowsById().get(file.id);
      if (row) for (const seg of this.index.segments(row)) forEachRow(seg, r, keep);
      for (const seg of this.dropped.get(file.id) ?? []) forEachRow(seg, r, keep);
      this.byFile.set(file.id, lines);
    }
    const rec = lines.get(line);
    if (!rec) throw new JoinStateStale(`line ${line} of ${file.path} is not in the index`);
    return rec;
  }

  private rowsById(): Map<number, FileRow> {
    return (this.rows ??= new Map(this.index.files().map((f) => [f.id, f])));
  }
}

export class PersistedJoin extends JoinState<BucketComponent> {
  private runs: KeyRun[] | null = null;
  /** Buckets read during this update, by id. */
  private readonly loaded = new Map<number, BucketComponent[]>();
  private readonly params = new ModelParams<number>();
  private source: RecordSource | null = null;

  private constructor(
    private readonly index: TraceIndex,
    options: JoinOptions,
    totals: Totals,
    private readonly meta: JoinMetaJson,
  ) {
    super(options, totals);
    for (const [model, rank, path, line, params, bucket] of meta.params)
      this.params.best.set(model, {
        candidate: toCandidate([model, rank, path, line, params]),
        holder: bucket,
      });
  }

  /** The state kept in the index, when it describes `generation` under `fingerprint`; null otherwise. */
  static open(
    index: TraceIndex,
    options: JoinOptions,
    fingerprint: string,
    generation: number,
  ): PersistedJoin | null {
    const json = index.joinMeta();
    if (json === null) return null;
    let meta: JoinMetaJson;
    try {
      meta = JSON.parse(json) as JoinMetaJson;
    } catch {
      throw new IndexDamaged('the join state is not JSON');
    }
    if (meta.fingerprint !== fingerprint || meta.generation !== generation) return null;
    if (index.bucketCount() !== meta.buckets || index.keyRunCount() !== meta.runs.length)
      throw new IndexDamaged('the join state lost rows');
    return new PersistedJoin(index, options, Totals.fromJson(meta.totals), meta);
  }

  /** The state of everything in the index, written in place of whatever was there. */
  static rebuild(
    index: TraceIndex,
    options: JoinOptions,
    fingerprint: string,
    generation: number,
  ): PersistedJoin {
    index.clearJoin();
    const meta: JoinMetaJson = {
      fingerprint,
      generation,
      nextBucket: 1,
      nextRun: 1,
      buckets: 0,
      runs: [],
      totals: new Totals().toJson(),
      params: [],
    };
    const state = new PersistedJoin(index, options, new Totals(), meta);
    state.runs = [];
    state.build();
    state.save();
    return state;
  }

  /** Apply what a refresh changed; the state then describes `generation`. */
  update(changes: FileChange[], generation: number): void {
    const dropped = new Map<number, Segment[]>();
    for (const c of changes) if (c.before) dropped.set(c.before.id, c.removed);
    this.source = new RecordSource(this.index, dropped);
    const { removed, added } = recordChanges(changes);
    this.applyRecords(removed, added);
    this.meta.generation = generation;
    this.save();
  }

  /** Each model's first parameter-count candidate. */
  fieldParams(): Map<string, ParamsCandidate> {
    return this.params.candidates();
  }

  /** Every problem of the join. */
  problems(): Problem[] {
    return this.index.bucketColumn('problems').flatMap((b) => JSON.parse(b.value) as Problem[]);
  }

  protected fileOf(): (f: FileRef) => JoinFile {
    return new LocalFiles().of;
  }

  protected find(lookup: Lookup): BucketComponent[] {
    const runs = this.keyRuns();
    // The bucket of each key (its newest entry), and every bucket with members of a group used.
    const exact = new Map<number, number>();
    for (const h of lookup.hashes) {
      for (let i = runs.length - 1; i >= 0; i--) {
        const b = (runs[i] as KeyRun).bucketOf(h);
        if (b !== undefined) {
          exact.set(h, b);
          break;
        }
      }
    }
    const members = new Map<number, Set<number>>();
    for (const g of lookup.groups) {
      const buckets = new Set<number>();
      const [lo, hi] = memberRange(g);
      for (const run of runs) run.range(lo, hi, (_, b) => buckets.add(b));
      members.set(g, buckets);
    }
    const wanted = new Set(exact.values());
    for (const bs of members.values()) for (const b of bs) wanted.add(b);
    const missing = [...wanted].filter((b) => !this.loaded.has(b));
    for (const b of this.index.buckets(missing))
      this.loaded.set(b.id, bucketComponents(b.id, b.places, b.keys));
    // Entries outlive the components they named (a key that went, a group left): each is checked,
    // through each bucket's components by key and by group (in bucket order), made once per bucket:
    // a scan of the bucket per key cost keys × components.
    const found = new Set<BucketComponent>();
    for (const [h, b] of exact) for (const c of this.bucketIndex(b).byKey.get(h) ?? NONE) found.add(c);
    for (const [g, bs] of members)
      for (const b of bs) for (const c of this.bucketIndex(b).byGroup.get(g) ?? NONE) found.add(c);
    const source = this.source as RecordSource;
    for (const c of found)
      c.records = c.places.map(([file, line]): JoinRecord => ({ file, rec: source.get(file, line) }));
    return [...found];
  }

  /** Each loaded bucket's index (find()), made at first use and dropped when the bucket changes. */
  private readonly keyIndex = new Map<number, BucketIndex>();

  private bucketIndex(b: number): BucketIndex {
    let ix = this.keyIndex.get(b);
    if (ix) return ix;
    ix = { byKey: new Map(), byGroup: new Map() };
    const add = (m: Map<number, BucketComponent[]>, k: number, c: BucketComponent): void => {
      const list = m.get(k);
      if (!list) m.set(k, [c]);
      else if (list[list.length - 1] !== c) list.push(c); // a component once per key
    };
    for (const c of this.loaded.get(b) ?? []) {
      for (const h of c.hashes) add(ix.byKey, h, c);
      for (const p of c.probes) add(ix.byGroup, groupOfKey(p), c);
    }
    this.keyIndex.set(b, ix);
    return ix;
  }

  protected replace(old: BucketComponent[], fresh: FreshComponent[]): void {
    const touched = new Set<number>();
    const gone = new Set(old);
    for (const b of new Set(old.map((c) => c.bucket))) {
      touched.add(b);
      const left = (this.loaded.get(b) as BucketComponent[]).filter((c) => !gone.has(c));
      this.loaded.set(b, left);
      this.keyIndex.delete(b);
      if (left.length === 0) {
        this.index.deleteBucket(b);
        this.meta.buckets--;
      } else this.index.putBucket({ id: b, ...bucketOf(left) });
    }
    const directory = new Map<number, number>();
    for (const group of pack(fresh)) {
      const id = this.newBucketId();
      touched.add(id);
      const comps = group.map((c) => ({
        ...c,
        bucket: id,
        places: c.records.map((r): [FileRef, number] => [r.file, r.rec.line]),
      }));
      this.loaded.set(id, comps);
      this.keyIndex.delete(id);
      this.index.putBucket({ id, ...bucketOf(comps) });
      this.meta.buckets++;
      directoryEntries(id, comps, directory);
    }
    if (directory.size > 0) this.addRun(KeyRun.of(this.meta.nextRun++, directory));
    let all: Map<number, Map<string, ParamsCandidate>> | null = null;
    this.params.update(
      touched,
      (b) => bestCandidates(this.loaded.get(b) ?? []),
      (model) => {
        all ??= new Map(
          this.index
            .bucketColumn('params')
            .map((r) => [
              r.id,
              new Map((JSON.parse(r.value) as CandidateJson[]).map((p) => [p[0], toCandidate(p)])),
            ]),
        );
        let best: { candidate: ParamsCandidate; holder: number } | null = null;
        for (const [id, cands] of all) {
          const c = cands.get(model);
          if (c && (!best || comparePositions(c, best.candidate) < 0)) best = { candidate: c, holder: id };
        }
        return best;
      },
    );
  }

  /**
   * Every component of the index, packed into buckets in order of their first record; the totals
   * from one join per bucket (the join of a union of components is the union of their joins). Two
   * passes over the records, file by file: their keys (most of them computed by the parse threads),
   * then the buckets, reading each file's segments again only while buckets need it. A million
   * traces cost typed arrays, not an object each, and never all segments at once.
   */
  private build(): void {
    const files = sourceFiles(this.index);
    const large = files.reduce((n, f) => n + f.records, 0) >= GC_RECORDS;
    if (large) collectGarbage(); // what the parse left
    const refs = files.map((f) => fileRefOf(f.row));
    // Pass 1: every record's keys, records numbered in (path, line) order.
    const fileStart = new Int32Array(files.length + 1);
    const keyChunks: Float64Array[] = [];
    let count = 0;
    files.forEach((f, fi) => {
      fileStart[fi] = count;
      const ref = refs[fi] as FileRef;
      const list = this.index.segmentList(f.row);
      let loaded: Segment[] | null = null;
      list.forEach((seg, si) => {
        let keys = this.index.takeKeys(seg.id);
        if (!keys) {
          loaded ??= this.index.segments(f.row);
          keys = segmentKeys(loaded[si] as Segment, ref);
        }
        keyChunks.push(keys);
        count += seg.records;
      });
    });
    fileStart[files.length] = count;
    const lists = hashListsOf(count, keyChunks);
    keyChunks.length = 0;
    const { roots, table } = componentRoots(lists);
    const { order, starts } = componentsOf(roots);
    const fileOf = new Int32Array(count);
    for (let fi = 0; fi < files.length; fi++) fileOf.fill(fi, fileStart[fi], fileStart[fi + 1]);
    // Pass 2: buckets. Files are read as buckets need them and let go after a while.
    const cache = new FileRows(this.index, files, fileStart);
    const scratch = emptyRec();
    // The line of each record, kept as the join reads it: the join reads every member of a bucket
    // (each of its files' runs in full), so every record's line is there when its bucket is shaped.
    const lineOf = new Float64Array(count).fill(NaN);
    const read = (k: number): Rec => {
      const r = cache.read(fileOf[k] as number, k, scratch);
      lineOf[k] = r.line;
      return r;
    };
    const own = lists.own;
    const probes = lists.probes;
    const ownList = own.list;
    const probeList = probes.list;
    const bucketOfRecord = new Int32Array(count);
    const memberEntries: number[] = [];
    let flushed = 0;
    // A bucket: components [from, to), whose records are order[starts[from] .. starts[to]).
    const flush = (from: number, to: number): void => {
      if (from === to) return;
      cache.nextBucket();
      const id = this.newBucketId();
      // The bucket's records in record order, which is (path, line) order.
      const members = order.slice(starts[from], starts[to]).sort();
      // The bucket's files in order, each with its run of `members`.
      const local = new LocalFiles();
      const localOf = new Map<number, number>(); // file (index into `refs`) → index into local.list
      const spans = new Map<JoinFile, [number, number]>();
      for (let m = 0; m < members.length; m++) {
        const fi = fileOf[members[m] as number] as number;
        let li = localOf.get(fi);
        if (li === undefined) {
          const f = local.of(refs[fi] as FileRef);
          li = f.idx;
          localOf.set(fi, li);
          spans.set(f, [m, m + 1]);
        } else (spans.get(local.list[li] as JoinFile) as [number, number])[1] = m + 1;
      }
      const joined = joinRecords(
        local.list,
        (f, visit) => {
          const [from, to] = spans.get(f) as [number, number];
          for (let m = from; m < to; m++) visit(read(members[m] as number));
        },
        this.options,
      );
      addPart(this.totals, { ...joined, pairs: dilutionPairs(joined.traces), params: new Map() }, 1);
      // Each component's places and keys, straight from the arrays.
      const places: number[] = [];
      const shape: (ComponentShape & { lines: number[] })[] = [];
      for (let ci = from; ci < to; ci++) {
        const hashes = new UniqueList();
        const groupKeys = new UniqueList();
        const lines: number[] = [];
        const end = starts[ci + 1] as number;
        for (let m = starts[ci] as number; m < end; m++) {
          const k = order[m] as number;
          const fi = fileOf[k] as number;
          const line = lineOf[k] as number;
          if (line !== line) throw new Error('the join skipped a record of its bucket'); // NaN: never read
          lines.push(line);
          places.push(localOf.get(fi) as number, line);
          hashes.addRange(ownList, own.starts[k] as number, own.starts[k + 1] as number);
          groupKeys.addRange(probeList, probes.starts[k] as number, probes.starts[k + 1] as number);
          bucketOfRecord[k] = id;
        }
        for (const p of groupKeys.list) memberEntries.push(memberEntry(groupOfKey(p), id));
        shape.push({
          count: end - (starts[ci] as number),
          hashes: hashes.list,
          probes: groupKeys.list,
          problems: [],
          params: new Map(),
          lines,
        });
      }
      // Each problem and size candidate goes to the component of the line it is about.
      if (joined.problems.length > 0 || joined.traces.some((t) => t.params !== null)) {
        // Owner by (bucket file, line): numbers, not a string per record.
        const owner = local.list.map(() => new Map<number, number>());
        shape.forEach(({ lines }, ci) => {
          const first = starts[from + ci] as number;
          lines.forEach((line, j) => {
            const li = localOf.get(fileOf[order[first + j] as number] as number) as number;
            (owner[li] as Map<number, number>).set(line, ci);
          });
        });
        const localByPath = new Map(local.list.map((f) => [f.path, f.idx]));
        const ownerAt = (li: number, line: number): ComponentShape =>
          shape[(owner[li] as Map<number, number>).get(line) as number] as ComponentShape;
        for (const p of joined.problems)
          ownerAt(localByPath.get(p.path) as number, (p.line ?? p.row) as number).problems.push(p);
        for (const t of joined.traces) {
          if (t.params === null) continue;
          const f = local.list[t.file] as JoinFile;
          const c = ownerAt(t.file, t.line);
          if (!c.params.has(t.key) && givesSize(t.params))
            c.params.set(t.key, { ...positionOf(f, t.line), params: t.params });
        }
      }
      this.index.putBucket({
        id,
        ...bucketContent(
          local.list.map((f) => [f.id, f.path, f.kind, f.dataset]),
          shape,
          places,
        ),
      });
      this.meta.buckets++;
      for (const [model, candidate] of bestCandidates(shape)) {
        const b = this.params.best.get(model);
        if (!b || comparePositions(candidate, b.candidate) < 0)
          this.params.best.set(model, { candidate, holder: id });
      }
    };
    const components = starts.length - 1;
    let from = 0;
    for (let k = 0; k < components; k++) {
      if ((starts[k + 1] as number) - (starts[from] as number) >= BUCKET_RECORDS) {
        flush(from, k + 1);
        from = k + 1;
        // Every segment is parsed once more here: its garbage is let go as the build goes.
        if (++flushed % GC_BUCKETS === 0 && large) collectGarbage();
      }
    }
    flush(from, components);
    if (large) collectGarbage();
    // The directory, one run: every (group, bucket) entry (negative keys, first), then every owned
    // key with the bucket of the first record that had it; each part sorted. The group entries are
    // sorted as their opposites (−entry − 1, at least 0), largest first.
    const members = new Float64Array(memberEntries.length);
    for (let i = 0; i < members.length; i++) members[i] = -(memberEntries[i] as number) - 1;
    memberEntries.length = 0;
    sortNonNegative(members);
    const owned = table.sortedHashes();
    const entries = new Float64Array((members.length + owned.length) * 2);
    let e = 0;
    for (let i = members.length - 1; i >= 0; i--) {
      const m = members[i] as number;
      entries[e++] = -m - 1;
      entries[e++] = m % GROUP_SPAN;
    }
    for (let i = 0; i < owned.length; i++) {
      const h = owned[i] as number;
      entries[e++] = h;
      entries[e++] = bucketOfRecord[table.get(h)] as number;
    }
    if (entries.length > 0) this.addRun(new KeyRun(this.meta.nextRun++, entries));
  }

  /** A bucket id never given before; ids stay below GROUP_SPAN (the directory's group entries need it). */
  private newBucketId(): number {
    if (this.meta.nextBucket >= GROUP_SPAN)
      throw new JoinStateStale('bucket ids ran out: the join state is built again');
    return this.meta.nextBucket++;
  }

  private keyRuns(): KeyRun[] {
    if (this.runs) return this.runs;
    this.runs = this.meta.runs.map(([id, entries]) => {
      const b = this.index.keyRun(id);
      if (b === null) throw new IndexDamaged('the join state lost a key run');
      return KeyRun.fromBuffer(id, b, entries);
    });
    return this.runs;
  }

  /** A new run; runs are merged when there are too many, or the newest is not much smaller than the one before. */
  private addRun(run: KeyRun): void {
    const runs = this.keyRuns();
    runs.push(run);
    const written = new Set([run.id]);
    while (runs.length > 1) {
      const newer = runs[runs.length - 1] as KeyRun;
      const older = runs[runs.length - 2] as KeyRun;
      if (runs.length <= MAX_RUNS && newer.length * 4 < older.length) break;
      const merged = KeyRun.merge(this.meta.nextRun++, older, newer);
      runs.splice(runs.length - 2, 2, merged);
      for (const r of [older, newer]) if (!written.delete(r.id)) this.index.deleteKeyRun(r.id);
      written.add(merged.id);
    }
    for (const r of runs) if (written.has(r.id)) this.index.putKeyRun(r.id, r.buffer());
    this.meta.runs = runs.map((r) => [r.id, r.length]);
  }

  private save(): void {
    this.meta.totals = this.totals.toJson();
    this.meta.params = [...this.params.best].map(([m, b]) => [...candidateJson(m, b.candidate), b.holder]);
    this.index.storeJoinMeta(JSON.stringify(this.meta));
  }
}

/** Fresh components in buckets of about BUCKET_RECORDS records, in order. */
function pack(fresh: FreshComponent[]): StoredComponent[][] {
  const out: StoredComponent[][] = [];
  let group: StoredComponent[] = [];
  let size = 0;
  for (const f of fresh) {
    group.push(f);
    size += f.records.length;
    if (size >= BUCKET_RECORDS) {
      out.push(group);
      group = [];
      size = 0;
    }
  }
  if (group.length > 0) out.push(group);
  return out;
}

/** The records of a cold build, read by place: a file's segments are loaded when a bucket needs one of its records and kept while few rows are held. */
class FileRows {
  private readonly loaded = new Map<number, { segs: Segment[]; starts: number[]; rows: number }>();
  private rows = 0;
  /**
   * The files the current bucket has read: never let go while it is built. A bucket reads its
   * components record by record, a trace then its verdict, from two files in turn; when those two
   * held more rows than the bound, each read let the other file go and the next read loaded it
   * again, once per record (a 17,000-trace file and its verdicts: minutes, not a second).
   */
  private readonly pinned = new Set<number>();

  constructor(
    private readonly index: TraceIndex,
    private readonly files: SourceFile[],
    private readonly fileStart: Int32Array,
  ) {}

  /** Record k (of file fi, in (path, line) order) into `r`. */
  read(fi: number, k: number, r: Rec): Rec {
    const [seg, row] = this.find(fi, k);
    readRow(seg, row, r);
    return r;
  }

  /** A new bucket: the files of the last one may be let go again. */
  nextBucket(): void {
    this.pinned.clear();
    this.lastFile = -1;
  }

  /** The file of the last read: a bucket reads a file's records in runs, and a run needs no bookkeeping. */
  private lastFile = -1;
  private last: { segs: Segment[]; starts: number[]; rows: number } | undefined;

  private find(fi: number, k: number): [Segment, number] {
    let f = fi === this.lastFile ? this.last : undefined;
    if (f === undefined) {
      this.pinned.add(fi);
      f = this.loaded.get(fi);
      if (f) {
        // Most recently used last.
        this.loaded.delete(fi);
        this.loaded.set(fi, f);
      } else f = this.load(fi);
      this.lastFile = fi;
      this.last = f;
    }
    let row = k - (this.fileStart[fi] as number);
    let s = 0;
    while (row >= (f.starts[s + 1] as number)) s++;
    row -= f.starts[s] as number;
    return [f.segs[s] as Segment, row];
  }

  private load(fi: number): { segs: Segment[]; starts: number[]; rows: number } {
    const segs = this.index.segments((this.files[fi] as SourceFile).row);
    const starts = [0];
    for (const seg of segs)
      starts.push((starts[starts.length - 1] as number) + seg.rows.length / SEGMENT_STRIDE);
    const f = { segs, starts, rows: starts[starts.length - 1] as number };
    this.loaded.set(fi, f);
    this.rows += f.rows;
    // Least recently used first; the current bucket's files stay (the bound may be passed meanwhile).
    for (const [other, g] of this.loaded) {
      if (this.rows <= CACHED_ROWS) break;
      if (this.pinned.has(other)) continue;
      this.loaded.delete(other);
      this.rows -= g.rows;
    }
    return f;
  }
}
