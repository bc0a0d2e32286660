/**
 * The index brought to the text researchers edit: CodeLens and hovers with a scenario's evidence,
 * Go to Definition / Find All References between traces and scenarios, diagnostics from the index,
 * and the lineage map's semantic checks and quick fixes.
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import {
  CodeLensRefreshRequest,
  TextDocuments,
  type CodeLens,
  type Connection,
  type Diagnostic,
  type Hover,
  type Location,
  type ServerCapabilities,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileClassifier } from '../engine/read/discover';
import { readRange } from '../engine/read/jsonl';
import type { FileKind } from '../engine/settings';
import { Commands, CORPUS_ROW_SCHEME } from '../protocol/commands';
import type { AnalysisHost } from './analysisHost';
import { computeDiagnostics } from './diagnostics';
import { tokenAt, valueOf } from './jsonLine';
import { lineageMapActions, lineageMapDiagnostics } from './lineageMapFeatures';
import { evidenceTitle, ScenarioCatalog } from '../engine/analyse/scenarios';
import { checkReport, type ReportCheck } from '../engine/report/claims';
import { DEFAULT_REPORT_GLOBS } from '../protocol/settings';
import { reportActions, reportDiagnostics, reportHover, reportLenses } from './reportFeatures';

export const editorCapabilities: ServerCapabilities = {
  textDocumentSync: { openClose: true, change: 2 },
  codeLensProvider: { resolveProvider: false },
  hoverProvider: true,
  definitionProvider: true,
  referencesProvider: true,
  codeActionProvider: true,
};

const SCENARIO_KEYS_IN_RUNS = new Set(['scenario_id', 'episode_id', 'id']);
/** Wait this long after the last keystroke in a report before checking it again. */
const REPORT_DEBOUNCE_MS = 150;

