/** Everything a researcher can configure; the defaults are FORMATS.md §1 and ANALYSIS.md. */

export type FileKind = 'traces' | 'graded' | 'xgrader' | 'database' | 'scenarios' | 'lineages';

export interface Globs {
  traces: string[];
  graded: string[];
  xgrader: string[];
  database: string[];
  scenarios: string[];
}

export interface Thresholds {
  /** Lineage shape: max − min below this is FLAT; PEAK/TROUGH need this margin (pp). */
  flatPp: number;
  /** A cell with n below this is thin. */
  thinN: number;
  /** Dilution headline: the span must exceed this (pp). */
  headlinePp: number;
  /** Slope classification threshold (pp per decade). */
  slopePpPerDecade: number;
}

export interface Settings {
  globs: Globs;
  /** Workspace-relative path of the lineage map. */
  lineageMapPath: string;
  thresholds: Thresholds;
  attackClassSource: 'family' | 'name';
  /**
   * The grader whose verdicts count (ANALYSIS.md §11); null keeps each trace's primary verdict.
   * Other graders become second opinions.
   */
  grader: string | null;
}

export const DEFAULT_SETTINGS: Settings = {
  globs: {
    traces: ['**/runs/**/*_traces.jsonl'],
    graded: [
      '**/runs/**/*flip_graded*.jsonl',
      '**/runs/**/*_graded.jsonl',
      '**/runs/grading/**/graded_*.jsonl',
    ],
    xgrader: ['**/runs/**/*_xgrader_*.jsonl'],
    database: ['**/jailbreak_corpus.db'],
    scenarios: ['**/data/**/*.jsonl'],
  },
  lineageMapPath: '.failure-first/lineages.json',
  thresholds: { flatPp: 5, thinN: 20, headlinePp: 20, slopePpPerDecade: 5 },
  attackClassSource: 'family',
  grader: null,
};

export function withDefaults(partial: DeepPartial<Settings> | undefined): Settings {
  const p = partial ?? {};
  return {
    globs: { ...DEFAULT_SETTINGS.globs, ...(p.globs as Partial<Globs> | undefined) },
    lineageMapPath: p.lineageMapPath ?? DEFAULT_SETTINGS.lineageMapPath,
    thresholds: { ...DEFAULT_SETTINGS.thresholds, ...p.thresholds },
    attackClassSource: p.attackClassSource ?? DEFAULT_SETTINGS.attackClassSource,
    grader: p.grader ?? DEFAULT_SETTINGS.grader,
  };
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
