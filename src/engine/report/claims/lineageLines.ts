/**
 * Lineage contexts, member lines and transitions (CLAIMS.md §2–§3): prose lines that quote a
 * lineage's members (`- 4B: n=32, strict ASR = 0.0%`, `0.8B: 58.6% | 2B: 94.8%`) and its steps
 * (`+6 pp on the 4B→27B transition`, `0.8B→2B: +36.2 pp`).
 */
import type { LineageJson } from '../results';
import { parseNumber, type WrittenNumber } from './figures';
import { judgeNumber, type Current, type DraftClaim } from './judge';
import { resolveMember, type Resolved, type ResultsLookup } from './lookup';
import type { ReportText } from './reportText';
import { expectDefined } from '../../../shared/expect';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Which lineages of the map a line names (case-insensitive, bounded, not inside a longer name). */
export class LineageNamer {
  private readonly patterns: { name: string; re: RegExp }[];

  constructor(names: readonly string[]) {
    this.patterns = [...new Set(names)]
      .filter((n) => n.trim() !== '')
      .map((name) => ({
        name,
        re: new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, 'giu'),
      }));
  }

  named(line: string): string[] {
    const hits: { name: string; start: number; end: number }[] = [];
    for (const { name, re } of this.patterns) {
      re.lastIndex = 0;
      for (let m = re.exec(line); m !== null; m = re.exec(line)) {
        hits.push({ name, start: m.index, end: m.index + m[0].length });
        re.lastIndex = m.index + 1;
      }
    }
    const kept = hits.filter(
      (h) => !hits.some((o) => o.name.length > h.name.length && o.start <= h.start && h.end <= o.end),
    );
    return [...new Set(kept.map((h) => h.name))];
  }
}

export interface LineageContext {
  lineage: string;
  /** 1-based lines: the opening line, and the last non-blank line of the context. */
  startLine: number;
  endLine: number;
  claims: DraftClaim[];
}

const LIST_MARKER = /^\s*(?:[-*+]|\d{1,9}[.)])\s+/;
const COUNT = '\\d{1,3}(?:[,\\u00a0\\u202f ]\\d{3})+|\\d+';
const PERCENT = '[+\\-\\u2212]?\\d+(?:\\.\\d+)?%';
const ITEM = new RegExp(
  `^(.+?):\\s*(?:n\\s*=\\s*(${COUNT})\\s*,\\s*strict\\s+asr\\s*=\\s*(${PERCENT})|(${PERCENT}))\\s*$`,
  'iud',
);
const DELTA = '[+\\-\\u2212]?\\d+(?:\\.\\d+)?';
// `±D pp on the A→B transition` and `A→B: ±D pp` (only `→` is an arrow).
const ON_THE = new RegExp(
  `(?<![\\p{L}\\p{N}.])(${DELTA})\\s*pp\\s+on\\s+the\\s+(\\S(?:.*?\\S)?)\\s*→\\s*(\\S(?:.*?\\S)?)\\s+transition(?![\\p{L}\\p{N}])`,
  'giud',
);
const ARROW_COLON = new RegExp(
  `(?<![^\\s(\\[])([^\\s→]+?)\\s*→\\s*([^\\s→]+?)\\s*:\\s*(${DELTA})\\s*pp(?![\\p{L}\\p{N}])`,
  'giud',
);

type Member = LineageJson['members'][number];

/** Every lineage context of the report, with the claims of its member lines and transitions. */
export function lineageContexts(
  report: ReportText,
  lookup: ResultsLookup,
  names: readonly string[],
): LineageContext[] {
  const namer = new LineageNamer(names);
  const contexts: LineageContext[] = [];
  let current = null as LineageContext | null;
  for (let i = 0; i < report.lines.length; i++) {
    const text = expectDefined(report.lines[i], 'a report line');
    const role = report.roles[i];
    const line = i + 1;
    if (role === 'code' || role === 'heading-continued') continue;
    // A table ends the context; a heading opens one when it names exactly one lineage, else ends it;
    // another line changes the context only when it names a lineage.
    const named = role === 'table' ? [] : namer.named(text);
    if (role === 'table' || role === 'heading' || named.length > 0) {
      const lineage = named.length === 1 ? expectDefined(named[0], 'the lineage named') : null;
      // A line naming the lineage of the context it is in continues that context: one group.
      if (lineage === null) current = null;
      else if (current?.lineage !== lineage) {
        current = { lineage, startLine: line, endLine: line, claims: [] };
        contexts.push(current);
      }
    }
    if (current === null) continue;
    if (text.trim() !== '') current.endLine = line;
    const lineage = lookup.lineage(current.lineage);
    if (role !== 'heading') memberLineClaims(current, text, line, lineage);
    transitionClaims(current, text, line, lineage);
  }
  return contexts.filter((c) => c.claims.length > 0);
}

