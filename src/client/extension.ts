/** Failure-First Lens: the extension's table of contents. Nothing here indexes; the servers do, one per folder. */
import * as vscode from 'vscode';
import type { CellJson, PagePlace, TraceSelector } from '../protocol';
import { ReanalyseRequest } from '../protocol/requests';
import { AnalysisPanel } from './analysisPanel';
import { disposeAll } from './disposable';
import { Commands, ContextKeys, Views } from './ids';
import { openLocation } from './locations';
import { Folders } from './folders';
import type { AnalysisServer } from './server';
import { StatusBars } from './statusBar';
import { CORPUS_ROW_SCHEME } from '../protocol/commands';
import { addModelToLineage, corpusRowProvider, createDilutionVariants } from './editorCommands';
import { chooseBefore } from './comparison';
import { exportResults, saveSnapshot, type ExportFormat } from './exports';
import { OutlierWalk } from './outliers';
import { AttackClassesTree, LineagesTree, type LensNode } from './trees';

export interface LensApi {
  folders: Folders;
  lineages: LineagesTree;
  attackClasses: AttackClassesTree;
}

interface Trees {
  lineages: LineagesTree;
  attackClasses: AttackClassesTree;
  attackClassesView: vscode.TreeView<LensNode>;
}

export function activate(context: vscode.ExtensionContext): LensApi {
  const started = performance.now();
  const folders = new Folders(context);
  context.subscriptions.push(folders);
  const trees = registerTrees(context, folders);
  registerStatusBar(context, folders);
  registerAnalysisPage(context, folders);
  registerCommands(context, folders, trees);
  registerContextKeys(context, folders);
  registerEditorCommands(context, folders);
  registerOutlierWalk(context, folders, trees);
  registerComparison(context, folders);
  for (const s of folders.all) void s.start();
  folders.output.info(
    `activated in ${(performance.now() - started).toFixed(1)} ms (${folders.all.length} folders)`,
  );
  return { folders, lineages: trees.lineages, attackClasses: trees.attackClasses };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}

function registerTrees(context: vscode.ExtensionContext, folders: Folders): Trees {
  const lineages = new LineagesTree(folders);
  const attackClasses = new AttackClassesTree(folders);
  const attackClassesView = vscode.window.createTreeView(Views.attackClasses, {
    treeDataProvider: attackClasses,
    showCollapseAll: true,
  });
  context.subscriptions.push(
    lineages,
    attackClasses,
    vscode.window.createTreeView(Views.lineages, { treeDataProvider: lineages, showCollapseAll: true }),
    attackClassesView,
  );
  return { lineages, attackClasses, attackClassesView };
}

function registerStatusBar(context: vscode.ExtensionContext, folders: Folders): void {
  context.subscriptions.push(new StatusBars(folders));
}

function registerAnalysisPage(context: vscode.ExtensionContext, folders: Folders): void {
  context.subscriptions.push(AnalysisPanel.register(context, folders));
}

/**
 * The folder a command is about: the one it names (a tree item, the status bar, a CodeLens pass it),
 * else the only one, the active editor's, or the user's pick.
 */
async function folderFor(
  folders: Folders,
  purpose: string,
  named?: unknown,
): Promise<AnalysisServer | undefined> {
  if (typeof named === 'string') return folders.byKey(named) ?? folders.of(vscode.Uri.parse(named));
  return folders.choose(purpose);
}

