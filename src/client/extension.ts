/** Failure-First Lens: the extension's table of contents. Nothing here indexes; the server does. */
import * as vscode from 'vscode';
import type { TraceSelector } from '../protocol';
import { Requests } from '../protocol';
import { AnalysisPanel } from './analysisPanel';
import { Commands, ContextKeys, Views } from './ids';
import { openLocation } from './locations';
import { AnalysisServer } from './server';
import { StatusBar } from './statusBar';
import { AttackClassesTree, LineagesTree } from './trees';

export interface LensApi {
  server: AnalysisServer;
  lineages: LineagesTree;
  attackClasses: AttackClassesTree;
}

export function activate(context: vscode.ExtensionContext): LensApi {
  const server = new AnalysisServer(context);
  context.subscriptions.push(server);
  const trees = registerTrees(context, server);
  registerStatusBar(context, server);
  registerAnalysisPage(context, server);
  registerCommands(context, server);
  registerContextKeys(context, server);
  void server.start();
  return { server, ...trees };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}

function registerTrees(
  context: vscode.ExtensionContext,
  server: AnalysisServer,
): { lineages: LineagesTree; attackClasses: AttackClassesTree } {
  const lineages = new LineagesTree(server);
  const attackClasses = new AttackClassesTree(server);
  context.subscriptions.push(
    lineages,
    attackClasses,
    vscode.window.createTreeView(Views.lineages, { treeDataProvider: lineages, showCollapseAll: true }),
    vscode.window.createTreeView(Views.attackClasses, {
      treeDataProvider: attackClasses,
      showCollapseAll: true,
    }),
  );
  return { lineages, attackClasses };
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
      () => server.request(Requests.reanalyse, {}),
    ),
  );
  reg(Commands.openAnalysis, () => AnalysisPanel.show(context, server));
  reg(Commands.showTraces, (selector: TraceSelector) => AnalysisPanel.show(context, server, selector));
  reg(Commands.openLocation, (path: string, line: number | null) => openLocation(path, line));
  reg(Commands.exportJson, async () => {
    const doc = server.results?.document;
    if (!doc) return void vscode.window.showWarningMessage('Failure-First Lens: nothing analysed yet.');
    const target = await vscode.window.showSaveDialog({ filters: { JSON: ['json'] } });
    if (target)
      await vscode.workspace.fs.writeFile(target, Buffer.from(`${JSON.stringify(doc, null, 2)}\n`, 'utf8'));
  });
  reg(Commands.exportMarkdown, async () => {
    const md = await server.request(Requests.markdown, {});
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: md });
    await vscode.window.showTextDocument(doc);
  });
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
