/** `ff-lens`: the engine's results for scripts and CI; each command in its own module, dispatched here. */
import { ScenarioCatalog } from '../engine/analyse/scenarios';
import { IndexBusy } from '../engine/index/lock';
import { IndexRefused } from '../engine/index/traceIndex';
import { WorkspaceUnreadable } from '../engine/read/discover';
import { renderMarkdown } from '../engine/report/markdown';
import { resultsJson } from '../engine/report/results';
import { analyseFolder, type FolderAnalysis } from './analyseFolder';
import { checkReportCommand } from './checkReport';
import { compare } from './compare';
import { CliError, UsageError, write, writeStdout } from './io';
import { parseAnalysisOptions, type AnalysisOptions } from './options';
import { printTimings } from './timings';
import { variants } from './variants';

const USAGE = `usage: ff-lens analyze <workspace-folder> [--json <file>|-] [--markdown <file>|-] [--lineages <file>]
                      [--index <path> | --no-index] [--flat-threshold PP] [--slope-threshold PP]
                      [--headline-threshold PP] [--thin-n N] [--attack-class-source family|name]
                      [--grader NAME] [--timings]
       ff-lens scenarios <workspace-folder> [--json <file>|-] [--index <path> | --no-index]
       ff-lens variants <scenario-file.jsonl> [--seed S] [--out <file>|-] [--force]
       ff-lens compare <before> <after> [--json <file>|-] [--markdown <file>|-] [--fail-on-change] [analysis options]
       ff-lens check-report <report.md> <workspace-folder> [--json <file>|-] [--fail-on-changed] [analysis options]
         (<before>, <after>: a results JSON file or a workspace folder, analysed first; analysis options as for analyze)`;

/**
 * Which code the last command ran, in a word: the command and, for a folder's analysis, what its
 * index and join did (bin/ff-lens.js keeps compiled code for each kind it has seen).
 */
let ranKind = '';
export const lastRunKind = (): string => ranKind;

const kindOf = (command: string, a: FolderAnalysis): string =>
  `${command}:${a.cached ? 'cached' : `${a.timings.follow}:${a.timings.join}`}`;

/** The folder of `analyze` and `scenarios`: one positional argument. */
function folderOf(options: AnalysisOptions): string {
  const [folder, extra] = options.positionals;
  if (folder === undefined) throw new UsageError('the workspace folder is required');
  if (extra !== undefined) throw new UsageError(`unexpected argument: ${extra}`);
  return folder;
}

async function analyze(argv: string[]): Promise<number> {
  const started = Date.now();
  const startedAt = performance.now();
  const options = parseAnalysisOptions(argv, ['--timings']);
  const a = await analyseFolder(folderOf(options), options);
  ranKind = kindOf('analyze', a);
  const outputAt = performance.now();
  const doc = a.document;
  if (options.json !== undefined) await write(options.json, resultsJson(doc));
  if (options.markdown !== undefined) await write(options.markdown, renderMarkdown(doc));
  if (options.json === undefined && options.markdown === undefined) await write('-', renderMarkdown(doc));
  const read = a.report.files.filter((f) => f.action !== 'unchanged').length;
  process.stderr.write(
    `ff-lens: ${doc.inputs.traces.total} traces in ${doc.inputs.files.length} files (${read} read, ${(a.report.bytesRead / 1e6).toFixed(1)} MB), ` +
      `${doc.inputs.problems.length} input problems${a.cached ? ', results unchanged since the last run' : ''}, ${Date.now() - started} ms\n`,
  );
  if (options.flags.has('--timings')) printTimings(a, startedAt, outputAt);
  return 0;
}

/** `ff-lens scenarios`: each scenario's evidence, as the editor shows it. */
async function scenarios(argv: string[]): Promise<number> {
  const options = parseAnalysisOptions(argv);
  const a = await analyseFolder(folderOf(options), options, (ws, run) => {
    const catalog = new ScenarioCatalog(run, ws.traceIndex);
    const seen = new Set<string>();
    const out = [];
    for (const l of catalog.lines) {
      if (l.id === null || seen.has(l.id)) continue;
      seen.add(l.id);
      out.push({
        ...catalog.evidence(l.id),
        defined_at: catalog.definitionsOf(l.id).map((d) => ({ path: d.path, line: d.line })),
      });
    }
    return out;
  });
  const list = a.used ?? [];
  await write(
    options.json ?? '-',
    `${JSON.stringify({ schema: 'failure-first-lens/scenarios@1', generated_at: a.document.generated_at, scenarios: list }, null, 2)}\n`,
  );
  process.stderr.write(`ff-lens: ${list.length} scenarios, ${a.document.inputs.traces.total} traces\n`);
  return 0;
}

// A Map: `ff-lens toString` is no command.
const COMMANDS = new Map<string, (argv: string[]) => number | Promise<number>>([
  ['analyze', analyze],
  ['scenarios', scenarios],
  ['variants', variants],
  ['compare', compare],
  ['check-report', checkReportCommand],
]);

export async function main(argv: string[]): Promise<number> {
  // A reader that goes away (`| head`) makes later writes fail: each write says so itself, once.
  process.stdout.on('error', () => undefined);
  try {
    if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      await writeStdout(`${USAGE}\n`);
      return 0;
    }
    const command = COMMANDS.get(argv[0] ?? '');
    ranKind = argv[0] ?? '';
    if (command === undefined)
      throw new UsageError(argv[0] ? `unknown command: ${argv[0]}` : 'a command is required');
    return await command(argv.slice(1));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`ff-lens: ${e.message} (ff-lens --help shows the usage)\n`);
      return 2;
    }
    if (
      e instanceof CliError ||
      e instanceof IndexRefused ||
      e instanceof WorkspaceUnreadable ||
      e instanceof IndexBusy
    ) {
      process.stderr.write(`ff-lens: ${e.message}\n`);
      return e instanceof CliError ? e.status : e instanceof IndexBusy ? 1 : 2;
    }
    throw e;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
