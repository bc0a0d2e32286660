/** Saving what the extension shows: the results as JSON or Markdown (command or page), a chart as PNG. */
import * as vscode from 'vscode';
import { resultsJson } from '../engine/report/results';
import { MarkdownRequest } from '../protocol/requests';
import type { AnalysisServer } from './server';

export type ExportFormat = 'json' | 'markdown';

const FILES: Record<ExportFormat, { name: string; filters: Record<string, string[]> }> = {
  json: { name: 'failure-first-results.json', filters: { JSON: ['json'] } },
  markdown: { name: 'failure-first-results.md', filters: { Markdown: ['md'] } },
};

/**
 * The latest results as the CLI writes them (`--json`, `--markdown`), to a file the researcher
 * picks; the path written, or null when the dialog was cancelled.
 */
export async function exportResults(server: AnalysisServer, format: ExportFormat): Promise<string | null> {
  const doc = server.results?.document;
  if (!doc) throw new Error('nothing has been analysed yet');
  const text = format === 'json' ? resultsJson(doc) : await server.request(MarkdownRequest.type);
  return saveAs(FILES[format].name, Buffer.from(text, 'utf8'), FILES[format].filters, server.folder.uri);
}

/**
 * "Save Analysis Snapshot…": the latest results document, as `ff-lens analyze --json` writes it, to
 * a file the researcher picks (offered dated, in the folder), for comparing with later analyses.
 */
export function saveSnapshot(server: AnalysisServer): Promise<string | null> {
  const doc = server.results?.document;
  if (!doc) throw new Error('nothing has been analysed yet');
  const day = doc.generated_at.slice(0, 10);
  return saveAs(
    `analysis-snapshot-${day}.json`,
    Buffer.from(resultsJson(doc), 'utf8'),
    FILES.json.filters,
    server.folder.uri,
  );
}

/** A chart as a PNG file, from the page's data URL (offered in `folder`). */
export async function savePng(name: string, dataUrl: string, folder?: vscode.Uri): Promise<string | null> {
  const m = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl);
  if (!m?.[1]) throw new Error('not a PNG image');
  return saveAs(
    `${name.replace(/[^\w.-]+/g, '_') || 'chart'}.png`,
    Buffer.from(m[1], 'base64'),
    { 'PNG image': ['png'] },
    folder,
  );
}

/** Asks where to save (offering `name` in the folder, by default the first) and writes the file. */
async function saveAs(
  name: string,
  data: Uint8Array,
  filters: Record<string, string[]>,
  folder: vscode.Uri | undefined = vscode.workspace.workspaceFolders?.[0]?.uri,
): Promise<string | null> {
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters,
  });
  if (!target) return null;
  await vscode.workspace.fs.writeFile(target, data);
  return target.fsPath;
}
