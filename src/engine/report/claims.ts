/**
 * Report claims checked against the data (CLAIMS.md): the figures a Markdown report quotes —
 * tables, lineage member lines, transitions — each compared with the current results document.
 * Pure: text and documents in, claims out. The CLI prints them; the language server turns them
 * into diagnostics, hovers, quick fixes and CodeLenses.
 */
import type { ResultsDocument } from './results';
import {
  findInterval,
  formatIntervalLike,
  formatLike,
  parseNumber,
  type StyleOptions,
} from './claims/figures';
import type { DraftClaim } from './claims/judge';
import { lineageContexts } from './claims/lineageLines';
import { ResultsLookup } from './claims/lookup';
import { readReport } from './claims/reportText';
import { tableClaims } from './claims/tables';
import {
  CLAIMS_SCHEMA,
  type CheckedClaim,
  type Claim,
  type ClaimGroup,
  type ClaimsDocument,
  type ClaimStatus,
  type ReportCheck,
} from './claims/types';

export * from './claims/types';
export { formatLike, formatIntervalLike, type StyleOptions } from './claims/figures';

const emptyCounts = (): Record<ClaimStatus, number> => ({
  HOLDS: 0,
  CHANGED: 0,
  NOT_FOUND: 0,
  NOT_CHECKED: 0,
});

function countStatuses(claims: { status: ClaimStatus }[]): Record<ClaimStatus, number> {
  const counts = emptyCounts();
  for (const c of claims) counts[c.status]++;
  return counts;
}

/** "12 figures hold · 2 changed · 1 not found": the CodeLens over a group. */
export function summaryText(counts: Record<ClaimStatus, number>): string {
  const parts: string[] = [];
  if (counts.HOLDS > 0) parts.push(`${counts.HOLDS} ${counts.HOLDS === 1 ? 'figure holds' : 'figures hold'}`);
  if (counts.CHANGED > 0) parts.push(`${counts.CHANGED} changed`);
  if (counts.NOT_FOUND > 0) parts.push(`${counts.NOT_FOUND} not found`);
  if (counts.NOT_CHECKED > 0) parts.push(`${counts.NOT_CHECKED} not checked`);
  return parts.length === 0 ? 'no figures' : parts.join(' · ');
}

/**
 * Checks every claim of a Markdown report against `results`. `lineageNames` are the lineage
 * map's names (CLAIMS.md resolves a lineage named in prose against the map, so a lineage the
 * results no longer have still opens a context, whose claims are then NOT_FOUND).
 */
export function checkReport(
  text: string,
  results: ResultsDocument,
  lineageNames: readonly string[] = results.lineages.map((l) => l.name),
): ReportCheck {
  const report = readReport(text);
  const lookup = new ResultsLookup(results);
  const pending: { group: Omit<ClaimGroup, 'counts' | 'summary'>; claims: DraftClaim[] }[] = [];
  for (const t of report.tables) {
    const found = tableClaims(t, lookup);
    if (found === null || found.claims.length === 0) continue;
    pending.push({
      group: {
        kind: 'table',
        startLine: t.startLine,
        endLine: t.endLine,
        title: found.title,
        page: found.page,
      },
      claims: found.claims,
    });
  }
  for (const c of lineageContexts(report, lookup, lineageNames))
    pending.push({
      group: {
        kind: 'lineage',
        startLine: c.startLine,
        endLine: c.endLine,
        title: c.lineage,
        page: { tab: 'lineages', lineage: lookup.lineage(c.lineage)?.name ?? c.lineage },
      },
      claims: c.claims,
    });
  pending.sort((a, b) => a.group.startLine - b.group.startLine);
  const groups: ClaimGroup[] = [];
  const claims: CheckedClaim[] = [];
  pending.forEach(({ group, claims: drafts }, index) => {
    const counts = countStatuses(drafts);
    groups.push({ ...group, counts, summary: summaryText(counts) });
    for (const d of drafts) claims.push({ ...d, group: index });
  });
  claims.sort((a, b) => a.line - b.line || a.column - b.column);
  return { claims, groups, summary: countStatuses(claims) };
}

