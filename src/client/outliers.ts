/** "Next / Previous outlier cell": walk the flagged cells of the current analysis, in the tree and on the page. */
import * as vscode from 'vscode';
import type { CellJson } from '../protocol';
import { AttackClassNode, CellNode, type AttackClassesTree } from './trees';

export class OutlierWalk {
  private position = -1;
  private generation = -1;

  constructor(
    private readonly tree: AttackClassesTree,
    private readonly view: vscode.TreeView<unknown>,
    private readonly show: (cell: CellJson) => void,
  ) {}

  private flagged(): CellJson[] {
    return (this.tree.results?.doc.cells ?? []).filter((c) => c.outlier === true || c.off_line === true);
  }

  async step(direction: 1 | -1, generation: number): Promise<void> {
    const cells = this.flagged();
    if (cells.length === 0) {
      void vscode.window.showInformationMessage(
        'Failure-First Lens: no outlier or off-the-line cell in the current analysis.',
      );
      return;
    }
    if (generation !== this.generation) {
      this.generation = generation;
      this.position = direction === 1 ? -1 : cells.length;
    }
    this.position = (this.position + direction + cells.length) % cells.length;
    const cell = cells[this.position] as CellJson;
    const r = this.tree.results;
    if (r) {
      const parent = new AttackClassNode(cell.attack_class);
      const node = parent.adopt(new CellNode(cell, r.models.get(cell.model), 'model', parent.id));
      await this.view.reveal(node, { select: true, focus: false, expand: true });
    }
    this.view.message = `${this.position + 1} of ${cells.length} flagged cells: ${cell.attack_class} × ${cell.model}${cell.outlier ? ' (outlier)' : ''}${cell.off_line ? ' (off the line)' : ''}`;
    this.show(cell);
  }
}
