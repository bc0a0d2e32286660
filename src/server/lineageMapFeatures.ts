/** The lineage map in the editor: semantic diagnostics against the indexed models, and "add this model" actions. */
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import {
  CodeActionKind,
  DiagnosticSeverity,
  type CodeAction,
  type Diagnostic,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseLineageMap } from '../engine/analyse/lineageMap';
import { sizeFromName } from '../engine/analyse/models';
import type { ModelJson } from '../engine/report/results';
import { Commands } from '../protocol/commands';

const SOURCE = 'Failure-First Lens';

function rangeOf(doc: TextDocument, node: Node | undefined): Diagnostic['range'] {
  if (!node) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { start: doc.positionAt(node.offset), end: doc.positionAt(node.offset + node.length) };
}

/** Semantic problems of the map's text against the models of the last analysis. */
export function lineageMapDiagnostics(doc: TextDocument, models: ModelJson[]): Diagnostic[] {
  const text = doc.getText();
  const tree = parseTree(text);
  if (!tree) return []; // syntax errors: the JSON language service reports them
  const map = parseLineageMap(text, 'workspace');
  if (map.source === 'default') {
    return map.problems.map((p) => ({
      range: rangeOf(doc, tree),
      severity: DiagnosticSeverity.Error,
      source: SOURCE,
      message: p.reason,
    }));
  }
  const out: Diagnostic[] = [];
  const matchNode = (li: number, mi: number): Node | undefined =>
    findNodeAtLocation(tree, ['lineages', li, 'members', mi, 'match']);
  const paramsNode = (li: number, mi: number): Node | undefined =>
    findNodeAtLocation(tree, ['lineages', li, 'members', mi, 'params']);
  for (const p of map.problems) {
    const w = p.where;
    out.push({
      range: rangeOf(doc, w && w.member !== undefined ? matchNode(w.lineage, w.member) : tree),
      severity: DiagnosticSeverity.Error,
      source: SOURCE,
      code: 'bad-regex',
      message: p.reason,
    });
  }
  const candidates = models.filter((m) => map.exclusion(m.key) === null);
  const matchedBy = new Map<string, { lineage: string; li: number; mi: number }>();
  for (const member of map.members) {
    if (!member.regex) continue;
    const hits = candidates.filter((m) => member.regex?.test(m.key));
    const where = matchNode(member.lineageIndex, member.memberIndex);
    if (hits.length === 0) {
      out.push({
        range: rangeOf(doc, where),
        severity: DiagnosticSeverity.Warning,
        source: SOURCE,
        code: 'matches-nothing',
        message: `${JSON.stringify(member.match)} matches no indexed model`,
      });
      continue;
    }
    for (const m of hits) {
      const first = matchedBy.get(m.key);
      if (first) {
        out.push({
          range: rangeOf(doc, where),
          severity: DiagnosticSeverity.Warning,
          source: SOURCE,
          code: 'matched-twice',
          message: `${m.key} is also matched by lineage "${first.lineage}" member ${first.mi + 1}; the first match wins, this member does not apply to it`,
        });
        continue;
      }
      matchedBy.set(m.key, { lineage: member.lineage, li: member.lineageIndex, mi: member.memberIndex });
      const fromName = sizeFromName(m.key).total;
      if (
        member.params !== null &&
        fromName !== null &&
        Math.abs(fromName - member.params) > 1e-9 * Math.max(1, fromName)
      ) {
        out.push({
          range: rangeOf(doc, paramsNode(member.lineageIndex, member.memberIndex) ?? where),
          severity: DiagnosticSeverity.Warning,
          source: SOURCE,
          code: 'size-contradicts-name',
          message: `params ${member.params} contradicts the name of ${m.key}, which says ${fromName}B; the map's size wins in every regression`,
        });
      }
    }
  }
  return out;
}

/** "Add <model> to a lineage…" for every indexed model no lineage matches (the command asks which lineage). */
export function lineageMapActions(uri: string, models: ModelJson[]): CodeAction[] {
  return models
    .filter((m) => !m.excluded && m.lineage === null)
    .slice(0, 25)
    .map((m) => ({
      title: `Add ${m.key} to a lineage…`,
      kind: CodeActionKind.QuickFix,
      command: {
        title: `Add ${m.key} to a lineage…`,
        command: Commands.addModelToLineage,
        arguments: [uri, m.key, m.params_b],
      },
    }));
}
