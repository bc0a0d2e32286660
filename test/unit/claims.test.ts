/** Report claims checked against the data: every rule of CLAIMS.md, on its own examples where it gives them. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  checkReport,
  claimMessage,
  claimsDocument,
  currentValueText,
  formatIntervalLike,
  formatLike,
  type CheckedClaim,
  type ReportCheck,
} from '../../src/engine/report/claims';
import { normaliseHeader } from '../../src/engine/report/claims/tables';
import { renderMarkdown } from '../../src/engine/report/markdown';
import type { ModelJson, ResultsDocument } from '../../src/engine/report/results';
import { cell, lineage, regression, results, wilsonRate } from './resultsDocs';

const REPORT_353 = fs.readFileSync(
  path.join(__dirname, '..', 'fixtures', 'report-353-inverse-scaling.txt'),
  'utf8',
);

function model(key: string, params_b: number | null, lineageName: string | null, names = [key]): ModelJson {
  return {
    key,
    names,
    params_b,
    active_params_b: null,
    params_source: 'name',
    approximate: false,
    lineage: lineageName,
    excluded: false,
    exclusion_reason: null,
  };
}

/** The matched-lineage figures of report #353 (n and COMPLIANCE counts as the demo workspace designs them). */
function doc353(): ResultsDocument {
  return results({
    models: [
      model('gemma3:4b', 4, 'Gemma 3', ['gemma3:4b', 'ollama/gemma3:4b']),
      model('google/gemma-3-27b-it', 27, 'Gemma 3'),
      model('llama3.1:8b', 8, 'Llama 3'),
      model('meta-llama/llama-3.3-70b-instruct', 70, 'Llama 3', ['meta-llama/llama-3.3-70b-instruct:free']),
      model('qwen3.5:0.8b', 0.8, 'Qwen 3.5'),
      model('qwen3.5:2b', 2, 'Qwen 3.5'),
      model('qwen3.5:4b', 4, 'Qwen 3.5'),
      model('qwen/qwen3.5-9b', 9, 'Qwen 3.5'),
      model('mistralai/mistral-small-3.1-24b-instruct', 24, 'Mistral Small'),
      model('mistralai/mistral-small-3.2-24b-instruct', 24, 'Mistral Small'),
    ],
    lineages: [
      lineage('Gemma 3', 'INCREASING', [
        ['gemma3:4b', 4, 32, 0],
        ['google/gemma-3-27b-it', 27, 241, 15],
      ]),
      lineage('Llama 3', 'FLAT', [
        ['llama3.1:8b', 8, 39, 5],
        ['meta-llama/llama-3.3-70b-instruct', 70, 617, 92],
      ]),
      lineage('Qwen 3.5', 'PEAK', [
        ['qwen3.5:0.8b', 0.8, 99, 58],
        ['qwen3.5:2b', 2, 96, 91],
        ['qwen3.5:4b', 4, 95, 75],
        ['qwen/qwen3.5-9b', 9, 108, 62],
      ]),
      lineage('Mistral Small', 'SAME_SIZE', [
        ['mistralai/mistral-small-3.1-24b-instruct', 24, 39, 2],
        ['mistralai/mistral-small-3.2-24b-instruct', 24, 43, 1],
      ]),
    ],
    regressions: [
      regression('dataset', { dataset: 'jailbreak_archaeology' }, 'POSITIVE_SCALING', -12.7312, {
        n_traces: 694,
        ols: { slope_pp: -12.7312, intercept_pp: 40, r2: 0.8434, se_pp: 3, ci_pp: [-44.5512, 99.5449] },
        points: [
          { model: 'a', x: 0, y_pp: 1, n: 1 },
          { model: 'b', x: 1, y_pp: 1, n: 1 },
        ],
      }),
      regression('dataset', { dataset: 'obliteratus_runs' }, 'INSUFFICIENT', null, { n_traces: 6687 }),
      regression('dataset', { dataset: 'benchmark_traces' }, 'FLAT_OR_NOISY', 1.1, { n_traces: 3042 }),
    ],
    cells: [
      cell('dan_persona', 'qwen3.5:2b', 22, 22),
      cell('dan_persona', 'meta-llama/llama-3.3-70b-instruct', 200, 14),
    ],
  });
}

const MAP = ['Gemma 3', 'Llama 3', 'Qwen 3.5', 'Mistral Small'];

const check = (text: string, doc = doc353(), names: readonly string[] = MAP): ReportCheck =>
  checkReport(text, doc, names);
/** (text, kind, status) of every claim: what most rules are about. */
const brief = (r: ReportCheck): [string, string, string][] => r.claims.map((c) => [c.text, c.kind, c.status]);
const only = (r: ReportCheck): CheckedClaim => {
  assert.equal(r.claims.length, 1, JSON.stringify(brief(r)));
  return r.claims[0] as CheckedClaim;
};

