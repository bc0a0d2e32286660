/**
 * Bring the index up to date with the workspace, reading only what is new. One refresh is one
 * transaction: a run killed at any moment leaves the index as it was before, never half-updated.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_PROBLEMS_PER_FILE, ProblemBudget, type ProblemCode } from '../problems';
import { readCorpus } from '../read/corpusDb';
import { datasetOf, type DiscoveredFile } from '../read/discover';
import { openRegular } from '../read/jsonl';
import type { ParseFailure, ParseJob, ParseResult, ParsedPart } from '../read/parse';
import { ParsePool, type ThreadWork } from '../read/pool';
import { crcOf, decide, databaseSignature, identityOf, type Decision } from './changes';
import { SegmentBuilder, SEGMENT_STRIDE, parseSegment, type Segment } from './segment';
import type { FileRow, SegmentWrite, StoredProblem, TraceIndex } from './traceIndex';

export type FileAction = 'unchanged' | 'append' | 'full' | 'removed' | 'unreadable';

export interface UpdateReport {
  files: { path: string; action: FileAction; bytesRead: number }[];
  bytesRead: number;
  changed: boolean;
  threads: number;
  /** What each parse thread did (the calling thread's when no worker ran). */
  parse: ThreadWork[];
  /** Main-thread time spent writing parsed files and the corpus into the index, commit included. */
  writeMs: number;
  /**
   * Main-thread time spent bringing the join state forward inside the refresh (the CLI's, in the index):
   * the touched components re-joined, or the whole state built again after a wide change.
   */
  joinMs: number;
}

export type Progress = (done: number, total: number, file: string) => void;

/** What one refresh did to one file: its row before and after, the segments it dropped and those it wrote. */
export interface FileChange {
  before: FileRow | undefined;
  after: FileRow | undefined;
  removed: Segment[];
  added: Segment[];
}

/**
 * Told, inside the refresh's transaction and before it commits, every file the refresh changed (null
 * when more records changed than are worth following one by one: every file is then as good as new)
 * and the index generation before and after it. The join state follows the index in the same transaction.
 */
export type ChangeListener = (changes: FileChange[] | null, before: number, after: number) => void;

/**
 * More records changed than this, and a refresh is not followed record by record: the join state is
 * built again from the index (a cold run, a folder replaced), and nothing is held meanwhile.
 */
const MAX_FOLLOWED_RECORDS = 200_000;

/** The changes of one refresh, gathered only when someone listens (reading what is dropped costs a read). */
class Changes {
  private readonly byPath = new Map<string, FileChange>();
  private rows = 0;
  /** Too many records changed: nothing more is gathered. */
  private wide = false;

  constructor(private readonly listening: boolean) {}

  /** Segments dropped from a file (an array to fill), while they are followed. */
  removed(row: FileRow | undefined): Segment[] | undefined {
    if (!this.following() || !row) return undefined;
    if (this.rows + row.records > MAX_FOLLOWED_RECORDS) return this.tooMany();
    this.rows += row.records;
    return this.of(row.path, row).removed;
  }

  added(path: string, row: FileRow | undefined, seg: Segment): void {
    if (!this.following()) return;
    this.rows += seg.rows.length / SEGMENT_STRIDE;
    if (this.rows > MAX_FOLLOWED_RECORDS) this.tooMany();
    else this.of(path, row).added.push(seg);
  }

  touched(path: string, row: FileRow | undefined): void {
    if (this.following()) this.of(path, row);
  }

  private following(): boolean {
    return this.listening && !this.wide;
  }

  private tooMany(): undefined {
    this.wide = true;
    this.byPath.clear();
    return undefined;
  }

  private of(path: string, before: FileRow | undefined): FileChange {
    let c = this.byPath.get(path);
    if (!c) this.byPath.set(path, (c = { before, after: undefined, removed: [], added: [] }));
    return c;
  }

  /** Each change with the file's row as the refresh left it; null when too many records changed. */
  list(index: TraceIndex): FileChange[] | null {
    if (this.wide) return null;
    if (this.byPath.size === 0) return [];
    const now = new Map(index.files().map((f) => [f.path, f]));
    return [...this.byPath].map(([path, c]) => ({ ...c, after: now.get(path) }));
  }
}

interface Plan {
  file: DiscoveredFile;
  abs: string;
  st: fs.Stats;
  row: FileRow | undefined;
  decision: Decision;
}

