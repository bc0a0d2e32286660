/** A workspace folder analysed for a command that needs its results (`compare`, `check-report`), as `analyze` does. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResultsDocument } from '../engine/report/results';
import { defaultIndexPath, Workspace } from '../engine/workspace';
import { progressReporter, type AnalysisOptions } from './main';

/** Input that cannot be used (a missing folder, a file of another schema): one line on standard error, exit 2. */
export class InputError extends Error {}

export interface FolderAnalysis {
  document: ResultsDocument;
  /** The lineage map's names (the workspace's, the `--lineages` file's, or the built-in ones). */
  lineageNames: string[];
}

export async function analyseFolder(folder: string, options: AnalysisOptions): Promise<FolderAnalysis> {
  const root = path.resolve(folder);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory())
    throw new InputError(`no such folder: ${folder}`);
  if (options.lineages !== undefined && !fs.existsSync(options.lineages))
    throw new InputError(`no such lineage map: ${options.lineages}`);
  const realRoot = fs.realpathSync(root);
  const indexPath = options.index === undefined ? defaultIndexPath(realRoot) : options.index;
  const ws = new Workspace(realRoot, {
    settings: options.settings,
    indexPath,
    lineageMapFile: options.lineages,
  });
  try {
    const progress = progressReporter();
    await ws.refresh(progress.update);
    progress.end();
    const document = ws.cachedDocument() ?? ws.analyse().document;
    process.stderr.write(`ff-lens: ${folder}: ${document.inputs.traces.total} traces analysed\n`);
    return { document, lineageNames: ws.lineageMap().map.names };
  } finally {
    ws.close();
  }
}