export class EditorFeatures {
  readonly documents = new TextDocuments(TextDocument);
  private catalog: ScenarioCatalog | null = null;
  private catalogGeneration = -1;
  private published = new Set<string>();
  private mapTimer: NodeJS.Timeout | null = null;
  private isReportPath = picomatch([...DEFAULT_REPORT_GLOBS], { dot: true });
  /** Each open report's last check, with the text version and analysis it was made from. */
  private readonly checks = new Map<string, { version: number; generation: number; check: ReportCheck }>();
  private readonly reportTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly connection: Connection,
    private readonly host: () => AnalysisHost | null,
  ) {
    this.documents.listen(connection);
    this.documents.onDidChangeContent((e) => {
      if (this.isLineageMap(e.document.uri)) this.scheduleMapDiagnostics();
      else if (this.isReport(e.document.uri)) this.scheduleReport(e.document.uri);
    });
    this.documents.onDidClose((e) => this.forgetReport(e.document.uri));
    connection.onCodeLens((p) => {
      const uri = p.textDocument.uri;
      if (!this.isReport(uri)) return this.codeLenses(uri);
      const check = this.reportCheck(uri);
      return check ? reportLenses(check, this.rootUri()) : [];
    });
    connection.onHover((p) => {
      const uri = p.textDocument.uri;
      if (!this.isReport(uri)) return this.hover(uri, p.position.line, p.position.character);
      const check = this.reportCheck(uri);
      return check && reportHover(check, p.position.line, p.position.character);
    });
    connection.onDefinition((p) =>
      this.definition(p.textDocument.uri, p.position.line, p.position.character),
    );
    connection.onReferences((p) =>
      this.references(
        p.textDocument.uri,
        p.position.line,
        p.position.character,
        p.context.includeDeclaration,
      ),
    );
    connection.onCodeAction((p) => {
      const h = this.host();
      const uri = p.textDocument.uri;
      if (!h?.run) return [];
      if (this.isReport(uri)) {
        const check = this.reportCheck(uri);
        return check ? reportActions(check, uri, p.range) : [];
      }
      return this.isLineageMap(uri) ? lineageMapActions(uri, h.run.document.models) : [];
    });
  }

  // ---------------------------------------------------------------- helpers

  private rel(uri: string): string | null {
    const h = this.host();
    if (!h || !uri.startsWith('file:')) return null;
    const rel = path.relative(h.root, fileURLToPath(uri)).split(path.sep).join('/');
    return rel.startsWith('..') ? null : rel;
  }

  private kindOf(uri: string): FileKind | null {
    const h = this.host();
    const rel = this.rel(uri);
    if (!h || rel === null) return null;
    if (rel === h.settings.lineageMapPath) return 'lineages';
    return fileClassifier(h.settings.globs)(rel);
  }

  private isLineageMap(uri: string): boolean {
    return this.kindOf(uri) === 'lineages';
  }

  /** A Markdown report of `failureFirst.reports` (any file the globs name is read as Markdown). */
  private isReport(uri: string): boolean {
    const rel = this.rel(uri);
    return rel !== null && this.isReportPath(rel);
  }

  /** `failureFirst.reports` changed: check what it names now, forget what it no longer does. */
  setReportGlobs(globs: readonly string[]): void {
    this.isReportPath = picomatch([...globs], { dot: true });
    for (const uri of [...this.checks.keys()]) if (!this.isReport(uri)) this.forgetReport(uri);
    this.publishReports();
  }

  /** The folder this server analyses, as a URI (null before it has one). */
  private rootUri(): string | null {
    const h = this.host();
    return h ? pathToFileURL(h.root).toString() : null;
  }

  private uriOf(rel: string): string {
    const h = this.host();
    return pathToFileURL(path.join(h?.root ?? '', rel)).toString();
  }

  /** The catalog of the current analysis. */
  private scenarios(): ScenarioCatalog | null {
    const h = this.host();
    if (!h?.run) return null;
    if (!this.catalog || this.catalogGeneration !== h.status.generation) {
      this.catalog = new ScenarioCatalog(h.run, h.index);
      this.catalogGeneration = h.status.generation;
    }
    return this.catalog;
  }

  private lineText(uri: string, line: number): string | null {
    const doc = this.documents.get(uri);
    if (!doc) return null;
    return doc
      .getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } })
      .replace(/\r?\n$/, '');
  }

  /** The scenario id under the cursor: `id` in a scenario file, `scenario_id` (or its fallbacks) in a run file. */
  private scenarioIdAt(uri: string, line: number, character: number): string | null {
    const kind = this.kindOf(uri);
    if (kind !== 'scenarios' && kind !== 'traces' && kind !== 'graded' && kind !== 'xgrader') return null;
    const text = this.lineText(uri, line);
    if (text === null) return null;
    const t = tokenAt(text, character);
    if (!t || t.isKey || t.key === null) return null;
    if (kind === 'scenarios') return t.key === 'id' ? t.value : null;
    return SCENARIO_KEYS_IN_RUNS.has(t.key) ? t.value : null;
  }

  // ---------------------------------------------------------------- features

  private codeLenses(uri: string): CodeLens[] {
    if (this.kindOf(uri) !== 'scenarios') return [];
    const doc = this.documents.get(uri);
    const catalog = this.scenarios();
    if (!doc || !catalog) return [];
    const lenses: CodeLens[] = [];
    const lines = doc.getText().split('\n');
    lines.forEach((text, i) => {
      if (!text.includes('"id"')) return;
      let id: unknown;
      try {
        id = (JSON.parse(text) as { id?: unknown }).id;
      } catch {
        return;
      }
      if (typeof id !== 'string' || id.trim() === '') return;
      const ev = catalog.evidence(id);
      lenses.push({
        range: { start: { line: i, character: 0 }, end: { line: i, character: 0 } },
        command: {
          title: evidenceTitle(ev),
          command: Commands.showTraces,
          // With the folder, so that the page of this folder opens (multi-root workspaces).
          arguments: [{ kind: 'scenario', scenarioId: id }, this.rootUri()],
        },
      });
    });
    return lenses;
  }

  private hover(uri: string, line: number, character: number): Hover | null {
    const id = this.scenarioIdAt(uri, line, character);
    const catalog = this.scenarios();
    if (id === null || !catalog) return null;
    const ev = catalog.evidence(id);
    const cell = (s: string): string =>
      s.replace(/[\\`*_[\]<>|#]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`));
    const lines = [`**Scenario ${cell(id)}** · ${cell(evidenceTitle(ev))}`, ''];
    if (ev.perModel.length > 0) {
      lines.push(
        '| model | n | COMPLIANCE | PARTIAL | REFUSAL | HALL. REF. | other | strict | dilution A → B |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---|',
      );
      for (const m of ev.perModel) {
        const v = m.verdicts;
        const other = Object.entries(v)
          .filter(([k]) => !['COMPLIANCE', 'PARTIAL', 'REFUSAL', 'HALLUCINATION_REFUSAL'].includes(k))
          .map(([k, n]) => `${k} ${n}`)
          .join(', ');
        const strict = m.n > 0 ? `${Math.round((100 * m.compliance) / m.n)}%` : '–';
        const d = m.dilution;
        const dil = d ? `${d.aCompliance}/${d.a} → ${d.bCompliance}/${d.b}` : '';
        lines.push(
          `| ${cell(m.model)} | ${m.n} | ${v.COMPLIANCE ?? 0} | ${v.PARTIAL ?? 0} | ${v.REFUSAL ?? 0} | ${v.HALLUCINATION_REFUSAL ?? 0} | ${cell(other)} | ${strict} | ${dil} |`,
        );
      }
    }
    return { contents: { kind: 'markdown', value: lines.join('\n') } };
  }

  private definition(uri: string, line: number, character: number): Location[] {
    const id = this.scenarioIdAt(uri, line, character);
    const catalog = this.scenarios();
    const h = this.host();
    if (id === null || !catalog || !h || this.kindOf(uri) === 'scenarios') return [];
    return catalog
      .definitionsOf(id)
      .map((d) => this.locate(h.root, d.path, d.line, d.offset, d.length, ['id']));
  }

  private references(uri: string, line: number, character: number, includeDeclaration: boolean): Location[] {
    const id = this.scenarioIdAt(uri, line, character);
    const catalog = this.scenarios();
    const h = this.host();
    if (id === null || !catalog || !h) return [];
    const out: Location[] = [];
    if (includeDeclaration)
      for (const d of catalog.definitionsOf(id))
        out.push(this.locate(h.root, d.path, d.line, d.offset, d.length, ['id']));
    const files = catalog.analysis.traceSet.files;
    let exact = 0;
    for (const t of catalog.traces(id)) {
      const f = files[t.file];
      if (!f) continue;
      if (f.kind === 'database') {
        out.push({
          // The folder goes in the query: a multi-root workspace has a server (and corpus) per folder.
          uri: `${CORPUS_ROW_SCHEME}:/${f.path}/result-${t.line}.json?root=${encodeURIComponent(pathToFileURL(h.root).toString())}`,
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        });
      } else if (exact++ < 2000)
        out.push(
          this.locate(h.root, f.path, t.line, t.offset, t.length, ['scenario_id', 'episode_id', 'id']),
        );
      else
        out.push({
          uri: this.uriOf(f.path),
          range: { start: { line: t.line - 1, character: 0 }, end: { line: t.line - 1, character: 0 } },
        });
    }
    return out;
  }

  /** A location on a line, narrowed to the value of the first of `keys` found there. */
  private locate(
    root: string,
    rel: string,
    line: number,
    offset: number,
    length: number,
    keys: string[],
  ): Location {
    let start = 0;
    let end = 0;
    try {
      const text = readRange(path.join(root, rel), offset, Math.min(length, 1 << 20));
      const v = valueOf(text, keys);
      if (v) {
        start = v.start;
        end = v.end;
      }
    } catch {
      // the file changed: the start of the line
    }
    return {
      uri: this.uriOf(rel),
      range: { start: { line: line - 1, character: start }, end: { line: line - 1, character: end } },
    };
  }

  // ---------------------------------------------------------------- reports (CLAIMS.md)

  /** An open report's figures checked against the current analysis; null before the first analysis. */
  private reportCheck(uri: string): ReportCheck | null {
    const h = this.host();
    const doc = this.documents.get(uri);
    if (!h?.run || !doc) return null;
    const generation = h.status.generation;
    const kept = this.checks.get(uri);
    if (kept?.version === doc.version && kept.generation === generation) return kept.check;
    const check = checkReport(doc.getText(), h.run.document, h.run.lineages.names);
    this.checks.set(uri, { version: doc.version, generation, check });
    return check;
  }

  private scheduleReport(uri: string): void {
    clearTimeout(this.reportTimers.get(uri));
    this.reportTimers.set(
      uri,
      setTimeout(() => {
        this.reportTimers.delete(uri);
        this.publishReport(uri);
        void this.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
      }, REPORT_DEBOUNCE_MS),
    );
  }

  private publishReport(uri: string): void {
    const check = this.reportCheck(uri);
    if (check) void this.connection.sendDiagnostics({ uri, diagnostics: reportDiagnostics(check) });
  }

  /** Every open report, checked again (a new analysis, new globs). */
  private publishReports(): void {
    for (const doc of this.documents.all()) if (this.isReport(doc.uri)) this.publishReport(doc.uri);
  }

  private forgetReport(uri: string): void {
    clearTimeout(this.reportTimers.get(uri));
    this.reportTimers.delete(uri);
    if (this.checks.delete(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  // ---------------------------------------------------------------- diagnostics

  /** After every analysis: the index's problems and the map's, published; cleared where gone. */
  publish(): void {
    const h = this.host();
    const catalog = this.scenarios();
    if (!h?.run || !catalog) return;
    const byPath = computeDiagnostics(h.root, h.index, h.run, catalog);
    const mapUri = this.uriOf(h.settings.lineageMapPath);
    const map = this.mapDiagnostics();
    const next = new Set<string>();
    for (const [rel, diagnostics] of byPath) {
      const uri = this.uriOf(rel);
      next.add(uri);
      void this.connection.sendDiagnostics({
        uri,
        diagnostics: uri === mapUri ? [...diagnostics, ...map] : diagnostics,
      });
    }
    if (!next.has(mapUri) && map.length > 0) {
      next.add(mapUri);
      void this.connection.sendDiagnostics({ uri: mapUri, diagnostics: map });
    }
    for (const uri of this.published)
      if (!next.has(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    this.published = next;
    this.publishReports();
    void this.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  }

  private mapDiagnostics(): Diagnostic[] {
    const h = this.host();
    if (!h?.run) return [];
    const uri = this.uriOf(h.settings.lineageMapPath);
    let doc = this.documents.get(uri);
    if (!doc) {
      try {
        const abs = path.join(h.root, h.settings.lineageMapPath);
        doc = TextDocument.create(uri, 'json', 0, readRange(abs, 0, 1 << 22));
      } catch {
        return [];
      }
    }
    return lineageMapDiagnostics(doc, h.run.document.models);
  }

  /** While the map is edited: its checks at once, without re-analysing (saving re-analyses). */
  private scheduleMapDiagnostics(): void {
    if (this.mapTimer) clearTimeout(this.mapTimer);
    this.mapTimer = setTimeout(() => {
      this.mapTimer = null;
      const h = this.host();
      if (!h) return;
      const uri = this.uriOf(h.settings.lineageMapPath);
      void this.connection.sendDiagnostics({ uri, diagnostics: this.mapDiagnostics() });
      this.published.add(uri);
    }, 200);
  }
}
