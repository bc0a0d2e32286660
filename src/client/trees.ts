/** The Lineages and Attack classes views: the results document as a tree, every number one click from its traces. */
import * as vscode from 'vscode';
import type {
  CellJson,
  HeadlineJson,
  LineageJson,
  LineageMemberJson,
  ModelJson,
  ProblemJson,
  RegressionJson,
  ResultsDocument,
  TraceSelector,
} from '../protocol';
import {
  headlineDecisionText,
  MIX_MEANING,
  MIX_WARNING,
  sharedClassesText,
  undecidedMeaning,
  whyNoFit,
} from '../shared/conclusions';
import {
  CLASSIFICATION_WORDS,
  classificationText,
  fixed,
  integer,
  pp,
  rateWithCi,
  signed,
  signedInterval,
  intervalClassificationText,
  size,
  transition,
} from '../shared/format';
import { Disposable, disposeAll } from './disposable';
import { Commands } from './ids';
import type { Folders } from './folders';
import type { AnalysisServer } from './server';

/** Lookups over one results document. */
export class ResultsIndex {
  readonly models = new Map<string, ModelJson>();
  readonly cellsByModel = new Map<string, CellJson[]>();
  readonly cellsByClass = new Map<string, CellJson[]>();
  readonly regressions = new Map<string, RegressionJson>();

  constructor(readonly doc: ResultsDocument) {
    for (const m of doc.models) this.models.set(m.key, m);
    for (const c of doc.cells) {
      push(this.cellsByModel, c.model, c);
      push(this.cellsByClass, c.attack_class, c);
    }
    for (const r of doc.regressions) this.regressions.set(regressionKey(r.group, r.key), r);
  }

  regression(group: RegressionJson['group'], key: RegressionJson['key']): RegressionJson | undefined {
    return this.regressions.get(regressionKey(group, key));
  }