describe("claims: CLAIMS.md's own example, report #353", () => {
  it('"4B: n=32, strict ASR = 0.0%" → line 34, columns 26–30, member_strict of gemma3:4b, HOLDS with its interval', () => {
    const r = check(REPORT_353);
    const c = r.claims.find((x) => x.line === 34 && x.kind === 'member_strict');
    assert.ok(c);
    const { actual_ci, ...rest } = claimsDocument(r, 'reports/353.md', '…').claims[r.claims.indexOf(c)] ?? c;
    assert.deepEqual(rest, {
      line: 34,
      column: 26,
      end_column: 30,
      text: '0.0%',
      kind: 'member_strict',
      figure: 'lineages[Gemma 3].members[gemma3:4b].strict.rate',
      claimed: 0.0,
      actual: 0.0,
      status: 'HOLDS',
    });
    assert.deepEqual(
      actual_ci?.map((v) => v.toFixed(1)),
      ['0.0', '10.7'],
    );
  });

  it('its 16 matched-lineage figures are claims that hold, its member lines and transitions found where they are written', () => {
    const r = check(REPORT_353);
    const lineageClaims = r.claims.filter((c) => c.line >= 33 && c.line <= 46);
    assert.equal(lineageClaims.length, 16);
    assert.ok(
      lineageClaims.every((c) => c.status === 'HOLDS'),
      JSON.stringify(brief(r)),
    );
    const line = (n: number): string => REPORT_353.split('\n')[n - 1] as string;
    for (const c of lineageClaims) assert.equal(line(c.line).slice(c.column - 1, c.end_column - 1), c.text);
    assert.deepEqual(
      lineageClaims.filter((c) => c.kind === 'transition').map((c) => [c.text, c.figure]),
      [
        ['+6', 'lineages[Gemma 3].transitions[gemma3:4b→google/gemma-3-27b-it].delta_pp'],
        ['+2', 'lineages[Llama 3].transitions[llama3.1:8b→meta-llama/llama-3.3-70b-instruct].delta_pp'],
      ],
    );
    // `3.1` names mistral-small-3.1-24b-instruct by a bounded substring of its key.
    assert.equal(
      lineageClaims.find((c) => c.text === '5.1%')?.figure,
      'lineages[Mistral Small].members[mistralai/mistral-small-3.1-24b-instruct].strict.rate',
    );
  });

  it('its pooled table: `25,625` is 25625, `−12.73` a slope, `Positive scaling (weak)` a direction; a gone dataset is NOT_FOUND, an INSUFFICIENT one CHANGED', () => {
    const r = check(REPORT_353);
    const table = r.claims.filter((c) => c.line >= 24 && c.line <= 29);
    assert.deepEqual(
      table.map((c) => [c.line, c.text, c.kind, c.claimed, c.status]),
      [
        [26, '25,625', 'regression_n', 25625, 'NOT_FOUND'],
        [26, '−5.17', 'regression_slope', -5.17, 'NOT_FOUND'],
        [26, '0.011', 'regression_r2', 0.011, 'NOT_FOUND'],
        [26, 'Positive scaling (weak)', 'regression_classification', 'POSITIVE_SCALING', 'NOT_FOUND'],
        [27, '6,687', 'regression_n', 6687, 'HOLDS'],
        [27, '−7.59', 'regression_slope', -7.59, 'CHANGED'],
        [27, '0.024', 'regression_r2', 0.024, 'CHANGED'],
        [27, 'Positive scaling (weak)', 'regression_classification', 'POSITIVE_SCALING', 'CHANGED'],
        [28, '694', 'regression_n', 694, 'HOLDS'],
        [28, '−12.73', 'regression_slope', -12.73, 'HOLDS'],
        [28, '0.843', 'regression_r2', 0.843, 'HOLDS'],
        [28, 'Positive scaling (strong)', 'regression_classification', 'POSITIVE_SCALING', 'HOLDS'],
        [29, '3,042', 'regression_n', 3042, 'HOLDS'],
        [29, '+1.10', 'regression_slope', 1.1, 'HOLDS'],
        [29, '0.008', 'regression_r2', 0.008, 'CHANGED'],
        [29, 'Flat', 'regression_classification', 'FLAT_OR_NOISY', 'HOLDS'],
      ],
    );
    // The figure of a group that became INSUFFICIENT is undefined now: CHANGED with a null value.
    assert.equal(table.find((c) => c.text === '−7.59')?.actual, null);
    // Prose is left alone: the abstract's and the conclusion's figures are no claims.
    assert.equal(r.claims.length, 32);
  });
});

