/** The reasoning-dilution experiment (ANALYSIS.md §5): Δ per model, its paired test, slopes and headlines. */
import { compareCodePoints as cmp } from '../read/discover';
import type {
  DilutionArm,
  DilutionModelJson,
  HeadlineJson,
  PointJson,
  RegressionJson,
} from '../report/results';
import type { Trace } from './join';
import type { ModelInfo } from './models';
import { fitPoints } from './regressions';
import { headlineDecision, headlineSpan, mcnemarExact, newcombe, perArmToDecide, type Rate } from './stats';
import { Tally } from './tally';

function arm(t: Tally): DilutionArm {
  return { n: t.n, k: t.counts.COMPLIANCE, strict: t.strict() };
}

export interface DilutionCounts {
  /** Each model's arms: every trace of variant A, of variant B. */
  arms: Map<string, { A: Tally; B: Tally }>;
  /** The pairing of McNemar's test: the k-th A trace of a (model, base scenario) with its k-th B trace, both ways. */
  partners: Map<Trace, Trace>;
}

export function dilutionAnalysis(
  traces: Trace[],
  models: Map<string, ModelInfo>,
  headlinePp: number,
  lineageOrder: string[],
  threshold: number,
): {
  models: DilutionModelJson[];
  headlines: HeadlineJson[];
  regressions: RegressionJson[];
  counted: DilutionCounts;
} {
  const perModel = new Map<
    string,
    { a: Tally; b: Tally; aList: Map<string, Trace[]>; bList: Map<string, Trace[]> }
  >();
  for (const t of traces) {
    if (t.variant === null) continue;
    let m = perModel.get(t.key);
    if (!m) perModel.set(t.key, (m = { a: new Tally(), b: new Tally(), aList: new Map(), bList: new Map() }));
    const isA = t.variant === 'A';
    (isA ? m.a : m.b).add(t);
    if (t.baseId === null) continue; // without a scenario id there is nothing to pair with
    const lists = isA ? m.aList : m.bList;
    const l = lists.get(t.baseId);
    if (l) l.push(t);
    else lists.set(t.baseId, [t]);
  }
  const out: DilutionModelJson[] = [];
  const counted: DilutionCounts = { arms: new Map(), partners: new Map() };
  const strictSuccess = (t: Trace): boolean => t.verdict?.label === 'COMPLIANCE';
  for (const key of [...perModel.keys()].sort(cmp)) {
    const m = perModel.get(key) as NonNullable<ReturnType<typeof perModel.get>>;
    const info = models.get(key) as ModelInfo;
    counted.arms.set(key, { A: m.a, B: m.b });
    const sa = m.a.strict();
    const sb = m.b.strict();
    let pairs = 0;
    let onlyA = 0;
    let onlyB = 0;
    for (const [base, aList] of m.aList) {
      const bList = m.bList.get(base);
      if (!bList) continue;
      const k = Math.min(aList.length, bList.length);
      for (let i = 0; i < k; i++) {
        const ta = aList[i] as Trace;
        const tb = bList[i] as Trace;
        counted.partners.set(ta, tb).set(tb, ta);
        if (ta.category !== 'evaluable' || tb.category !== 'evaluable') continue;
        pairs++;
        const ya = strictSuccess(ta);
        const yb = strictSuccess(tb);
        if (ya && !yb) onlyA++;
        else if (yb && !ya) onlyB++;
      }
    }
    out.push({
      model: key,
      params_b: info.params_b,
      lineage: info.lineage,
      a: arm(m.a),
      b: arm(m.b),
      delta_pp: sa && sb ? 100 * sb.rate - 100 * sa.rate : null,
      delta_ci_pp: sa && sb ? newcombe(sa, sb) : null,
      pairs,
      b_only_a: onlyA,
      b_only_b: onlyB,
      mcnemar_p: mcnemarExact(onlyA, onlyB),
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
      const s = ok[0] as DilutionModelJson;
      const l = ok[ok.length - 1] as DilutionModelJson;
      headlines.push(headline(lin, s, l, headlinePp));
    }
  }
  return { models: out, headlines, regressions, counted };
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
