/** "Next / Previous outlier cell": walk the flagged cells of the current analyses, in the tree and on the page. */
import * as vscode from 'vscode';
import type { CellJson } from '../protocol';
import { expectDefined } from '../shared/expect';
import type { Folders } from './folders';
import type { AnalysisServer } from './server';
import { AttackClassNode, CellNode, FolderNode, type AttackClassesTree } from './trees';

interface Flagged {
  server: AnalysisServer;
  cell: CellJson;
}

export class OutlierWalk {
  private position = -1;
  /** The analyses the position refers to (a new one of any folder starts the walk again). */
  private generations = '';

  constructor(
    private readonly folders: Folders,
    private readonly tree: AttackClassesTree,
    private readonly view: vscode.TreeView<unknown>,
    private readonly show: (server: AnalysisServer, cell: CellJson) => void,
  ) {}

  /** Every folder's flagged cells, folder after folder. */
  private flagged(): Flagged[] {
    return this.folders.all.flatMap((server) =>
      (this.tree.resultsOf(server)?.doc.cells ?? [])
        .filter((c) => c.outlier === true || c.off_line === true)
        .map((cell) => ({ server, cell })),
    );
  }

  async step(direction: 1 | -1): Promise<void> {
    const cells = this.flagged();
    if (cells.length === 0) {
      void vscode.window.showInformationMessage(
        'Failure-First Lens: no outlier or off-the-line cell in the current analysis.',
      );
      return;
    }
    const generations = this.folders.all.map((s) => `${s.key}:${s.results?.generation ?? 0}`).join(' ');
    if (generations !== this.generations) {
      this.generations = generations;
      this.position = direction === 1 ? -1 : cells.length;
    }
    this.position = (this.position + direction + cells.length) % cells.length;
    const { server, cell } = expectDefined(
      cells[this.position],
      `flagged cell ${this.position} of ${cells.length}`,
    );
    const r = this.tree.resultsOf(server);
    if (r) {
      const section = this.folders.multi ? new FolderNode(server) : undefined;
      const parent = new AttackClassNode(cell.attack_class);
      if (section) section.adopt(parent);
      const node = parent.adopt(new CellNode(cell, r.models.get(cell.model), 'model', parent.id));
      await this.view.reveal(node, { select: true, focus: false, expand: true });
    }
    const where = this.folders.multi ? `${server.folder.name}: ` : '';
    this.view.message = `${this.position + 1} of ${cells.length} flagged cells: ${where}${cell.attack_class} × ${cell.model}${cell.outlier ? ' (outlier)' : ''}${cell.off_line ? ' (off the line)' : ''}`;
    this.show(server, cell);
  }
}
