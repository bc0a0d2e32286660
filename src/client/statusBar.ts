/** Trace count, last analysis time and a spinner while indexing; a click re-analyses. */
import * as vscode from 'vscode';
import type { ServerStatus } from '../protocol';
import { integer } from '../shared/format';
import { Disposable } from './disposable';
import { Commands } from './ids';
import type { AnalysisServer } from './server';

export class StatusBar extends Disposable {
  private readonly item = this._register(
    vscode.window.createStatusBarItem('failureFirst.status', vscode.StatusBarAlignment.Left, 10),
  );
  private progressDone: (() => void) | null = null;
  private progressReport: ((p: { message?: string; increment?: number }) => void) | null = null;
  private lastFraction = 0;

  constructor(server: AnalysisServer) {
    super();
    this.item.name = 'Failure-First Lens';
    this.item.command = Commands.reanalyse;
    this.render(server.status);
    this.item.show();
    this._register(server.onStatus((s) => this.render(s)));
    this._register({ dispose: () => this.progressDone?.() });
  }

  private render(s: ServerStatus): void {
    const busy = s.state === 'indexing' || s.state === 'analysing' || s.state === 'starting';
    const time = s.analysedAt
      ? new Date(s.analysedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
      : null;
    if (s.state === 'indexing')
      this.item.text = `$(sync~spin) Failure-First: indexing ${Math.round(100 * (s.progress ?? 0))}%`;
    else if (s.state === 'analysing') this.item.text = '$(sync~spin) Failure-First: analysing';
    else if (s.state === 'starting') this.item.text = '$(sync~spin) Failure-First';
    else if (s.state === 'error') this.item.text = '$(error) Failure-First: analysis failed';
    else this.item.text = `$(beaker) ${integer(s.traces)} traces${time ? ` · ${time}` : ''}`;
    this.item.tooltip = [
      s.state === 'error'
        ? `Analysis failed: ${s.message ?? ''}`
        : `Failure-First Lens: ${integer(s.traces)} traces, ${s.problems} input problems`,
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
        { location: vscode.ProgressLocation.Window, title: 'Failure-First Lens' },
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
