/** The `failureFirst.*` configuration of the editor, as engine settings. */
import { withDefaults, type Settings } from '../engine/settings';
import { DEFAULT_REPORT_GLOBS, type LensConfiguration } from '../protocol/settings';

const list = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') && v.length > 0 ? v : undefined;
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;

export function settingsFromConfig(config: LensConfiguration | null | undefined): Settings {
  const c = config ?? {};
  const f = c.files ?? {};
  const t = c.thresholds ?? {};
  const defined = <T extends object>(o: T): Partial<T> =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return withDefaults({
    globs: defined({
      traces: list(f.traces),
      graded: list(f.graded),
      xgrader: list(f.crossGrader),
      database: list(f.database),
      scenarios: list(f.scenarios),
    }),
    lineageMapPath: typeof c.lineageMap === 'string' && c.lineageMap.trim() !== '' ? c.lineageMap : undefined,
    thresholds: defined({
      flatPp: num(t.flatPp),
      thinN: num(t.thinN),
      headlinePp: num(t.headlinePp),
      slopePpPerDecade: num(t.slopePpPerDecade),
    }),
    attackClassSource:
      c.attackClassSource === 'name' ? 'name' : c.attackClassSource === 'family' ? 'family' : undefined,
    grader: typeof c.grader === 'string' && c.grader.trim() !== '' ? c.grader : undefined,
  });
}

/** The Markdown reports whose figures are checked (`failureFirst.reports`): an editor setting, not the engine's. */
export function reportGlobs(config: LensConfiguration | null | undefined): readonly string[] {
  return list(config?.reports) ?? DEFAULT_REPORT_GLOBS;
}
