/** Commands that work on the researcher's files: dilution variants, the lineage map, corpus rows. */
import { applyEdits, modify, parse } from 'jsonc-parser';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_SEED, makeDilutionVariants } from '../engine/report/variants';
import { CorpusRowRequest } from '../protocol/requests';
import { readConfiguration } from './configuration';
import type { Folders } from './folders';
import { pickOne } from './pick';

/**
 * Corpus rows found by Find All References open as read-only JSON documents; the URI's query names
 * the folder whose server found them (`?root=<folder URI>`).
 */
export function corpusRowProvider(folders: Folders): vscode.TextDocumentContentProvider {
  return {
    async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
      const m = /^\/(.+)\/result-(\d+)\.json$/.exec(uri.path);
      if (!m?.[1] || !m[2]) return '// not a corpus row';
      const root = new URLSearchParams(uri.query).get('root');
      const server = (root !== null ? folders.of(vscode.Uri.parse(root)) : undefined) ?? folders.all[0];
      if (!server) return '// no folder holds this corpus row';
      return server.request(CorpusRowRequest.type, { path: m[1], id: Number(m[2]) });
    },
  };
}

/**
 * Writes the B variants of a scenario file beside it (`x.jsonl` → `x.dilution.jsonl`), never
 * overwriting without asking, and opens them in a diff against the baseline.
 */
export async function createDilutionVariants(target?: vscode.Uri): Promise<void> {
  const uri = target ?? vscode.window.activeTextEditor?.document.uri;
  if (!uri || !uri.fsPath.endsWith('.jsonl')) {
    void vscode.window.showWarningMessage('Failure-First Lens: open a scenario file (.jsonl) first.');
    return;
  }
  const baseline = (await vscode.workspace.openTextDocument(uri)).getText();
  const seed = readConfiguration(uri).dilution?.seed ?? DEFAULT_SEED;
  const result = makeDilutionVariants(baseline, seed);
  if (result.written === 0) {
    void vscode.window.showWarningMessage(
      `Failure-First Lens: no scenario in ${path.basename(uri.fsPath)} can be diluted (${result.skipped.length} lines skipped).`,
    );
    return;
  }
  const out = vscode.Uri.file(uri.fsPath.replace(/\.jsonl$/, '.dilution.jsonl'));
  let exists = true;
  try {
    await vscode.workspace.fs.stat(out);
  } catch {
    exists = false;
  }
  if (exists) {
    const answer = await vscode.window.showWarningMessage(
      `${path.basename(out.fsPath)} exists. Replace it?`,
      { modal: true },
      'Replace',
    );
    if (answer !== 'Replace') return;
  }
  await vscode.workspace.fs.writeFile(out, Buffer.from(result.text, 'utf8'));
  await vscode.commands.executeCommand(
    'vscode.diff',
    uri,
    out,
    `${path.basename(uri.fsPath)} ↔ dilution variants (seed ${seed})`,
  );
  const skipped = result.skipped.length
    ? `; skipped ${result.skipped.length} line${result.skipped.length === 1 ? '' : 's'} (${result.skipped
        .map((s) => `${s.line}: ${s.reason}`)
        .slice(0, 3)
        .join('; ')})`
    : '';
  void vscode.window.showInformationMessage(
    `Failure-First Lens: wrote ${result.written} dilution variants to ${path.basename(out.fsPath)}${skipped}.`,
  );
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Quick fix of the lineage map: add an indexed model that no lineage matches to a lineage the researcher picks. */
export async function addModelToLineage(
  uriText: string,
  model: string,
  params: number | null,
): Promise<void> {
  const uri = vscode.Uri.parse(uriText);
  const doc = await vscode.workspace.openTextDocument(uri);
  const text = doc.getText();
  const map = (parse(text) ?? {}) as { lineages?: { name?: string }[] };
  const names = (map.lineages ?? []).map((l, i) => ({ label: l.name ?? `lineage ${i + 1}`, index: i }));
  const NEW = { label: '$(add) New lineage…', index: -1 };
  const pick = await pickOne([...names, NEW], `Add ${model} to which lineage?`);
  if (!pick) return;
  const member: { match: string; params?: number } = { match: `^${escapeRegExp(model)}$` };
  if (params !== null) member.params = params;
  const formattingOptions = { insertSpaces: true, tabSize: 2, eol: '\n' };
  let edits;
  if (pick.index === -1) {
    const name = await vscode.window.showInputBox({ prompt: 'Name of the new lineage', value: model });
    if (!name) return;
    edits = modify(text, ['lineages', -1], { name, members: [member] }, { formattingOptions });
  } else {
    edits = modify(text, ['lineages', pick.index, 'members', -1], member, { formattingOptions });
  }
  const updated = applyEdits(text, edits);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(text.length)), updated);
  await vscode.workspace.applyEdit(edit);
}
