/** A Failure-First workspace: its files, its index, its analysis. The one entry point of the engine. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyse, totalsOf, type Analysis } from './analyse/analysis';
import { countedOf, type Counted } from './analyse/counted';
import { JoinStateStale } from './analyse/incremental';
import { buildTraces, type JoinOptions, type Problem as JoinProblem, type TraceSet } from './analyse/join';
import { defaultLineageMap, parseLineageMap, type LineageMap, type LineageMemo } from './analyse/lineageMap';
import { MemoryJoin } from './analyse/memoryJoin';
import { PersistedJoin } from './analyse/persistedJoin';
import type { ParamsCandidate, Totals } from './analyse/totals';
import {
  updateIndex,
  type ChangeListener,
  type FileChange,
  type PoolSource,
  type Progress,
  type UpdateReport,
} from './index/indexer';
import { IndexLock } from './index/lock';
import { IndexRefused, isIndexDamage, TraceIndex, type FileRow } from './index/traceIndex';
import type { OmittedProblems, Problem } from './problems';
import { discover, isInside, type DiscoveredFile, type Discovery } from './read/discover';
import { openRegular } from './read/jsonl';
import { ParsePool } from './read/pool';
import type { ResultsDocument } from './report/results';
import type { Settings } from './settings';
import { sha1Hex } from './sha1';

/** Changes whenever the engine's output for the same input may change. */
export const ENGINE_VERSION = '0.1.0+4';

export interface WorkspaceOptions {
  settings: Settings;
  /** Index file; null keeps the index in memory. */
  indexPath: string | null;
  /**
   * The user named the index file (CLI `--index`): anything there that is not an ff-lens index is
   * refused, never replaced. Otherwise the path is our own cache location.
   */
  explicitIndex?: boolean;
  /** A lineage map file that replaces the workspace's (CLI `--lineages`). */
  lineageMapFile?: string;
  /** Keep parsed index segments in memory between analyses (the language server). */
  keepParsedSegments?: boolean;
}

export interface AnalysisRun extends Analysis {
  traceSet: TraceSet;
  lineages: LineageMap;
  generation: number;
  /** The traces behind each figure, listed the first time they are asked for. */
  readonly counted: Counted;
}

/** A results document and what the CLI says beside it. */
export interface DocumentRun {
  document: ResultsDocument;
  /** Every grader with a verdict on some trace, sorted. */
  graders: string[];
}

/** What the figures are computed from: the totals, the size candidates and the join's problems. */
interface Figures {
  totals: Totals;
  fieldParams: Map<string, ParamsCandidate>;
  joinProblems: JoinProblem[];
}

/** Where the CLI keeps a workspace's index: the user cache directory, one file per folder. */
export function defaultIndexPath(root: string): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const id = sha1Hex(root).slice(0, 16);
  return path.join(base, 'failure-first-lens', 'index', `${id}.sqlite`);
}

