/**
 * What a conclusion rests on, in a researcher's words, written once for the Markdown report, the
 * tree and the analysis page (DECISIONS.md 60): why a group has no fit, the dilution headline's
 * decision with its uncertainty (ANALYSIS.md §10), a lineage whose members were attacked with
 * different attack-class mixes (§12). Pure, no Node: the page bundles it.
 */
import type { CellComparison, HeadlineJson, LineageJson, RegressionJson } from '../protocol';
import { integer, signed, signedInterval, size } from './format';
import { expectDefined } from './expect';

/** The largest number of scenarios per arm the headline's planning figure tries (ANALYSIS.md §10). */
export const MAX_PER_ARM = 100_000;

/** Why a group has no fit: nothing to fit at all, every model left out, or one size only. */
export type InsufficientReason =
  | { kind: 'no_evaluable_traces' }
  | { kind: 'all_left_out'; excluded: number; unknownSize: number; empty: number }
  | { kind: 'one_size'; points: number; x: number };

/** The reason an INSUFFICIENT regression has no fit; null for a regression with one. */
export function insufficientReason(r: RegressionJson): InsufficientReason | null {
  if (r.classification !== 'INSUFFICIENT') return null;
  const { excluded, unknown_size, empty } = r.left_out;
  if (r.points.length === 0) {
    if (excluded + unknown_size === 0) return { kind: 'no_evaluable_traces' };
    return { kind: 'all_left_out', excluded, unknownSize: unknown_size, empty };
  }
  return { kind: 'one_size', points: r.points.length, x: expectDefined(r.points[0], 'the one point').x };
}

/** The reason in a researcher's words: "no evaluable traces", "every model left out (2 excluded)", … */
export function describeInsufficient(reason: InsufficientReason): string {
  switch (reason.kind) {
    case 'no_evaluable_traces':
      return 'no evaluable traces';
    case 'all_left_out': {
      const parts = [
        reason.excluded > 0 ? `${reason.excluded} excluded` : '',
        reason.unknownSize > 0 ? `${reason.unknownSize} of unknown size` : '',
        reason.empty > 0 ? `${reason.empty} without evaluable traces` : '',
      ].filter(Boolean);
      return `every model left out (${parts.join(', ')})`;
    }
    case 'one_size': {
      const at = size(10 ** reason.x);
      return reason.points === 1
        ? `one model of known size (${at}): a slope needs two sizes`
        : `all ${reason.points} models are the same size (${at}): a slope needs two sizes`;
    }
  }
}

/** Why a regression has no fit, in words; null when it has one. */
export function whyNoFit(r: RegressionJson): string | null {
  const reason = insufficientReason(r);
  return reason && describeInsufficient(reason);
}

/** The span with its interval and the decision: "+27.1 pp [+1.5, +51.5]: undecided at 20 pp; ~649 scenarios per arm would decide". */
export function headlineDecisionText(h: HeadlineJson, thresholdPp: number): string {
  const span = `${signed(h.delta_span_pp)} pp ${signedInterval(h.delta_span_ci_pp)}`;
  switch (h.decision) {
    case 'EXCEEDS':
      return `${span}: exceeds ${thresholdPp} pp (the whole 95% interval is above the threshold for a write-up)`;
    case 'BELOW':
      return `${span}: below ${thresholdPp} pp (the whole 95% interval is below the threshold for a write-up)`;
    case 'UNDECIDED':
      return h.n_per_arm_to_decide === null
        ? `${span}: undecided at ${thresholdPp} pp; even ${integer(MAX_PER_ARM)} scenarios per arm would not decide (the span is too close to the threshold)`
        : `${span}: undecided at ${thresholdPp} pp; ~${integer(h.n_per_arm_to_decide)} scenarios per arm would decide`;
  }
}

/** What "undecided" and "scenarios per arm" mean, for whoever reads an undecided headline. */
export function undecidedMeaning(thresholdPp: number, emphasis = (word: string): string => word): string {
  return (
    `${emphasis('Undecided')} means the 95% interval of the span contains the ${thresholdPp} pp threshold: the traces are consistent both with a span above it and with one below it, so the point estimate alone cannot carry the write-up decision (whether it is above or below ${thresholdPp} pp is not yet known). ` +
    '"Scenarios per arm" is how many evaluable traces each of the four arms (baseline and dilution, at the smallest and at the largest model) would need for the interval to clear the threshold if the observed rates held; it plans the next run, it is not a result.'
  );
}

/** The mark beside a lineage whose members were attacked with different attack-class mixes. */
export const MIX_WARNING = '\u26a0';

/** "only a, b are shared by all", or that nothing is shared (the Markdown escapes each class with `escape`). */
export function sharedClassesText(l: LineageJson, escape: (s: string) => string = (s) => s): string {
  const shared = l.shared_attack_classes;
  return shared.length === 0
    ? 'no attack class is shared by all of them'
    : `only ${shared.map(escape).join(', ')} ${shared.length === 1 ? 'is' : 'are'} shared by all`;
}

/** Why the pooled rates of a mixed lineage mislead, after its name. */
export const MIX_MEANING =
  'A pooled difference between them can come from the mix rather than from scale; the shared-class rates compare like with like.';

/** Whether a cell's Δ interval excludes 0 (lower > 0 or upper < 0). */
export function deltaExcludesZero(c: CellComparison): boolean {
  return c.delta_ci_pp !== null && (c.delta_ci_pp[0] > 0 || c.delta_ci_pp[1] < 0);
}
