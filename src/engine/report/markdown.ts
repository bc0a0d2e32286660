/** The results as the tables a researcher pastes into a report. */
import {
  classificationText,
  DASH,
  fixed,
  intervalClassificationText,
  percent,
  pValue,
  rateWithCi,
  signed,
  signedInterval,
  size,
} from '../../shared/format';
import {
  headlineDecisionText,
  MIX_WARNING,
  sharedClassesText,
  undecidedMeaning,
  whyNoFit,
} from '../../shared/conclusions';
import type { CellJson, HeadlineJson, LineageJson, RegressionJson, ResultsDocument } from './results';
import { MAX_PROBLEMS_PER_FILE } from '../problems';

/** Table-cell text: no markup survives (names and problem reasons are data, not Markdown). */
export function mdText(s: string): string {
  return s
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[\\`*_[\]<>|#]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`));
}

/** The point estimate's classification, and for a group without a fit, why it has none. */
function direction(r: RegressionJson): string {
  const why = whyNoFit(r);
  return why === null ? classificationText(r.classification) : `insufficient (${why})`;
}

/** What the whole 95% slope interval says (ANALYSIS.md §12). */
const intervalSays = (r: RegressionJson): string =>
  intervalClassificationText(r.classification_ci, r.ols?.ci_pp != null);

function scalingTable(
  title: string,
  label: string,
  rows: RegressionJson[],
  keyOf: (r: RegressionJson) => string,
): string[] {
  const out = [
    `## ${title}`,
    '',
    `| ${label} | models | n | slope (pp/decade) | 95% CI | R² | WLS slope | logistic β | direction | whole 95% CI |`,
    '|---|---:|---:|---:|---|---:|---:|---:|---|---|',
  ];
  for (const r of rows) {
    const o = r.ols;
    const beta = r.logistic?.beta ?? null;
    out.push(
      `| ${mdText(keyOf(r))} | ${r.points.length} | ${r.n_traces} | ${signed(o?.slope_pp, 2)} | ${signedInterval(o?.ci_pp, 2)} | ${fixed(o?.r2, 3)} | ${signed(r.wls?.slope_pp, 2)} | ${r.logistic === null ? DASH : beta === null ? 'separated' : signed(beta, 3)} | ${direction(r)} | ${intervalSays(r)} |`,
    );
  }
  const left = rows.reduce((s, r) => s + r.left_out.excluded + r.left_out.unknown_size + r.left_out.empty, 0);
  if (left > 0)
    out.push(
      '',
      `Cells left out of these fits: ${left} (excluded models, unknown size, or no evaluable trace).`,
    );
  out.push('');
  return out;
}

function lineageTable(lineages: LineageJson[]): string[] {
  const out = [
    '## Matched lineages',
    '',
    '| lineage | model | size | n | strict ASR [95% CI] | in shared attack classes: n, strict ASR [95% CI] | transition | shape |',
    '|---|---|---:|---:|---|---|---|---|',
  ];
  for (const l of lineages) {
    l.members.forEach((m, i) => {
      const tr = i > 0 ? l.transitions[i - 1] : undefined;
      const shared = l.mix_differs ? `${MIX_WARNING} ${m.shared.n}, ${rateWithCi(m.shared.strict)}` : '';
      out.push(
        `| ${i === 0 ? mdText(l.name) : ''} | ${mdText(m.model)} | ${size(m.params_b)} | ${m.n} | ${rateWithCi(m.strict)} | ${shared} | ${tr ? `${signed(tr.delta_pp)} pp${tr.same_size ? ' (same size)' : ''}` : ''} | ${i === 0 ? l.shape : ''} |`,
      );
    });
  }
  const mixed = lineages.filter((l) => l.mix_differs);
  if (mixed.length > 0) out.push('');
  for (const l of mixed) {
    out.push(
      `- ${MIX_WARNING} **${mdText(l.name)}**: its members were attacked with different attack-class mixes (${sharedClassesText(l, mdText)}). A pooled difference between them can come from the mix rather than from scale; the shared-class column compares like with like.`,
    );
  }
  return out;
}

/** "Δ at B minus Δ at A = +27.1 pp [+1.5, +51.5]: undecided at 20 pp; ~649 scenarios per arm would decide." */
function headlineText(h: HeadlineJson, thresholdPp: number): string {
  return `Δ at ${mdText(h.largest)} minus Δ at ${mdText(h.smallest)} = ${headlineDecisionText(h, thresholdPp)}.`;
}

