/** Opening a workspace file at a line (traces, problems), or showing a corpus row. */
import * as vscode from 'vscode';

/** Open `relPath` of `folder` (the first folder when not given) at a line. */
export async function openLocation(
  relPath: string,
  line: number | null,
  column = 0,
  folder: vscode.WorkspaceFolder | undefined = vscode.workspace.workspaceFolders?.[0],
): Promise<void> {
  if (!folder) return;
  const uri = vscode.Uri.joinPath(folder.uri, ...relPath.split('/'));
  if (line === null && /\.db$/i.test(relPath)) {
    void vscode.window.showInformationMessage(
      `This trace is a row of the corpus database ${relPath}; its text is shown on the analysis page.`,
    );
    return;
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  const l = Math.max(0, Math.min((line ?? 1) - 1, doc.lineCount - 1));
  const pos = new vscode.Position(l, column);
  await vscode.window.showTextDocument(doc, {
    selection: new vscode.Range(pos, pos),
    preview: true,
    viewColumn: vscode.ViewColumn.Beside,
  });
}
