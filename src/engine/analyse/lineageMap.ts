/**
 * The hand-matched lineage map (FORMATS.md §7): which models compare like with like. Its member
 * patterns are the user's regular expressions, run on RE2's linear-time engine (re2js): a pattern
 * such as `(a+)+$` cannot make the analysis hang on a long model id.
 */
import type { ProblemCode } from '../problems';

/** The regular-expression engine, loaded when the first pattern is compiled (lazy/re2.ts). */
let re2Module: typeof import('../lazy/re2') | null = null;
const re2 = (): typeof import('../lazy/re2') =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily; typed by the import type
  (re2Module ??= require('../lazy/re2') as typeof import('../lazy/re2'));

export interface LineageMember {
  match: string;
  params?: number;
}
export interface LineageDef {
  name: string;
  members: LineageMember[];
}
export interface LineageMapDoc {
  exclude: string[];
  lineages: LineageDef[];
}

export const DEFAULT_LINEAGE_MAP: LineageMapDoc = {
  exclude: ['abliterat', 'uncensored', 'obliterat'],
  lineages: [
    {
      name: 'Gemma 3',
      members: [
        { match: 'gemma-?3[:-]4b', params: 4 },
        { match: 'gemma-?3[:-]27b', params: 27 },
      ],
    },
    {
      name: 'Llama 3',
      members: [
        { match: 'llama-?3\\.1[:-]8b', params: 8 },
        { match: 'llama-?3\\.3[:-]70b', params: 70 },
        { match: 'llama-?3\\.1[:-]405b', params: 405 },
      ],
    },
    { name: 'Qwen 3.5', members: [{ match: 'qwen3\\.5[:-]\\d+(\\.\\d+)?b' }] },
    {
      name: 'Mistral Small',
      members: [
        { match: 'mistral-small-3\\.1', params: 24 },
        { match: 'mistral-small-3\\.2', params: 24 },
      ],
    },
  ],
};

export interface MapProblem {
  code: Extract<ProblemCode, 'lineage-map-invalid' | 'lineage-regex-invalid'>;
  reason: string;
  /** JSON pointer-ish location inside the map, for editor diagnostics. */
  where?: { lineage: number; member?: number; field: 'match' | 'params' | 'name' | 'exclude' };
}

export interface CompiledMember {
  lineage: string;
  lineageIndex: number;
  memberIndex: number;
  match: string;
  /** Null when the pattern does not compile (a problem says why): it matches nothing. */
  regex: { test(input: string): boolean } | null;
  params: number | null;
}

export interface LineageMatch {
  lineage: string;
  lineageIndex: number;
  memberIndex: number;
  params: number | null;
}

/**
 * What a map's patterns decided in an earlier run (the CLI keeps it in its index, DECISIONS.md 84):
 * the problems of compiling them and each key's match, for the map `doc` (its JSON) as it was then.
 */
export interface LineageMemo {
  doc: string;
  problems: MapProblem[];
  matches: [key: string, match: LineageMatch | null][];
}

export class LineageMap {
  readonly names: string[];
  private compiled: { members: CompiledMember[]; problems: MapProblem[] } | null = null;
  /** Earlier decisions of these patterns (useMemo), and this run's, by key. */
  private memo: { problems: MapProblem[]; matches: Map<string, LineageMatch | null> } | null = null;
  private memoGrew = false;

  constructor(
    readonly doc: LineageMapDoc,
    readonly source: 'default' | 'workspace' | 'file',
    private readonly readProblems: MapProblem[] = [],
  ) {
    this.names = doc.lineages.map((l) => l.name);
  }

  /**
   * The members with their regexes, compiled at first use: a run whose results are cached needs
   * only the names, and compiling costs a CLI start ~7 ms.
   */
  get members(): CompiledMember[] {
    return this.compile().members;
  }

  /** What is wrong with the map: reading it first, then every pattern that does not compile. */
  get problems(): MapProblem[] {
    if (this.memo && !this.compiled) return [...this.readProblems, ...this.memo.problems];
    return this.compile().problems;
  }

  /**
   * Take an earlier run's decisions, if they were made for this very map: a run whose models were all
   * seen before then compiles no pattern (nor loads the regex engine). Anything else is ignored.
   */
  useMemo(memo: LineageMemo | null): void {
    if (!memo || memo.doc !== JSON.stringify(this.doc)) return;
    this.memo = { problems: memo.problems, matches: new Map(memo.matches) };
  }

  /** The decisions to keep for the next run, when this run added any (null otherwise). */
  memoToKeep(): LineageMemo | null {
    if (!this.memo || !this.memoGrew) return null;
    return { doc: JSON.stringify(this.doc), problems: this.memo.problems, matches: [...this.memo.matches] };
  }

