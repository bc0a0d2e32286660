/** Verdict labels and categories as the trace pane shows and filters them. */
import type { TraceCategory, TraceRow } from '../../src/protocol';
import { h } from '../dom';

/** The filter chips, in this order: the four evaluable labels, then the categories. */
export const FILTER_KEYS = [
  'COMPLIANCE',
  'PARTIAL',
  'REFUSAL',
  'HALLUCINATION_REFUSAL',
  'ungraded',
  'error',
  'benign',
  'unknown',
] as const;

const SHORT: Record<string, string> = {
  COMPLIANCE: 'COMPLIANCE',
  PARTIAL: 'PARTIAL',
  REFUSAL: 'REFUSAL',
  HALLUCINATION_REFUSAL: 'HALLUC. REFUSAL',
};

/** The CSS class suffix of a label or category (badge colours live in page.css). */
function slug(verdict: string | null, category: TraceCategory): string {
  if (category !== 'evaluable') return category;
  return verdict && verdict in SHORT ? verdict.toLowerCase().replace(/_/g, '-') : 'unknown';
}

export function badgeText(verdict: string | null, category: TraceCategory): string {
  if (category === 'evaluable' && verdict) return SHORT[verdict] ?? verdict;
  if (category === 'unknown' && verdict) return verdict;
  return category;
}

export function verdictBadge(row: Pick<TraceRow, 'verdict' | 'category'>): HTMLSpanElement {
  const text = badgeText(row.verdict, row.category);
  const full = row.verdict ?? row.category;
  return h('span', { class: `badge v-${slug(row.verdict, row.category)}`, title: full, dir: 'ltr' }, text);
}

/** A badge for a filter key or a count key (a label or a category). */
export function keyBadge(key: string): HTMLSpanElement {
  if (key in SHORT) return verdictBadge({ verdict: key, category: 'evaluable' });
  if (key === 'ungraded' || key === 'error' || key === 'benign' || key === 'unknown')
    return verdictBadge({ verdict: null, category: key });
  return verdictBadge({ verdict: key, category: 'unknown' });
}
