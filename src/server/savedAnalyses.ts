/**
 * The BEFORE side of the Compare tab (COMPARE.md "In the editor"): a saved results document, read
 * again only when the file changed, or another folder, analysed once per settings as `ff-lens
 * compare` would (same default index location). The AFTER side is the live analysis.
 */
import * as fs from 'node:fs';
import { compareAnalyses } from '../engine/report/compare';
import { NotAResultsDocument, parseResultsDocument } from '../engine/report/readResults';
import type { ResultsDocument } from '../engine/report/results';
import type { Settings } from '../engine/settings';
import { defaultIndexPath, Workspace } from '../engine/workspace';
import type { CompareAnswer, CompareSource } from '../protocol';

interface Kept {
  /** What the document was read from: a file's size and times, or a folder's settings. */
  stamp: string;
  document: ResultsDocument;
}

/** Why a file is not there to read, in a researcher's words. */
function unreadable(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') return 'the file is gone (deleted or moved?)';
  if (code === 'EACCES' || code === 'EPERM') return 'the file cannot be read (permissions)';
  if (code === 'EISDIR') return 'it is a folder, not a results file';
  return e instanceof Error ? e.message : String(e);
}

export class SavedAnalyses {
  private readonly kept = new Map<string, Kept>();

  /** The live analysis compared with `source` (labelled `label` in the document); an error when BEFORE cannot be had. */
  async compare(
    source: CompareSource,
    label: string,
    after: { document: ResultsDocument; root: string; settings: Settings },
  ): Promise<CompareAnswer> {
    let before: ResultsDocument;
    try {
      before =
        source.kind === 'file' ? this.file(source.path) : await this.folder(source.path, after.settings);
    } catch (e) {
      const why = e instanceof NotAResultsDocument ? e.message : unreadable(e);
      return { comparison: null, error: `${label}: ${why}` };
    }
    return {
      comparison: compareAnalyses(before, after.document, { before: label, after: after.root }),
      error: null,
    };
  }

  private file(file: string): ResultsDocument {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
    const stamp = `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
    const kept = this.kept.get(file);
    if (kept?.stamp === stamp) return kept.document;
    this.kept.delete(file);
    const document = parseResultsDocument(fs.readFileSync(file, 'utf8'));
    this.kept.set(file, { stamp, document });
    return document;
  }

  private async folder(root: string, settings: Settings): Promise<ResultsDocument> {
    if (!fs.statSync(root).isDirectory()) throw new NotAResultsDocument('not a folder');
    const stamp = JSON.stringify(settings);
    const kept = this.kept.get(root);
    if (kept?.stamp === stamp) return kept.document;
    const real = fs.realpathSync(root);
    const ws = new Workspace(real, { settings, indexPath: defaultIndexPath(real) });
    try {
      const { run } = await ws.refreshAndAnalyse();
      this.kept.set(root, { stamp, document: run.document });
      return run.document;
    } finally {
      ws.close();
    }
  }
}