describe('claims: tables', () => {
  it('normalises headers: case, emphasis, backticks, a trailing unit, [95% CI] kept apart', () => {
    assert.deepEqual(normaliseHeader('Slope (pp/decade)'), { name: 'slope', unit: 'pp/decade', ci: false });
    assert.deepEqual(normaliseHeader('size (B)'), { name: 'size', unit: 'b', ci: false });
    assert.deepEqual(normaliseHeader('strict ASR [95% CI]'), { name: 'strict asr', unit: null, ci: true });
    assert.deepEqual(normaliseHeader('Δ (pp) [95% CI]'), { name: 'δ', unit: 'pp', ci: true });
    assert.deepEqual(normaliseHeader('**`Direction`**'), { name: 'direction', unit: null, ci: false });
    assert.deepEqual(normaliseHeader('Strict ASR (%)'), { name: 'strict asr', unit: '%', ci: false });
  });

  it('finds a table without blank lines around it; it ends at the first line without an unescaped `|`', () => {
    const text = [
      'Pooled:',
      '| dataset | n |',
      '|---|---|',
      '| jailbreak\\_archaeology | 694 |',
      'The table ended on the line above (an escaped \\| pipe does not continue it)',
      '| benchmark_traces | 9 |',
    ].join('\n');
    assert.deepEqual(brief(check(text)), [['694', 'regression_n', 'HOLDS']]);
    const escaped = [
      '| dataset | n |',
      '|---|---|',
      '| benchmark_traces | 3,042 |',
      'not a row \\| at all',
      '| x | 1 |',
    ];
    assert.deepEqual(brief(check(escaped.join('\n'))), [['3,042', 'regression_n', 'HOLDS']]);
    const blank = [
      '| dataset | n |',
      '|---|---|',
      '| benchmark_traces | 3042 |',
      '',
      '| obliteratus_runs | 1 |',
    ];
    assert.deepEqual(brief(check(blank.join('\n'))), [['3042', 'regression_n', 'HOLDS']]);
  });

  it("reads the tool's matched-lineage table: an empty key cell continues the key above; size, n, strict with interval, transition, shape", () => {
    const text = [
      '| lineage | model | size (B) | n | strict ASR [95% CI] | transition | shape |',
      '|---|---|---:|---:|---|---|---|',
      '| Gemma 3 | gemma3:4b | 4 | 32 | 0.0% [0.0, 10.7] |  | INCREASING |',
      '|  | google/gemma-3-27b-it | 27 | 241 | 6.2% [3.8, 10.0] | +6.2 pp |  |',
      '| Qwen 3.5 | `qwen3.5:2b` | 2 | 96 | 94.8% [88.4, 97.8] | +36.2 pp | PEAK |',
    ].join('\n');
    const r = check(text);
    assert.deepEqual(brief(r), [
      ['4', 'member_size', 'HOLDS'],
      ['32', 'member_n', 'HOLDS'],
      ['0.0%', 'member_strict', 'HOLDS'],
      ['[0.0, 10.7]', 'member_strict_ci', 'HOLDS'],
      ['INCREASING', 'lineage_shape', 'HOLDS'],
      ['27', 'member_size', 'HOLDS'],
      ['241', 'member_n', 'HOLDS'],
      ['6.2%', 'member_strict', 'HOLDS'],
      ['[3.8, 10.0]', 'member_strict_ci', 'HOLDS'],
      ['+6.2', 'transition', 'HOLDS'],
      ['2', 'member_size', 'HOLDS'],
      ['96', 'member_n', 'HOLDS'],
      ['94.8%', 'member_strict', 'HOLDS'],
      ['[88.4, 97.8]', 'member_strict_ci', 'HOLDS'],
      ['+36.2', 'transition', 'HOLDS'],
      ['PEAK', 'lineage_shape', 'HOLDS'],
    ]);
    assert.equal(r.claims[7]?.figure, 'lineages[Gemma 3].members[google/gemma-3-27b-it].strict.rate');
    assert.equal(
      r.claims[9]?.figure,
      'lineages[Gemma 3].transitions[gemma3:4b→google/gemma-3-27b-it].delta_pp',
    );
    assert.deepEqual(r.claims[3]?.claimed, [0, 10.7]);
  });

  it('an (attack class, model) row is a cell; a model names it by its id or canonical key', () => {
    const text = [
      '| attack class | model | n | strict ASR | broad ASR | fit (pp) |',
      '|---|---|---|---|---|---|',
      '| dan_persona | meta-llama/llama-3.3-70b-instruct:free | 200 | 7.0% | 7.0% | 3.1 |',
      '| dan\\_persona | QWEN3.5:2B | 22 | 100.0% |  | – |',
      '| dan_persona | gpt-9 | 1 | 1% | | |',
    ].join('\n');
    const r = check(text);
    assert.deepEqual(brief(r), [
      ['200', 'cell_n', 'HOLDS'],
      ['7.0%', 'cell_strict', 'HOLDS'],
      ['7.0%', 'cell_broad', 'HOLDS'],
      ['3.1', 'cell_fit', 'CHANGED'],
      ['22', 'cell_n', 'HOLDS'],
      ['100.0%', 'cell_strict', 'HOLDS'],
      ['1', 'cell_n', 'NOT_FOUND'],
      ['1%', 'cell_strict', 'NOT_FOUND'],
    ]);
    assert.equal(r.claims[0]?.figure, 'cells[dan_persona meta-llama/llama-3.3-70b-instruct].n');
    // fit_pp is null for a cell outside an attack-class regression: the claim is CHANGED, its value undefined.
    assert.equal(r.claims[3]?.actual, null);
  });

  it('a model row with A n / B n columns is a dilution model', () => {
    const doc = doc353();
    doc.dilution.models.push({
      model: 'qwen/qwen3.5-9b',
      params_b: 9,
      lineage: 'Qwen 3.5',
      a: { n: 50, k: 28, strict: wilsonRate(28, 50) },
      b: { n: 50, k: 43, strict: wilsonRate(43, 50) },
      delta_pp: 30,
      delta_ci_pp: [12.3, 45.4],
      pairs: 50,
      b_only_a: 0,
      b_only_b: 15,
      mcnemar_p: 6.103515625e-5,
      excluded: false,
    });
    const text = [
      '| model | size (B) | A n | A strict | B n | B strict | Δ (pp) [95% CI] | pairs | only A | only B | McNemar p |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      '| qwen/qwen3.5-9b | 9 | 50 | 56.0% | 50 | 86.0% | +30.0 [+12.3, +45.4] | 50 | 0 | 15 | 6.1e-5 |',
    ].join('\n');
    assert.deepEqual(
      brief(check(text, doc)).map(([t, k, s]) => `${t} ${k} ${s}`),
      [
        '9 dilution_size HOLDS',
        '50 dilution_a_n HOLDS',
        '56.0% dilution_a_strict HOLDS',
        '50 dilution_b_n HOLDS',
        '86.0% dilution_b_strict HOLDS',
        '+30.0 dilution_delta HOLDS',
        '[+12.3, +45.4] dilution_delta_ci HOLDS',
        '50 dilution_pairs HOLDS',
        '0 dilution_only_a HOLDS',
        '15 dilution_only_b HOLDS',
        '6.1e-5 dilution_mcnemar_p HOLDS',
      ],
    );
  });

  it('columns outside the table, cells without a number, and rates without `%` (unless the unit is (%)) are no claims', () => {
    const text = [
      '| dataset | n | slope | R² | notes | flags |',
      '|---|---|---|---|---|---|',
      '| benchmark_traces | – | — | n/a | 99 runs | outlier 3 |',
      '',
      '| lineage | model | strict ASR | n |',
      '|---|---|---|---|',
      '| Gemma 3 | gemma3:4b | 0.0 |  |',
      '',
      '| lineage | model | strict ASR (%) |',
      '|---|---|---|',
      '| Gemma 3 | gemma3:4b | 0.0 |',
      '',
      '| model | n |',
      '|---|---|',
      '| gemma3:4b | 32 |',
      '',
      '| lineage | attack class | n |',
      '|---|---|---|',
      '| Gemma 3 | dan_persona | 10 |',
    ].join('\n');
    assert.deepEqual(brief(check(text)), [['0.0', 'member_strict', 'HOLDS']]);
  });

  it('a figure holds within half its last decimal (+1e-9), in the unit written; counts compare exactly; signs −, -, +', () => {
    const row = (slope: string, n: string, r2 = '0.843'): string =>
      [
        '| dataset | n | slope | R² |',
        '|---|---|---|---|',
        `| jailbreak_archaeology | ${n} | ${slope} | ${r2} |`,
      ].join('\n');
    const status = (slope: string, n = '694', r2?: string): string[] =>
      check(row(slope, n, r2)).claims.map((c) => c.status);
    assert.deepEqual(status('−12.73'), ['HOLDS', 'HOLDS', 'HOLDS']);
    assert.deepEqual(status('-12.7'), ['HOLDS', 'HOLDS', 'HOLDS']);
    assert.deepEqual(status('-13'), ['HOLDS', 'HOLDS', 'HOLDS']);
    assert.deepEqual(status('−12.74'), ['HOLDS', 'CHANGED', 'HOLDS']);
    assert.deepEqual(status('+12.73'), ['HOLDS', 'CHANGED', 'HOLDS']);
    assert.deepEqual(status('−12.73', '695'), ['CHANGED', 'HOLDS', 'HOLDS']);
    assert.deepEqual(status('−12.73', '694', '0.84'), ['HOLDS', 'HOLDS', 'HOLDS']);
    assert.deepEqual(status('−12.73', '694', '0.8'), ['HOLDS', 'HOLDS', 'HOLDS']);
    assert.deepEqual(status('−12.73', '694', '0.85'), ['HOLDS', 'HOLDS', 'CHANGED']);
    // 0.5·10⁻¹ + 1e-9: 6.25 written as 6.2 or 6.3 both hold, 6.2501 written as 6.2 does not.
    const doc = doc353();
    const r = doc.regressions[0];
    assert.ok(r?.ols);
    r.ols.slope_pp = 6.25;
    assert.equal(check(row('6.2', '694'), doc).claims[1]?.status, 'HOLDS');
    assert.equal(check(row('6.3', '694'), doc).claims[1]?.status, 'HOLDS');
    r.ols.slope_pp = 6.2501;
    assert.equal(check(row('6.2', '694'), doc).claims[1]?.status, 'CHANGED');
    // `25 625` is 25625 as `25,625` is.
    const big = doc353();
    const g = big.regressions[0];
    assert.ok(g);
    g.n_traces = 25625;
    assert.deepEqual(
      check(row('x', '25 625'), big).claims.map((c) => [c.claimed, c.status]),
      [
        [25625, 'HOLDS'],
        [0.843, 'HOLDS'],
      ],
    );
  });

  it('an interval `[a, b]` holds when both bounds hold', () => {
    const table = (ci: string): string =>
      ['| dataset | 95% CI |', '|---|---|', `| jailbreak_archaeology | ${ci} |`].join('\n');
    assert.deepEqual(brief(check(table('[−44.55, +99.54]'))), [
      ['[−44.55, +99.54]', 'regression_slope_ci', 'HOLDS'],
    ]);
    assert.equal(only(check(table('[-44.6, 99.5]'))).status, 'HOLDS');
    assert.equal(only(check(table('[−44.55, +99.55]'))).status, 'CHANGED');
    assert.equal(only(check(table('[−44.57, +99.54]'))).status, 'CHANGED');
    assert.deepEqual(only(check(table('[−44.55, +99.54]'))).actual, [-44.5512, 99.5449]);
  });

  it('a direction holds when its words name the classification, qualifiers ignored; a shape compares by name; U-shape is prose', () => {
    const dir = (d: string): string[] =>
      check(['| dataset | direction |', '|---|---|', `| benchmark_traces | ${d} |`].join('\n')).claims.map(
        (c) => `${String(c.claimed)} ${c.status}`,
      );
    assert.deepEqual(dir('Flat'), ['FLAT_OR_NOISY HOLDS']);
    assert.deepEqual(dir('flat or noisy (weak)'), ['FLAT_OR_NOISY HOLDS']);
    assert.deepEqual(dir('FLAT_OR_NOISY'), ['FLAT_OR_NOISY HOLDS']);
    assert.deepEqual(dir('Inverse scaling (bigger less safe)'), ['INVERSE_SCALING CHANGED']);
    assert.deepEqual(dir('Positive scaling (strong)'), ['POSITIVE_SCALING CHANGED']);
    assert.deepEqual(dir('insufficient'), ['INSUFFICIENT CHANGED']);
    assert.deepEqual(dir('bigger is safer'), []);
    const shape = (s: string): string[] =>
      check(
        ['| lineage | model | shape |', '|---|---|---|', `| Qwen 3.5 | qwen3.5:2b | ${s} |`].join('\n'),
      ).claims.map((c) => `${c.text} ${c.status}`);
    assert.deepEqual(shape('PEAK'), ['PEAK HOLDS']);
    assert.deepEqual(shape('non-monotonic'), ['non-monotonic CHANGED']);
    assert.deepEqual(shape('U-shape'), []);
  });
});