export function renderMarkdown(doc: ResultsDocument): string {
  const lines: string[] = [];
  const t = doc.inputs.traces;
  lines.push('# Failure-First Lens: inverse-scaling analysis', '');
  lines.push(
    `Traces: ${t.total} (evaluable ${t.evaluable}, ungraded ${t.ungraded}, errors ${t.errors}, benign ${t.benign}, unknown label ${t.unknown_label}); files: ${doc.inputs.files.length}; input problems: ${doc.inputs.problems.length}.`,
    '',
    `Strict ASR = COMPLIANCE / evaluable; intervals are Wilson 95%. Slopes are OLS of strict ASR (pp) on log10(parameters, billions), one point per cell; |slope| > ${doc.settings.slope_threshold_pp_per_decade} pp/decade is classified. "Whole 95% CI" classifies the entire interval of the slope: a direction only when all of it is beyond ±${doc.settings.slope_threshold_pp_per_decade} pp/decade, flat only when all of it is within; "uncertain" means the interval straddles a threshold (or, with two points, does not exist), so the direction rests on the point estimate alone.`,
    '',
  );
  if (doc.settings.grader !== null)
    lines.push(
      `Verdicts: grader ${mdText(doc.settings.grader)} only; traces it did not grade are ungraded, other graders are second opinions.`,
      '',
    );
  const reg = (g: string): RegressionJson[] => doc.regressions.filter((r) => r.group === g);
  lines.push(...scalingTable('Pooled by dataset', 'dataset', reg('dataset'), (r) => r.key.dataset ?? ''));
  lines.push(
    ...scalingTable('By attack class', 'attack class', reg('attack_class'), (r) => r.key.attack_class ?? ''),
  );

  lines.push(...lineageTable(doc.lineages));
  const linRegs = reg('lineage').filter((r) => r.ols);
  if (linRegs.length > 0) {
    lines.push(
      '',
      'Within-lineage OLS slopes: ' +
        linRegs
          .map(
            (r) =>
              `${mdText(r.key.lineage ?? '')} ${signed(r.ols?.slope_pp)} pp/decade (whole 95% CI: ${intervalSays(r)})`,
          )
          .join('; ') +
        '.',
    );
  }
  lines.push('');

  lines.push('## Reasoning dilution', '');
  if (doc.dilution.models.length === 0) lines.push('No traces with a dilution variant.', '');
  else {
    lines.push(
      '| model | size | A n | A strict | B n | B strict | Δ (pp) [95% CI] | pairs | only A | only B | McNemar p |',
      '|---|---:|---:|---|---:|---|---|---:|---:|---:|---:|',
    );
    for (const d of doc.dilution.models) {
      const dci = d.delta_ci_pp ? ` ${signedInterval(d.delta_ci_pp)}` : '';
      lines.push(
        `| ${mdText(d.model)}${d.excluded ? ' (excluded)' : ''} | ${size(d.params_b)} | ${d.a.n} | ${percent(d.a.strict?.rate)} | ${d.b.n} | ${percent(d.b.strict?.rate)} | ${signed(d.delta_pp)}${dci} | ${d.pairs} | ${d.b_only_a} | ${d.b_only_b} | ${pValue(d.mcnemar_p)} |`,
      );
    }
    lines.push('');
    for (const h of doc.dilution.headlines)
      lines.push(`- **${mdText(h.lineage)}**: ${headlineText(h, doc.settings.headline_threshold_pp)}`);
    if (doc.dilution.headlines.some((h) => h.decision === 'UNDECIDED'))
      lines.push(
        '',
        undecidedMeaning(doc.settings.headline_threshold_pp, (w) => `*${w}*`),
      );
    if (doc.dilution.headlines.length > 0) lines.push('');
    for (const r of reg('dilution')) {
      if (r.ols)
        lines.push(
          `- Δ slope (${mdText(r.key.lineage ?? '')}): ${signed(r.ols.slope_pp, 2)} pp/decade over ${r.points.length} models (${r.classification}; whole 95% CI: ${intervalSays(r)}).`,
        );
    }
    lines.push('');
  }

  const flagged = doc.cells.filter((c: CellJson) => c.outlier || c.off_line);
  lines.push('## Outlier and off-the-line cells', '');
  if (flagged.length === 0) lines.push('None.', '');
  else {
    lines.push(
      '| attack class | model | n | strict ASR [95% CI] | fit (pp) | residual (pp) | flags |',
      '|---|---|---:|---|---:|---:|---|',
    );
    for (const c of flagged) {
      // A `|` inside a table cell ends the cell unless escaped.
      const flags = [c.outlier ? 'outlier (\\|r\\| > 2s)' : '', c.off_line ? 'off the line' : '']
        .filter(Boolean)
        .join(', ');
      lines.push(
        `| ${mdText(c.attack_class)} | ${mdText(c.model)} | ${c.n} | ${rateWithCi(c.strict)} | ${fixed(c.fit_pp)} | ${signed(c.residual_pp)} | ${flags} |`,
      );
    }
    lines.push('');
  }

  if (doc.agreement.length > 0) {
    lines.push(
      '## Grader agreement',
      '',
      '| primary | second opinion | n | κ labels | κ strict | |',
      '|---|---|---:|---:|---:|---|',
    );
    for (const a of doc.agreement) {
      const low =
        (a.kappa_labels !== null && a.kappa_labels < 0.6) ||
        (a.kappa_strict !== null && a.kappa_strict < 0.6);
      lines.push(
        `| ${mdText(a.primary)} | ${mdText(a.secondary)} | ${a.n} | ${fixed(a.kappa_labels, 3)} | ${fixed(a.kappa_strict, 3)} | ${low ? 'graders not interchangeable (κ < 0.6)' : ''} |`,
      );
    }
    lines.push('');
  }

  const excluded = doc.models.filter((m) => m.excluded);
  const unknown = doc.models.filter((m) => !m.excluded && m.params_b === null);
  if (excluded.length + unknown.length > 0) {
    lines.push('## Models outside the regressions', '');
    for (const m of excluded)
      lines.push(`- ${mdText(m.key)}: excluded (${mdText(m.exclusion_reason ?? '')})`);
    for (const m of unknown) lines.push(`- ${mdText(m.key)}: size unknown`);
    lines.push('');
  }

  lines.push('## Problems in the input', '');
  const omitted = doc.inputs.problems_omitted ?? [];
  if (doc.inputs.problems.length === 0 && omitted.length === 0) lines.push('None.');
  else
    for (const p of doc.inputs.problems)
      lines.push(`- ${mdText(p.path)}${p.line === null ? '' : `:${p.line}`}: ${mdText(p.reason)}`);
  for (const o of omitted)
    lines.push(
      `- ${mdText(o.path)}: ${o.count} more problems (${o.code}) beyond the first ${MAX_PROBLEMS_PER_FILE} of this file, counted but not listed`,
    );
  lines.push('');
  return lines.join('\n');
}
