/** `ff-lens analyze <folder>`: the engine's results document for scripts and CI. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SEED, makeDilutionVariants } from '../engine/report/variants';
import { checkReportCommand } from './checkReport';
import { compare } from './compare';
import { renderMarkdown } from '../engine/report/markdown';
import { resultsJson } from '../engine/report/results';
import { ScenarioCatalog } from '../engine/analyse/scenarios';
import { withDefaults, type Settings } from '../engine/settings';
import { defaultIndexPath, Workspace } from '../engine/workspace';

const USAGE = `usage: ff-lens analyze <workspace-folder> [--json <file>|-] [--markdown <file>|-] [--lineages <file>]
                      [--index <path> | --no-index] [--flat-threshold PP] [--slope-threshold PP]
                      [--headline-threshold PP] [--thin-n N] [--attack-class-source family|name]
       ff-lens scenarios <workspace-folder> [--json <file>|-] [--index <path> | --no-index]
       ff-lens variants <scenario-file.jsonl> [--seed S] [--out <file>|-] [--force]
       ff-lens compare <before> <after> [--json <file>|-] [--markdown <file>|-] [--fail-on-change] [analysis options]
       ff-lens check-report <report.md> <workspace-folder> [--json <file>|-] [--fail-on-changed] [analysis options]
         (<before>, <after>: a results JSON file or a workspace folder, analysed first; analysis options as for analyze)`;

export class UsageError extends Error {}

interface Args {
  command: 'analyze' | 'scenarios';
  folder: string;
  json?: string;
  markdown?: string;
  lineages?: string;
  index: string | null | undefined;
  settings: Settings;
}

/** The options of every command that analyses a folder, its arguments, and which of its own `flags` it was given. */
export interface AnalysisOptions extends Omit<Args, 'command' | 'folder'> {
  positionals: string[];
  flags: Set<string>;
}

function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command !== 'analyze' && command !== 'scenarios')
    throw new UsageError(command ? `unknown command: ${command}` : 'a command is required');
  const { positionals, flags: _, ...options } = parseAnalysisOptions(rest);
  const [folder, extra] = positionals;
  if (folder === undefined) throw new UsageError('the workspace folder is required');
  if (extra !== undefined) throw new UsageError(`unexpected argument: ${extra}`);
  return { command, folder, ...options };
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
    const a = rest[i] as string;
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
    settings: withDefaults({ thresholds, attackClassSource }),
  };
}

/** Progress on standard error: a bar on a terminal, plain lines otherwise. */
export function progressReporter(): {
  update: (done: number, total: number, file: string) => void;
  end: () => void;
} {
  const tty = process.stderr.isTTY === true;
  let lastPct = -1;
  let lastAt = 0;
  return {
    update(done, total, file) {
      const pct = total === 0 ? 100 : Math.floor((100 * done) / total);
      if (tty) {
        const now = Date.now();
        if (pct === lastPct && now - lastAt < 100) return;
        lastAt = now;
        const width = 30;
        const fill = Math.round((pct / 100) * width);
        const name = file.length > 40 ? `…${file.slice(-39)}` : file;
        process.stderr.write(
          `\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}% ${name.padEnd(40)}`,
        );
      } else if (pct >= lastPct + 10 || (pct === 100 && lastPct !== 100)) {
        process.stderr.write(`ff-lens: indexed ${pct}% (${file})\n`);
      }
      lastPct = pct;
    },
    end() {
      if (tty && lastPct >= 0) process.stderr.write('\r\x1b[K');
    },
  };
}

export function write(target: string, text: string): void {
  if (target === '-') process.stdout.write(text);
  else fs.writeFileSync(target, text);
}

