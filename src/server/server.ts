/**
 * The Failure-First language server: owns the index and the engine, refreshes when run files
 * change, and answers the custom requests of src/protocol. It never imports `vscode`.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createConnection,
  ProposedFeatures,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { renderMarkdown } from '../engine/report/markdown';
import { tracesPerGrader } from '../engine/analyse/join';
import type { ServerStatus } from '../protocol';
import {
  AgreementRequest,
  CompareRequest,
  CorpusRowRequest,
  MarkdownRequest,
  ReanalyseRequest,
  ResultsNotification,
  ResultsReceivedNotification,
  StatusNotification,
  TraceDetailRequest,
  TracesRequest,
} from '../protocol/requests';
import { SETTINGS_SECTION, type LensConfiguration, type ServerInitOptions } from '../protocol/settings';
import { AnalysisHost } from './analysisHost';
import { readRowText } from '../engine/read/traceText';
import { EditorFeatures, editorCapabilities } from './editorFeatures';
import { SavedAnalyses } from './savedAnalyses';
import { reportGlobs, settingsFromConfig } from './settings';
import { TraceQueries } from './traceQueries';

const connection = createConnection(ProposedFeatures.all);
let host: AnalysisHost | null = null;
let queries: TraceQueries | null = null;
/** How long diagnostics wait for the client to say it has the results (ResultsReceivedNotification). */
const PUBLISH_WAIT_MS = 1000;
let publishTimer: NodeJS.Timeout | null = null;
const editor = new EditorFeatures(connection, () => host);
const saved = new SavedAnalyses();

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
    host = new AnalysisHost(root, options.indexPath ?? null, settingsFromConfig(options.configuration), {
      status: (s: ServerStatus) => void connection.sendNotification(StatusNotification.type, s),
      analysed: (run, status) => {
        queries = null;
        void connection.sendNotification(ResultsNotification.type, {
          document: run.document,
          generation: status.generation,
          graders: tracesPerGrader(run.traceSet).map(([name, traces]) => ({ name, traces })),
          status,
        });
        // Diagnostics and lenses (a scenario catalog: ~25 ms on 40,000 traces) once the client has the
        // results: done now, they would hold up the sending of the 0.3 MB that the page waits for.
        if (publishTimer) clearTimeout(publishTimer);
        publishTimer = setTimeout(publishDiagnostics, PUBLISH_WAIT_MS);
      },
      log: (m) => connection.console.error(m),
      info: (m) => connection.console.info(m),
      warn: (m) => void connection.window.showWarningMessage(m),
    });
    editor.setReportGlobs(reportGlobs(options.configuration));
  }
  return { capabilities: editorCapabilities, serverInfo: { name: 'failure-first-lens' } };
});

/** The editor's diagnostics and lenses for the latest analysis; a failure is logged, never fatal. */
function publishDiagnostics(): void {
  if (publishTimer) clearTimeout(publishTimer);
  publishTimer = null;
  try {
    editor.publish();
  } catch (e) {
    connection.console.error(
      `diagnostics failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
    );
  }
}

connection.onInitialized(() => {
  void host?.refreshNow();
});

connection.onDidChangeConfiguration(async () => {
  if (!host) return;
  // JSON from the client, checked value by value in settingsFromConfig.
  // Scoped to this server's folder: in a multi-root workspace each folder may set its own.
  const config = (await connection.workspace.getConfiguration({
    scopeUri: pathToFileURL(host.root).toString(),
    section: SETTINGS_SECTION,
  })) as LensConfiguration;
  host.setSettings(settingsFromConfig(config));
  editor.setReportGlobs(reportGlobs(config));
});

connection.onDidChangeWatchedFiles((e) => {
  connection.console.info(`${e.changes.length} watched file change(s); refreshing`);
  host?.scheduleRefresh();
});

connection.onNotification(ResultsReceivedNotification.type, ({ generation }) => {
  if (publishTimer && generation === host?.status.generation) publishDiagnostics();
});
connection.onRequest(CompareRequest.type, ({ source, label }) => {
  const h = requireHost();
  const run = h.run;
  if (!run) throw new Error('the workspace has not been analysed yet');
  return saved.compare(source, label, { document: run.document, root: h.root, settings: h.settings });
});
connection.onRequest(ReanalyseRequest.type, async () => {
  const h = requireHost();
  await h.refreshNow();
  return h.status;
});
connection.onRequest(TracesRequest.type, (params) => currentQueries().page(params));
connection.onRequest(TraceDetailRequest.type, ({ id }) => currentQueries().detail(id));
connection.onRequest(AgreementRequest.type, ({ primary, secondary }) =>
  currentQueries().confusion(primary, secondary),
);
connection.onRequest(MarkdownRequest.type, () => {
  const doc = requireHost().run?.document;
  if (!doc) throw new Error('the workspace has not been analysed yet');
  return renderMarkdown(doc);
});
connection.onRequest(CorpusRowRequest.type, ({ path, id }) => {
  const h = requireHost();
  const row = readRowText(h.root, path, id);
  return `// result ${id} of ${path} (read-only)\n${row.raw}\n`;
});

connection.onShutdown(() => {
  if (publishTimer) clearTimeout(publishTimer);
  host?.close();
});
connection.listen();
