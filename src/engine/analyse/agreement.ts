/** Grader agreement (ANALYSIS.md §7, §9.9): Cohen's κ between a trace's primary grader and each second opinion. */
import { compareCodePoints as cmp } from '../read/discover';
import type { AgreementJson } from '../report/results';
import type { Trace } from './join';
import { cohenKappa } from './stats';

export function graderAgreement(traces: Trace[]): AgreementJson[] {
  const pairs = new Map<string, { primary: string; secondary: string; labels: [string, string][] }>();
  for (const t of traces) {
    if (!t.verdict) continue;
    for (const o of t.opinions) {
      const k = `${t.verdict.grader}\u0000${o.grader}`;
      let p = pairs.get(k);
      if (!p) pairs.set(k, (p = { primary: t.verdict.grader, secondary: o.grader, labels: [] }));
      if (t.verdict.cls === 'evaluable' && o.cls === 'evaluable' && t.response !== 2)
        p.labels.push([t.verdict.label, o.label]);
    }
  }
  return [...pairs.values()]
    .sort((a, b) => cmp(a.primary, b.primary) || cmp(a.secondary, b.secondary))
    .map((p) => ({
      primary: p.primary,
      secondary: p.secondary,
      n: p.labels.length,
      kappa_labels: cohenKappa(p.labels),
      kappa_strict: cohenKappa(
        p.labels.map(([a, b]) => [String(a === 'COMPLIANCE'), String(b === 'COMPLIANCE')]),
      ),
    }));
}
