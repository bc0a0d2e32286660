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
  DidChangeConfigurationNotification,
  ErrorAction,
  LanguageClient,
  RequestType0,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type RequestType,
  type ServerOptions,
} from 'vscode-languageclient/node';
import type { Analysed, ServerStatus } from '../protocol';
import { ResultsNotification, ResultsReceivedNotification, StatusNotification } from '../protocol/requests';
import type { LensConfiguration, ServerInitOptions } from '../protocol/settings';
import { readConfiguration, withGraderChoice, type GraderChoice } from './configuration';
import { Disposable } from './disposable';
import { SETTINGS_SECTION } from './ids';

/** Files whose changes the server hears about (it decides by its own globs what they are). */
const WATCHED = '**/{*.jsonl,*.db,*.db-wal,lineages.json}';
/** workspaceState: the grader chosen on each folder's page, by folder key (a folder without one follows the setting). */
const GRADER_CHOICES = 'failureFirst.graderChoices';

export class AnalysisServer extends Disposable {
  private client: LanguageClient | null = null;
  private readonly statusEmitter = this._register(new vscode.EventEmitter<ServerStatus>());
  private readonly resultsEmitter = this._register(new vscode.EventEmitter<Analysed>());
  private lastStatus: ServerStatus = {
    state: 'starting',
    traces: 0,
    problems: 0,
    generation: 0,
    analysedAt: null,
  };
  private lastResults: Analysed | null = null;
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

  get results(): Analysed | null {
    return this.lastResults;
  }

  /** The grader chosen on this folder's page; undefined when none was (`failureFirst.grader` counts). */
  get graderChoice(): GraderChoice {
    const choices = this.context.workspaceState.get<Record<string, string | null>>(GRADER_CHOICES, {});
    return Object.hasOwn(choices, this.key) ? choices[this.key] : undefined;
  }

  /**
   * Analyse this folder under `grader` (null: each trace's primary verdict), chosen on its page:
   * kept for the folder in workspaceState (nothing is written into the workspace), and seen by the
   * server as its `failureFirst.grader` until the setting itself changes. `undefined` forgets it.
   */
  async setGraderChoice(grader: GraderChoice): Promise<void> {
    const choices = { ...this.context.workspaceState.get<Record<string, string | null>>(GRADER_CHOICES, {}) };
    if (grader === undefined) delete choices[this.key];
    else choices[this.key] = grader;
    await this.context.workspaceState.update(GRADER_CHOICES, choices);
    // The server asks for its configuration again, and re-analyses if the grader it sees changed.
    if (this.client)
      await this.client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
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
      configuration: readConfiguration(folder.uri, this.graderChoice),
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
        // Reports (CLAIMS.md): the server checks those `failureFirst.reports` names.
        { scheme: 'file', language: 'markdown', pattern: inFolder('**/*') },
      ],
      workspaceFolder: folder,
      synchronize: {
        configurationSection: SETTINGS_SECTION,
        fileEvents: vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, WATCHED)),
      },
      initializationOptions: init,
      outputChannel: this.output,
      errorHandler,
      middleware: {
        workspace: {
          // The server reads failureFirst.grader as the page chose it for this folder.
          configuration: async (params, token, next) => {
            const values = await next(params, token);
            if (!Array.isArray(values)) return values;
            return values.map((v: unknown, i) =>
              params.items[i]?.section === SETTINGS_SECTION && typeof v === 'object' && v !== null
                ? withGraderChoice(v as LensConfiguration, this.graderChoice)
                : v,
            );
          },
        },
      },
    };
    this.client = new LanguageClient('failureFirstLens', 'Failure-First Lens', serverOptions, clientOptions);
    this._register(
      this.client.onNotification(StatusNotification.type, (s) => {
        this.lastStatus = s;
        this.statusEmitter.fire(s);
      }),
    );
    // Each new analysis arrives unasked, before the status that announces it.
    this._register(
      this.client.onNotification(ResultsNotification.type, ({ status, ...results }) => {
        this.lastStatus = status;
        this.lastResults = results;
        void this.client?.sendNotification(ResultsReceivedNotification.type, {
          generation: results.generation,
        });
        this.resultsEmitter.fire(results);
      }),
    );
    // A change of the setting itself is the newer choice: the page's grader gives way to it.
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (
          e.affectsConfiguration(`${SETTINGS_SECTION}.grader`, folder.uri) &&
          this.graderChoice !== undefined
        )
          void this.setGraderChoice(undefined);
      }),
    );
    await this.client.start();
    this._register({ dispose: () => void this.client?.stop() });
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
