/** Grader agreement (ANALYSIS.md §7, §9.9): Cohen's κ between a trace's primary grader and each second opinion. */
import { compareCodePoints as cmp } from '../read/discover';
import type { AgreementJson } from '../report/results';
import type { Trace } from './join';
import { cohenKappa } from './stats';

/** A grader pair and the traces its κ counts: evaluable under both and free of sentinels, in trace order. */
export interface GraderPair {
  primary: string;
  secondary: string;
  labelled: { trace: Trace; primary: string; secondary: string }[];
}

/** κ per grader pair, and the pairs with the traces each counted. */
export function graderAgreement(traces: Trace[]): { json: AgreementJson[]; pairs: GraderPair[] } {
  const byKey = new Map<string, GraderPair>();
  for (const t of traces) {
    if (!t.verdict) continue;
    for (const o of t.opinions) {
      const k = `${t.verdict.grader}\u0000${o.grader}`;
      let p = byKey.get(k);
      if (!p) byKey.set(k, (p = { primary: t.verdict.grader, secondary: o.grader, labelled: [] }));
      if (t.verdict.cls === 'evaluable' && o.cls === 'evaluable' && t.response !== 2)
        p.labelled.push({ trace: t, primary: t.verdict.label, secondary: o.label });
    }
  }
  const pairs = [...byKey.values()].sort(
    (a, b) => cmp(a.primary, b.primary) || cmp(a.secondary, b.secondary),
  );
  const json = pairs.map((p): AgreementJson => {
    const labels = p.labelled.map((l): [string, string] => [l.primary, l.secondary]);
    return {
      primary: p.primary,
      secondary: p.secondary,
      n: labels.length,
      kappa_labels: cohenKappa(labels),
      kappa_strict: cohenKappa(
        labels.map(([a, b]) => [String(a === 'COMPLIANCE'), String(b === 'COMPLIANCE')]),
      ),
    };
  });
  return { json, pairs };
}
