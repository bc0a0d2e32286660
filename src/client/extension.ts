/** Failure-First Lens: the extension's table of contents. Nothing here indexes; the server does. */
import * as vscode from 'vscode';
import type { TraceSelector } from '../protocol';
import { ReanalyseRequest } from '../protocol/requests';
import { AnalysisPanel } from './analysisPanel';
import { Commands, ContextKeys, Views } from './ids';
import { openLocation } from './locations';
import { AnalysisServer } from './server';
import { StatusBar } from './statusBar';
import { CORPUS_ROW_SCHEME } from '../protocol/commands';
import { addModelToLineage, corpusRowProvider, createDilutionVariants } from './editorCommands';
import { exportResults, type ExportFormat } from './exports';
import { OutlierWalk } from './outliers';
import { AttackClassesTree, LineagesTree, type LensNode } from './trees';

export interface LensApi {
  server: AnalysisServer;
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
  const server = new AnalysisServer(context);
  context.subscriptions.push(server);
  const trees = registerTrees(context, server);
  registerStatusBar(context, server);
  registerAnalysisPage(context, server);
  registerCommands(context, server);
  registerContextKeys(context, server);
  registerEditorCommands(context, server);
  registerOutlierWalk(context, server, trees);
  void server.start();
  server.output.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);
  return { server, lineages: trees.lineages, attackClasses: trees.attackClasses };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}

function registerTrees(context: vscode.ExtensionContext, server: AnalysisServer): Trees {
  const lineages = new LineagesTree(server);
  const attackClasses = new AttackClassesTree(server);
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

function registerStatusBar(context: vscode.ExtensionContext, server: AnalysisServer): void {
  context.subscriptions.push(new StatusBar(server));
}

function registerAnalysisPage(context: vscode.ExtensionContext, server: AnalysisServer): void {
  context.subscriptions.push(AnalysisPanel.register(context, server));
}

function registerCommands(context: vscode.ExtensionContext, server: AnalysisServer): void {
  const reg = (id: string, fn: (...args: never[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  };
  reg(Commands.reanalyse, () =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Failure-First Lens: re-analysing' },
      () => server.request(ReanalyseRequest.type),
    ),
  );
  reg(Commands.openAnalysis, () => AnalysisPanel.show(context, server));
  reg(Commands.showTraces, (selector: TraceSelector) => AnalysisPanel.show(context, server, selector));
  reg(Commands.openLocation, (path: string, line: number | null) => openLocation(path, line));
  const exportAs = (format: ExportFormat) => async (): Promise<void> => {
    if (!server.results)
      return void vscode.window.showWarningMessage('Failure-First Lens: nothing analysed yet.');
    await exportResults(server, format);
  };
  reg(Commands.exportJson, exportAs('json'));
  reg(Commands.exportMarkdown, exportAs('markdown'));
}

function registerEditorCommands(context: vscode.ExtensionContext, server: AnalysisServer): void {
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(CORPUS_ROW_SCHEME, corpusRowProvider(server)),
    vscode.commands.registerCommand(Commands.createDilutionVariants, (uri?: vscode.Uri) =>
      createDilutionVariants(uri),
    ),
    vscode.commands.registerCommand(
      Commands.addModelToLineage,
      (uri: string, model: string, params: number | null) => addModelToLineage(uri, model, params),
    ),
  );
}

function registerOutlierWalk(context: vscode.ExtensionContext, server: AnalysisServer, trees: Trees): void {
  const walk = new OutlierWalk(trees.attackClasses, trees.attackClassesView, (cell) =>
    AnalysisPanel.show(context, server, { kind: 'cell', attackClass: cell.attack_class, model: cell.model }),
  );
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.nextOutlier, () =>
      walk.step(1, server.results?.generation ?? 0),
    ),
    vscode.commands.registerCommand(Commands.previousOutlier, () =>
      walk.step(-1, server.results?.generation ?? 0),
    ),
  );
}

function registerContextKeys(context: vscode.ExtensionContext, server: AnalysisServer): void {
  context.subscriptions.push(
    server.onResults(({ document }) => {
      const hasRuns = document.inputs.traces.total > 0 || document.inputs.problems.length > 0;
      void vscode.commands.executeCommand('setContext', ContextKeys.hasRuns, hasRuns);
      void vscode.commands.executeCommand('setContext', ContextKeys.ready, true);
    }),
  );
}
