/** Problems: what could not be read, and every input file with its records; a click opens the file. */
import { actionRow, dataSpan, h, replaceChildren, table, td } from '../dom';
import { integer } from '../../src/shared/format';
import type { ResultsIndex } from '../results';
import type { PageContext, View } from './view';

export class ProblemsView implements View {
  readonly element = h('section', { class: 'view problems' });

  constructor(private readonly ctx: PageContext) {}

  render(index: ResultsIndex): void {
    const { problems, files, traces } = index.doc.inputs;
    const omitted = index.doc.inputs.problems_omitted ?? [];
    const problemRows = problems.map((p) => {
      const where = p.line === null ? p.path : `${p.path}:${p.line}`;
      return actionRow(
        h('tr', {}, td(dataSpan(where, 'path')), td(p.code), td(dataSpan(p.reason))),
        `Open ${where} in the editor`,
        () => this.ctx.openInEditor(p.path, p.line),
      );
    });
    // Beyond the first problems of a file, only counts are kept (the engine's per-file bound).
    for (const o of omitted)
      problemRows.push(
        actionRow(
          h(
            'tr',
            { class: 'omitted' },
            td(dataSpan(o.path, 'path')),
            td(o.code),
            td(`${integer(o.count)} more, counted but not listed (only the first of each file are kept)`),
          ),
          `Open ${o.path} in the editor`,
          () => this.ctx.openInEditor(o.path, null),
        ),
      );
    const total = problems.length + omitted.reduce((n, o) => n + o.count, 0);
    const fileRows = files.map((f) => {
      const row = h(
        'tr',
        { class: f.problems > 0 ? 'has-problems' : '' },
        td(dataSpan(f.path, 'path')),
        td(f.kind),
        td(integer(f.records), 'num'),
        td(integer(f.problems), 'num'),
      );
      // A database is not text: there is nothing to show in an editor.
      return f.kind === 'database'
        ? row
        : actionRow(row, `Open ${f.path} in the editor`, () => this.ctx.openInEditor(f.path, null));
    });
    const counts: [string, number][] = [
      ['traces', traces.total],
      ['graded', traces.graded],
      ['ungraded', traces.ungraded],
      ['evaluable', traces.evaluable],
      ['errors', traces.errors],
      ['benign', traces.benign],
      ['unknown label', traces.unknown_label],
    ];
    replaceChildren(
      this.element,
      h('p', { class: 'trace-counts' }, counts.map(([k, v]) => `${integer(v)} ${k}`).join(' \u00b7 ')),
      h('h3', {}, `Problems in the input (${integer(total)})`),
      problemRows.length
        ? table('Problems in the input', ['Where', 'Code', 'Problem'], problemRows, 'problems-table')
        : h('p', { class: 'empty' }, 'No problems: every line was read.'),
      h('h3', {}, `Files (${integer(files.length)})`),
      table('Input files', ['Path', 'Kind', 'Records', 'Problems'], fileRows, 'files-table'),
    );
  }

  selectionChanged(): void {}

  recolor(): void {}
}
