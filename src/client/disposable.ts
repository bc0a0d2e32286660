import type * as vscode from 'vscode';

/** Owns what it registers; disposing it disposes them (vscode-pull-request-github's pattern). */
export abstract class Disposable implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  protected _register<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.disposables.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}

/** Dispose each of `items` (a list or a map's values). */
export function disposeAll(items: Iterable<vscode.Disposable> | Map<unknown, vscode.Disposable>): void {
  for (const d of items instanceof Map ? items.values() : items) d.dispose();
}