/** A file that could not be opened: one problem of the file, read again next time. */
interface Unopened {
  file: DiscoveredFile;
  row: FileRow | undefined;
  failure: ParseFailure;
}

/**
 * Where a refresh gets its parse pool and gives it back. By default a pool for the work at hand,
 * closed when the refresh ends; the language server keeps one warm worker between refreshes
 * (Workspace).
 */
export interface PoolSource {
  take(totalBytes: number): ParsePool;
  give(pool: ParsePool): Promise<void>;
}

/** The CLI's: its main thread has nothing else to do while files are parsed, so it parses too. */
const freshPools: PoolSource = {
  take: (totalBytes) => ParsePool.forWork(totalBytes, { callerParses: true }),
  give: (pool) => pool.close(),
};

export async function updateIndex(
  index: TraceIndex,
  root: string,
  discovered: DiscoveredFile[],
  progress?: Progress,
  listener?: ChangeListener,
  pools: PoolSource = freshPools,
): Promise<UpdateReport> {
  index.begin();
  try {
    const before = index.generation();
    const changes = new Changes(listener !== undefined);
    const report = await update(index, root, discovered, changes, pools, progress);
    if (report.changed) index.bumpGeneration();
    const t0 = performance.now();
    listener?.(changes.list(index), before, index.generation());
    const t1 = performance.now();
    report.joinMs = t1 - t0;
    index.commit();
    report.writeMs += performance.now() - t1;
    return report;
  } catch (e) {
    index.rollback();
    throw e;
  }
}

async function update(
  index: TraceIndex,
  root: string,
  discovered: DiscoveredFile[],
  changes: Changes,
  pools: PoolSource,
  progress?: Progress,
): Promise<UpdateReport> {
  const known = new Map(index.files().map((f) => [f.path, f]));
  const report: UpdateReport = {
    files: [],
    bytesRead: 0,
    changed: false,
    threads: 0,
    parse: [],
    writeMs: 0,
    joinMs: 0,
  };
  const plans: Plan[] = [];
  const unopened: Unopened[] = [];
  for (const file of discovered) {
    const abs = path.join(root, file.path);
    const row = known.get(file.path);
    let opened: { fd: number; st: fs.Stats };
    try {
      opened = openRegular(abs);
    } catch (e) {
      const failure = failureOf(e);
      if (failure.failed !== 'gone') unopened.push({ file, row, failure });
      continue; // gone since discovery: removed below
    }
    try {
      plans.push({
        file,
        abs,
        st: opened.st,
        row,
        decision: decide(opened.fd, abs, opened.st, row, file.kind),
      });
    } finally {
      fs.closeSync(opened.fd);
    }
  }
  const present = new Set([...plans, ...unopened].map((p) => p.file.path));
  for (const [p, row] of known) {
    if (present.has(p)) continue;
    index.removeFile(row.id, changes.removed(row));
    report.files.push({ path: p, action: 'removed', bytesRead: 0 });
    report.changed = true;
  }
  for (const u of unopened) {
    if (writeUnreadable(index, u.file, u.row, u.failure, changes)) report.changed = true;
    report.files.push({ path: u.file.path, action: 'unreadable', bytesRead: 0 });
  }
  const reads = plans.filter((p) => (p.decision === 'append' || p.decision === 'full') && isJsonl(p.file));
  const toRead = reads.reduce((s, p) => s + p.st.size - startOf(p), 0);
  const pool = pools.take(toRead);
  report.threads = pool.threads;
  report.parse = pool.newAccount();
  let done = 0;
  const total = plans.reduce((s, p) => s + p.st.size, 0);
  try {
    // Every parse is started at once (workers take them in turn); each result is written as it lands.
    const parses = new Map<Plan, Settling<ParseResult | ParseFailure>>();
    for (const p of reads) parses.set(p, settling(pool.run(jobFor(p))));
    for (const p of plans) {
      let action: FileAction = 'unchanged';
      let bytes = 0;
      if (p.decision === 'touch' && p.row) {
        index.putFile({ ...p.row, ...identityOf(p.st), indexedAtMs: Date.now() });
      } else if (p.decision === 'append' || p.decision === 'full') {
        action = p.decision;
        const parse = parses.get(p);
        if (parse) {
          // While its result is not there, this thread parses the next queued file (a pool that lets it).
          while (!parse.settled && pool.parseHere()) await nextTurn();
          const r = await parse.promise;
          const t0 = performance.now();
          if ('failed' in r) {
            if (r.failed === 'gone') {
              if (p.row) index.removeFile(p.row.id, changes.removed(p.row));
              action = 'removed';
            } else {
              writeUnreadable(index, p.file, p.row, r, changes);
              action = 'unreadable';
            }
          } else {
            writeParsed(index, p, r, changes);
            bytes = p.st.size - startOf(p);
          }
          report.writeMs += performance.now() - t0;
        } else if (p.file.kind === 'database') {
          const t0 = performance.now();
          indexDatabase(index, p, changes);
          report.writeMs += performance.now() - t0;
        } else writeFileOnly(index, p); // the lineage map: read by the analysis itself
      }
      if (action !== 'unchanged') report.changed = true;
      report.bytesRead += bytes;
      report.files.push({ path: p.file.path, action, bytesRead: bytes });
      done += p.st.size;
      progress?.(done, total, p.file.path);
    }
  } finally {
    await pools.give(pool);
  }
  return report;
}

