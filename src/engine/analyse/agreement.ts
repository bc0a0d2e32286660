/** Grader agreement (ANALYSIS.md §7, §9.9): Cohen's κ between a trace's primary grader and each second opinion. */
import { compareCodePoints as cmp } from '../read/discover';
import type { AgreementJson } from '../report/results';
import { cohenKappaOf } from './stats';
import type { AgreementTotal } from './totals';
import { expectDefined } from '../../shared/expect';

/** κ per grader pair that shares a graded trace, on the four labels and on strict success. */
export function graderAgreement(agreement: Map<string, AgreementTotal>): AgreementJson[] {
  const pairs = [...agreement.values()].sort(
    (a, b) => cmp(a.primary, b.primary) || cmp(a.secondary, b.secondary),
  );
  return pairs.map((p): AgreementJson => {
    const m = p.matrix;
    let n = 0;
    for (const c of m) n += c;
    // COMPLIANCE (row and column 0) against every other label.
    const strict = [0, 0, 0, 0];
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) {
        const k = (i === 0 ? 0 : 2) + (j === 0 ? 0 : 1);
        strict[k] =
          expectDefined(strict[k], 'a strict entry') + expectDefined(m[i * 4 + j], 'a matrix entry');
      }
    return {
      primary: p.primary,
      secondary: p.secondary,
      n,
      kappa_labels: cohenKappaOf(m, 4),
      kappa_strict: cohenKappaOf(strict, 2),
    };
  });
}
