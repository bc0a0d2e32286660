/** The options of every command that analyses a folder (analyze, scenarios, compare, check-report). */
import { expectDefined } from '../shared/expect';
import { withDefaults, type Settings } from '../engine/settings';
import { UsageError } from './io';

/** The options of every command that analyses a folder, its arguments, and which of its own `flags` it was given. */
export interface AnalysisOptions {
  positionals: string[];
  flags: Set<string>;
  json?: string;
  markdown?: string;
  lineages?: string;
  /** `--index PATH`; null for `--no-index`; undefined for the default place in the user cache. */
  index: string | null | undefined;
  settings: Settings;
}

export function parseAnalysisOptions(rest: string[], flags: readonly string[] = []): AnalysisOptions {
  const positionals: string[] = [];
  const seen = new Set<string>();
  let json: string | undefined;
  let markdown: string | undefined;
  let lineages: string | undefined;
  let index: string | null | undefined;
  const thresholds: Partial<Settings['thresholds']> = {};
  let attackClassSource: Settings['attackClassSource'] | undefined;
  let grader: string | undefined;
  const value = (i: number, flag: string): string => {
    const v = rest[i + 1];
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const number = (i: number, flag: string): number => {
    const v = Number(value(i, flag));
    if (!Number.isFinite(v) || v < 0) throw new UsageError(`${flag} needs a non-negative number`);
    return v;
  };
  for (let i = 0; i < rest.length; i++) {
    const a = expectDefined(rest[i], 'an argument');
    switch (a) {
      case '--json':
        json = value(i++, a);
        break;
      case '--markdown':
        markdown = value(i++, a);
        break;
      case '--lineages':
        lineages = value(i++, a);
        break;
      case '--index':
        index = value(i++, a);
        break;
      case '--no-index':
        index = null;
        break;
      case '--flat-threshold':
        thresholds.flatPp = number(i++, a);
        break;
      case '--slope-threshold':
        thresholds.slopePpPerDecade = number(i++, a);
        break;
      case '--headline-threshold':
        thresholds.headlinePp = number(i++, a);
        break;
      case '--thin-n':
        thresholds.thinN = number(i++, a);
        break;
      case '--attack-class-source': {
        const v = value(i++, a);
        if (v !== 'family' && v !== 'name') throw new UsageError('--attack-class-source is family or name');
        attackClassSource = v;
        break;
      }
      case '--grader':
        grader = value(i++, a);
        if (grader.trim() === '') throw new UsageError('--grader needs a grader name');
        break;
      default:
        if (flags.includes(a)) seen.add(a);
        else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option: ${a}`);
        else positionals.push(a);
    }
  }
  if (json === '-' && markdown === '-')
    throw new UsageError('only one of --json and --markdown can write to standard output');
  return {
    positionals,
    flags: seen,
    json,
    markdown,
    lineages,
    index,
    settings: withDefaults({ thresholds, attackClassSource, grader }),
  };
}
