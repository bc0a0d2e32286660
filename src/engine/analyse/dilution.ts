/** The reasoning-dilution experiment (ANALYSIS.md §5): Δ per model, its paired test, slopes and headlines. */
import { compareCodePoints as cmp } from '../read/discover';
import type {
  DilutionArm,
  DilutionModelJson,
  HeadlineJson,
  PointJson,
  RegressionJson,
} from '../report/results';
import type { ModelInfo } from './models';
import { fitPoints } from './regressions';
import { headlineDecision, headlineSpan, mcnemarExact, newcombe, perArmToDecide, type Rate } from './stats';
import type { Tally } from './tally';
import type { DilutionTotal } from './totals';
import { expectDefined } from '../../shared/expect';

function arm(t: Tally): DilutionArm {
  return { n: t.n, k: t.counts.COMPLIANCE, strict: t.strict() };
}

export function dilutionAnalysis(
  dilution: Map<string, DilutionTotal>,
  models: Map<string, ModelInfo>,
  headlinePp: number,
  lineageOrder: string[],
  threshold: number,
): {
  models: DilutionModelJson[];
  headlines: HeadlineJson[];
  regressions: RegressionJson[];
} {
  const out: DilutionModelJson[] = [];
  for (const key of [...dilution.keys()].sort(cmp)) {
    const m = dilution.get(key) as DilutionTotal;
    const info = models.get(key) as ModelInfo;
    const sa = m.a.strict();
    const sb = m.b.strict();
    out.push({
      model: key,
      params_b: info.params_b,
      lineage: info.lineage,
      a: arm(m.a),
      b: arm(m.b),
      delta_pp: sa && sb ? 100 * sb.rate - 100 * sa.rate : null,
      delta_ci_pp: sa && sb ? newcombe(sa, sb) : null,
      pairs: m.pairs,
      b_only_a: m.onlyA,
      b_only_b: m.onlyB,
      mcnemar_p: mcnemarExact(m.onlyA, m.onlyB),
      excluded: info.excluded,
    });
  }
  const regressions: RegressionJson[] = [];
  const headlines: HeadlineJson[] = [];
  const eligible = (d: DilutionModelJson): boolean =>
    !d.excluded && d.params_b !== null && d.delta_pp !== null;
  const regress = (name: string, list: DilutionModelJson[]): void => {
    const left_out = { unknown_size: 0, excluded: 0, empty: 0 };
    const points: PointJson[] = [];
    for (const d of list) {
      const info = models.get(d.model) as ModelInfo;
      if (d.excluded) left_out.excluded++;
      else if (info.x === null) left_out.unknown_size++;
      else if (d.delta_pp === null) left_out.empty++;
      else points.push({ model: d.model, x: info.x, y_pp: d.delta_pp, n: d.a.n + d.b.n });
    }
    regressions.push(fitPoints('dilution', { lineage: name }, points, left_out, threshold).json);
  };
  regress('all', out);
  const lineageNames = [...new Set(out.map((d) => d.lineage).filter((l): l is string => l !== null))];
  lineageNames.sort((a, b) => lineageOrder.indexOf(a) - lineageOrder.indexOf(b));
  for (const lin of lineageNames) {
    const list = out.filter((d) => d.lineage === lin);
    regress(lin, list);
    const ok = list
      .filter(eligible)
      .sort((a, b) => (a.params_b as number) - (b.params_b as number) || cmp(a.model, b.model));
    if (ok.length >= 2) {
      const s = expectDefined(ok[0], 'the smallest member');
      const l = expectDefined(ok[ok.length - 1], 'the largest member');
      headlines.push(headline(lin, s, l, headlinePp));
    }
  }
  return { models: out, headlines, regressions };
}

/** Δ at the largest member minus Δ at the smallest (§5), its interval and what it decides (§10). */
function headline(
  lineage: string,
  s: DilutionModelJson,
  l: DilutionModelJson,
  thresholdPp: number,
): HeadlineJson {
  const arms = (d: DilutionModelJson): { a: Rate; b: Rate } => ({
    a: d.a.strict as Rate,
    b: d.b.strict as Rate,
  });
  const small = arms(s);
  const large = arms(l);
  const { span, ci } = headlineSpan(small, large);
  const decision = headlineDecision(ci, thresholdPp);
  const rates = { smallA: small.a.rate, smallB: small.b.rate, largeA: large.a.rate, largeB: large.b.rate };
  return {
    lineage,
    smallest: s.model,
    largest: l.model,
    delta_span_pp: span,
    meets_threshold: span > thresholdPp + 1e-9,
    delta_span_ci_pp: ci,
    decision,
    n_per_arm_to_decide: decision === 'UNDECIDED' ? perArmToDecide(rates, thresholdPp) : null,
  };
}
