/** Trace count, last analysis time and a spinner while indexing, per folder; a click re-analyses that folder. */
import * as vscode from 'vscode';
import type { ServerStatus } from '../protocol';
import { integer } from '../shared/format';
import { Disposable, disposeAll } from './disposable';
import { Commands } from './ids';
import type { Folders } from './folders';
import type { AnalysisServer } from './server';

export class StatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private progressDone: (() => void) | null = null;
  private progressReport: ((p: { message?: string; increment?: number }) => void) | null = null;
  private lastFraction = 0;

  constructor(
    private readonly server: AnalysisServer,
    /** Several folders: each item names its own. */
    private readonly named: boolean,
  ) {
    super();
    // An id per folder (the first keeps the single-folder id), in the folders' order.
    const id =
      server.folder.index === 0 ? 'failureFirst.status' : `failureFirst.status.${server.folder.index}`;
    this.item = this._register(
      vscode.window.createStatusBarItem(id, vscode.StatusBarAlignment.Left, 10 - server.folder.index / 100),
    );
    this.item.name = named ? `Failure-First Lens: ${server.folder.name}` : 'Failure-First Lens';
    this.item.command = { command: Commands.reanalyse, title: 'Re-analyse', arguments: [server.key] };
    this.render(server.status);
    this.item.show();
    this._register(server.onStatus((s) => this.render(s)));
    this._register({ dispose: () => this.progressDone?.() });
  }

  private render(s: ServerStatus): void {
    const folder = this.named ? ` ${this.server.folder.name}:` : '';
    const busy = s.state === 'indexing' || s.state === 'analysing' || s.state === 'starting';
    const time = s.analysedAt
      ? new Date(s.analysedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
      : null;
    if (s.state === 'indexing')
      this.item.text = `$(sync~spin) Failure-First:${folder} indexing ${Math.round(100 * (s.progress ?? 0))}%`;
    else if (s.state === 'analysing') this.item.text = `$(sync~spin) Failure-First:${folder} analysing`;
    else if (s.state === 'starting') this.item.text = `$(sync~spin) Failure-First${folder.replace(/:$/, '')}`;
    else if (s.state === 'error') this.item.text = `$(error) Failure-First:${folder} analysis failed`;
    else this.item.text = `$(beaker)${folder} ${integer(s.traces)} traces${time ? ` · ${time}` : ''}`;
    this.item.tooltip = [
      s.state === 'error'
        ? `Analysis failed: ${s.message ?? ''}`
        : `Failure-First Lens${this.named ? ` (${this.server.folder.name})` : ''}: ${integer(s.traces)} traces, ${s.problems} input problems`,
      s.analysedAt
        ? `Last analysis: ${new Date(s.analysedAt).toLocaleString()}${s.lastRunMs !== undefined ? ` (${s.lastRunMs} ms)` : ''}`
        : 'Not analysed yet',
      'Click to re-analyse',
    ].join('\n');
    this.item.backgroundColor =
      s.state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    if (busy) this.progress(s);
    else if (this.progressDone) {
      this.progressDone();
      this.progressDone = null;
      this.progressReport = null;
    }
  }

  /** Long work also shows in the window's progress area. */
  private progress(s: ServerStatus): void {
    if (!this.progressDone) {
      this.lastFraction = 0;
      void vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Window,
          title: `Failure-First Lens${this.named ? `: ${this.server.folder.name}` : ''}`,
        },
        (progress) => {
          this.progressReport = (p) => progress.report(p);
          return new Promise<void>((resolve) => (this.progressDone = resolve));
        },
      );
    }
    const fraction = s.progress ?? this.lastFraction;
    this.progressReport?.({
      message: s.state === 'analysing' ? 'analysing' : `indexing ${Math.round(100 * fraction)}%`,
      increment: 100 * (fraction - this.lastFraction),
    });
    this.lastFraction = fraction;
  }
}

/** One status item per folder, following folders as they come and go. */
export class StatusBars extends Disposable {
  private items: StatusBar[] = [];

  constructor(private readonly folders: Folders) {
    super();
    this.build();
    this._register(folders.onDidChange(() => this.build()));
    this._register({ dispose: () => disposeAll(this.items) });
  }

  private build(): void {
    disposeAll(this.items);
    this.items = this.folders.all.map((s) => new StatusBar(s, this.folders.multi));
  }
}
