// One place for how the extension's commands ask with a quick pick.

import * as vscode from 'vscode';

/**
 * Asks the researcher to pick one of `items`. The pick stays open when focus leaves it: a command
 * run from the palette while the analysis page is the active editor opens its pick just as the
 * palette closes, and the workbench then hands focus back to the page, which would close a pick
 * that closes on focus out before anyone sees it (microsoft/vscode#93950; seen in the workbench
 * suite, where a pick that had opened was hidden again at once). A row, or Escape in the pick, ends
 * it; a click back into the pick gives it the keyboard again.
 */
export function pickOne<T extends vscode.QuickPickItem>(
  items: readonly T[],
  placeHolder: string,
): Thenable<T | undefined> {
  return vscode.window.showQuickPick(items, { placeHolder, ignoreFocusOut: true });
}