/** `ff-lens variants`: the reasoning-dilution variants of a scenario file (the editor command's twin). */
function variants(argv: string[]): number {
  let file: string | undefined;
  let seed = DEFAULT_SEED;
  let out: string | undefined;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--seed' || a === '--out') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      if (a === '--seed') seed = v;
      else out = v;
    } else if (a === '--force') force = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown option: ${a}`);
    else if (file === undefined) file = a;
    else throw new UsageError(`unexpected argument: ${a}`);
  }
  if (file === undefined) throw new UsageError('the scenario file is required');
  if (!fs.existsSync(file)) {
    process.stderr.write(`ff-lens: no such file: ${file}\n`);
    return 2;
  }
  const r = makeDilutionVariants(fs.readFileSync(file, 'utf8'), seed);
  const target = out ?? file.replace(/\.jsonl$/, '') + '.dilution.jsonl';
  if (target !== '-' && fs.existsSync(target) && !force) {
    process.stderr.write(`ff-lens: ${target} exists; --force replaces it\n`);
    return 2;
  }
  write(target, r.text);
  for (const s of r.skipped) process.stderr.write(`ff-lens: ${file}:${s.line}: skipped: ${s.reason}\n`);
  process.stderr.write(
    `ff-lens: ${r.written} dilution variants (seed ${JSON.stringify(seed)})${target === '-' ? '' : ` written to ${target}`}\n`,
  );
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // Commands with their own arguments (a Map: `ff-lens toString` is no command).
  const own = new Map<string, (argv: string[]) => number | Promise<number>>([
    ['variants', variants],
    ['compare', compare],
    ['check-report', checkReportCommand],
  ]).get(argv[0] ?? '');
  if (own !== undefined) {
    try {
      return await own(argv.slice(1));
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      process.stderr.write(`ff-lens: ${e.message} (ff-lens --help shows the usage)\n`);
      return 2;
    }
  }
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`ff-lens: ${e.message} (ff-lens --help shows the usage)\n`);
      return 2;
    }
    throw e;
  }
  const root = path.resolve(args.folder);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    process.stderr.write(`ff-lens: no such folder: ${args.folder}\n`);
    return 2;
  }
  if (args.lineages !== undefined && !fs.existsSync(args.lineages)) {
    process.stderr.write(`ff-lens: no such lineage map: ${args.lineages}\n`);
    return 2;
  }
  const realRoot = fs.realpathSync(root);
  const indexPath = args.index === undefined ? defaultIndexPath(realRoot) : args.index;
  const started = Date.now();
  const ws = new Workspace(realRoot, { settings: args.settings, indexPath, lineageMapFile: args.lineages });
  try {
    const progress = progressReporter();
    const t0 = Date.now();
    const report = await ws.refresh(progress.update);
    const tIndexed = Date.now();
    progress.end();
    if (args.command === 'scenarios') {
      const run = ws.analyse();
      const catalog = new ScenarioCatalog(run, ws.traceIndex);
      const seen = new Set<string>();
      const scenarios = [];
      for (const l of catalog.lines) {
        if (l.id === null || seen.has(l.id)) continue;
        seen.add(l.id);
        scenarios.push({
          ...catalog.evidence(l.id),
          defined_at: catalog.definitionsOf(l.id).map((d) => ({ path: d.path, line: d.line })),
        });
      }
      write(
        args.json ?? '-',
        `${JSON.stringify({ schema: 'failure-first-lens/scenarios@1', generated_at: run.document.generated_at, scenarios }, null, 2)}\n`,
      );
      process.stderr.write(
        `ff-lens: ${scenarios.length} scenarios, ${run.document.inputs.traces.total} traces\n`,
      );
      return 0;
    }
    // Nothing changed since the last run (same index generation, settings and map): reuse its results.
    const cached = ws.cachedDocument();
    const doc = cached ?? ws.analyse().document;
    if (args.json !== undefined) write(args.json, resultsJson(doc));
    if (args.markdown !== undefined) write(args.markdown, renderMarkdown(doc));
    if (args.json === undefined && args.markdown === undefined) write('-', renderMarkdown(doc));
    const changed = report.files.filter((f) => f.action !== 'unchanged').length;
    process.stderr.write(
      `ff-lens: ${doc.inputs.traces.total} traces in ${doc.inputs.files.length} files (${changed} read, ${(report.bytesRead / 1e6).toFixed(1)} MB), ` +
        `${doc.inputs.problems.length} input problems${cached ? ', results unchanged since the last run' : ''}, ${Date.now() - started} ms\n`,
    );
    if (process.env.FF_LENS_BENCH) {
      process.stderr.write(
        `ff-lens: phases: start ${t0 - started} ms, index ${tIndexed - t0} ms (${report.threads} worker threads), analysis and output ${Date.now() - tIndexed} ms\n` +
          `ff-lens: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MB\n`,
      );
    }
    return 0;
  } finally {
    ws.close();
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