  /** A model as a lineage member (pooled strict ASR, and over the shared attack classes), with its lineage. */
  memberOf(model: string): { member: LineageMemberJson; lineage: LineageJson } | undefined {
    for (const lineage of this.doc.lineages) {
      const member = lineage.members.find((x) => x.model === model);
      if (member) return { member, lineage };
    }
    return undefined;
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

export const regressionKey = (group: string, key: RegressionJson['key']): string =>
  `${group}\u0000${key.lineage ?? ''}\u0000${key.attack_class ?? ''}\u0000${key.dataset ?? ''}`;

/** "+27.5 pp/decade · inverse scaling · whole CI: uncertain", or why there is no slope. */
function slopeText(r: RegressionJson | undefined): string {
  if (!r) return 'no regression';
  if (!r.ols) return `insufficient: ${whyNoFit(r) ?? 'no slope could be fitted'}`;
  return `${signed(r.ols.slope_pp)} pp/decade · ${CLASSIFICATION_WORDS[r.classification].name} · whole CI: ${intervalClassificationText(r.classification_ci, r.ols.ci_pp !== null)}`;
}

/** The rows of a tooltip that say what a regression's label rests on. */
function labelRows(r: RegressionJson): [string, string][] {
  const why = whyNoFit(r);
  if (why !== null) return [['classification', `insufficient: ${why}`]];
  return [
    ['classification', classificationText(r.classification)],
    [
      'whole 95% CI says',
      `${intervalClassificationText(r.classification_ci, r.ols?.ci_pp != null)}${r.classification_ci === 'UNCERTAIN' ? ': the label rests on the point estimate alone' : ''}`,
    ],
  ];
}

/** "5.7% [3.1, 10.2] (n=175)": a member's rate over the lineage's shared attack classes. */
const sharedText = (m: LineageMemberJson): string => `${rateWithCi(m.shared.strict)} (n=${m.shared.n})`;

function cellFlags(c: CellJson): string[] {
  const f: string[] = [];
  if (c.excluded) f.push('excluded');
  if (c.thin) f.push('thin');
  if (c.outlier) f.push('outlier');
  if (c.off_line) f.push('off the line');
  return f;
}

/**
 * Text as Markdown that shows it as it is: every ASCII punctuation mark escaped (CommonMark), line
 * ends as spaces. Not MarkdownString.appendText: it writes every space as a no-break space, so a
 * long line wrapped inside its words ("shar|ed").
 */
function asText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

function tooltip(title: string, rows: [string, string][]): vscode.MarkdownString {
  // Names come from the researchers' files: escaped as text, never read as Markdown.
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${asText(title)}**\n\n`);
  for (const [k, v] of rows) md.appendMarkdown(`${asText(`${k}: ${v}`)}  \n`);
  return md;
}

function cellTooltip(c: CellJson, m: ModelJson | undefined): vscode.MarkdownString {
  const rows: [string, string][] = [
    ['model', c.model],
    ['size', m?.params_b != null ? `${size(m.params_b)}${m.approximate ? ' (approximate)' : ''}` : 'unknown'],
    ['evaluable n', String(c.n)],
    ['strict ASR', rateWithCi(c.strict)],
    ['broad ASR', rateWithCi(c.broad)],
    ['FD ASR', rateWithCi(c.fd)],
    [
      'counts',
      `COMPLIANCE ${c.counts.COMPLIANCE}, PARTIAL ${c.counts.PARTIAL}, REFUSAL ${c.counts.REFUSAL}, HALLUCINATION_REFUSAL ${c.counts.HALLUCINATION_REFUSAL}`,
    ],
    [
      'not counted',
      `ungraded ${c.ungraded}, errors ${c.errors}, benign ${c.benign}, unknown label ${c.unknown_label}`,
    ],
  ];
  if (c.fit_pp !== null)
    rows.push([
      'line fit',
      `${fixed(c.fit_pp)}% (residual ${pp(c.residual_pp)}, 2s = ${fixed((c.residual_sd_pp ?? 0) * 2)} pp)`,
    ]);
  const flags = cellFlags(c);
  if (flags.length) rows.push(['flags', flags.join(', ')]);
  if (c.exclusion_reason) rows.push(['excluded because the name', c.exclusion_reason]);
  return tooltip(`${c.attack_class} × ${c.model}`, rows);
}

// ------------------------------------------------------------------ nodes

export abstract class LensNode {
  abstract readonly id: string;
  parent: LensNode | undefined;
  abstract item(): vscode.TreeItem;
  /** The item with the figures of the current results (description, tooltip). */
  decorate(t: vscode.TreeItem, _r: ResultsIndex): vscode.TreeItem {
    return t;
  }
  children(_r: ResultsIndex): LensNode[] {
    return [];
  }
  /** Makes this node `child`'s parent (the tree view reveals a node through its parents). */
  adopt<T extends LensNode>(child: T): T {
    child.parent = this;
    return child;
  }
}

const showTraces = (title: string, selector: TraceSelector): vscode.Command => ({
  command: Commands.showTraces,
  title,
  arguments: [selector],
});

export class CellNode extends LensNode {
  readonly id: string;
  constructor(
    readonly cell: CellJson,
    private readonly model: ModelJson | undefined,
    private readonly labelBy: 'attack_class' | 'model',
    scope: string,
  ) {
    super();
    this.id = `${scope}/cell/${cell.attack_class}/${cell.model}`;
  }
  item(): vscode.TreeItem {
    const c = this.cell;
    const label = this.labelBy === 'attack_class' ? c.attack_class : c.model;
    const t = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    t.id = this.id;
    const sized = this.labelBy === 'model' ? `${size(this.model?.params_b, this.model?.approximate)} · ` : '';
    t.description = `${sized}${c.strict ? rateWithCi(c.strict) : 'no evaluable trace'} · n=${c.n}${cellFlags(
      c,
    )
      .map((f) => ` · ${f}`)
      .join('')}`;
    t.tooltip = cellTooltip(c, this.model);
    t.iconPath = new vscode.ThemeIcon(
      c.outlier
        ? 'warning'
        : c.off_line
          ? 'debug-breakpoint-log-unverified'
          : c.thin
            ? 'circle-outline'
            : 'circle-filled',
    );
    t.contextValue = `cell${c.outlier || c.off_line ? '.flagged' : ''}`;
    t.command = showTraces('Show traces', { kind: 'cell', attackClass: c.attack_class, model: c.model });
    return t;
  }
}

export class ModelNode extends LensNode {
  readonly id: string;
  constructor(
    readonly model: ModelJson,
    scope: string,
  ) {
    super();
    this.id = `${scope}/model/${model.key}`;
  }
  item(): vscode.TreeItem {
    const m = this.model;
    const t = new vscode.TreeItem(m.key, vscode.TreeItemCollapsibleState.Collapsed);
    t.id = this.id;
    t.contextValue = 'model';
    t.iconPath = new vscode.ThemeIcon(m.excluded ? 'circle-slash' : 'symbol-class');
    t.command = showTraces('Show traces', { kind: 'model', model: m.key });
    return t;
  }
  override decorate(t: vscode.TreeItem, r: ResultsIndex): vscode.TreeItem {
    const m = this.model;
    const of = r.memberOf(m.key);
    const member = of?.member;
    const mixed = of?.lineage.mix_differs === true;
    const cells = r.cellsByModel.get(m.key) ?? [];
    const n = member?.n ?? cells.reduce((s, c) => s + c.n, 0);
    t.description = [
      m.params_b === null ? 'size unknown' : size(m.params_b, m.approximate),
      `n=${n}`,
      member ? rateWithCi(member.strict) : '',
      member && mixed ? `${MIX_WARNING} shared classes ${sharedText(member)}` : '',
      m.excluded ? `excluded: ${m.exclusion_reason ?? ''}` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    const rows: [string, string][] = [
      ['names', m.names.join(', ')],
      [
        'size',
        m.params_b === null
          ? 'unknown'
          : `${size(m.params_b)}${m.approximate ? ' (approximate)' : ''} from ${m.params_source ?? '?'}`,
      ],
    ];
    if (m.active_params_b !== null) rows.push(['active', size(m.active_params_b)]);
    rows.push(['lineage', m.lineage ?? 'none']);
    if (member) rows.push(['pooled strict ASR', `${rateWithCi(member.strict)} (n=${member.n})`]);
    if (member && of && mixed)
      rows.push([
        `${MIX_WARNING} strict ASR in the shared attack classes`,
        `${sharedText(member)}: ${sharedClassesText(of.lineage)}`,
      ]);
    if (m.excluded) rows.push(['excluded from every scaling analysis', m.exclusion_reason ?? '']);
    t.tooltip = tooltip(m.key, rows);
    return t;
  }
  override children(r: ResultsIndex): LensNode[] {
    return (r.cellsByModel.get(this.model.key) ?? []).map((c) =>
      this.adopt(new CellNode(c, this.model, 'attack_class', this.id)),
    );
  }
}

export class LineageNode extends LensNode {
  readonly id: string;
  constructor(readonly name: string) {
    super();
    this.id = `lineage/${name}`;
  }
  item(): vscode.TreeItem {
    const t = new vscode.TreeItem(this.name, vscode.TreeItemCollapsibleState.Expanded);
    t.id = this.id;
    t.iconPath = new vscode.ThemeIcon('type-hierarchy');
    t.contextValue = 'lineage';
    return t;
  }
  override decorate(t: vscode.TreeItem, r: ResultsIndex): vscode.TreeItem {
    const l = r.doc.lineages.find((x) => x.name === this.name);
    const reg = r.regression('lineage', { lineage: this.name });
    const mixed = l?.mix_differs === true;
    // The shape first (a narrow side bar cuts the end); the icon says already that the mix differs.
    t.description = l
      ? `${l.shape} · ${l.members.length} size${l.members.length === 1 ? '' : 's'}${mixed ? ` · ${MIX_WARNING} mixed attack classes` : ''} · ${slopeText(reg)}`
      : 'no evaluable member';
    // The warning icon: the pooled rates of its members compare different attack-class mixes.
    t.iconPath = new vscode.ThemeIcon(
      mixed ? 'warning' : 'type-hierarchy',
      mixed ? new vscode.ThemeColor('list.warningForeground') : undefined,
    );
    const rows: [string, string][] = [];
    if (l) {
      rows.push(['shape', l.shape]);
      if (mixed)
        rows.push([
          `${MIX_WARNING} attack classes`,
          `its members were attacked with different mixes (${sharedClassesText(l)}). ${MIX_MEANING}`,
        ]);
      for (const m of l.members)
        rows.push([
          m.model,
          `pooled ${rateWithCi(m.strict)} (n=${m.n})${mixed ? ` · shared classes ${sharedText(m)}` : ''}`,
        ]);
      for (const tr of l.transitions) {
        const a = r.models.get(tr.from);
        const b = r.models.get(tr.to);
        rows.push([
          `${tr.from} → ${tr.to}`,
          `${transition(a?.params_b, b?.params_b, tr.delta_pp)}${tr.same_size ? ' (same size)' : ''}`,
        ]);
      }
    }
    if (reg?.ols)
      rows.push(['OLS slope', `${signed(reg.ols.slope_pp)} pp/decade, R² ${fixed(reg.ols.r2, 3)}`]);
    if (reg) rows.push(...labelRows(reg));
    t.tooltip = tooltip(this.name, rows);
    return t;
  }
  override children(r: ResultsIndex): LensNode[] {
    const l = r.doc.lineages.find((x) => x.name === this.name);
    const keys = l
      ? l.members.map((m) => m.model)
      : r.doc.models.filter((m) => m.lineage === this.name).map((m) => m.key);
    const headline = r.doc.dilution.headlines.find((h) => h.lineage === this.name);
    const members = keys.flatMap((k) => {
      const m = r.models.get(k);
      return m ? [this.adopt(new ModelNode(m, this.id))] : [];
    });
    return headline ? [this.adopt(new HeadlineNode(headline, this.id)), ...members] : members;
  }
}

/** A lineage's reasoning-dilution headline: the span with its interval, and the decision it supports. */
export class HeadlineNode extends LensNode {
  readonly id: string;
  constructor(
    readonly headline: HeadlineJson,
    scope: string,
  ) {
    super();
    this.id = `${scope}/headline`;
  }
  item(): vscode.TreeItem {
    const t = new vscode.TreeItem('Dilution headline', vscode.TreeItemCollapsibleState.None);
    t.id = this.id;
    const decision = this.headline.decision;
    t.iconPath = new vscode.ThemeIcon(
      decision === 'EXCEEDS' ? 'pass' : decision === 'BELOW' ? 'circle-slash' : 'question',
    );
    t.contextValue = 'headline';
    t.command = {
      command: Commands.showOnPage,
      title: 'Show the dilution tab',
      arguments: [{ tab: 'dilution' }],
    };
    return t;
  }
  override decorate(t: vscode.TreeItem, r: ResultsIndex): vscode.TreeItem {
    const h = this.headline;
    const threshold = r.doc.settings.headline_threshold_pp;
    t.description = headlineDecisionText(h, threshold);
    const rows: [string, string][] = [
      ['span', `Δ at ${h.largest} minus Δ at ${h.smallest}, with its 95% interval (MOVER)`],
      ['decision', headlineDecisionText(h, threshold)],
    ];
    if (h.decision === 'UNDECIDED') rows.push(['what undecided means', undecidedMeaning(threshold)]);
    t.tooltip = tooltip(`${h.lineage}: reasoning-dilution headline`, rows);
    return t;
  }
}

export class GroupNode extends LensNode {
  readonly id: string;
  constructor(
    readonly label: string,
    readonly kind: 'outside' | 'unknown' | 'excluded',
    private readonly description: string,
  ) {
    super();
    this.id = `group/${kind}`;
  }
  item(): vscode.TreeItem {
    const t = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.Collapsed);
    t.id = this.id;
    t.description = this.description;
    t.iconPath = new vscode.ThemeIcon(
      this.kind === 'excluded' ? 'circle-slash' : this.kind === 'unknown' ? 'question' : 'symbol-misc',
    );
    return t;
  }
  override children(r: ResultsIndex): LensNode[] {
    return modelsOfGroup(r, this.kind).map((m) => this.adopt(new ModelNode(m, this.id)));
  }
}

function modelsOfGroup(r: ResultsIndex, kind: GroupNode['kind']): ModelJson[] {
  const models = r.doc.models;
  if (kind === 'excluded') return models.filter((m) => m.excluded);
  if (kind === 'unknown') return models.filter((m) => !m.excluded && m.params_b === null);
  return models.filter((m) => !m.excluded && m.params_b !== null && m.lineage === null);
}

export class ProblemsNode extends LensNode {
  readonly id = 'problems';
  item(): vscode.TreeItem {
    const t = new vscode.TreeItem('Input problems', vscode.TreeItemCollapsibleState.Collapsed);
    t.id = this.id;
    t.iconPath = new vscode.ThemeIcon('warning');
    return t;
  }
  override decorate(t: vscode.TreeItem, r: ResultsIndex): vscode.TreeItem {
    t.description = `${r.doc.inputs.problems.length} lines or files could not be used`;
    return t;
  }
  override children(r: ResultsIndex): LensNode[] {
    return r.doc.inputs.problems.map((p, i) => this.adopt(new ProblemNode(p, i)));
  }
}

export class ProblemNode extends LensNode {
  readonly id: string;
  constructor(
    readonly problem: ProblemJson,
    index: number,
  ) {
    super();
    this.id = `problem/${index}/${problem.path}:${problem.line ?? ''}`;
  }
  item(): vscode.TreeItem {
    const p = this.problem;
    const t = new vscode.TreeItem(
      `${p.path}${p.line === null ? '' : `:${p.line}`}`,
      vscode.TreeItemCollapsibleState.None,
    );
    t.id = this.id;
    t.description = p.reason;
    t.tooltip = tooltip(t.label as string, [['reason', p.reason]]);
    t.iconPath = new vscode.ThemeIcon('error');
    t.command = { command: Commands.openLocation, title: 'Open', arguments: [p.path, p.line] };
    return t;
  }
}

export class AttackClassNode extends LensNode {
  readonly id: string;
  constructor(readonly attackClass: string) {
    super();
    this.id = `class/${attackClass}`;
  }
  item(): vscode.TreeItem {
    const t = new vscode.TreeItem(this.attackClass, vscode.TreeItemCollapsibleState.Collapsed);
    t.id = this.id;
    t.iconPath = new vscode.ThemeIcon('symbol-event');
    t.contextValue = 'attackClass';
    return t;
  }
  override decorate(t: vscode.TreeItem, r: ResultsIndex): vscode.TreeItem {
    const reg = r.regression('attack_class', { attack_class: this.attackClass });
    const flagged = (r.cellsByClass.get(this.attackClass) ?? []).filter(
      (c) => c.outlier || c.off_line,
    ).length;
    t.description = `${slopeText(reg)}${flagged ? ` · ${flagged} flagged` : ''}`;
    const rows: [string, string][] = [];
    if (reg) {
      rows.push(...labelRows(reg), ['points', String(reg.points.length)], ['traces', String(reg.n_traces)]);
      if (reg.ols) {
        rows.push([
          'OLS slope',
          `${signed(reg.ols.slope_pp, 2)} pp/decade${reg.ols.ci_pp ? ` ${signedInterval(reg.ols.ci_pp, 2)}` : ''}`,
        ]);
        rows.push(['R²', fixed(reg.ols.r2, 3)]);
      }
      if (reg.wls) rows.push(['WLS slope', `${signed(reg.wls.slope_pp, 2)} pp/decade`]);
      if (reg.logistic)
        rows.push([
          'logistic β',
          reg.logistic.beta === null ? 'separated (infinite)' : `${signed(reg.logistic.beta, 3)} per decade`,
        ]);
      const lo = reg.left_out;
      rows.push(['left out', `excluded ${lo.excluded}, unknown size ${lo.unknown_size}, empty ${lo.empty}`]);
    }
    t.tooltip = tooltip(this.attackClass, rows);
    return t;
  }
  override children(r: ResultsIndex): LensNode[] {
    const cells = [...(r.cellsByClass.get(this.attackClass) ?? [])];
    cells.sort(
      (a, b) =>
        (r.models.get(a.model)?.params_b ?? Infinity) - (r.models.get(b.model)?.params_b ?? Infinity) ||
        (a.model < b.model ? -1 : 1),
    );
    return cells.map((c) => this.adopt(new CellNode(c, r.models.get(c.model), 'model', this.id)));
  }
}

class MessageNode extends LensNode {
  constructor(
    readonly id: string,
    private readonly text: string,
  ) {
    super();
  }
  item(): vscode.TreeItem {
    const t = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    t.id = this.id;
    t.iconPath = new vscode.ThemeIcon('loading~spin');
    return t;
  }
}

/** A folder of a multi-root workspace: its section of the tree, holding what the tree shows for one folder. */
export class FolderNode extends LensNode {
  readonly id: string;
  constructor(readonly server: AnalysisServer) {
    super();
    this.id = `folder:${server.key}`;
  }
  item(): vscode.TreeItem {
    const t = new vscode.TreeItem(this.server.folder.name, vscode.TreeItemCollapsibleState.Expanded);
    t.id = this.id;
    t.iconPath = new vscode.ThemeIcon('root-folder');
    const s = this.server.status;
    t.description =
      s.state === 'ready'
        ? `${integer(s.traces)} traces`
        : s.state === 'error'
          ? 'analysis failed'
          : s.state === 'indexing'
            ? `indexing ${Math.round(100 * (s.progress ?? 0))}%`
            : s.state;
    t.tooltip = this.server.folder.uri.fsPath;
    t.contextValue = 'folder';
    return t;
  }
}

/**
 * A view of the results. With one folder it shows that folder's results; with several, one section
 * per folder, each from its own server (ids are made unique per folder, and a node's commands carry
 * its folder, so that a click opens that folder's traces).
 */
abstract class LensTree extends Disposable implements vscode.TreeDataProvider<LensNode> {
  private readonly indexes = new Map<string, ResultsIndex>();
  private readonly changed = this._register(new vscode.EventEmitter<LensNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private subscriptions: vscode.Disposable[] = [];

  constructor(protected readonly folders: Folders) {
    super();
    this.follow();
    this._register(folders.onDidChange(() => this.follow()));
    this._register({ dispose: () => disposeAll(this.subscriptions) });
  }

  /** Listen to every folder's server (again, when folders come and go). */
  private follow(): void {
    disposeAll(this.subscriptions);
    this.subscriptions = [];
    this.indexes.clear();
    for (const server of this.folders.all) {
      const r = server.results;
      if (r) this.indexes.set(server.key, new ResultsIndex(r.document));
      this.subscriptions.push(
        server.onResults(({ document }) => {
          this.indexes.set(server.key, new ResultsIndex(document));
          this.changed.fire(undefined);
        }),
        server.onStatus(() => {
          if (this.folders.multi) this.changed.fire(undefined); // the sections' descriptions
        }),
      );
    }
    this.changed.fire(undefined);
  }

  /** The results of a folder (the only one when `server` is not given and there is one). */
  resultsOf(server: AnalysisServer | undefined): ResultsIndex | null {
    const s = server ?? (this.folders.multi ? undefined : this.folders.all[0]);
    return s ? (this.indexes.get(s.key) ?? null) : null;
  }

  /** The folder a node belongs to: the section above it, or the only folder. */
  serverOf(node: LensNode | undefined): AnalysisServer | undefined {
    for (let n = node; n; n = n.parent) if (n instanceof FolderNode) return n.server;
    return this.folders.multi ? undefined : this.folders.all[0];
  }

  getTreeItem(node: LensNode): vscode.TreeItem {
    const t = node.item();
    if (node instanceof FolderNode) return t;
    const server = this.serverOf(node);
    const r = this.resultsOf(server);
    const out = r ? node.decorate(t, r) : t;
    if (this.folders.multi && server) {
      if (out.id !== undefined) out.id = `${server.key}\u0000${out.id}`;
      // Lineages start folded under their folder's section: the sections are long, and VS Code's
      // tree, asked at once for the members of every open lineage of two sections, was seen to show
      // one folder's members under the other's section (DECISIONS 85).
      if (out.collapsibleState === vscode.TreeItemCollapsibleState.Expanded)
        out.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
      // The folder goes with the click: its traces, its file.
      if (out.command)
        out.command = {
          ...out.command,
          arguments: [...((out.command.arguments ?? []) as unknown[]), server.key],
        };
    }
    return out;
  }

  getParent(node: LensNode): LensNode | undefined {
    return node.parent;
  }

  getChildren(node?: LensNode): LensNode[] {
    if (!node && this.folders.multi) return this.folders.all.map((s) => new FolderNode(s));
    const server = node instanceof FolderNode ? node.server : this.serverOf(node);
    if (!server) return [];
    const r = this.resultsOf(server);
    if (!r) {
      const s = server.status;
      return s.state === 'ready' || s.state === 'starting'
        ? []
        : [
            new MessageNode(
              `message:${server.key}`,
              s.state === 'error' ? `Analysis failed: ${s.message ?? ''}` : 'Indexing the workspace…',
            ),
          ];
    }
    if (r.doc.inputs.traces.total === 0 && r.doc.inputs.problems.length === 0) return []; // the welcome view explains
    if (node && !(node instanceof FolderNode)) return node.children(r);
    const roots = this.roots(r);
    return node ? roots.map((n) => node.adopt(n)) : roots;
  }

  protected abstract roots(r: ResultsIndex): LensNode[];
}

export class LineagesTree extends LensTree {
  protected roots(r: ResultsIndex): LensNode[] {
    const names = [
      ...new Set([
        ...r.doc.lineages.map((l) => l.name),
        ...r.doc.models.filter((m) => m.lineage !== null).map((m) => m.lineage as string),
      ]),
    ];
    const out: LensNode[] = names.map((n) => new LineageNode(n));
    const groups: [GroupNode['kind'], string, string][] = [
      ['outside', 'Outside any lineage', 'in the attack-class regressions, not matched to a lineage'],
      ['unknown', 'Unknown size', 'browsable; left out of every regression'],
      ['excluded', 'Excluded', 'safety training removed (abliterated, uncensored, OBLITERATUS)'],
    ];
    for (const [kind, label, description] of groups) {
      const count = modelsOfGroup(r, kind).length;
      if (count > 0) out.push(new GroupNode(`${label} (${count})`, kind, description));
    }
    if (r.doc.inputs.problems.length > 0) out.push(new ProblemsNode());
    return out;
  }
}

export class AttackClassesTree extends LensTree {
  protected roots(r: ResultsIndex): LensNode[] {
    return [...r.cellsByClass.keys()].map((ac) => new AttackClassNode(ac));
  }
}
