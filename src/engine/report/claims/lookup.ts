/** The figures of a results document a claim can name, found by the keys a report writes (CLAIMS.md). */
import { canonicalModelKey } from '../../analyse/models';
import type {
  CellJson,
  DilutionModelJson,
  GroupKind,
  LineageJson,
  RegressionJson,
  ResultsDocument,
} from '../results';
import { expectDefined } from '../../../shared/expect';

type Member = LineageJson['members'][number];

/** A key resolved: one thing, nothing (NOT_FOUND), or several (NOT_CHECKED). */
export type Resolved<T> = { found: 'one'; value: T } | { found: 'none' } | { found: 'several' };

const one = <T>(value: T): Resolved<T> => ({ found: 'one', value });
const NONE = { found: 'none' } as const;
const SEVERAL = { found: 'several' } as const;

function fromList<T>(list: T[]): Resolved<T> {
  if (list.length === 0) return NONE;
  if (list.length > 1) return SEVERAL;
  return one(expectDefined(list[0], 'the one match'));
}

// A size token as a report writes a member (`4B`, `0.8B`, `135M`), not glued to a word or a number.
const SIZE_TOKEN = /(?<![\p{L}\p{N}.])(\d+(?:\.\d+)?)([bm])(?![\p{L}\p{N}])/iu;
const ALNUM = /[\p{L}\p{N}]/u;

/** Whether `key` contains `word` (case-insensitive) bounded by non-alphanumeric characters or the ends. */
export function containsBounded(key: string, word: string): boolean {
  const k = key.toLowerCase();
  const w = word.toLowerCase();
  if (w === '') return true;
  for (let at = k.indexOf(w); at >= 0; at = k.indexOf(w, at + 1)) {
    const before = at === 0 ? '' : expectDefined(k[at - 1], 'the character before');
    const after = k.charAt(at + w.length);
    if (!ALNUM.test(before) && !ALNUM.test(after)) return true;
  }
  return false;
}

/** Markdown emphasis and code marks around a word (`**4B**`, `` `qwen3.5:2b` ``). */
const stripMarks = (s: string): string => s.replace(/^[*_`]+|[*_`]+$/g, '');

/**
 * The members of a lineage a report's MEMBER text names (CLAIMS.md §2): by a size token, narrowed
 * when several members share that size to those whose key contains every other word; otherwise
 * the member whose key contains the text.
 */
export function resolveMember(text: string, members: Member[]): Resolved<Member> {
  const t = stripMarks(text.trim());
  const size = SIZE_TOKEN.exec(t);
  if (size) {
    const billions = Number(size[1]) * (size[2]?.toLowerCase() === 'm' ? 1e-3 : 1);
    let list = members.filter((m) => m.params_b !== null && Math.abs(m.params_b - billions) < 1e-9);
    if (list.length > 1) {
      const words = (t.slice(0, size.index) + ' ' + t.slice(size.index + size[0].length))
        .split(/\s+/)
        .map(stripMarks)
        .filter((w) => w !== '');
      list = list.filter((m) => words.every((w) => containsBounded(m.model, w)));
    }
    return fromList(list);
  }
  return fromList(members.filter((m) => containsBounded(m.model, t)));
}

const cellId = (attackClass: string, model: string): string => `${attackClass}\u0000${model}`;

/** Indexes of one results document for the lookups of a report check. */
export class ResultsLookup {
  private readonly modelKeys = new Map<string, string>();
  private readonly cells = new Map<string, CellJson>();
  private readonly dilution = new Map<string, DilutionModelJson>();
  private readonly regressions = new Map<string, RegressionJson>();

  constructor(readonly doc: ResultsDocument) {
    for (const m of doc.models) {
      this.modelKeys.set(m.key, m.key);
      for (const n of m.names) if (!this.modelKeys.has(n)) this.modelKeys.set(n, m.key);
    }
    for (const c of doc.cells) this.cells.set(cellId(c.attack_class, c.model), c);
    for (const d of doc.dilution.models) this.dilution.set(d.model, d);
    for (const r of doc.regressions) {
      const value =
        r.group === 'dataset' || r.group === 'attack_class' || r.group === 'lineage'
          ? r.key[r.group]
          : undefined;
      if (value !== undefined) this.regressions.set(`${r.group}\u0000${value}`, r);
    }
  }

  /** A model named by its id or canonical key; a trailing note such as ` (excluded)` is ignored. */
  modelKey(text: string): string | null {
    const direct = this.modelKeys.get(text) ?? this.modelKeys.get(canonicalModelKey(text));
    if (direct !== undefined) return direct;
    const noted = /^(.*\S)\s*\([^()]*\)$/.exec(text);
    return noted ? this.modelKey(expectDefined(noted[1], 'a noted size')) : null;
  }

  lineage(name: string): LineageJson | null {
    const exact = this.doc.lineages.find((l) => l.name === name);
    if (exact) return exact;
    const lower = name.toLowerCase();
    const folded = this.doc.lineages.filter((l) => l.name.toLowerCase() === lower);
    return folded.length === 1 ? expectDefined(folded[0], 'the one lineage') : null;
  }

  regression(
    group: Extract<GroupKind, 'dataset' | 'attack_class' | 'lineage'>,
    key: string,
  ): RegressionJson | null {
    const r = this.regressions.get(`${group}\u0000${key}`);
    if (r !== undefined || group !== 'lineage') return r ?? null;
    const l = this.lineage(key);
    return l ? (this.regressions.get(`lineage\u0000${l.name}`) ?? null) : null;
  }

  cell(attackClass: string, modelText: string): CellJson | null {
    const key = this.modelKey(modelText);
    return key === null ? null : (this.cells.get(cellId(attackClass, key)) ?? null);
  }

  dilutionModel(modelText: string): DilutionModelJson | null {
    const key = this.modelKey(modelText);
    return key === null ? null : (this.dilution.get(key) ?? null);
  }

  /** A lineage member named in a table's model column: by id or canonical key, among the lineage's members. */
  tableMember(lineage: LineageJson, modelText: string): Member | null {
    const key = this.modelKey(modelText) ?? canonicalModelKey(modelText);
    return lineage.members.find((m) => m.model === key) ?? null;
  }
}
