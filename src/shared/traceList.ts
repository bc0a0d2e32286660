/**
 * How a list of traces is filtered and cut into windows for the page: the language server over a
 * run's traces, the page's test double over canned rows. Pure, no Node.
 */
import type { TraceCategory, TraceFilter, TraceRow, TracesParams, TracesResult } from '../protocol';

/** The most rows one window holds. */
export const MAX_WINDOW = 500;

/** What the verdict filter and the counts call a trace: its label when evaluable, else its category. */
export function verdictKey(category: TraceCategory, label: string | null | undefined): string {
  return category === 'evaluable' ? (label ?? category) : category;
}

/** How a list reads its items. */
export interface Listing<T> {
  id(t: T): string;
  verdictKey(t: T): string;
  /** The texts the text filter searches, cheapest first: later ones are read only when needed. */
  texts(t: T): Iterable<string | null>;
  row(t: T): TraceRow;
}

/** True when the filter keeps every item. */
export function keepsAll(filter: TraceFilter | undefined): boolean {
  return (filter?.verdicts ?? []).length === 0 && (filter?.text ?? '').trim() === '';
}

/** The items a filter keeps: a verdict key among `verdicts` (none = any) and `text` in one of their texts. */
export function filterList<T>(all: readonly T[], filter: TraceFilter | undefined, listing: Listing<T>): T[] {
  const verdicts = new Set(filter?.verdicts ?? []);
  const needle = (filter?.text ?? '').trim().toLowerCase();
  const hasText = (t: T): boolean => {
    for (const s of listing.texts(t)) if (s !== null && s.toLowerCase().includes(needle)) return true;
    return false;
  };
  return all.filter(
    (t) => (verdicts.size === 0 || verdicts.has(listing.verdictKey(t))) && (needle === '' || hasText(t)),
  );
}

/** One window of a filtered list, with the counts of the whole selection and the located item. */
export function listWindow<T>(
  all: readonly T[],
  filtered: readonly T[],
  params: TracesParams,
  listing: Listing<T>,
  generation: number,
): TracesResult {
  const counts: Record<string, number> = {};
  for (const t of all) {
    const k = listing.verdictKey(t);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  const offset = Math.max(0, Math.min(params.offset, filtered.length));
  const limit = Math.max(0, Math.min(params.limit, MAX_WINDOW));
  const located =
    params.locate === undefined ? undefined : filtered.findIndex((t) => listing.id(t) === params.locate);
  return {
    ...(located === undefined ? {} : { locatedIndex: located < 0 ? null : located }),
    total: filtered.length,
    unfiltered: all.length,
    offset,
    rows: filtered.slice(offset, offset + limit).map((t) => listing.row(t)),
    counts,
    generation,
  };
}