function registerCommands(context: vscode.ExtensionContext, folders: Folders, trees: Trees): void {
  const reg = (id: string, fn: (...args: never[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  };
  const page = (server: AnalysisServer, selector?: TraceSelector): AnalysisPanel =>
    AnalysisPanel.show(context, server, selector, folders.multi);
  reg(Commands.reanalyse, async (key?: string) => {
    // From the palette or a view's title: every folder; from a folder's status item: that folder.
    const targets =
      typeof key === 'string' ? [folders.byKey(key)].filter((s) => s !== undefined) : folders.all;
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Failure-First Lens: re-analysing' },
      () => Promise.all(targets.map((s) => s.request(ReanalyseRequest.type))),
    );
  });
  reg(Commands.openAnalysis, async (node?: LensNode) => {
    const server =
      node !== undefined && typeof node === 'object'
        ? (trees.lineages.serverOf(node) ?? trees.attackClasses.serverOf(node))
        : await folders.choose('open the analysis page');
    if (server) page(server);
  });
  reg(Commands.showTraces, async (selector: TraceSelector, folder?: string) => {
    const server = await folderFor(folders, 'show the traces', folder);
    if (server) page(server, selector);
  });
  reg(Commands.showOnPage, async (place: PagePlace, folder?: string) => {
    const server = await folderFor(folders, 'show the analysis', folder);
    if (server) AnalysisPanel.show(context, server, undefined, folders.multi, place);
  });
  reg(Commands.openLocation, async (path: string, line: number | null, folder?: string) => {
    const server = await folderFor(folders, 'open the file', folder);
    await openLocation(path, line, 0, server?.folder);
  });
  const exportAs = (format: ExportFormat) => async (): Promise<void> => {
    const server = await folders.choose('export the results');
    if (!server) return;
    if (!server.results)
      return void vscode.window.showWarningMessage('Failure-First Lens: nothing analysed yet.');
    await exportResults(server, format);
  };
  reg(Commands.exportJson, exportAs('json'));
  reg(Commands.exportMarkdown, exportAs('markdown'));
}

/** Compare with Saved Analysis… (the Compare tab) and Save Analysis Snapshot… (COMPARE.md "In the editor"). */
function registerComparison(context: vscode.ExtensionContext, folders: Folders): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.compareWithSaved, async () => {
      const server = await folders.choose('compare the analysis');
      if (!server || !(await chooseBefore(context, server))) return;
      const panel = AnalysisPanel.show(context, server, undefined, folders.multi, { tab: 'compare' });
      await panel.sendComparison();
    }),
    vscode.commands.registerCommand(Commands.saveSnapshot, async () => {
      const server = await folders.choose('save a snapshot');
      if (!server) return;
      if (!server.results)
        return void vscode.window.showWarningMessage('Failure-First Lens: nothing analysed yet.');
      await saveSnapshot(server);
    }),
  );
}

function registerEditorCommands(context: vscode.ExtensionContext, folders: Folders): void {
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(CORPUS_ROW_SCHEME, corpusRowProvider(folders)),
    vscode.commands.registerCommand(Commands.createDilutionVariants, (uri?: vscode.Uri) =>
      createDilutionVariants(uri),
    ),
    vscode.commands.registerCommand(
      Commands.addModelToLineage,
      (uri: string, model: string, params: number | null) => addModelToLineage(uri, model, params),
    ),
  );
}

function registerOutlierWalk(context: vscode.ExtensionContext, folders: Folders, trees: Trees): void {
  const walk = new OutlierWalk(
    folders,
    trees.attackClasses,
    trees.attackClassesView,
    (server, cell: CellJson) =>
      AnalysisPanel.show(
        context,
        server,
        { kind: 'cell', attackClass: cell.attack_class, model: cell.model },
        folders.multi,
      ),
  );
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.nextOutlier, () => walk.step(1)),
    vscode.commands.registerCommand(Commands.previousOutlier, () => walk.step(-1)),
  );
}

/** Whether any folder has runs (the welcome view), and whether the first analysis is in. */
function registerContextKeys(context: vscode.ExtensionContext, folders: Folders): void {
  const update = (): void => {
    const docs = folders.all.map((s) => s.results?.document).filter((d) => d !== undefined);
    if (docs.length === 0) return;
    const hasRuns = docs.some((d) => d.inputs.traces.total > 0 || d.inputs.problems.length > 0);
    void vscode.commands.executeCommand('setContext', ContextKeys.hasRuns, hasRuns);
    void vscode.commands.executeCommand('setContext', ContextKeys.ready, true);
  };
  let subscriptions: vscode.Disposable[] = [];
  const follow = (): void => {
    disposeAll(subscriptions);
    subscriptions = folders.all.map((s) => s.onResults(update));
    update();
  };
  follow();
  context.subscriptions.push(folders.onDidChange(follow), {
    dispose: () => disposeAll(subscriptions),
  });
}