describe('claims: lineage contexts and member lines', () => {
  it('a context opens at a line or heading naming one lineage and runs to the next line naming one, the next heading or the next table', () => {
    const text = [
      '### Qwen 3.5', //                                     1: a heading opens Qwen's context
      '- 2B: 94.8%', //                                      2
      'Gemma 3 and Llama 3 are compared below.', //          3: names two lineages: ends it
      '- 2B: 94.8%', //                                      4: in no context
      'Gemma 3 lineage (2 sizes)', //                        5
      '',
      '- 4B: n=32, strict ASR = 0.0%', //                    7: a blank line does not end a context
      '## Method', //                                        8: a heading ends it
      '- 4B: n=32, strict ASR = 0.0%', //                    9
      '- Llama 3.1 8B: n=39, strict ASR = 12.8%', //         10: opens Llama 3 and is a member line in it
      '| dataset | n |', //                                 11: a table ends it
      '|---|---|',
      '- 8B: 12.8%', //                                      13: after the table: no context
    ].join('\n');
    const r = check(text);
    assert.deepEqual(
      r.claims.map((c) => `${c.line} ${c.text} ${c.status}`),
      ['2 94.8% HOLDS', '7 32 HOLDS', '7 0.0% HOLDS', '10 39 HOLDS', '10 12.8% HOLDS'],
    );
    assert.deepEqual(
      r.groups.map((g) => [g.title, g.startLine, g.endLine, g.summary, g.page]),
      [
        ['Qwen 3.5', 1, 2, '1 figure holds', { tab: 'lineages', lineage: 'Qwen 3.5' }],
        ['Gemma 3', 5, 7, '2 figures hold', { tab: 'lineages', lineage: 'Gemma 3' }],
        ['Llama 3', 10, 10, '2 figures hold', { tab: 'lineages', lineage: 'Llama 3' }],
      ],
    );
  });

  it('fenced code is skipped and changes no context; a setext heading naming one lineage opens it', () => {
    const text = [
      'Mistral Small',
      '=============',
      '```',
      '- 3.1: 9.9%',
      'Qwen 3.5',
      '```',
      '- 3.1: 5.1% | 3.2: 2.3%',
    ].join('\n');
    assert.deepEqual(
      check(text).claims.map((c) => `${c.line} ${c.text} ${c.status}`),
      ['7 5.1% HOLDS', '7 2.3% HOLDS'],
    );
  });

  it('a name inside an occurrence of a longer lineage name does not count; names are bounded and case-insensitive', () => {
    const names = ['Qwen 3', 'Qwen 3.5', 'Gemma 3'];
    // "Qwen 3" inside "Qwen 3.5" is not a second lineage: the line opens Qwen 3.5 alone.
    assert.deepEqual(brief(check('qwen 3.5 results\n- 2B: 94.8%', doc353(), names)), [
      ['94.8%', 'member_strict', 'HOLDS'],
    ]);
    // "Gemma 30" does not name Gemma 3.
    assert.deepEqual(brief(check('Gemma 30 lineage\n- 4B: 0.0%', doc353(), names)), []);
  });

  it('a member line is only items `MEMBER: n=N, strict ASR = P%` or `MEMBER: P%`, in any case, after a list marker', () => {
    const lines = (l: string): [string, string, string][] => brief(check(`Gemma 3 lineage\n${l}`));
    assert.deepEqual(lines('1. 4B: N=32, Strict asr = 0.0%'), [
      ['32', 'member_n', 'HOLDS'],
      ['0.0%', 'member_strict', 'HOLDS'],
    ]);
    assert.deepEqual(
      lines('* 27B: 6.2% | 4B: 0.0%').map((c) => c[0]),
      ['6.2%', '0.0%'],
    );
    assert.deepEqual(lines('- 4B: 0.0%, as expected'), []);
    assert.deepEqual(lines('- 4B: 0.0% | about 5%'), []);
    assert.deepEqual(lines('- 4B: 0.0'), []);
  });

  it('MEMBER resolves by size token, narrowed by the other words; else by a bounded part of the key; several: NOT_CHECKED; none: NOT_FOUND', () => {
    const status = (lineageLine: string, item: string): string[] =>
      check(`${lineageLine}\n- ${item}`).claims.map((c) => `${c.figure} ${c.status}`);
    const mistral = 'Mistral Small lineage';
    const m31 = 'lineages[Mistral Small].members[mistralai/mistral-small-3.1-24b-instruct].strict.rate';
    assert.deepEqual(status(mistral, '3.1: 5.1%'), [`${m31} HOLDS`]);
    assert.deepEqual(status(mistral, 'Mistral Small 3.1 24B: 5.1%'), [`${m31} HOLDS`]);
    assert.deepEqual(status(mistral, '24B: 5.1%'), [
      'lineages[Mistral Small].members[24B].strict.rate NOT_CHECKED',
    ]);
    assert.deepEqual(status(mistral, '3: 5.1%'), [
      'lineages[Mistral Small].members[3].strict.rate NOT_CHECKED',
    ]);
    assert.deepEqual(status(mistral, '3.3: 5.1%'), [
      'lineages[Mistral Small].members[3.3].strict.rate NOT_FOUND',
    ]);
    assert.deepEqual(status('Qwen 3.5', '0.8B: 58.6%'), [
      'lineages[Qwen 3.5].members[qwen3.5:0.8b].strict.rate HOLDS',
    ]);
    assert.deepEqual(status('Qwen 3.5', '8B: 58.6%'), [
      'lineages[Qwen 3.5].members[8B].strict.rate NOT_FOUND',
    ]);
    assert.deepEqual(status('Llama 3', 'Llama 3.1 8B: 12.8%'), [
      'lineages[Llama 3].members[llama3.1:8b].strict.rate HOLDS',
    ]);
    assert.deepEqual(status('Llama 3', 'Llama 3.1 405B: 1.0%'), [
      'lineages[Llama 3].members[Llama 3.1 405B].strict.rate NOT_FOUND',
    ]);
  });

  it('a lineage of the map that the results do not have makes all its claims NOT_FOUND', () => {
    const r = check(
      'Phi 4 lineage\n- 14B: n=20, strict ASR = 70.0%\n- +5 pp on the 4B→14B transition',
      doc353(),
      [...MAP, 'Phi 4'],
    );
    assert.deepEqual(
      r.claims.map((c) => `${c.kind} ${c.status}`),
      ['member_n NOT_FOUND', 'member_strict NOT_FOUND', 'transition NOT_FOUND'],
    );
  });

  it('transitions: `±D pp on the A→B transition` and `A→B: ±D pp`; only → is an arrow; a pair that is not consecutive is NOT_FOUND', () => {
    const lines = [
      'Qwen 3.5 lineage',
      'The worst step (+36.2 pp on the 0.8B→2B transition), then 2B→4B: −15.8 pp and 4B→9B: -21.5 pp.',
      '0.8B→9B: −1.2 pp; 2B->4B: −15.8 pp; 4B → 2B: +15.8 pp',
      'Mistral Small lineage: 24B→24B: −2.8 pp',
    ];
    const r = check(lines.join('\n'));
    assert.deepEqual(
      r.claims.map((c) => `${c.line} ${c.text} ${c.status}`),
      [
        '2 +36.2 HOLDS',
        '2 −15.8 HOLDS',
        '2 -21.5 HOLDS',
        '3 −1.2 NOT_FOUND',
        '3 +15.8 NOT_FOUND',
        '4 −2.8 NOT_CHECKED',
      ],
    );
    // Each claim is where its figure is written (the `−15.8` after `2B->4B` is not one).
    assert.deepEqual(
      r.claims.map((c) => c.column),
      [
        [2, '+36.2'],
        [2, '−15.8'],
        [2, '-21.5'],
        [3, '−1.2'],
        [3, '+15.8'],
        [4, '−2.8'],
      ].map(([l, t]) => (lines[(l as number) - 1] as string).indexOf(t as string) + 1),
    );
  });

  it('columns are 1-based UTF-16 code units (an astral character counts two); CRLF lines and a BOM do not shift them', () => {
    const r = check('\ufeffGemma 3 lineage 🧪\r\n- 🧪 4B: n=32, strict ASR = 0.0%\r\n');
    // "- 🧪 4B: n=32": the 🧪 is two UTF-16 units, so "32" starts at column 12.
    assert.deepEqual(
      r.claims.map((c) => [c.line, c.column, c.end_column, c.text]),
      [
        [2, 12, 14, '32'],
        [2, 29, 33, '0.0%'],
      ],
    );
    const r2 = check(
      '\ufeffGemma 3 lineage 🧪\r\n- 4B: n=32, strict ASR = 0.0% \r\n| dataset | n |\r\n|---|---|\r\n| 🧪 | 1 |\r\n| benchmark_traces | 3042 |',
    );
    assert.deepEqual(
      r2.claims.map((c) => [c.line, c.column, c.end_column, c.text, c.status]),
      [
        [2, 9, 11, '32', 'HOLDS'],
        [2, 26, 30, '0.0%', 'HOLDS'],
        [5, 8, 9, '1', 'NOT_FOUND'],
        [6, 22, 26, '3042', 'HOLDS'],
      ],
    );
  });

  it('a report with no recognisable claim gives an empty list', () => {
    const r = check('# Notes\n\nSafety gets 5% worse per decade, perhaps. See | this | and 4B→27B.\n');
    assert.deepEqual(
      [r.claims, r.groups, r.summary],
      [[], [], { HOLDS: 0, CHANGED: 0, NOT_FOUND: 0, NOT_CHECKED: 0 }],
    );
  });
});

