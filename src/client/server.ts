/** The language server from the extension's side: start, typed requests, status and results events. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  Notifications,
  Requests,
  type RequestTypes,
  type ResultsDocument,
  type ServerInitOptions,
  type ServerStatus,
} from '../protocol';
import { Disposable } from './disposable';
import { OUTPUT_CHANNEL, SETTINGS_SECTION } from './ids';

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
  readonly output = this._register(vscode.window.createOutputChannel(OUTPUT_CHANNEL, { log: true }));

  /** Status changes (indexing progress, new analysis, errors). */
  readonly onStatus = this.statusEmitter.event;
  /** A new analysis (a new generation of the results document). */
  readonly onResults = this.resultsEmitter.event;

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
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
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return;
    const module = this.context.asAbsolutePath(path.join('dist', 'server.js'));
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const storage = this.context.storageUri ?? this.context.globalStorageUri;
    await vscode.workspace.fs.createDirectory(storage);
    const init: ServerInitOptions = {
      indexPath: path.join(storage.fsPath, 'index.sqlite'),
      settings: vscode.workspace.getConfiguration(
        SETTINGS_SECTION,
      ) as unknown as ServerInitOptions['settings'],
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
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'jsonl' },
        { scheme: 'file', pattern: '**/*.jsonl' },
        { scheme: 'file', pattern: '**/.failure-first/lineages.json' },
      ],
      synchronize: {
        configurationSection: SETTINGS_SECTION,
        fileEvents: vscode.workspace.createFileSystemWatcher(WATCHED),
      },
      initializationOptions: init,
      outputChannel: this.output,
      errorHandler,
    };
    this.client = new LanguageClient('failureFirstLens', 'Failure-First Lens', serverOptions, clientOptions);
    this._register(
      this.client.onNotification(Notifications.status, (s: ServerStatus) => {
        this.lastStatus = s;
        this.statusEmitter.fire(s);
        if (s.state === 'ready' && s.generation !== this.lastResults?.generation) void this.fetchResults();
      }),
    );
    await this.client.start();
    this._register({ dispose: () => void this.client?.stop() });
  }

  private async fetchResults(): Promise<void> {
    const r = await this.request(Requests.results, {});
    if (r.document && r.generation !== this.lastResults?.generation) {
      this.lastResults = { document: r.document, generation: r.generation };
      this.resultsEmitter.fire(this.lastResults);
    }
  }

  async request<M extends keyof RequestTypes>(
    method: M,
    params: RequestTypes[M]['params'],
  ): Promise<RequestTypes[M]['result']> {
    await this.start();
    if (!this.client) throw new Error('Failure-First Lens needs an open folder.');
    return this.client.sendRequest<RequestTypes[M]['result']>(method, params);
  }
}