  private compile(): { members: CompiledMember[]; problems: MapProblem[] } {
    if (this.compiled) return this.compiled;
    const members: CompiledMember[] = [];
    const problems = [...this.readProblems];
    this.doc.lineages.forEach((l, li) =>
      l.members.forEach((m, mi) => {
        let regex: CompiledMember['regex'] = null;
        try {
          const { RE2JS } = re2();
          regex = RE2JS.compile(m.match, RE2JS.CASE_INSENSITIVE);
        } catch (e) {
          problems.push({
            code: 'lineage-regex-invalid',
            reason: `lineage "${l.name}" member ${mi + 1}: match ${JSON.stringify(m.match)} is not a regular expression the linear-time engine (RE2 syntax: no look-around or back-references) accepts (${(e as Error).message})`,
            where: { lineage: li, member: mi, field: 'match' },
          });
        }
        members.push({
          lineage: l.name,
          lineageIndex: li,
          memberIndex: mi,
          match: m.match,
          regex,
          params: typeof m.params === 'number' ? m.params : null,
        });
      }),
    );
    this.compiled = { members, problems };
    return this.compiled;
  }

  /** The exclude pattern a canonical key contains, if any. */
  exclusion(key: string): string | null {
    for (const p of this.doc.exclude) if (p !== '' && key.includes(p.toLowerCase())) return p;
    return null;
  }

  /** First lineage in map order, then its first member, whose regex is found in the key. */
  match(key: string): LineageMatch | null {
    const known = this.memo?.matches.get(key);
    if (known !== undefined) return known;
    const found = this.matchNow(key);
    this.memo ??= { problems: this.compile().problems.slice(this.readProblems.length), matches: new Map() };
    this.memo.matches.set(key, found);
    this.memoGrew = true;
    return found;
  }

  private matchNow(key: string): LineageMatch | null {
    for (const m of this.members) {
      if (m.regex?.test(key)) {
        return {
          lineage: m.lineage,
          lineageIndex: m.lineageIndex,
          memberIndex: m.memberIndex,
          params: m.params,
        };
      }
    }
    return null;
  }
}

export function defaultLineageMap(): LineageMap {
  return new LineageMap(DEFAULT_LINEAGE_MAP, 'default');
}

/** Parse a map file's text; on any error, the defaults with the problems that explain why. */
export function parseLineageMap(text: string, source: 'workspace' | 'file'): LineageMap {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return new LineageMap(DEFAULT_LINEAGE_MAP, 'default', [
      {
        code: 'lineage-map-invalid',
        reason: `lineage map is not valid JSON (${lineageJsonError(e, text)}); using the built-in defaults`,
      },
    ]);
  }
  const problems: MapProblem[] = [];
  const shape = validateShape(raw, problems);
  if (!shape) {
    return new LineageMap(DEFAULT_LINEAGE_MAP, 'default', [
      ...problems,
      { code: 'lineage-map-invalid', reason: 'lineage map has the wrong shape; using the built-in defaults' },
    ]);
  }
  return new LineageMap(shape, source, problems);
}

function validateShape(raw: unknown, problems: MapProblem[]): LineageMapDoc | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push({
      code: 'lineage-map-invalid',
      reason: 'lineage map must be a JSON object with "lineages"',
    });
    return null;
  }
  const obj = raw as Record<string, unknown>;
  const exclude: string[] = [];
  if (obj.exclude !== undefined) {
    if (!Array.isArray(obj.exclude) || !obj.exclude.every((e) => typeof e === 'string')) {
      problems.push({ code: 'lineage-map-invalid', reason: '"exclude" must be an array of strings' });
      return null;
    }
    exclude.push(...obj.exclude);
  }
  if (obj.lineages !== undefined && !Array.isArray(obj.lineages)) {
    problems.push({ code: 'lineage-map-invalid', reason: '"lineages" must be an array' });
    return null;
  }
  const lineages: LineageDef[] = [];
  for (const [li, l] of ((obj.lineages as unknown[] | undefined) ?? []).entries()) {
    const lo = l as Record<string, unknown> | null;
    if (typeof lo !== 'object' || lo === null || typeof lo.name !== 'string' || !Array.isArray(lo.members)) {
      problems.push({
        code: 'lineage-map-invalid',
        reason: `lineage ${li + 1} needs a "name" string and a "members" array`,
      });
      return null;
    }
    const members: LineageMember[] = [];
    for (const [mi, m] of (lo.members as unknown[]).entries()) {
      const mo = m as Record<string, unknown> | null;
      if (typeof mo !== 'object' || mo === null || typeof mo.match !== 'string') {
        problems.push({
          code: 'lineage-map-invalid',
          reason: `lineage "${lo.name}" member ${mi + 1} needs a "match" string`,
        });
        return null;
      }
      if (mo.params !== undefined && (typeof mo.params !== 'number' || !(mo.params > 0))) {
        problems.push({
          code: 'lineage-map-invalid',
          reason: `lineage "${lo.name}" member ${mi + 1}: "params" must be a positive number (billions)`,
        });
        return null;
      }
      members.push(mo.params === undefined ? { match: mo.match } : { match: mo.match, params: mo.params });
    }
    lineages.push({ name: lo.name, members });
  }
  return { exclude, lineages };
}

/** V8's JSON error without the text it quotes (the map may be anything someone put at that path). */
function lineageJsonError(e: unknown, text: string): string {
  const m = e instanceof Error ? e.message : String(e);
  const at = /at position (\d+)/.exec(m);
  return at ? `at character ${Number(at[1]) + 1}` : text.trim() === '' ? 'empty' : 'unexpected text';
}