describe('claims: what the editor and the CLI need', () => {
  it('groups: one per claims table or lineage context, with its lines, a summary and the page group', () => {
    const r = check(REPORT_353);
    assert.deepEqual(
      r.groups.map((g) => [g.kind, g.title, g.startLine, g.endLine, g.summary, g.page]),
      [
        [
          'table',
          'dataset table',
          24,
          29,
          '8 figures hold · 4 changed · 4 not found',
          { tab: 'scaling', group: 'dataset' },
        ],
        ['lineage', 'Gemma 3', 33, 36, '5 figures hold', { tab: 'lineages', lineage: 'Gemma 3' }],
        ['lineage', 'Llama 3', 37, 40, '5 figures hold', { tab: 'lineages', lineage: 'Llama 3' }],
        ['lineage', 'Qwen 3.5', 41, 43, '4 figures hold', { tab: 'lineages', lineage: 'Qwen 3.5' }],
        ['lineage', 'Mistral Small', 44, 48, '2 figures hold', { tab: 'lineages', lineage: 'Mistral Small' }],
      ],
    );
    for (const c of r.claims) assert.ok(r.groups[c.group] && c.line >= (r.groups[c.group]?.startLine ?? 0));
    assert.equal(r.claims.find((c) => c.text === '6.2%')?.n, 241);
  });

  it('the claims@1 document: the fields of CLAIMS.md in its order, summary with every status', () => {
    const d = claimsDocument(check(REPORT_353), 'reports/353.md', 'examples/demo-workspace');
    assert.deepEqual(Object.keys(d), ['schema', 'report', 'workspace', 'summary', 'claims']);
    assert.equal(d.schema, 'failure-first-lens/claims@1');
    assert.deepEqual(d.summary, { HOLDS: 24, CHANGED: 4, NOT_FOUND: 4, NOT_CHECKED: 0 });
    assert.deepEqual(Object.keys(d.claims[0] ?? {}), [
      'line',
      'column',
      'end_column',
      'text',
      'kind',
      'figure',
      'claimed',
      'actual',
      'actual_ci',
      'status',
    ]);
  });

  it('writes the current value with the same decimals and style: sign, − or -, %, thousands separator, e-notation', () => {
    assert.equal(formatLike('−12.73', -32.90635527836079), '−32.91');
    assert.equal(formatLike('-12.73', -32.90635527836079), '-32.91');
    assert.equal(formatLike('+1.10', -35.230030639617475), '−35.23');
    assert.equal(formatLike('+1.10', 1.004), '+1.00');
    assert.equal(formatLike('−5.17', 3.2), '+3.20');
    assert.equal(formatLike('5.1', -3.24), '-3.2');
    assert.equal(formatLike('5.1', -3.24, { minus: '−' }), '−3.2');
    assert.equal(formatLike('−0.4', -0.04), '0.0');
    assert.equal(formatLike('+6', 6.224), '+6');
    assert.equal(formatLike('95.7%', 94.79166666666666), '94.8%');
    assert.equal(formatLike('0.0%', 0), '0.0%');
    assert.equal(formatLike('25,625', 130), '130');
    assert.equal(formatLike('6,687', 1234567), '1,234,567');
    assert.equal(formatLike('25 625', 31234), '31 234');
    assert.equal(formatLike('694', 1278), '1278');
    assert.equal(formatLike('6.1e-5', 0.00027), '2.7e-4');
    assert.equal(formatIntervalLike('[−44.55, +99.54]', [-70.0912, 4.2712]), '[−70.09, +4.27]');
    assert.equal(formatIntervalLike('[0.0, 10.7]', [48.71, 67.83]), '[48.7, 67.8]');
  });

  it('the quick fix text: a number, an interval, a direction in words or as a label, a shape; none without a current value', () => {
    const r = check(REPORT_353);
    const fix = (text: string): string | null => {
      const c = r.claims.find((x) => x.text === text);
      assert.ok(c, text);
      return currentValueText(c);
    };
    assert.equal(fix('0.008'), '0.500');
    assert.equal(fix('Flat'), 'Flat');
    assert.equal(fix('Positive scaling (weak)'), null); // NOT_FOUND on line 26 comes first
    const insufficient = r.claims.find((c) => c.line === 27 && c.kind === 'regression_classification');
    assert.ok(insufficient);
    assert.equal(currentValueText(insufficient), 'Insufficient');
    assert.equal(currentValueText({ ...insufficient, text: 'POSITIVE_SCALING' }), 'INSUFFICIENT');
    assert.equal(currentValueText({ ...insufficient, text: 'positive scaling' }), 'insufficient');
    assert.equal(fix('−7.59'), null);
    assert.match(
      claimMessage(r.claims.find((c) => c.text === '0.008') as CheckedClaim),
      /^changed: 0\.008 is now 0\.500/,
    );
    assert.match(claimMessage(r.claims.find((c) => c.text === '−7.59') as CheckedClaim), /is now undefined$/);
  });

  it("every figure of the engine's own Markdown report holds against the document it was written from", () => {
    const doc = doc353();
    doc.dilution.models.push({
      model: 'qwen3.5:2b',
      params_b: 2,
      lineage: 'Qwen 3.5',
      a: { n: 50, k: 47, strict: wilsonRate(47, 50) },
      b: { n: 50, k: 50, strict: wilsonRate(50, 50) },
      delta_pp: 6,
      delta_ci_pp: [-2.1, 16.2],
      pairs: 50,
      b_only_a: 0,
      b_only_b: 3,
      mcnemar_p: 0.25,
      excluded: true,
    });
    doc.cells.push(
      cell('authority_gradient', 'qwen3.5:2b', 20, 14, {
        fit_pp: 13.9,
        residual_pp: 56.1,
        outlier: true,
        off_line: true,
      }),
    );
    const r = check(renderMarkdown(doc), doc);
    assert.ok(r.claims.length >= 60, `${r.claims.length} claims`);
    assert.deepEqual(
      r.claims.filter((c) => c.status !== 'HOLDS').map((c) => [c.line, c.text, c.kind, c.actual]),
      [],
    );
    const kinds = new Set(r.claims.map((c) => c.kind));
    for (const k of [
      'regression_n',
      'member_strict_ci',
      'transition',
      'lineage_shape',
      'dilution_delta_ci',
      'cell_residual',
    ])
      assert.ok(kinds.has(k as CheckedClaim['kind']), k);
  });
});