/** A claim as CLAIMS.md's JSON writes it (the fields in the spec's order, nothing else). */
export function claimJson(c: Claim): Claim {
  return {
    line: c.line,
    column: c.column,
    end_column: c.end_column,
    text: c.text,
    kind: c.kind,
    figure: c.figure,
    claimed: c.claimed,
    actual: c.actual,
    actual_ci: c.actual_ci,
    status: c.status,
  };
}

/** The `failure-first-lens/claims@1` document: `report` and `workspace` as the researcher named them. */
export function claimsDocument(check: ReportCheck, report: string, workspace: string): ClaimsDocument {
  return {
    schema: CLAIMS_SCHEMA,
    report,
    workspace,
    summary: { ...check.summary },
    claims: check.claims.map(claimJson),
  };
}

const DIRECTION_WORDS: Record<string, string> = {
  INVERSE_SCALING: 'inverse scaling',
  POSITIVE_SCALING: 'positive scaling',
  FLAT_OR_NOISY: 'flat',
  INSUFFICIENT: 'insufficient',
};

/**
 * The current value written as the claim's text was (the quick fix "Update to the current
 * value"): the same decimals, sign style, thousands separator and `%`; a direction in words (or
 * as a label when it was written as one), a shape by name. Null when there is no current value.
 */
export function currentValueText(claim: Claim, options: StyleOptions = {}): string | null {
  const a = claim.actual;
  if (a === null) return null;
  if (typeof a === 'string') {
    if (claim.kind !== 'regression_classification' || /^[A-Z_]+$/.test(claim.text)) return a;
    const words = DIRECTION_WORDS[a] ?? a;
    const capital = /^\p{Lu}/u.test(claim.text);
    return capital ? words.charAt(0).toUpperCase() + words.slice(1) : words;
  }
  if (Array.isArray(a)) return findInterval(claim.text) ? formatIntervalLike(claim.text, a, options) : null;
  return parseNumber(claim.text) ? formatLike(claim.text, a, options) : null;
}

/** The minus sign a report writes (`−` once any figure uses it), for values that become negative. */
export function reportMinus(claims: Claim[]): '-' | '−' {
  return claims.some((c) => c.text.includes('\u2212')) ? '−' : '-';
}

/** The current value with its interval, written like the claim (`94.8% [88.4, 97.8]`); "undefined" when null. */
export function currentValueWithInterval(claim: Claim, options: StyleOptions = {}): string {
  const value = currentValueText(claim, options);
  if (value === null) return 'undefined';
  const ci = claim.actual_ci;
  const w = parseNumber(claim.text);
  if (ci === null || w === null) return value;
  // The bounds as the figure is written, without its `%`; signed when the figure is.
  const bound = `${w.sign === '' ? '' : '+'}${w.text.replace(/^[+\-\u2212]/, '').replace('%', '')}`;
  return `${value} [${formatLike(bound, ci[0], options)}, ${formatLike(bound, ci[1], options)}]`;
}

/** One line on a claim: its status and, unless it holds, what is there now (the CLI's text, the editor's diagnostic). */
export function claimMessage(claim: CheckedClaim | Claim, options: StyleOptions = {}): string {
  const n = 'n' in claim && claim.n !== null ? `, n ${claim.n}` : '';
  switch (claim.status) {
    case 'HOLDS':
      return `holds: ${claim.text} (now ${currentValueWithInterval(claim, options)}${n})`;
    case 'CHANGED':
      return claim.actual === null
        ? `changed: ${claim.text}, but ${claim.figure} is now undefined`
        : `changed: ${claim.text} is now ${currentValueWithInterval(claim, options)}${n}`;
    case 'NOT_FOUND':
      return `not found: ${claim.figure} names nothing in the current analysis`;
    case 'NOT_CHECKED':
      return `not checked: the member named for ${claim.text} fits several members (${claim.figure})`;
  }
}
