/** A Failure-First workspace: its files, its index, its analysis. The one entry point of the engine. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyse, type Analysis } from './analyse/analysis';
import { discover, type DiscoveredFile } from './read/discover';
import { updateIndex, type Progress, type UpdateReport } from './index/indexer';
import { defaultLineageMap, parseLineageMap, type LineageMap } from './analyse/lineageMap';
import type { ResultsDocument } from './report/results';
import type { Settings } from './settings';
import { TraceIndex } from './index/traceIndex';
import { buildTraces, type Problem, type TraceSet } from './analyse/join';

/** Changes whenever the engine's output for the same input may change. */
export const ENGINE_VERSION = '0.1.0+1';

export interface WorkspaceOptions {
  settings: Settings;
  /** Index file; null keeps the index in memory. */
  indexPath: string | null;
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

function isCorruption(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT_INDEX';
}

export class Workspace {
  private index: TraceIndex;
  private discovered: DiscoveredFile[] = [];

  constructor(
    readonly root: string,
    private options: WorkspaceOptions,
  ) {
    this.index = TraceIndex.open(options.indexPath, root);
    this.index.keepSegments = options.keepParsedSegments === true;
  }

  get settings(): Settings {
    return this.options.settings;
  }

  setSettings(settings: Settings): void {
    this.options = { ...this.options, settings };
  }

  get traceIndex(): TraceIndex {
    return this.index;
  }

  close(): void {
    this.index.close();
  }

  /** Discover files and bring the index up to date; a corrupt index is rebuilt once. */
  async refresh(progress?: Progress): Promise<UpdateReport> {
    this.discovered = discover(this.root, this.options.settings);
    try {
      return await updateIndex(this.index, this.root, this.discovered, progress);
    } catch (e) {
      if (!isCorruption(e) || this.options.indexPath === null) throw e;
      this.index.close();
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(this.options.indexPath + suffix, { force: true });
      this.index = TraceIndex.open(this.options.indexPath, this.root);
      this.index.keepSegments = this.options.keepParsedSegments === true;
      return await updateIndex(this.index, this.root, this.discovered, progress);
    }
  }

  get files(): DiscoveredFile[] {
    return this.discovered;
  }

  lineageMap(): { map: LineageMap; path: string | null } {
    const file = this.options.lineageMapFile;
    if (file) {
      // Listed workspace-relative when inside the folder, else absolute (DECISIONS.md 12).
      const abs = path.resolve(file);
      const rel = path.relative(this.root, abs);
      const shown = rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/');
      return { map: parseLineageMap(fs.readFileSync(abs, 'utf8'), 'file'), path: shown };
    }
    const rel = this.options.settings.lineageMapPath;
    const abs = path.join(this.root, rel);
    if (!fs.existsSync(abs)) return { map: defaultLineageMap(), path: null };
    return { map: parseLineageMap(fs.readFileSync(abs, 'utf8'), 'workspace'), path: rel };
  }

  /** Problems found while reading lines, from the index. */
  readProblems(): Problem[] {
    return this.index.db
      .prepare(
        'SELECT f.path AS path, p.line AS line, p.reason AS reason FROM problems p JOIN files f ON f.id = p.file_id',
      )
      .all() as Problem[];
  }

  /**
   * What the results depend on besides the traces: settings, the lineage map's text, the engine.
   * With the index's generation (bumped by every change of input), it keys the cached document.
   */
  private fingerprint(): string {
    const file = this.options.lineageMapFile ?? path.join(this.root, this.options.settings.lineageMapPath);
    let map = '';
    try {
      map = fs.readFileSync(file, 'utf8');
    } catch {
      // no map: the built-in defaults
    }
    return createHash('sha1')
      .update(
        JSON.stringify([
          ENGINE_VERSION,
          this.index.generation(),
          this.options.settings,
          this.options.lineageMapFile ?? null,
          map,
        ]),
      )
      .digest('hex');
  }

  /** The last results document, when nothing it depends on has changed since (the CLI's warm path). */
  cachedDocument(generatedAt = new Date().toISOString()): ResultsDocument | null {
    const row = this.index.db.prepare("SELECT value FROM meta WHERE key = 'results'").pluck().get() as
      string | undefined;
    if (row === undefined) return null;
    const cached = JSON.parse(row) as { fingerprint: string; document: ResultsDocument };
    if (cached.fingerprint !== this.fingerprint()) return null;
    return { ...cached.document, generated_at: generatedAt };
  }

  private storeDocument(document: ResultsDocument): void {
    if (this.options.indexPath === null) return;
    const value = JSON.stringify({ fingerprint: this.fingerprint(), document });
    this.index.db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('results', ?)").run(value);
  }

  analyse(generatedAt?: string): AnalysisRun {
    const traceSet = buildTraces(this.index);
    const { map, path: mapPath } = this.lineageMap();
    const readProblems = this.readProblems();
    if (mapPath !== null)
      for (const p of map.problems) readProblems.push({ path: mapPath, line: null, reason: p.reason });
    // The map that was read is listed (the workspace's, or the --lineages file instead of it).
    const mapRecords = map.source === 'default' ? 0 : map.doc.lineages.length;
    const files = this.index
      .files()
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
      generatedAt,
    });
    this.storeDocument(analysis.document);
    return { ...analysis, traceSet, lineages: map, generation: this.index.generation() };
  }
}