/** A file read whole, only when it is a regular file (a FIFO at the lineage map's path never blocks). */
function readRegularText(abs: string): string {
  const { fd } = openRegular(abs);
  try {
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Errors by which a place cannot hold an index (read-only, not ours to write, full): the index stays in memory. */
function isUnwritable(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return (
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS' ||
    code === 'ENOSPC' ||
    code === 'ENOTDIR' ||
    code === 'EEXIST' ||
    code === 'SQLITE_CANTOPEN' ||
    code === 'SQLITE_READONLY' ||
    code === 'SQLITE_FULL' ||
    (typeof code === 'string' && code.startsWith('SQLITE_IOERR'))
  );
}

/** Where the last refresh and analysis spent their time, in ms (`ff-lens analyze --timings`). */
export interface WorkspaceTimings {
  discoveryMs: number;
  /** The language server's join brought forward by the last refresh, in memory (the CLI's: UpdateReport.joinMs). */
  followMs: number;
  /**
   * What the last refresh did to the join state: nothing to do, brought forward from the changed
   * records, built again from the whole index (a cold run, a wide change, other settings), or (the
   * server's) dropped, to be built by the next analysis.
   */
  follow: 'none' | 'unchanged' | 'incremental' | 'rebuilt' | 'dropped';
  /** Getting the figures' inputs: the totals read from the join state, or the index joined into traces. */
  joinMs: number;
  /**
   * Where they came from: `persisted`, the join state in the index (no trace read); `memory`, the
   * server's join kept in memory; `memory-built`, that join built from the whole index; `full`, the
   * whole index read and joined.
   */
  join: 'persisted' | 'memory' | 'memory-built' | 'full';
  /** The figures and the results document. */
  analysisMs: number;
}

export class Workspace {
  private index: TraceIndex | null = null;
  /**
   * What the lineage map's patterns decided in the last analysis, for the next (the language server's:
   * the CLI keeps them in its index). Used only for the very same map, its parsed document compared
   * (LineageMap.useMemo): an analysis then matches only models not seen before (~8 ms of a
   * 40,000-trace one in the server).
   */
  private lineageMemo: LineageMemo | null = null;
  /** The inode of the index file this connection has open: another process may have rebuilt it. */
  private indexIno: number | null = null;
  private discovery: Discovery = { files: [], problems: [] };
  /** Said once to the user: the index had to stay in memory, or was rebuilt. */
  readonly warnings: string[] = [];
  /** The language server's join, brought forward by every refresh (keepParsedSegments). */
  private memoryJoin: MemoryJoin | null = null;
  readonly timings: WorkspaceTimings = {
    discoveryMs: 0,
    follow: 'none',
    followMs: 0,
    joinMs: 0,
    join: 'full',
    analysisMs: 0,
  };
  /** Whether the last analysis found the memory join brought forward, or built it. */
  private memoryJoinUse: 'memory' | 'memory-built' = 'memory-built';
  /**
   * The language server's parse worker, kept between refreshes (keepParsedSegments): its scanner
   * code is optimised by the first index, so a small change parses at full speed instead of on a
   * main thread that never ran the scanner (the page follows a change sooner; DECISIONS 75). Large
   * work still gets a pool of its own, one worker per core.
   */
  private keptPool: ParsePool | null = null;
  private readonly pools: PoolSource = {
    take: (totalBytes) => {
      const kept = this.keptPool;
      this.keptPool = null;
      if (kept?.usable && !ParsePool.isLarge(totalBytes)) return kept;
      void kept?.close();
      return ParsePool.forWork(totalBytes);
    },
    give: async (pool) => {
      if (this.options.keepParsedSegments !== true || !pool.usable || this.index === null)
        return pool.close();
      await pool.shrink(1);
      if (this.index === null) return pool.close(); // closed meanwhile
      void this.keptPool?.close();
      this.keptPool = pool;
    },
  };

  constructor(
    readonly root: string,
    private options: WorkspaceOptions,
  ) {
    const file = options.indexPath;
    if (file !== null && isInside(root, path.resolve(file))) {
      if (options.explicitIndex === true)
        throw new IndexRefused(
          `the index ${file} would be inside the analysed folder, which is never written`,
        );
      // The cache folder itself lies inside the analysed one (a home folder analysed whole).
      this.warnings.push(
        `the index location ${file} is inside the analysed folder; keeping the index in memory`,
      );
      this.options = { ...options, indexPath: null };
    } else if (file !== null && options.explicitIndex === true) TraceIndex.refuseForeign(file); // before anything is created beside it
  }

  get settings(): Settings {
    return this.options.settings;
  }

  setSettings(settings: Settings): void {
    this.options = { ...this.options, settings };
  }

  private get joinOptions(): JoinOptions {
    const s = this.options.settings;
    return { grader: s.grader, attackClassSource: s.attackClassSource };
  }

  /** What the join state kept in the index was made for: the engine and the settings the join reads. */
  private get joinFingerprint(): string {
    return JSON.stringify([ENGINE_VERSION, this.joinOptions]);
  }

  /** The index (opened by the first refresh). */
  get traceIndex(): TraceIndex {
    if (!this.index) throw new Error('the index is opened by refresh()');
    return this.index;
  }

  close(): void {
    this.index?.close();
    this.index = null;
    void this.keptPool?.close();
    this.keptPool = null;
  }

  get files(): DiscoveredFile[] {
    return this.discovery.files;
  }

  /**
   * Discover files and bring the index up to date. Runs on one index take turns (a lock, with a
   * wait); a damaged index is rebuilt; an index that cannot be written stays in memory, with a warning.
   */
  async refresh(progress?: Progress): Promise<UpdateReport> {
    const t0 = performance.now();
    this.discovery = discover(this.root, this.options.settings);
    this.timings.discoveryMs = performance.now() - t0;
    const file = this.options.indexPath;
    if (file === null) return this.update(this.memoryIndex(), progress);
    let lock: IndexLock;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      lock = await IndexLock.acquire(file);
    } catch (e) {
      if (!isUnwritable(e)) throw e;
      return this.inMemory(e, progress);
    }
    try {
      let index: TraceIndex;
      try {
        index = this.fileIndex(file);
      } catch (e) {
        if (!isUnwritable(e)) throw e;
        return await this.inMemory(e, progress);
      }
      try {
        return await this.update(index, progress);
      } catch (e) {
        if (!isIndexDamage(e)) throw e;
        this.rebuild(file, e);
        return await this.update(this.traceIndex, progress);
      }
    } finally {
      lock.release();
    }
  }

  /** Refresh, then analyse (see analyseOrRebuild). */
  async refreshAndAnalyse(
    progress?: Progress,
    generatedAt?: string,
  ): Promise<{ report: UpdateReport; run: AnalysisRun }> {
    const report = await this.refresh(progress);
    const r = await this.analyseOrRebuild(progress, generatedAt);
    return { report: r.report ?? report, run: r.run };
  }

  /**
   * Analyse what the last refresh indexed; a damage the analysis finds (a checksum that fails deep
   * in the index) rebuilds the index and reads everything again, once. `report` is that refresh's.
   */
  async analyseOrRebuild(
    progress?: Progress,
    generatedAt?: string,
  ): Promise<{ report: UpdateReport | null; run: AnalysisRun }> {
    const { report, result } = await this.orRebuild(() => this.analyse(generatedAt), progress);
    return { report, run: result };
  }

  /** The results document alone (analyseDocument), rebuilding a damaged index as analyseOrRebuild does. */
  async documentOrRebuild(
    progress?: Progress,
    generatedAt?: string,
  ): Promise<{ report: UpdateReport | null; run: DocumentRun }> {
    const { report, result } = await this.orRebuild(() => this.analyseDocument(generatedAt), progress);
    return { report, run: result };
  }

  private async orRebuild<T>(
    analysis: () => T,
    progress?: Progress,
  ): Promise<{ report: UpdateReport | null; result: T }> {
    try {
      return { report: null, result: analysis() };
    } catch (e) {
      const file = this.options.indexPath;
      if (!isIndexDamage(e) || file === null) throw e;
      const lock = await IndexLock.acquire(file);
      try {
        this.rebuild(file, e);
      } finally {
        lock.release();
      }
      const report = await this.refresh(progress);
      return { report, result: analysis() };
    }
  }

  private memoryIndex(): TraceIndex {
    if (!this.index) {
      this.index = TraceIndex.open(null, this.root);
      this.index.keepSegments = this.options.keepParsedSegments === true;
    }
    return this.index;
  }

  private inMemory(e: unknown, progress?: Progress): Promise<UpdateReport> {
    const code = (e as { code?: string }).code ?? String(e);
    this.warnings.push(
      `cannot write the index at ${this.options.indexPath} (${code}); keeping it in memory for this run`,
    );
    this.options = { ...this.options, indexPath: null };
    this.close();
    return this.update(this.memoryIndex(), progress);
  }

  /**
   * One refresh of the index, and of the join state that follows it: the CLI's in the index, in the
   * same transaction; the language server's in memory, once the transaction is committed.
   */
  private async update(index: TraceIndex, progress?: Progress): Promise<UpdateReport> {
    if (this.options.keepParsedSegments === true) {
      let seen: { changes: FileChange[] | null; before: number; after: number } | null = null;
      try {
        const report = await updateIndex(
          index,
          this.root,
          this.discovery.files,
          progress,
          (changes, before, after) => {
            seen = { changes, before, after };
          },
          this.pools,
        );
        const t0 = performance.now();
        this.followInMemory(index, seen);
        this.timings.followMs = performance.now() - t0;
        return report;
      } catch (e) {
        this.memoryJoin = null;
        throw e;
      }
    }
    const listener: ChangeListener | undefined =
      this.options.indexPath === null
        ? undefined
        : (changes, before, after) => this.followInIndex(index, changes, before, after);
    return updateIndex(index, this.root, this.discovery.files, progress, listener);
  }

  private followInMemory(
    index: TraceIndex,
    seen: { changes: FileChange[] | null; before: number; after: number } | null,
  ): void {
    const join = this.memoryJoin;
    this.timings.follow = 'unchanged';
    if (join && seen && seen.before === seen.after && join.generation === seen.after) return;
    const changes = seen?.changes ?? null;
    if (
      !join ||
      !seen ||
      !changes ||
      join.generation !== seen.before ||
      join.options !== this.memoryJoinOptions
    ) {
      this.memoryJoin = null; // built again by the next analysis
      this.timings.follow = 'dropped';
      return;
    }
    try {
      index.snapshot(() => join.apply(changes, index, seen.after));
      this.timings.follow = 'incremental';
    } catch (e) {
      this.memoryJoin = null;
      this.timings.follow = 'dropped';
      if (!(e instanceof JoinStateStale)) throw e;
    }
  }

  /** The options the memory join was built with (a settings change builds it again). */
  private memoryJoinOptions: JoinOptions | null = null;
  /** The generation analysed by plain joins since the settings changed: no memory join until it changes. */
  private plainGeneration: number | null = null;

  private followInIndex(
    index: TraceIndex,
    changes: FileChange[] | null,
    before: number,
    after: number,
  ): void {
    const options = this.joinOptions;
    const state = PersistedJoin.open(index, options, this.joinFingerprint, before);
    if (state && changes) {
      this.timings.follow = 'unchanged';
      if (before === after) return;
      try {
        state.update(changes, after);
        this.timings.follow = 'incremental';
        return;
      } catch (e) {
        if (!(e instanceof JoinStateStale)) throw e;
      }
    }
    PersistedJoin.rebuild(index, options, this.joinFingerprint, after);
    this.timings.follow = 'rebuilt';
  }

  /** The open index, reopened when the file was replaced by another process since. */
  private fileIndex(file: string): TraceIndex {
    let ino: number | null = null;
    try {
      ino = fs.statSync(file).ino;
    } catch {
      // absent: created below
    }
    if (!this.index || ino !== this.indexIno) {
      this.close();
      this.index = TraceIndex.open(file, this.root, this.options.explicitIndex === true);
      this.index.keepSegments = this.options.keepParsedSegments === true;
      if (this.index.rebuiltBecause !== null)
        this.warnings.push(`the index at ${file} was damaged (${this.index.rebuiltBecause}); rebuilt`);
      this.indexIno = fs.statSync(file).ino;
    }
    return this.index;
  }

  private rebuild(file: string, cause: unknown): void {
    this.warnings.push(
      `the index at ${file} was damaged (${cause instanceof Error ? cause.message : String(cause)}); rebuilt`,
    );
    this.close();
    this.index = TraceIndex.rebuild(file, this.root);
    this.index.keepSegments = this.options.keepParsedSegments === true;
    this.indexIno = fs.statSync(file).ino;
  }

  lineageMap(): { map: LineageMap; path: string | null } {
    const file = this.options.lineageMapFile;
    if (file) {
      // Listed workspace-relative when inside the folder, else absolute (DECISIONS.md 12).
      const abs = path.resolve(file);
      const rel = path.relative(this.root, abs);
      const shown = rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/');
      return { map: parseLineageMap(readRegularText(abs), 'file'), path: shown };
    }
    const found = this.discovery.files.find((f) => f.kind === 'lineages');
    if (!found) return { map: defaultLineageMap(), path: null };
    let text: string;
    try {
      text = readRegularText(path.join(this.root, found.path));
    } catch {
      return { map: defaultLineageMap(), path: null }; // gone since discovery
    }
    return { map: parseLineageMap(text, 'workspace'), path: found.path };
  }

  /** Problems found while finding and reading files: those kept in full, and the counts beyond. */
  private readProblems(files: FileRow[]): { kept: Problem[]; omitted: OmittedProblems[] } {
    const stored = this.traceIndex.problems(files);
    const kept: Problem[] = stored.kept.map((p) => ({
      path: p.path,
      line: p.line,
      code: p.code,
      reason: p.reason,
      ...(p.column !== null ? { column: p.column } : {}),
      ...(p.row !== null ? { row: p.row } : {}),
    }));
    kept.push(...this.discovery.problems);
    return { kept, omitted: stored.omitted.map(({ path: p, code, count }) => ({ path: p, code, count })) };
  }

  /**
   * What the results depend on besides the traces: settings, the lineage map's text, the problems of
   * discovery, the engine. With the index's generation (bumped by every change of input), it keys the
   * cached document.
   */
  private fingerprint(generation: number): string {
    let map = '';
    const file = this.options.lineageMapFile ?? this.discovery.files.find((f) => f.kind === 'lineages')?.path;
    if (file !== undefined) {
      try {
        map = readRegularText(path.resolve(this.root, file));
      } catch {
        // no map: the built-in defaults
      }
    }
    return sha1Hex(
      JSON.stringify([
        ENGINE_VERSION,
        generation,
        this.options.settings,
        this.options.lineageMapFile ?? null,
        map,
        this.discovery.problems,
      ]),
    );
  }

  /** The last results document, when nothing it depends on has changed since (the CLI's warm path). */
  cachedDocument(generatedAt = new Date().toISOString()): ResultsDocument | null {
    if (this.options.indexPath === null || !this.index) return null;
    const index = this.index;
    const json = index.snapshot(() => index.cachedResults(this.fingerprint(index.generation())));
    if (json === null) return null;
    try {
      return { ...(JSON.parse(json) as ResultsDocument), generated_at: generatedAt };
    } catch {
      return null;
    }
  }

  /** The whole analysis: the results document, every trace, and the traces behind each figure. */
  analyse(generatedAt?: string): AnalysisRun {
    const t0 = performance.now();
    const index = this.traceIndex;
    const options = this.joinOptions;
    const keep = this.options.keepParsedSegments === true;
    // One snapshot: another process may be writing the index meanwhile.
    const { generation, traceSet, figures, rows, problems } = index.snapshot(() => {
      const rows = index.files();
      const generation = index.generation();
      let traceSet: TraceSet;
      let figures: Figures;
      const join = keep ? this.currentMemoryJoin(index, generation) : null;
      if (join) {
        traceSet = join.traceSet();
        figures = { totals: join.totals, fieldParams: join.fieldParams(), joinProblems: traceSet.problems };
      } else {
        traceSet = buildTraces(index, options);
        figures = { ...totalsOf(traceSet), joinProblems: traceSet.problems };
      }
      return { generation, traceSet, figures, rows, problems: this.readProblems(rows) };
    });
    const t1 = performance.now();
    this.timings.joinMs = t1 - t0;
    this.timings.join = keep && this.memoryJoin ? this.memoryJoinUse : 'full';
    const { analysis, lineages } = this.figuresToDocument(figures, rows, problems, generatedAt);
    this.storeDocument(generation, analysis.document, lineages);
    this.timings.analysisMs = performance.now() - t1;
    let counted: Counted | null = null;
    return {
      ...analysis,
      traceSet,
      lineages,
      generation,
      get counted(): Counted {
        return (counted ??= countedOf(traceSet.traces));
      },
    };
  }

  /**
   * The results document alone: from the join state kept in the index when there is one (no trace is
   * read), else from the whole analysis.
   */
  analyseDocument(generatedAt?: string): DocumentRun {
    const t0 = performance.now();
    const index = this.traceIndex;
    if (this.options.indexPath !== null && this.options.keepParsedSegments !== true) {
      const found = index.snapshot(() => {
        const generation = index.generation();
        const state = PersistedJoin.open(index, this.joinOptions, this.joinFingerprint, generation);
        if (!state) return null;
        const rows = index.files();
        const figures: Figures = {
          totals: state.totals,
          fieldParams: state.fieldParams(),
          joinProblems: state.problems(),
        };
        return { generation, figures, rows, problems: this.readProblems(rows) };
      });
      if (found) {
        const t1 = performance.now();
        this.timings.joinMs = t1 - t0;
        this.timings.join = 'persisted';
        const { analysis, lineages } = this.figuresToDocument(
          found.figures,
          found.rows,
          found.problems,
          generatedAt,
        );
        this.storeDocument(found.generation, analysis.document, lineages);
        this.timings.analysisMs = performance.now() - t1;
        return { document: analysis.document, graders: found.figures.totals.graderNames() };
      }
    }
    const run = this.analyse(generatedAt);
    return { document: run.document, graders: run.traceSet.graders };
  }

  /**
   * The memory join of `generation`: the one kept, or one built now. Null when the kept one is of
   * this generation but of another grader or attack-class source (the page chose another grader):
   * that analysis is one plain join, as a warm analysis was before the join state existed (issue 7:
   * no dearer than a warm analysis plus the statistics), and the state is built again for the new
   * settings by the next analysis, when there is a change to follow.
   */
  private currentMemoryJoin(index: TraceIndex, generation: number): MemoryJoin | null {
    const options = this.joinOptions;
    const same =
      this.memoryJoinOptions !== null &&
      this.memoryJoinOptions.grader === options.grader &&
      this.memoryJoinOptions.attackClassSource === options.attackClassSource;
    if (this.memoryJoin && this.memoryJoin.generation === generation) {
      if (same) {
        this.memoryJoinUse = 'memory';
        return this.memoryJoin;
      }
      this.memoryJoin = null;
      this.memoryJoinOptions = null;
      this.plainGeneration = generation;
      return null;
    }
    if (!this.memoryJoin && this.plainGeneration === generation) return null;
    this.plainGeneration = null;
    this.memoryJoinUse = 'memory-built';
    this.memoryJoinOptions = options;
    this.memoryJoin = MemoryJoin.build(index, options, generation);
    return this.memoryJoin;
  }

  private figuresToDocument(
    figures: Figures,
    rows: FileRow[],
    problems: { kept: Problem[]; omitted: OmittedProblems[] },
    generatedAt: string | undefined,
  ): { analysis: Analysis; lineages: LineageMap } {
    const { map, path: mapPath } = this.lineageMap();
    // The CLI: what the map's patterns decided in earlier runs (a new process compiles none of them
    // when every model was seen before).
    if (this.keepsDocuments) map.useMemo(this.traceIndex.lineageMemo(ENGINE_VERSION));
    else map.useMemo(this.lineageMemo); // the server's, from its last analysis
    const readProblems = problems.kept;
    if (mapPath !== null)
      for (const p of map.problems)
        readProblems.push({ path: mapPath, line: null, code: p.code, reason: p.reason });
    // The map that was read is listed (the workspace's, or the --lineages file instead of it).
    const mapRecords = map.source === 'default' ? 0 : map.doc.lineages.length;
    const files = rows
      .filter((f) => f.kind !== 'lineages' || this.options.lineageMapFile === undefined)
      .map((f) => ({ path: f.path, kind: f.kind, records: f.kind === 'lineages' ? mapRecords : f.records }));
    if (this.options.lineageMapFile !== undefined && mapPath !== null)
      files.push({ path: mapPath, kind: 'lineages', records: mapRecords });
    const analysis = analyse({
      totals: figures.totals,
      fieldParams: figures.fieldParams,
      joinProblems: figures.joinProblems,
      settings: this.options.settings,
      lineages: map,
      files,
      readProblems,
      omittedProblems: problems.omitted,
      generatedAt,
    });
    if (!this.keepsDocuments) this.lineageMemo = map.memoToKeep() ?? this.lineageMemo;
    return { analysis, lineages: map };
  }

  /** Whether runs keep their document (and the lineage map's decisions) in the index for the next run: the CLI's. */
  private get keepsDocuments(): boolean {
    return this.options.indexPath !== null && this.options.keepParsedSegments !== true;
  }

  /**
   * Keep the document for the next run, unless the index moved on meanwhile (it would not describe
   * it). Only the CLI reads a kept document (its warm run): the language server's index is its own
   * and it never does, so it does not pay for writing one (~15 ms at 40,000 traces, on the way from
   * a change to the page).
   */
  private storeDocument(generation: number, document: ResultsDocument, lineages: LineageMap): void {
    if (!this.keepsDocuments) return;
    const index = this.traceIndex;
    const json = JSON.stringify(document);
    const memo = lineages.memoToKeep();
    try {
      index.begin();
      if (index.generation() === generation) index.storeResults(this.fingerprint(generation), json);
      if (memo) index.storeLineageMemo(ENGINE_VERSION, memo);
      index.commit();
    } catch {
      index.rollback(); // a cache that is not written is only a slower next run
    }
  }
}
