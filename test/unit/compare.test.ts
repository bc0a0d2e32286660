/** Comparing two analyses: every rule of COMPARE.md, on its own example where it gives one. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareAnalyses,
  deltaExcludesZero,
  overturnsConclusion,
  renderComparisonMarkdown,
} from '../../src/engine/report/compare';
import { NotAResultsDocument, parseResultsDocument } from '../../src/engine/report/readResults';
import type { CellJson } from '../../src/engine/report/results';
import { close } from './helpers';
import { cell, headline, lineage, regression, results, wilsonRate } from './resultsDocs';

const SOURCES = { before: 'runs/inverse_scaling/initial_analysis.json', after: 'examples/demo-workspace' };

describe('compare: cells', () => {
  it("COMPARE.md's example: dan_persona qwen3.5:2b from 22/22 to 31/34 is changed, Δ −8.8 pp [−23.0, 7.1]", () => {
    const before = results({ cells: [cell('dan_persona', 'qwen3.5:2b', 22, 22)] });
    const after = results({ cells: [cell('dan_persona', 'qwen3.5:2b', 34, 31)] });
    const [c] = compareAnalyses(before, after, SOURCES).cells;
    assert.ok(c);
    assert.equal(c.status, 'changed');
    assert.deepEqual(c.before, { n: 22, k: 22, strict: wilsonRate(22, 22) });
    assert.deepEqual(c.after, { n: 34, k: 31, strict: wilsonRate(31, 34) });
    // The example's rounded figures (its before interval is {1, 0.851, 1}).
    assert.equal(c.before?.strict?.lo.toFixed(3), '0.851');
    assert.equal(c.delta_pp?.toFixed(1), '-8.8');
    assert.equal(c.delta_ci_pp?.[0].toFixed(1), '-23.0');
    assert.equal(c.delta_ci_pp?.[1].toFixed(1), '7.1');
    // Square-and-add on the two Wilson intervals, ANALYSIS.md §5, with BEFORE as A and AFTER as B.
    const a = wilsonRate(22, 22);
    const b = wilsonRate(31, 34);
    assert.ok(a && b);
    const delta = 100 * b.rate - 100 * a.rate;
    close(c.delta_pp, delta, 1e-12, 'Δ');
    close(c.delta_ci_pp?.[0], delta - 100 * Math.hypot(b.rate - b.lo, a.hi - a.rate), 1e-12, 'lower');
    close(c.delta_ci_pp?.[1], delta + 100 * Math.hypot(b.hi - b.rate, a.rate - a.lo), 1e-12, 'upper');
  });

  it('k is counts.COMPLIANCE; changed when n or k differ, same when both are equal', () => {
    const before = results({
      cells: [cell('a', 'm1', 10, 3), cell('a', 'm2', 10, 3), cell('a', 'm3', 10, 3)],
    });
    const after = results({
      cells: [
        cell('a', 'm1', 10, 3, {
          counts: { COMPLIANCE: 3, PARTIAL: 5, REFUSAL: 2, HALLUCINATION_REFUSAL: 0 },
        }),
        cell('a', 'm2', 11, 3),
        cell('a', 'm3', 10, 4),
      ],
    });
    const cells = compareAnalyses(before, after, SOURCES).cells;
    assert.deepEqual(
      cells.map((c) => [c.model, c.status, c.after?.k]),
      [
        ['m1', 'same', 3],
        ['m2', 'changed', 3],
        ['m3', 'changed', 4],
      ],
    );
    assert.equal(cells[0]?.delta_pp, 0);
  });

  it('a cell on one side only is added or removed, with the other side, Δ and its interval null', () => {
    const before = results({ cells: [cell('a', 'gone', 5, 1)] });
    const after = results({ cells: [cell('a', 'new', 7, 2)] });
    const cells = compareAnalyses(before, after, SOURCES).cells;
    assert.deepEqual(
      cells.map((c) => [
        c.model,
        c.status,
        c.before,
        c.after === null ? null : c.after.n,
        c.delta_pp,
        c.delta_ci_pp,
      ]),
      [
        ['gone', 'removed', { n: 5, k: 1, strict: wilsonRate(1, 5) }, null, null, null],
        ['new', 'added', null, 7, null, null],
      ],
    );
  });

  it('a cell present with n = 0 exists: changed or same, never removed; its Δ and interval are null', () => {
    const before = results({ cells: [cell('a', 'm', 4, 1), cell('b', 'm', 0, 0)] });
    const after = results({ cells: [cell('a', 'm', 0, 0), cell('b', 'm', 0, 0)] });
    const cells = compareAnalyses(before, after, SOURCES).cells;
    assert.deepEqual(
      cells.map((c) => [c.attack_class, c.status, c.after?.strict, c.delta_pp, c.delta_ci_pp]),
      [
        ['a', 'changed', null, null, null],
        ['b', 'same', null, null, null],
      ],
    );
  });

  it('sorts cells by (attack_class, model) in code-point order, whatever the order of either document', () => {
    const before = results({ cells: [cell('b', 'qwen3.5:2b', 1, 0), cell('a', 'qwen3.5:2b', 1, 0)] });
    const after = results({ cells: [cell('b', 'qwen3.5:27b', 1, 0), cell('B', 'x', 1, 0)] });
    assert.deepEqual(
      compareAnalyses(before, after, SOURCES).cells.map((c) => `${c.attack_class} ${c.model}`),
      ['B x', 'a qwen3.5:2b', 'b qwen3.5:27b', 'b qwen3.5:2b'],
    );
  });
});

describe('compare: regressions, lineages, headlines', () => {
  it("COMPARE.md's example: dan_persona from POSITIVE_SCALING (−40.6) to FLAT_OR_NOISY (−3.2) is a classification change", () => {
    const before = results({
      regressions: [
        regression('attack_class', { attack_class: 'dan_persona' }, 'POSITIVE_SCALING', -40.6, {
          n_traces: 444,
        }),
      ],
    });
    const after = results({
      regressions: [
        regression('attack_class', { attack_class: 'dan_persona' }, 'FLAT_OR_NOISY', -3.2, { n_traces: 470 }),
      ],
    });
    const doc = compareAnalyses(before, after, SOURCES);
    assert.deepEqual(doc.regressions, [
      {
        group: 'attack_class',
        key: { attack_class: 'dan_persona' },
        before: { slope_pp: -40.6, classification: 'POSITIVE_SCALING', n_traces: 444 },
        after: { slope_pp: -3.2, classification: 'FLAT_OR_NOISY', n_traces: 470 },
        classification_changed: true,
      },
    ]);
    assert.deepEqual(doc.changes, [
      {
        kind: 'classification',
        what: 'attack_class dan_persona',
        before: 'POSITIVE_SCALING',
        after: 'FLAT_OR_NOISY',
      },
    ]);
  });

  it('a group on one side only has a null side and no classification change; INSUFFICIENT moves count; slope_pp null without a fit', () => {
    const before = results({
      regressions: [
        regression('dataset', { dataset: 'gone' }, 'FLAT_OR_NOISY', 1),
        regression('dataset', { dataset: 'thinned' }, 'POSITIVE_SCALING', -12.7),
      ],
    });
    const after = results({
      regressions: [
        regression('dataset', { dataset: 'new' }, 'INVERSE_SCALING', 9),
        regression('dataset', { dataset: 'thinned' }, 'INSUFFICIENT', null),
      ],
    });
    const doc = compareAnalyses(before, after, SOURCES);
    assert.deepEqual(
      doc.regressions.map((r) => [
        r.key.dataset,
        r.before?.classification ?? null,
        r.after?.slope_pp,
        r.classification_changed,
      ]),
      [
        ['gone', 'FLAT_OR_NOISY', undefined, false],
        ['new', null, 9, false],
        ['thinned', 'POSITIVE_SCALING', null, true],
      ],
    );
    assert.deepEqual(doc.changes, [
      { kind: 'classification', what: 'dataset thinned', before: 'POSITIVE_SCALING', after: 'INSUFFICIENT' },
    ]);
  });

  it('sorts regressions by group, then lineage, attack_class, dataset (ANALYSIS.md §9.10) whatever the input order; `what` lists the key in that order', () => {
    const regs = [
      regression(
        'lineage_attack_class',
        { attack_class: 'crescendo', lineage: 'Qwen 3.5' },
        'INVERSE_SCALING',
        8,
      ),
      regression('lineage_attack_class', { attack_class: 'a', lineage: 'Qwen 3.5' }, 'FLAT_OR_NOISY', 0),
      regression('dilution', { lineage: 'all' }, 'FLAT_OR_NOISY', 1),
      regression('attack_class', { attack_class: 'z' }, 'FLAT_OR_NOISY', 0),
      regression('lineage_attack_class', { attack_class: 'a', lineage: 'Gemma 3' }, 'FLAT_OR_NOISY', 0),
      regression('dataset', { dataset: 'd' }, 'FLAT_OR_NOISY', 0),
      regression('lineage', { lineage: 'Gemma 3' }, 'FLAT_OR_NOISY', 0),
    ];
    const after = regs.map((r) =>
      r.key.attack_class === 'crescendo' ? { ...r, classification: 'FLAT_OR_NOISY' as const } : r,
    );
    const doc = compareAnalyses(
      results({ regressions: regs }),
      results({ regressions: after.reverse() }),
      SOURCES,
    );
    assert.deepEqual(
      doc.regressions.map((r) => `${r.group}:${Object.values(r.key).join('/')}`),
      [
        'attack_class:z',
        'dataset:d',
        'dilution:all',
        'lineage:Gemma 3',
        'lineage_attack_class:a/Gemma 3',
        'lineage_attack_class:a/Qwen 3.5',
        'lineage_attack_class:crescendo/Qwen 3.5',
      ],
    );
    assert.deepEqual(doc.changes[0], {
      kind: 'classification',
      what: 'lineage_attack_class Qwen 3.5 crescendo',
      before: 'INVERSE_SCALING',
      after: 'FLAT_OR_NOISY',
    });
  });

  it("lineages in BEFORE's order, then AFTER's new ones in AFTER's order; shape_changed only when both sides exist and differ", () => {
    const before = results({
      lineages: [lineage('Qwen 3.5', 'PEAK'), lineage('Gemma 3', 'INCREASING'), lineage('Old', 'FLAT')],
    });
    const after = results({
      lineages: [
        lineage('Zeta', 'SINGLE'),
        lineage('Gemma 3', 'FLAT'),
        lineage('Qwen 3.5', 'PEAK'),
        lineage('Alpha', 'FLAT'),
      ],
    });
    const doc = compareAnalyses(before, after, SOURCES);
    assert.deepEqual(doc.lineages, [
      { name: 'Qwen 3.5', before: { shape: 'PEAK' }, after: { shape: 'PEAK' }, shape_changed: false },
      { name: 'Gemma 3', before: { shape: 'INCREASING' }, after: { shape: 'FLAT' }, shape_changed: true },
      { name: 'Old', before: { shape: 'FLAT' }, after: null, shape_changed: false },
      { name: 'Zeta', before: null, after: { shape: 'SINGLE' }, shape_changed: false },
      { name: 'Alpha', before: null, after: { shape: 'FLAT' }, shape_changed: false },
    ]);
    assert.deepEqual(doc.changes, [
      { kind: 'shape', what: 'lineage Gemma 3', before: 'INCREASING', after: 'FLAT' },
    ]);
  });

  it("COMPARE.md's headline example: Qwen 3.5 from 27.1 (meets) to 19.0 (does not), both UNDECIDED, is changed", () => {
    const before = results({
      dilution: { models: [], headlines: [headline('Qwen 3.5', 27.1, true, 'UNDECIDED')] },
    });
    const after = results({
      dilution: { models: [], headlines: [headline('Qwen 3.5', 19.0, false, 'UNDECIDED')] },
    });
    const doc = compareAnalyses(before, after, SOURCES);
    assert.deepEqual(doc.headlines, [
      {
        lineage: 'Qwen 3.5',
        before: { delta_span_pp: 27.1, meets_threshold: true, decision: 'UNDECIDED' },
        after: { delta_span_pp: 19.0, meets_threshold: false, decision: 'UNDECIDED' },
        changed: true,
      },
    ]);
    // Each side shows its decision.
    assert.deepEqual(doc.changes, [
      { kind: 'headline', what: 'headline Qwen 3.5', before: 'UNDECIDED', after: 'UNDECIDED' },
    ]);
  });

  it('a headline changes when its decision or meets_threshold differ, or it exists on one side only; a side from an older document compares meets_threshold only', () => {
    const before = results({
      dilution: {
        models: [],
        headlines: [
          headline('same', 25, true, 'UNDECIDED'),
          headline('decided', 25, true, 'UNDECIDED'),
          headline('old-same', 25, true),
          headline('old-moved', 25, true),
          headline('gone', 25, true, 'EXCEEDS'),
        ],
      },
    });
    const after = results({
      dilution: {
        models: [],
        headlines: [
          headline('new', 30, true),
          headline('same', 26, true, 'UNDECIDED'),
          headline('decided', 41, true, 'EXCEEDS'),
          headline('old-same', 12, true, 'BELOW'),
          headline('old-moved', 12, false, 'BELOW'),
        ],
      },
    });
    const doc = compareAnalyses(before, after, SOURCES);
    assert.deepEqual(
      doc.headlines.map((h) => [h.lineage, h.changed]),
      [
        ['same', false],
        ['decided', true],
        ['old-same', false],
        ['old-moved', true],
        ['gone', true],
        ['new', true],
      ],
    );
    assert.equal(doc.headlines[2]?.before?.decision, null);
    assert.deepEqual(
      doc.changes.map((c) => [c.what, c.before, c.after]),
      [
        ['headline decided', 'UNDECIDED', 'EXCEEDS'],
        ['headline old-moved', true, 'BELOW'],
        ['headline gone', 'EXCEEDS', null],
        ['headline new', null, true],
      ],
    );
  });
});

describe('compare: the document', () => {
  it('lists changes as headlines, classifications, shapes, cells added, cells removed, each run in its section order', () => {
    const before = results({
      cells: [cell('x', 'b-removed', 3, 1), cell('x', 'a-removed', 2, 1)],
      regressions: [regression('attack_class', { attack_class: 'c' }, 'FLAT_OR_NOISY', 1)],
      lineages: [lineage('L', 'PEAK')],
      dilution: { models: [], headlines: [headline('H', 25, true)] },
    });
    const after = results({
      cells: [cell('y', 'added', 4, 4)],
      regressions: [regression('attack_class', { attack_class: 'c' }, 'INVERSE_SCALING', 9)],
      lineages: [lineage('L', 'TROUGH')],
      dilution: { models: [], headlines: [headline('H', 2, false)] },
    });
    const doc = compareAnalyses(before, after, SOURCES);
    assert.deepEqual(doc.changes, [
      { kind: 'headline', what: 'headline H', before: true, after: false },
      { kind: 'classification', what: 'attack_class c', before: 'FLAT_OR_NOISY', after: 'INVERSE_SCALING' },
      { kind: 'shape', what: 'lineage L', before: 'PEAK', after: 'TROUGH' },
      { kind: 'cell_added', what: 'y added', before: null, after: { n: 4, k: 4 } },
      { kind: 'cell_removed', what: 'x a-removed', before: { n: 2, k: 1 }, after: null },
      { kind: 'cell_removed', what: 'x b-removed', before: { n: 3, k: 1 }, after: null },
    ]);
    assert.equal(overturnsConclusion(doc), true);
    const cellsOnly = compareAnalyses(results({ cells: before.cells }), results(), SOURCES);
    assert.equal(cellsOnly.changes.length, 2);
    assert.equal(
      overturnsConclusion(cellsOnly),
      false,
      'a removed cell alone does not fail --fail-on-change',
    );
  });

  it('sides carry the source as given, generated_at, traces = inputs.traces.total and the settings; settings_changed sorted, a missing key compares as null', () => {
    const before = results({ settings: { grader: null } });
    before.inputs.traces.total = 2054;
    const after = results({ settings: { thin_n: 30 } });
    after.inputs.traces.total = 2066;
    after.generated_at = '2026-11-28T09:00:00.000Z';
    const doc = compareAnalyses(before, after, SOURCES, '2026-11-28T10:00:00Z');
    assert.equal(doc.schema, 'failure-first-lens/comparison@1');
    assert.equal(doc.generated_at, '2026-11-28T10:00:00Z');
    assert.deepEqual(
      [doc.before.source, doc.before.traces, doc.after.source, doc.after.traces, doc.after.generated_at],
      [SOURCES.before, 2054, SOURCES.after, 2066, '2026-11-28T09:00:00.000Z'],
    );
    assert.equal(doc.before.settings.grader, null);
    // grader: null against a document without the key is no change; thin_n 20 → 30 is.
    assert.deepEqual(doc.settings_changed, ['thin_n']);
    const graded = compareAnalyses(
      results({ settings: { grader: 'gemma3:27b', b: 1, a: 2 } }),
      results(),
      SOURCES,
    );
    assert.deepEqual(graded.settings_changed, ['a', 'b', 'grader']);
  });

  it('is byte-identical across runs apart from generated_at, and writes numbers at full precision', () => {
    const before = results({ cells: [cell('a', 'm', 7, 3)], lineages: [lineage('L', 'PEAK')] });
    const after = results({ cells: [cell('a', 'm', 9, 2)], lineages: [lineage('L', 'PEAK')] });
    const one = JSON.stringify(compareAnalyses(before, after, SOURCES, 'T1'));
    const two = JSON.stringify(
      compareAnalyses(structuredClone(before), structuredClone(after), SOURCES, 'T2'),
    );
    assert.equal(one.replace('T1', 'T2'), two);
    assert.match(one, /"delta_pp":-20\.63492063492063[0-9]/);
  });

  it('Markdown: the changes first, then the cells whose Δ interval excludes 0, then every changed cell, and the note on non-independent samples', () => {
    const before = results({
      cells: [cell('a', 'moved', 100, 10), cell('a', 'noise', 20, 5), cell('a', 'same', 10, 1)],
      regressions: [regression('dataset', { dataset: 'd' }, 'FLAT_OR_NOISY', 1)],
    });
    const after = results({
      cells: [
        cell('a', 'moved', 100, 60),
        cell('a', 'noise', 22, 6),
        cell('a', 'same', 10, 1),
        cell('b', 'new', 5, 5),
      ],
      regressions: [regression('dataset', { dataset: 'd' }, 'POSITIVE_SCALING', -9)],
    });
    const doc = compareAnalyses(before, after, SOURCES);
    assert.deepEqual(
      doc.cells.filter(deltaExcludesZero).map((c) => c.model),
      ['moved'],
    );
    const md = renderComparisonMarkdown(doc);
    const at = (s: string): number => {
      const i = md.indexOf(s);
      assert.ok(i >= 0, `missing ${s}`);
      return i;
    };
    assert.ok(
      at('## Changes') < at('| classification | dataset d | FLAT\\_OR\\_NOISY | POSITIVE\\_SCALING |'),
    );
    assert.ok(at('| cell added | b new | – | n 5, k 5 |') < at('## Cells whose strict ASR moved'));
    assert.ok(at('## Cells whose strict ASR moved') < at('## Every changed cell'));
    const moved = md.slice(at('## Cells whose strict ASR moved'), at('## Every changed cell'));
    assert.match(moved, /\| a \| moved \| changed \| 10\.0% \(10\/100\) \| 60\.0% \(60\/100\) \| \+50\.0 \[/);
    assert.doesNotMatch(moved, /noise/);
    const changed = md.slice(at('## Every changed cell'));
    assert.match(changed, /\| a \| noise \| changed \|/);
    assert.match(changed, /\| b \| new \| added \|/);
    assert.doesNotMatch(changed, /\| same \|/);
    assert.equal(md.match(/independent samples/g)?.length, 1);
  });
});

describe('reading a saved results document', () => {
  it('accepts results@1 without the fields added later (ANALYSIS.md §10–§12)', () => {
    const doc = results({ dilution: { models: [], headlines: [headline('Q', 1, false)] } });
    assert.equal(parseResultsDocument(JSON.stringify(doc)).dilution.headlines[0]?.lineage, 'Q');
    assert.equal(parseResultsDocument(`\ufeff${JSON.stringify(doc)}`).schema, 'failure-first-lens/results@1');
  });

  it('refuses another schema, text that is not JSON and a document without its arrays, in one line', () => {
    const cases: [string, RegExp][] = [
      [
        JSON.stringify({ ...results(), schema: 'failure-first-lens/comparison@1' }),
        /^schema is "failure-first-lens\/comparison@1", not "failure-first-lens\/results@1"$/,
      ],
      ['{"schema": "failure-first-lens/results@1", ', /^not JSON \(/],
      ['[1, 2]', /not an object/],
      [
        JSON.stringify({ schema: 'failure-first-lens/results@1' }),
        /without generated_at, settings, inputs\.traces\.total, models, cells/,
      ],
      [
        JSON.stringify(
          results({
            cells: [cell('a', 'm', 1, 1), { ...cell('a', 'n', 1, 1), n: '1' } as unknown as CellJson],
          }),
        ),
        /^a failure-first-lens\/results@1 document with a malformed cells\[1\]\.n$/,
      ],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parseResultsDocument(text),
        (e: unknown) =>
          e instanceof NotAResultsDocument && message.test(e.message) && !e.message.includes('\n'),
      );
    }
  });
});
