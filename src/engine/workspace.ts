/** A Failure-First workspace: its files, its index, its analysis. The one entry point of the engine. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyse, type Analysis } from './analyse/analysis';
import { buildTraces, type TraceSet } from './analyse/join';
import { defaultLineageMap, parseLineageMap, type LineageMap } from './analyse/lineageMap';
import { updateIndex, type Progress, type UpdateReport } from './index/indexer';
import { IndexLock } from './index/lock';
import { IndexRefused, isIndexDamage, TraceIndex, type FileRow } from './index/traceIndex';
import type { OmittedProblems, Problem } from './problems';
import { discover, isInside, type DiscoveredFile, type Discovery } from './read/discover';
import { openRegular } from './read/jsonl';
import type { ResultsDocument } from './report/results';
import type { Settings } from './settings';

/** Changes whenever the engine's output for the same input may change. */
export const ENGINE_VERSION = '0.1.0+3';

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
}

/** Where the CLI keeps a workspace's index: the user cache directory, one file per folder. */
export function defaultIndexPath(root: string): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const id = createHash('sha1').update(root).digest('hex').slice(0, 16);
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
  /** Reading the index into traces (the join), and the figures and document made from them. */
  joinMs: number;
  analysisMs: number;
}

export class Workspace {
  private index: TraceIndex | null = null;
  /** The inode of the index file this connection has open: another process may have rebuilt it. */
  private indexIno: number | null = null;
  private discovery: Discovery = { files: [], problems: [] };
  /** Said once to the user: the index had to stay in memory, or was rebuilt. */
  readonly warnings: string[] = [];
  readonly timings: WorkspaceTimings = { discoveryMs: 0, joinMs: 0, analysisMs: 0 };

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

  /** The index (opened by the first refresh). */
  get traceIndex(): TraceIndex {
    if (!this.index) throw new Error('the index is opened by refresh()');
    return this.index;
  }

  close(): void {
    this.index?.close();
    this.index = null;
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
    if (file === null) return updateIndex(this.memoryIndex(), this.root, this.discovery.files, progress);
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
        return await updateIndex(index, this.root, this.discovery.files, progress);
      } catch (e) {
        if (!isIndexDamage(e)) throw e;
        this.rebuild(file, e);
        return await updateIndex(this.traceIndex, this.root, this.discovery.files, progress);
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
    try {
      return { report: null, run: this.analyse(generatedAt) };
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
      return { report, run: this.analyse(generatedAt) };
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
    return updateIndex(this.memoryIndex(), this.root, this.discovery.files, progress);
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
    return createHash('sha1')
      .update(
        JSON.stringify([
          ENGINE_VERSION,
          generation,
          this.options.settings,
          this.options.lineageMapFile ?? null,
          map,
          this.discovery.problems,
        ]),
      )
      .digest('hex');
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

  analyse(generatedAt?: string): AnalysisRun {
    const t0 = performance.now();
    const index = this.traceIndex;
    // One snapshot: another process may be writing the index meanwhile.
    const { generation, traceSet, rows, problems } = index.snapshot(() => {
      const rows = index.files();
      return {
        generation: index.generation(),
        traceSet: buildTraces(index, this.options.settings.grader),
        rows,
        problems: this.readProblems(rows),
      };
    });
    const t1 = performance.now();
    this.timings.joinMs = t1 - t0;
    const { map, path: mapPath } = this.lineageMap();
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
      traceSet,
      settings: this.options.settings,
      lineages: map,
      files,
      readProblems,
      omittedProblems: problems.omitted,
      generatedAt,
    });
    this.storeDocument(generation, analysis.document);
    this.timings.analysisMs = performance.now() - t1;
    return { ...analysis, traceSet, lineages: map, generation };
  }

  /** Keep the document for the next run, unless the index moved on meanwhile (it would not describe it). */
  private storeDocument(generation: number, document: ResultsDocument): void {
    if (this.options.indexPath === null) return;
    const index = this.traceIndex;
    const json = JSON.stringify(document);
    try {
      index.begin();
      if (index.generation() === generation) index.storeResults(this.fingerprint(generation), json);
      index.commit();
    } catch {
      index.rollback(); // a cache that is not written is only a slower next run
    }
  }
}