/** A promise, and whether it has settled: known once the event loop has had a turn. */
interface Settling<T> {
  readonly promise: Promise<T>;
  settled: boolean;
}

function settling<T>(promise: Promise<T>): Settling<T> {
  const s: Settling<T> = { promise, settled: false };
  const done = (): void => void (s.settled = true);
  promise.then(done, done);
  return s;
}

/** One turn of the event loop: the workers' messages that arrived meanwhile are taken in. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const isJsonl = (f: DiscoveredFile): boolean => f.kind !== 'database' && f.kind !== 'lineages';

const startOf = (p: Plan): number => (p.decision === 'append' && p.row ? p.row.consumed : 0);

function failureOf(e: unknown): ParseFailure {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { failed: 'gone', reason: 'removed' };
  if (code === 'ENOTREG')
    return {
      failed: 'not-a-regular-file',
      reason: 'not a regular file (a FIFO, device or socket); not read',
    };
  return { failed: 'unreadable-file', reason: `cannot open the file (${code ?? String(e)})` };
}

function jobFor(p: Plan): ParseJob {
  const from = p.decision === 'append' ? p.row : undefined;
  return {
    abs: p.abs,
    path: p.file.path,
    dataset: datasetOf(p.file.path),
    kind: p.file.kind,
    start: from?.consumed ?? 0,
    startLine: from?.lines ?? 0,
    end: p.st.size,
    crcSeed: from?.crc ?? 0,
    dev: p.st.dev,
    ino: p.st.ino,
    problemBudget: Math.max(0, MAX_PROBLEMS_PER_FILE - (from?.problemsKept ?? 0)),
  };
}

const EMPTY_FILE = {
  size: 0,
  mtimeMs: 0,
  ctimeMs: 0,
  ino: 0,
  dev: 0,
  consumed: 0,
  lines: 0,
  crc: 0,
  wholeCrc: 0,
  signature: null,
  records: 0,
  segments: 0,
  problemsKept: 0,
};

/** A file that cannot be read now: its earlier records are dropped (they may be wrong), one problem says why. */
function writeUnreadable(
  index: TraceIndex,
  file: DiscoveredFile,
  row: FileRow | undefined,
  failure: ParseFailure,
  changes: Changes,
): boolean {
  const code = failure.failed as ProblemCode;
  if (row && row.complete === 0 && row.segments === 1 && row.records === 0) {
    // Already recorded as unreadable: nothing changed unless the reason did.
    const seg = index.problems([row]).kept[0];
    if (seg?.code === code) return false;
  }
  if (row) index.dropSegments(row.id, false, changes.removed(row));
  changes.touched(file.path, row);
  const id = index.putFile({
    ...EMPTY_FILE,
    id: row?.id,
    path: file.path,
    kind: file.kind,
    dataset: datasetOf(file.path),
    indexedAtMs: Date.now(),
    segments: 1,
    problemsKept: 1,
    complete: 0,
  });
  index.addSegment(id, {
    tail: false,
    records: 0,
    data: new SegmentBuilder().json(),
    problems: [[null, code, failure.reason, null, null, null]],
    omitted: {},
  });
  return true;
}

