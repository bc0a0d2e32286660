/**
 * The custom LSP messages between the extension (client) and the language server, declared once
 * with their types (vscode-eslint's customMessages.ts): both sides name `X.type`, never a string.
 * Kept apart from index.ts, which the page imports: this file is the only protocol value imported
 * from vscode-languageserver-protocol.
 */
/* eslint-disable @typescript-eslint/no-namespace -- one namespace per message, as the LSP libraries declare theirs */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type {
  AnalysedWithStatus,
  CompareAnswer,
  CompareSource,
  ConfusionMatrix,
  ServerStatus,
  TraceDetail,
  TracesParams,
  TracesResult,
} from './index';

/** Server → client: the status changed (indexing progress, a new analysis, an error). A new analysis comes first as a ResultsNotification. */
export namespace StatusNotification {
  export const method = 'failureFirst/didChangeStatus';
  export const type = new NotificationType<ServerStatus>(method);
}

/**
 * Server → client: a new analysis, with the status that announces it, sent the moment it is made and
 * before anything else the server does after it (diagnostics, lenses): the page's figures follow a
 * changed file without a request's round trip (issue 8's 250 ms).
 */
export namespace ResultsNotification {
  export const method = 'failureFirst/didAnalyse';
  export const type = new NotificationType<AnalysedWithStatus>(method);
}

/**
 * Client → server: the client holds the analysis of this generation. The server's diagnostics and
 * lenses wait for it (or for a second): their work would otherwise hold up the results' sending.
 */
export namespace ResultsReceivedNotification {
  export const method = 'failureFirst/didReceiveResults';
  export const type = new NotificationType<{ generation: number }>(method);
}

/** Client → server, for the Compare tab: the latest analysis compared with a saved one (COMPARE.md), redone after every analysis. */
export namespace CompareRequest {
  export const method = 'failureFirst/compare';
  export const type = new RequestType<{ source: CompareSource; label: string }, CompareAnswer, void>(method);
}

/** Client → server: refresh the index and analyse now (Re-analyse, from the views, the status bar or the page). */
export namespace ReanalyseRequest {
  export const method = 'failureFirst/reanalyse';
  export const type = new RequestType0<ServerStatus, void>(method);
}

/** Client → server, for the page: one window of the traces behind a number. */
export namespace TracesRequest {
  export const method = 'failureFirst/traces';
  export const type = new RequestType<TracesParams, TracesResult, void>(method);
}

/** Client → server, for the page: a trace's text, verdicts and dilution partner, read from its file. */
export namespace TraceDetailRequest {
  export const method = 'failureFirst/traceDetail';
  export const type = new RequestType<{ id: string }, TraceDetail | null, void>(method);
}

/** Client → server, for the page: the confusion matrix of a grader pair. */
export namespace AgreementRequest {
  export const method = 'failureFirst/agreement';
  export const type = new RequestType<{ primary: string; secondary: string }, ConfusionMatrix, void>(method);
}

/** Client → server: the Markdown report of the latest results (the Markdown export). */
export namespace MarkdownRequest {
  export const method = 'failureFirst/markdown';
  export const type = new RequestType0<string, void>(method);
}

/** Client → server: a corpus row as JSON text (Find All References opens database rows as read-only documents). */
export namespace CorpusRowRequest {
  export const method = 'failureFirst/corpusRow';
  export const type = new RequestType<{ path: string; id: number }, string, void>(method);
}
