/**
 * The Failure-First language server: owns the index and the engine, refreshes when run files
 * change, and answers the custom requests of src/protocol. It never imports `vscode`.
 */
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  ProposedFeatures,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { renderMarkdown } from '../engine/report/markdown';
import {
  Notifications,
  Requests,
  type RequestTypes,
  type ServerInitOptions,
  type ServerStatus,
} from '../protocol';
import { AnalysisHost } from './analysisHost';
import { readRowText } from '../engine/read/traceText';
import { EditorFeatures, editorCapabilities } from './editorFeatures';
import { settingsFromConfig, type EditorConfig } from './settings';
import { TraceQueries } from './traceQueries';

const connection = createConnection(ProposedFeatures.all);
let host: AnalysisHost | null = null;
let queries: TraceQueries | null = null;
const editor = new EditorFeatures(connection, () => host);

type Handler<M extends keyof RequestTypes> = (
  params: RequestTypes[M]['params'],
) => RequestTypes[M]['result'] | Promise<RequestTypes[M]['result']>;
function onRequest<M extends keyof RequestTypes>(method: M, handler: Handler<M>): void {
  // The protocol module types each method's params and result; the connection sees them as unknown.
  connection.onRequest(method, (params: unknown) => handler(params as RequestTypes[M]['params']) as unknown);
}

function requireHost(): AnalysisHost {
  if (!host) throw new Error('the server has no workspace folder');
  return host;
}

/** Queries of the current analysis; the trace lists follow the latest run. */
function currentQueries(): TraceQueries {
  const h = requireHost();
  const run = h.run;
  if (!run) throw new Error('the workspace has not been analysed yet');
  if (!queries || queries.generation !== h.status.generation)
    queries = new TraceQueries(run, h.root, h.status.generation);
  return queries;
}

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
  const options = (params.initializationOptions ?? {}) as Partial<ServerInitOptions>;
  if (folder) {
    const root = fileURLToPath(folder);
    host = new AnalysisHost(root, options.indexPath ?? null, settingsFromConfig(options.settings), {
      status: (s: ServerStatus) => void connection.sendNotification(Notifications.status, s),
      analysed: () => {
        queries = null;
        editor.publish();
      },
      log: (m) => connection.console.error(m),
      info: (m) => connection.console.info(m),
    });
  }
  return { capabilities: editorCapabilities, serverInfo: { name: 'failure-first-lens' } };
});

connection.onInitialized(() => {
  void host?.refreshNow();
});

connection.onDidChangeConfiguration(async () => {
  if (!host) return;
  const config = (await connection.workspace.getConfiguration('failureFirst')) as EditorConfig;
  host.setSettings(settingsFromConfig(config));
});

connection.onDidChangeWatchedFiles((e) => {
  connection.console.info(`${e.changes.length} watched file change(s); refreshing`);
  host?.scheduleRefresh();
});

onRequest(
  Requests.status,
  () =>
    host?.status ?? {
      state: 'error',
      traces: 0,
      problems: 0,
      generation: 0,
      analysedAt: null,
      message: 'no workspace folder',
    },
);
onRequest(Requests.results, () => ({
  document: host?.run?.document ?? null,
  generation: host?.status.generation ?? 0,
}));
onRequest(Requests.reanalyse, async () => {
  const h = requireHost();
  await h.refreshNow();
  return h.status;
});
onRequest(Requests.traces, (params) => currentQueries().page(params));
onRequest(Requests.traceDetail, (params) => currentQueries().detail(params.id));
onRequest(Requests.agreement, ({ primary, secondary }) => currentQueries().confusion(primary, secondary));
onRequest(Requests.markdown, () => {
  const doc = requireHost().run?.document;
  if (!doc) throw new Error('the workspace has not been analysed yet');
  return renderMarkdown(doc);
});
onRequest(Requests.corpusRow, ({ path, id }) => {
  const h = requireHost();
  const row = readRowText(h.root, path, id);
  return `// result ${id} of ${path} (read-only)\n${row.raw}\n`;
});

connection.onShutdown(() => host?.close());
connection.listen();
