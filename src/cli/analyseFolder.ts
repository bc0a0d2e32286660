/**
 * A workspace folder analysed as every command does it (`analyze`, `scenarios`, `compare`,
 * `check-report`): the folder and lineage map checked, the index opened (never a file that is not
 * one), warnings said once, the last document reused when nothing changed, a damaged index rebuilt.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UpdateReport } from '../engine/index/indexer';
import { graderNotFound } from '../engine/analyse/join';
import { openRegular } from '../engine/read/jsonl';
import type { ResultsDocument } from '../engine/report/results';
import { defaultIndexPath, Workspace, type AnalysisRun, type WorkspaceTimings } from '../engine/workspace';
import { CliError, errCode, progressReporter } from './io';
import type { AnalysisOptions } from './options';

export interface FolderAnalysis {
  document: ResultsDocument;
  /** The lineage map's names (the workspace's, the `--lineages` file's, or the built-in ones). */
  lineageNames: string[];
  report: UpdateReport;
  /** The document is the last run's, nothing having changed since. */
  cached: boolean;
  /** The analysis itself; null when the document was reused. */
  run: AnalysisRun | null;
  /** When indexing started and ended (performance.now(): ms since the process started). */
  indexedFrom: number;
  indexedTo: number;
  /** Where discovery, the join and the analysis spent their time. */
  timings: WorkspaceTimings;
}

/** Analyse `folder`; `use` (when given) sees the workspace and its run before the index is closed. */
export async function analyseFolder<T = void>(
  folder: string,
  options: Pick<AnalysisOptions, 'lineages' | 'index' | 'settings'>,
  use?: (ws: Workspace, run: AnalysisRun) => T,
): Promise<FolderAnalysis & { used?: T }> {
  const root = path.resolve(folder);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory())
    throw new CliError(`no such folder: ${folder}`, 2);
  if (options.lineages !== undefined) {
    try {
      fs.closeSync(openRegular(options.lineages).fd);
    } catch (e) {
      const code = errCode(e);
      throw new CliError(
        code === 'ENOENT'
          ? `no such lineage map: ${options.lineages}`
          : `cannot read the lineage map ${options.lineages} (${code})`,
        2,
      );
    }
  }
  const realRoot = fs.realpathSync(root);
  const ws = new Workspace(realRoot, {
    settings: options.settings,
    indexPath: options.index === undefined ? defaultIndexPath(realRoot) : options.index,
    explicitIndex: typeof options.index === 'string',
    lineageMapFile: options.lineages,
  });
  const warn = (): void => {
    for (const w of ws.warnings.splice(0)) process.stderr.write(`ff-lens: warning: ${w}\n`);
  };
  try {
    const progress = progressReporter();
    const indexedFrom = performance.now();
    let report = await ws.refresh(progress.update);
    const indexedTo = performance.now();
    progress.end();
    warn();
    // Nothing changed since the last run (same index generation, settings, map): its results stand.
    const cached = use === undefined ? ws.cachedDocument() : null;
    let run: AnalysisRun | null = null;
    if (cached === null) {
      const fresh = await ws.analyseOrRebuild(progress.update);
      report = fresh.report ?? report;
      run = fresh.run;
      warn();
    }
    const document = cached ?? (run as AnalysisRun).document;
    const grader = options.settings.grader;
    if (grader !== null && document.inputs.traces.graded === 0) {
      const graders = (run ?? ws.analyse()).traceSet.graders; // the cached document does not name them
      process.stderr.write(`ff-lens: warning: ${folder}: ${graderNotFound(grader, graders)}\n`);
    }
    const used = use && run ? use(ws, run) : undefined;
    const lineageNames = ws.lineageMap().map.names;
    return {
      document,
      lineageNames,
      report,
      cached: cached !== null,
      run,
      used,
      indexedFrom,
      indexedTo,
      timings: ws.timings,
    };
  } finally {
    ws.close();
  }
}
