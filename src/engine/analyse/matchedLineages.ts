/** Matched lineages (ANALYSIS.md §4): each lineage's members by size, their transitions and its shape. */
import { compareCodePoints as cmp } from '../read/discover';
import type { LineageJson, LineageMemberJson, RateJson, Shape } from '../report/results';
import type { CellTotal } from './totals';
import { bySize, type ModelInfo } from './models';
import { wilson } from './stats';
import type { Tally } from './tally';
import { expectDefined } from '../../shared/expect';

const pp = (r: RateJson | null): number | null => (r === null ? null : 100 * r.rate);

export function matchedLineages(
  names: string[],
  lineageMembers: Map<string, string[]>,
  modelTallies: Map<string, Tally>,
  cells: CellTotal[],
  models: Map<string, ModelInfo>,
  flatPp: number,
): LineageJson[] {
  // Each model's attack classes with at least one evaluable trace, and its tally in each.
  const classesOf = new Map<string, Map<string, Tally>>();
  for (const c of cells) {
    if (c.tally.n === 0) continue;
    let m = classesOf.get(c.key);
    if (!m) classesOf.set(c.key, (m = new Map<string, Tally>()));
    m.set(c.attackClass, c.tally);
  }
  const lineageJson: LineageJson[] = [];
  for (const name of names) {
    if (lineageJson.some((l) => l.name === name)) continue; // a map may repeat a name; the first wins
    const keys = (lineageMembers.get(name) ?? []).filter((k) => (modelTallies.get(k)?.n ?? 0) > 0);
    if (keys.length === 0) continue;
    keys.sort((a, b) => bySize(models.get(a) as ModelInfo, models.get(b) as ModelInfo));
    const mix = attackClassMix(keys, classesOf);
    const members: LineageMemberJson[] = keys.map((k) => {
      const t = modelTallies.get(k) as Tally;
      let n = 0;
      let compliance = 0;
      for (const ac of mix.shared) {
        const c = classesOf.get(k)?.get(ac) as Tally;
        n += c.n;
        compliance += c.counts.COMPLIANCE;
      }
      return {
        model: k,
        params_b: (models.get(k) as ModelInfo).params_b,
        n: t.n,
        strict: t.strict(),
        shared: { n, strict: wilson(compliance, n) },
      };
    });
    const transitions = [];
    for (let i = 1; i < members.length; i++) {
      const a = members[i - 1] as (typeof members)[number];
      const b = members[i] as (typeof members)[number];
      transitions.push({
        from: a.model,
        to: b.model,
        delta_pp: (pp(b.strict) as number) - (pp(a.strict) as number),
        same_size: a.params_b !== null && a.params_b === b.params_b,
      });
    }
    lineageJson.push({
      name,
      members,
      transitions,
      shape: lineageShape(
        members.map((m) => ({ size: m.params_b, y: pp(m.strict) as number })),
        flatPp,
      ),
      shared_attack_classes: mix.shared,
      mix_differs: mix.differs,
    });
  }
  return lineageJson;
}

/**
 * The attack classes every member was evaluated in (ANALYSIS.md §12), sorted, and whether some
 * member was evaluated in others too: then the pooled rates compare different attack mixes.
 */
function attackClassMix(
  keys: string[],
  classesOf: Map<string, Map<string, Tally>>,
): { shared: string[]; differs: boolean } {
  const sets = keys.map((k) => new Set(classesOf.get(k)?.keys() ?? []));
  const first = sets[0] ?? new Set<string>();
  const shared = [...first].filter((ac) => sets.every((s) => s.has(ac))).sort(cmp);
  return { shared, differs: sets.some((s) => s.size > shared.length) };
}

/** Lineage shape (ANALYSIS.md §4), members in size order, y in pp. */
export function lineageShape(members: { size: number | null; y: number }[], t: number): Shape {
  if (members.length === 1) return 'SINGLE';
  const first = members[0] as { size: number | null; y: number };
  if (first.size !== null && members.every((m) => m.size === first.size)) return 'SAME_SIZE';
  const ys = members.map((m) => m.y);
  const max = Math.max(...ys);
  const min = Math.min(...ys);
  if (max - min < t) return 'FLAT';
  const steps = ys.slice(1).map((y, i) => y - expectDefined(ys[i], 'the smaller member'));
  if (steps.every((s) => s >= 0)) return 'INCREASING';
  if (steps.every((s) => s <= 0)) return 'DECREASING';
  const y0 = expectDefined(ys[0], 'the smallest member');
  const yl = expectDefined(ys[ys.length - 1], 'the largest member');
  const interior = ys.slice(1, -1);
  if (interior.includes(max) && max - y0 >= t && max - yl >= t) return 'PEAK';
  if (interior.includes(min) && y0 - min >= t && yl - min >= t) return 'TROUGH';
  return 'NON_MONOTONIC';
}
