/**
 * The analysis page's host: one webview panel per workspace folder, strict CSP, typed messages,
 * restored after a reload (to its folder, which its title names when there are several).
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostToPage, PageHost, PagePlace, PageToHost, TraceSelector } from '../protocol';
import { AgreementRequest, ReanalyseRequest, TraceDetailRequest, TracesRequest } from '../protocol/requests';
import { encodeAnalysed } from '../shared/analysedBytes';
import { respond } from '../shared/pageHost';
import { Disposable } from './disposable';
import { chooseBefore, comparisonView, sourceOf } from './comparison';
import { exportResults, savePng, saveSnapshot } from './exports';
import { Panels } from './ids';
import { openLocation } from './locations';
import type { Folders } from './folders';
import type { AnalysisServer } from './server';

const TITLE = 'Failure-First Analysis';
const SEPARATOR = ' — ';

export class AnalysisPanel extends Disposable {
  /** The open pages, by folder. */
  private static readonly panels = new Map<string, AnalysisPanel>();
  private static last: AnalysisPanel | undefined;
  private ready = false;
  private queue: HostToPage[] = [];
  /** What the page's requests do. */
  private readonly host: PageHost = {
    traces: (params) => this.server.request(TracesRequest.type, params),
    traceDetail: (params) => this.server.request(TraceDetailRequest.type, params),
    agreement: (params) => this.server.request(AgreementRequest.type, params),
    openInEditor: async ({ path, line }) => {
      await openLocation(path, line, 0, this.server.folder);
      return true;
    },
    reanalyse: () => this.server.request(ReanalyseRequest.type),
    export: ({ format }) => exportResults(this.server, format),
    savePng: ({ name, dataUrl }) => savePng(name, dataUrl, this.server.folder.uri),
    setGrader: async ({ grader }) => {
      await this.server.setGraderChoice(grader);
      return null;
    },
    chooseComparison: async () => {
      const chosen = await chooseBefore(this.context, this.server);
      if (chosen) await this.sendComparison();
      return chosen;
    },
    saveSnapshot: () => saveSnapshot(this.server),
  };
  /** Comparisons asked for, in order: only the latest one's answer is posted. */
  private comparisonsAsked = 0;
  /** The saved analysis compared with, watched: a snapshot changed, corrupted or deleted is said at once. */
  private watchedBefore: { file: string; watcher: vscode.FileSystemWatcher } | null = null;

  /**
   * Open (or reveal) a folder's page; with a selector, show those traces; with a place, show it.
   * `named`: say which folder in its title.
   */
  static show(
    context: vscode.ExtensionContext,
    server: AnalysisServer,
    selector?: TraceSelector,
    named = false,
    place?: PagePlace,
  ): AnalysisPanel {
    let p = AnalysisPanel.panels.get(server.key);
    if (p) p.panel.reveal(undefined, true);
    else {
      const panel = vscode.window.createWebviewPanel(
        Panels.analysis,
        named ? `${TITLE}${SEPARATOR}${server.folder.name}` : TITLE,
        vscode.ViewColumn.Active,
        AnalysisPanel.options(context),
      );
      p = new AnalysisPanel(panel, context, server);
    }
    if (selector) p.post({ type: 'select', selector });
    if (place) p.post({ type: 'show', target: place });
    return p;
  }

  static register(context: vscode.ExtensionContext, folders: Folders): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(Panels.analysis, {
      deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
        // The page restores its own state (tab, selection, filters) from vscode.getState(); its
        // folder is the one its title names, or the first.
        const name = panel.title.startsWith(TITLE + SEPARATOR)
          ? panel.title.slice(TITLE.length + SEPARATOR.length)
          : null;
        const server = folders.all.find((s) => s.folder.name === name) ?? folders.all[0];
        if (!server || AnalysisPanel.panels.has(server.key)) {
          panel.dispose();
          return Promise.resolve();
        }
        panel.webview.options = AnalysisPanel.options(context);
        new AnalysisPanel(panel, context, server);
        return Promise.resolve();
      },
    });
  }

  /** The page opened or revealed last, if it is open (for the outlier walk and tests). */
  static get open(): AnalysisPanel | undefined {
    return AnalysisPanel.last;
  }

  private static options(
    context: vscode.ExtensionContext,
  ): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [
        vscode.Uri.joinPath(context.extensionUri, 'dist'),
        vscode.Uri.joinPath(context.extensionUri, 'media'),
      ],
    };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly server: AnalysisServer,
  ) {
    super();
    AnalysisPanel.panels.set(server.key, this);
    AnalysisPanel.last = this;
    this._register(panel.onDidChangeViewState((e) => e.webviewPanel.active && (AnalysisPanel.last = this)));
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'lens.svg');
    panel.webview.html = this.html(panel.webview);
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(panel.webview.onDidReceiveMessage((m: PageToHost) => void this.handle(m)));
    this._register(
      server.onResults(() => {
        this.sendResults();
        void this.sendComparison();
      }),
    );
    this._register(server.onStatus((status) => this.post({ type: 'status', status })));
  }

  override dispose(): void {
    this.watchedBefore?.watcher.dispose();
    if (AnalysisPanel.panels.get(this.server.key) === this) AnalysisPanel.panels.delete(this.server.key);
    if (AnalysisPanel.last === this) AnalysisPanel.last = undefined;
    super.dispose();
  }

  post(message: HostToPage): void {
    if (!this.ready) {
      this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private sendResults(): void {
    const r = this.server.results;
    if (r) this.post({ type: 'results', analysed: encodeAnalysed(r), status: this.server.status });
  }

  /** The Compare tab's content, against the analysis just sent: after every analysis and every new BEFORE. */
  async sendComparison(): Promise<void> {
    if (!this.server.results) return;
    this.watchBefore();
    const asked = ++this.comparisonsAsked;
    const view = await comparisonView(this.context, this.server);
    if (asked === this.comparisonsAsked) this.post({ type: 'comparison', view });
  }

  private watchBefore(): void {
    const before = sourceOf(this.context, this.server);
    const file = before?.source.kind === 'file' ? before.source.path : null;
    if (this.watchedBefore?.file === file) return;
    this.watchedBefore?.watcher.dispose();
    this.watchedBefore = null;
    if (file === null) return;
    const name = path.basename(file).replace(/[[\]{}*?]/g, '[$&]');
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), name),
    );
    const again = (): void => void this.sendComparison();
    watcher.onDidChange(again);
    watcher.onDidCreate(again);
    watcher.onDidDelete(again);
    this.watchedBefore = { file, watcher };
  }

  private async handle(m: PageToHost): Promise<void> {
    switch (m.type) {
      case 'ready': {
        this.ready = true;
        // Results first, then whatever was asked before the page was ready (a selection).
        const pending = this.queue.splice(0);
        this.sendResults();
        this.post({ type: 'status', status: this.server.status });
        for (const q of pending) this.post(q);
        await this.sendComparison();
        return;
      }
      case 'request':
        this.post(await respond(this.host, m));
        return;
      case 'state':
        return;
      case 'log':
        this.server.output[m.level === 'error' ? 'error' : 'info'](`[page] ${m.message}`);
        return;
    }
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const asset = (...p: string[]): string =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, ...p)).toString();
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${asset('media', 'page.css')}">
<title>Failure-First Analysis</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${asset('dist', 'webview.js')}"></script>
</body>
</html>`;
  }
}
