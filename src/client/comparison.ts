/**
 * "Compare with Saved Analysis…" (COMPARE.md "In the editor"): which saved analysis (or folder)
 * each workspace folder is compared with, kept in workspaceState so that it survives a reload, and
 * the folder's default snapshot when nothing was chosen. The server compares; the page shows it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CompareSource, ComparisonView } from '../protocol';
import { CompareRequest } from '../protocol/requests';
import { pickOne } from './pick';
import type { AnalysisServer } from './server';

/** workspaceState: the BEFORE chosen for each folder, by folder key. */
const CHOICES = 'failureFirst.compareWith';

/**
 * The analysis a folder's report was written from, where report #353 keeps it: the BEFORE of a
 * folder that has one and where nothing else was chosen (the demo ships it).
 */
export const DEFAULT_SNAPSHOT = 'runs/inverse_scaling/initial_analysis.json';

type Choices = Record<string, CompareSource>;

function choices(context: vscode.ExtensionContext): Choices {
  return context.workspaceState.get<Choices>(CHOICES, {});
}

/** A path as the page names it: folder-relative (with `/`) when inside the folder, else absolute. */
function labelOf(folder: string, target: string): string {
  const rel = path.relative(folder, target);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? target : rel.split(path.sep).join('/');
}

/** The BEFORE of a folder: the one chosen, else its default snapshot when present, else none. */
export function sourceOf(
  context: vscode.ExtensionContext,
  server: AnalysisServer,
): { source: CompareSource; isDefault: boolean } | null {
  const chosen = choices(context)[server.key];
  if (chosen) return { source: chosen, isDefault: false };
  const file = path.join(server.folder.uri.fsPath, ...DEFAULT_SNAPSHOT.split('/'));
  return fs.existsSync(file) ? { source: { kind: 'file', path: file }, isDefault: true } : null;
}

/** What the Compare tab shows now: the live analysis against the folder's BEFORE. */
export async function comparisonView(
  context: vscode.ExtensionContext,
  server: AnalysisServer,
): Promise<ComparisonView> {
  const before = sourceOf(context, server);
  if (!before) return { source: null, comparison: null, error: null };
  const label = labelOf(server.folder.uri.fsPath, before.source.path);
  const source = { kind: before.source.kind, label, isDefault: before.isDefault };
  try {
    const answer = await server.request(CompareRequest.type, { source: before.source, label });
    return { source, ...answer };
  } catch (e) {
    return { source, comparison: null, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Asks which saved analysis (a results JSON) or folder to compare `server`'s folder with, and
 * keeps the answer; false when the researcher chose nothing.
 */
export async function chooseBefore(
  context: vscode.ExtensionContext,
  server: AnalysisServer,
): Promise<boolean> {
  const current = sourceOf(context, server);
  const items: (vscode.QuickPickItem & { kind_: CompareSource['kind'] | 'default' })[] = [
    {
      label: '$(file) A saved analysis…',
      detail:
        'A results document (.json): ff-lens analyze --json, Export Results as JSON, Save Analysis Snapshot…',
      kind_: 'file',
    },
    {
      label: '$(folder) A folder…',
      detail: 'Another workspace folder, analysed now with the same settings',
      kind_: 'folder',
    },
  ];
  const fallback = path.join(server.folder.uri.fsPath, ...DEFAULT_SNAPSHOT.split('/'));
  if (current && !current.isDefault && fs.existsSync(fallback))
    items.push({
      label: `$(history) ${DEFAULT_SNAPSHOT}`,
      detail: "The folder's default snapshot",
      kind_: 'default',
    });
  const picked = await pickOne(items, `Failure-First Lens: compare ${server.folder.name} with…`);
  if (!picked) return false;
  const kept = { ...choices(context) };
  if (picked.kind_ === 'default') delete kept[server.key];
  else {
    const uris = await vscode.window.showOpenDialog({
      defaultUri: server.folder.uri,
      canSelectFiles: picked.kind_ === 'file',
      canSelectFolders: picked.kind_ === 'folder',
      canSelectMany: false,
      filters: picked.kind_ === 'file' ? { 'Results document': ['json'] } : undefined,
      openLabel: 'Compare with this',
      title: `Compare ${server.folder.name} with`,
    });
    const uri = uris?.[0];
    if (!uri) return false;
    kept[server.key] = { kind: picked.kind_, path: uri.fsPath };
  }
  await context.workspaceState.update(CHOICES, kept);
  return true;
}