function memberOf(lineage: LineageJson | null, text: string): Resolved<Member> {
  return lineage === null ? { found: 'none' } : resolveMember(text, lineage.members);
}

function map<T, U>(r: Resolved<T>, f: (t: T) => U): Resolved<U> {
  return r.found === 'one' ? { found: 'one', value: f(r.value) } : r;
}

/** A member line: its whole content (after a list marker) is `MEMBER: n=N, strict ASR = P%` or `MEMBER: P%` items. */
function memberLineClaims(
  ctx: LineageContext,
  text: string,
  line: number,
  lineage: LineageJson | null,
): void {
  const marker = LIST_MARKER.exec(text);
  const start = marker ? marker[0].length : 0;
  const items: { text: string; at: number }[] = [];
  let from = start;
  for (let i = start; i <= text.length; i++) {
    if (i === text.length || text[i] === '|') {
      items.push({ text: text.slice(from, i), at: from });
      from = i + 1;
    }
  }
  const parsed = items.map((it) => ({ it, m: ITEM.exec(it.text) }));
  if (parsed.some((p) => p.m === null)) return;
  const base = `lineages[${lineage?.name ?? ctx.lineage}]`;
  for (const { it, m } of parsed) {
    if (m === null || m.indices === undefined) continue;
    const memberText = expectDefined(m[1], 'a member name').trim();
    const member = memberOf(lineage, memberText);
    const name = `${base}.members[${member.found === 'one' ? member.value.model : memberText}]`;
    const figure = (group: number, n: WrittenNumber | null, kind: 'member_n' | 'member_strict'): void => {
      const span = m.indices?.[group];
      if (n === null || span === undefined) return;
      const current: Resolved<Current<number>> = map(member, (x) =>
        kind === 'member_n'
          ? { actual: x.n, n: x.n }
          : {
              actual: x.strict === null ? null : 100 * x.strict.rate,
              ci: x.strict === null ? null : [100 * x.strict.lo, 100 * x.strict.hi],
              n: x.n,
            },
      );
      const at = { line, column: it.at + span[0] + 1 };
      ctx.claims.push(
        judgeNumber(
          at,
          n,
          kind,
          `${name}.${kind === 'member_n' ? 'n' : 'strict.rate'}`,
          current,
          kind === 'member_n',
        ),
      );
    };
    if (m[2] !== undefined) {
      figure(2, parseNumber(m[2]), 'member_n');
      figure(3, parseNumber(expectDefined(m[3], 'a member rate')), 'member_strict');
    } else figure(4, parseNumber(expectDefined(m[4], 'a member rate')), 'member_strict');
  }
}

/** Transitions named anywhere in a context line: the step between two consecutive members. */
function transitionClaims(
  ctx: LineageContext,
  text: string,
  line: number,
  lineage: LineageJson | null,
): void {
  const found: { at: number; delta: string; a: string; b: string }[] = [];
  for (const re of [ON_THE, ARROW_COLON]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const idx = m.indices;
      if (idx === undefined) continue;
      const [d, a, b] = re === ON_THE ? [1, 2, 3] : [3, 1, 2];
      found.push({
        at: expectDefined(idx[d], 'where the step is written')[0],
        delta: expectDefined(m[d], 'a step'),
        a: expectDefined(m[a], 'the smaller member'),
        b: expectDefined(m[b], 'the larger member'),
      });
    }
  }
  found.sort((x, y) => x.at - y.at);
  const base = `lineages[${lineage?.name ?? ctx.lineage}]`;
  for (const f of found) {
    const w = parseNumber(f.delta);
    if (w === null) continue;
    const a = memberOf(lineage, f.a);
    const b = memberOf(lineage, f.b);
    let current: Resolved<Current<number>>;
    if (a.found === 'none' || b.found === 'none') current = { found: 'none' };
    else if (a.found === 'several' || b.found === 'several') current = { found: 'several' };
    else {
      const t = lineage?.transitions.find((x) => x.from === a.value.model && x.to === b.value.model);
      current = t === undefined ? { found: 'none' } : { found: 'one', value: { actual: t.delta_pp } };
    }
    const names = (r: Resolved<Member>, written: string): string =>
      r.found === 'one' ? r.value.model : written;
    ctx.claims.push(
      judgeNumber(
        { line, column: f.at + 1 },
        w,
        'transition',
        `${base}.transitions[${names(a, f.a)}→${names(b, f.b)}].delta_pp`,
        current,
        false,
      ),
    );
  }
}
