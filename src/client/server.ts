/**
 * The language server of one workspace folder, from the extension's side: start, typed requests,
 * status and results events. A multi-root workspace has one per folder (the server analyses one
 * folder, with its own index), as vscode-extension-samples' lsp-multi-server-sample does.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RequestType0,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type RequestType,
  type ServerOptions,
} from 'vscode-languageclient/node';
import type { ResultsDocument, ServerStatus } from '../protocol';
import { ResultsRequest, StatusNotification } from '../protocol/requests';
import type { ServerInitOptions } from '../protocol/settings';
import { readConfiguration } from './configuration';
import { Disposable } from './disposable';
import { SETTINGS_SECTION } from './ids';

/** Files whose changes the server hears about (it decides by its own globs what they are). */
const WATCHED = '**/{*.jsonl,*.db,*.db-wal,lineages.json}';

export class AnalysisServer extends Disposable {
  private client: LanguageClient | null = null;
  private readonly statusEmitter = this._register(new vscode.EventEmitter<ServerStatus>());
  private readonly resultsEmitter = this._register(
    new vscode.EventEmitter<{ document: ResultsDocument; generation: number }>(),
  );
  private lastStatus: ServerStatus = {
    state: 'starting',
    traces: 0,
    problems: 0,
    generation: 0,
    analysedAt: null,
  };
  private lastResults: { document: ResultsDocument; generation: number } | null = null;
  private restartNoticeShown = false;
  private starting: Promise<void> | null = null;

  /** Status changes (indexing progress, new analysis, errors). */
  readonly onStatus = this.statusEmitter.event;
  /** A new analysis (a new generation of the results document). */
  readonly onResults = this.resultsEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly folder: vscode.WorkspaceFolder,
    /** The extension's one output channel, shared by every folder's server. */
    readonly output: vscode.LogOutputChannel,
  ) {
    super();
  }

  /** The folder's URI as a string: how commands and pages name the folder they are about. */
  get key(): string {
    return this.folder.uri.toString();
  }

  get status(): ServerStatus {
    return this.lastStatus;
  }

  get results(): { document: ResultsDocument; generation: number } | null {
    return this.lastResults;
  }

  /** Start once (lazily: the first caller pays; activation itself does not). */
  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const folder = this.folder;
    const module = this.context.asAbsolutePath(path.join('dist', 'server.js'));
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const storage = this.context.storageUri ?? this.context.globalStorageUri;
    await vscode.workspace.fs.createDirectory(storage);
    // One index per folder, named by the folder so that a folder added again finds its index again.
    const id = createHash('sha1').update(this.key).digest('hex').slice(0, 16);
    const init: ServerInitOptions = {
      indexPath: path.join(storage.fsPath, `index-${id}.sqlite`),
      configuration: readConfiguration(folder.uri),
    };
    const errorHandler: ErrorHandler = {
      error: () => ({ action: ErrorAction.Continue }),
      closed: () => {
        // Survive a crash: restart, and say so once.
        if (!this.restartNoticeShown) {
          this.restartNoticeShown = true;
          void vscode.window.showWarningMessage(
            'Failure-First Lens: the analysis server stopped unexpectedly and was restarted.',
          );
        }
        return { action: CloseAction.Restart, handled: true };
      },
    };
    // Only this folder's files: another folder's server speaks for its own.
    const inFolder = (glob: string): string => `${folder.uri.fsPath.replace(/[[\]{}*?]/g, '[$&]')}/${glob}`;
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', pattern: inFolder('**/*.jsonl') },
        { scheme: 'file', pattern: inFolder('**/.failure-first/lineages.json') },
      ],
      workspaceFolder: folder,
      synchronize: {
        configurationSection: SETTINGS_SECTION,
        fileEvents: vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, WATCHED)),
      },
      initializationOptions: init,
      outputChannel: this.output,
      errorHandler,
    };
    this.client = new LanguageClient('failureFirstLens', 'Failure-First Lens', serverOptions, clientOptions);
    this._register(
      this.client.onNotification(StatusNotification.type, (s) => {
        this.lastStatus = s;
        this.statusEmitter.fire(s);
        if (s.state === 'ready' && s.generation !== this.lastResults?.generation) void this.fetchResults();
      }),
    );
    await this.client.start();
    this._register({ dispose: () => void this.client?.stop() });
  }

  private async fetchResults(): Promise<void> {
    const r = await this.request(ResultsRequest.type);
    if (r.document && r.generation !== this.lastResults?.generation) {
      this.lastResults = { document: r.document, generation: r.generation };
      this.resultsEmitter.fire(this.lastResults);
    }
  }

  /** A request of src/protocol/requests.ts, once the server has started. */
  async request<R>(type: RequestType0<R, void>): Promise<R>;
  async request<P, R>(type: RequestType<P, R, void>, params: P): Promise<R>;
  async request(
    type: RequestType0<unknown, void> | RequestType<unknown, unknown, void>,
    params?: unknown,
  ): Promise<unknown> {
    await this.start();
    if (!this.client) throw new Error('the analysis server of this folder did not start');
    return type instanceof RequestType0
      ? this.client.sendRequest(type)
      : this.client.sendRequest(type, params);
  }
}
