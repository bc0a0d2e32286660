/**
 * The workspace's folders, each with its own analysis server (and so its own index, tree section,
 * status and page). A folder added to or removed from the workspace starts or stops its server.
 */
import * as vscode from 'vscode';
import { Disposable, disposeAll } from './disposable';
import { OUTPUT_CHANNEL } from './ids';
import { pickOne } from './pick';
import { AnalysisServer } from './server';

export class Folders extends Disposable {
  private readonly servers = new Map<string, AnalysisServer>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Folders were added or removed. */
  readonly onDidChange = this.changed.event;
  readonly output = this._register(vscode.window.createOutputChannel(OUTPUT_CHANNEL, { log: true }));

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
    for (const f of vscode.workspace.workspaceFolders ?? []) this.add(f);
    this._register(
      vscode.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const f of e.removed) {
          const s = this.servers.get(f.uri.toString());
          this.servers.delete(f.uri.toString());
          s?.dispose();
        }
        for (const f of e.added) void this.add(f).start();
        this.changed.fire();
      }),
    );
    this._register({ dispose: () => disposeAll(this.servers) });
  }

  private add(folder: vscode.WorkspaceFolder): AnalysisServer {
    const s = new AnalysisServer(this.context, folder, this.output);
    this.servers.set(s.key, s);
    return s;
  }

  /** Every folder's server, in the workspace's order of folders. */
  get all(): AnalysisServer[] {
    return [...this.servers.values()].sort((a, b) => a.folder.index - b.folder.index);
  }

  /** More than one folder: everything shown says which folder it is about. */
  get multi(): boolean {
    return this.servers.size > 1;
  }

  byKey(key: string | undefined): AnalysisServer | undefined {
    return key === undefined ? undefined : this.servers.get(key);
  }

  /** The server of the folder that holds `uri`. */
  of(uri: vscode.Uri): AnalysisServer | undefined {
    const f = vscode.workspace.getWorkspaceFolder(uri);
    return f ? this.servers.get(f.uri.toString()) : undefined;
  }

  /**
   * The folder a command without one is about: the only one; the one of the active editor; else the
   * user picks (undefined when they do not).
   */
  async choose(purpose: string): Promise<AnalysisServer | undefined> {
    const all = this.all;
    if (all.length <= 1) return all[0];
    const active = vscode.window.activeTextEditor?.document.uri;
    const fromEditor = active ? this.of(active) : undefined;
    if (fromEditor) return fromEditor;
    const picked = await pickOne(
      all.map((s) => ({ label: s.folder.name, description: s.folder.uri.fsPath, server: s })),
      `Failure-First Lens: ${purpose} of which folder?`,
    );
    return picked?.server;
  }
}