/** The lineage map: only its row, so that a change of it is seen (the analysis reads the file itself). */
function writeFileOnly(index: TraceIndex, p: Plan): void {
  if (p.row) index.dropSegments(p.row.id, false);
  let whole = 0;
  try {
    const { fd } = openRegular(p.abs, p.st);
    try {
      whole = crcOf(fd, 0, p.st.size);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // gone or replaced meanwhile: the next refresh sees it
  }
  index.putFile({
    ...EMPTY_FILE,
    ...identityOf(p.st),
    wholeCrc: whole,
    id: p.row?.id,
    path: p.file.path,
    kind: p.file.kind,
    dataset: datasetOf(p.file.path),
    indexedAtMs: Date.now(),
    complete: 1,
  });
}

const toWrite = (part: ParsedPart, tail: boolean): SegmentWrite => ({
  tail,
  records: part.records,
  data: part.segment,
  problems: part.problems,
  omitted: part.omitted,
});

function writeParsed(index: TraceIndex, p: Plan, r: ParseResult, changes: Changes): void {
  const append = p.decision === 'append' && p.row !== undefined;
  let records = 0;
  let segments = 0;
  let problemsKept = 0;
  let fileId: number;
  if (p.row && append) {
    // The old unfinished tail is read again as part of what follows it.
    const dropped = index.dropSegments(p.row.id, true, changes.removed(p.row));
    records = p.row.records - dropped.records;
    segments = p.row.segments - dropped.segments;
    problemsKept = p.row.problemsKept - dropped.problemsKept;
    fileId = p.row.id;
  } else {
    if (p.row) index.dropSegments(p.row.id, false, changes.removed(p.row));
    fileId = index.putFile({
      ...EMPTY_FILE,
      id: p.row?.id,
      path: p.file.path,
      kind: p.file.kind,
      dataset: datasetOf(p.file.path),
      indexedAtMs: Date.now(),
      complete: 0,
    });
  }
  for (const [part, tail] of [
    [r.body, false],
    [r.tail, true],
  ] as const) {
    if (!part) continue;
    const parsed = part.parsed ?? parseSegment(part.segment);
    if (part.keys) parsed.keys = part.keys;
    index.addSegment(fileId, toWrite(part, tail), parsed);
    changes.added(p.file.path, p.row, parsed);
    records += part.records;
    segments++;
    problemsKept += part.problems.length;
  }
  index.putFile({
    ...identityOf(p.st),
    id: fileId,
    path: p.file.path,
    kind: p.file.kind,
    dataset: datasetOf(p.file.path),
    indexedAtMs: Date.now(),
    consumed: r.consumed,
    lines: r.lines,
    crc: r.crc,
    wholeCrc: r.endCrc,
    signature: null,
    records,
    segments,
    problemsKept,
    complete: 1,
  });
}

function indexDatabase(index: TraceIndex, p: Plan, changes: Changes): void {
  const read = readCorpus(p.abs);
  const seg = new SegmentBuilder();
  for (const r of read.rows) {
    seg.add({
      ...r,
      line: r.id,
      offset: 0,
      length: 0,
      traceId: `db:${r.id}`,
      attackClass: r.family,
      altClass: r.technique,
    });
  }
  const budget = new ProblemBudget<StoredProblem>(MAX_PROBLEMS_PER_FILE);
  for (const pr of read.problems)
    budget.add(pr.code, [null, pr.code, pr.reason, null, null, null, pr.row ?? null]);
  const omitted: Partial<Record<ProblemCode, number>> = {};
  for (const [code, n] of budget.omitted) omitted[code] = n;
  if (p.row) index.dropSegments(p.row.id, false, changes.removed(p.row));
  const fileId = index.putFile({
    ...EMPTY_FILE,
    ...identityOf(p.st),
    id: p.row?.id,
    path: p.file.path,
    kind: p.file.kind,
    dataset: datasetOf(p.file.path),
    indexedAtMs: Date.now(),
    signature: databaseSignature(p.abs, p.st),
    records: read.rows.length,
    segments: 1,
    problemsKept: budget.kept.length,
    complete: read.complete ? 1 : 0,
  });
  index.addSegment(
    fileId,
    { tail: false, records: read.rows.length, data: seg.json(), problems: budget.kept, omitted },
    seg.segment(),
  );
  changes.added(p.file.path, p.row, seg.segment());
}
