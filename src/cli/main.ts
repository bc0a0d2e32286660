/** `ff-lens analyze <folder>`: the engine's results document for scripts and CI. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IndexBusy } from '../engine/index/lock';
import { IndexRefused } from '../engine/index/traceIndex';
import { WorkspaceUnreadable } from '../engine/read/discover';
import { MAX_LINE_BYTES, openRegular, scanLines } from '../engine/read/jsonl';
import { diluteLine } from '../engine/report/variants';
import { renderMarkdown } from '../engine/report/markdown';
import { ScenarioCatalog } from '../engine/analyse/scenarios';
import { withDefaults, type Settings } from '../engine/settings';
import { defaultIndexPath, Workspace } from '../engine/workspace';

const USAGE = `usage: ff-lens analyze <workspace-folder> [--json <file>|-] [--markdown <file>|-] [--lineages <file>]
                      [--index <path> | --no-index] [--flat-threshold PP] [--slope-threshold PP]
                      [--headline-threshold PP] [--thin-n N] [--attack-class-source family|name]
       ff-lens scenarios <workspace-folder> [--json <file>|-] [--index <path> | --no-index]
       ff-lens variants <scenario-file.jsonl> [--seed S] [--out <file>|-] [--force]`;

class UsageError extends Error {}

/** A failure the user can act on, said in one line (`ff-lens: …`) with a non-zero exit status. */
class CliError extends Error {
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

interface Args {
  command: 'analyze' | 'scenarios';
  folder: string;
  json?: string;
  markdown?: string;
  lineages?: string;
  index: string | null | undefined;
  settings: Settings;
}

function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command !== 'analyze' && command !== 'scenarios')
    throw new UsageError(command ? `unknown command: ${command}` : 'a command is required');
  let folder: string | undefined;
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
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option: ${a}`);
        if (folder !== undefined) throw new UsageError(`unexpected argument: ${a}`);
        folder = a;
    }
  }
  if (folder === undefined) throw new UsageError('the workspace folder is required');
  if (json === '-' && markdown === '-')
    throw new UsageError('only one of --json and --markdown can write to standard output');
  return {
    command,
    folder,
    json,
    markdown,
    lineages,
    index,
    settings: withDefaults({ thresholds, attackClassSource }),
  };
}

/** Progress on standard error: a bar on a terminal, plain lines otherwise. */
function progressReporter(): {
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

const errCode = (e: unknown): string =>
  (e as { code?: string }).code ?? (e instanceof Error ? e.message : String(e));

/** Standard output, or the pipe behind it, may close early (`| head`): that is one line too, not a crash. */
function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (e: unknown): void => reject(new CliError(`cannot write standard output (${errCode(e)})`));
    process.stdout.once('error', fail);
    process.stdout.write(text, (e) => {
      process.stdout.off('error', fail);
      if (e) fail(e);
      else resolve();
    });
  });
}

/** Write a whole output, or fail with one line; nothing is said to have succeeded before it has. */
async function write(target: string, text: string): Promise<void> {
  if (target === '-') return writeStdout(text);
  try {
    fs.writeFileSync(target, text);
  } catch (e) {
    throw new CliError(`cannot write ${target} (${errCode(e)})`);
  }
}

/**
 * `ff-lens variants`: the reasoning-dilution variants of a scenario file (the editor command's twin).
 * The file is read line by line and the variants written as they come, so its size is not bounded by
 * memory; they go to a temporary file renamed into place, so a failed write leaves nothing half-done.
 */
function variants(argv: string[]): number {
  let file: string | undefined;
  let seed = 'failure-first';
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
  let input: { fd: number; st: fs.Stats };
  try {
    input = openRegular(file);
  } catch (e) {
    const code = errCode(e);
    if (code === 'ENOENT') throw new CliError(`no such file: ${file}`, 2);
    if (code === 'ENOTREG') throw new CliError(`${file} is not a regular file`, 2);
    throw new CliError(`cannot read ${file} (${code})`, 2);
  }
  const target = out ?? file.replace(/\.jsonl$/, '') + '.dilution.jsonl';
  if (target !== '-' && fs.existsSync(target) && !force) {
    fs.closeSync(input.fd);
    throw new CliError(`${target} exists; --force replaces it`, 2);
  }
  const temp = target === '-' ? null : `${target}.ff-lens-${process.pid}.tmp`;
  let outFd = 1;
  try {
    if (temp !== null) outFd = fs.openSync(temp, 'wx');
  } catch (e) {
    fs.closeSync(input.fd);
    throw new CliError(`cannot write ${target} (${errCode(e)})`);
  }
  let written = 0;
  const skipped: { line: number; reason: string }[] = [];
  const pending: string[] = [];
  let pendingBytes = 0;
  const flush = (): void => {
    if (pending.length === 0) return;
    const chunk = pending.join('');
    pending.length = 0;
    pendingBytes = 0;
    if (outFd === 1) process.stdout.write(chunk);
    else fs.writeSync(outFd, chunk);
  };
  try {
    scanLines(
      input.fd,
      0,
      0,
      input.st.size,
      0,
      (line, _offset, _length, buf, start, end) => {
        const r = diluteLine(buf.toString('utf8', start, end), seed);
        if ('skipped' in r) {
          if (r.skipped !== '') skipped.push({ line, reason: r.skipped });
          return;
        }
        written++;
        pending.push(`${r.variant}\n`);
        pendingBytes += r.variant.length;
        if (pendingBytes > 1 << 20) flush();
      },
      (line) => skipped.push({ line, reason: `longer than ${MAX_LINE_BYTES / (1 << 20)} MiB` }),
    );
    flush();
    if (temp !== null) {
      fs.closeSync(outFd);
      outFd = -1;
      fs.renameSync(temp, target);
    }
  } catch (e) {
    if (outFd > 2) fs.closeSync(outFd);
    if (temp !== null) fs.rmSync(temp, { force: true });
    throw e instanceof CliError ? e : new CliError(`cannot write ${target} (${errCode(e)})`);
  } finally {
    fs.closeSync(input.fd);
  }
  for (const s of skipped.slice(0, 1000))
    process.stderr.write(`ff-lens: ${file}:${s.line}: skipped: ${s.reason}\n`);
  if (skipped.length > 1000)
    process.stderr.write(`ff-lens: ${file}: ${skipped.length - 1000} more lines skipped\n`);
  process.stderr.write(
    `ff-lens: ${written} dilution variants (seed ${JSON.stringify(seed)})${target === '-' ? '' : ` written to ${target}`}\n`,
  );
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  // A reader that goes away (`| head`) makes later writes fail: each write says so itself, once.
  process.stdout.on('error', () => undefined);
  try {
    return await run(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`ff-lens: ${e.message} (ff-lens --help shows the usage)\n`);
      return 2;
    }
    if (e instanceof CliError) {
      process.stderr.write(`ff-lens: ${e.message}\n`);
      return e.status;
    }
    if (e instanceof IndexRefused || e instanceof WorkspaceUnreadable) {
      process.stderr.write(`ff-lens: ${e.message}\n`);
      return 2;
    }
    if (e instanceof IndexBusy) {
      process.stderr.write(`ff-lens: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

async function run(argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    await writeStdout(`${USAGE}\n`);
    return 0;
  }
  if (argv[0] === 'variants') return variants(argv.slice(1));
  const args = parseArgs(argv);
  const root = path.resolve(args.folder);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory())
    throw new CliError(`no such folder: ${args.folder}`, 2);
  if (args.lineages !== undefined) {
    try {
      fs.closeSync(openRegular(args.lineages).fd);
    } catch (e) {
      throw new CliError(
        errCode(e) === 'ENOENT'
          ? `no such lineage map: ${args.lineages}`
          : `cannot read the lineage map ${args.lineages} (${errCode(e)})`,
        2,
      );
    }
  }
  const realRoot = fs.realpathSync(root);
  const indexPath = args.index === undefined ? defaultIndexPath(realRoot) : args.index;
  const started = Date.now();
  const ws = new Workspace(realRoot, {
    settings: args.settings,
    indexPath,
    explicitIndex: args.index !== undefined && args.index !== null,
    lineageMapFile: args.lineages,
  });
  try {
    const progress = progressReporter();
    const t0 = Date.now();
    let report = await ws.refresh(progress.update);
    const tIndexed = Date.now();
    progress.end();
    for (const w of ws.warnings.splice(0)) process.stderr.write(`ff-lens: warning: ${w}\n`);
    if (args.command === 'scenarios') {
      const { run } = await ws.analyseOrRebuild(progress.update);
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
      await write(
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
    let doc = cached;
    if (doc === null) {
      const fresh = await ws.analyseOrRebuild(progress.update);
      report = fresh.report ?? report;
      doc = fresh.run.document;
      for (const w of ws.warnings.splice(0)) process.stderr.write(`ff-lens: warning: ${w}\n`);
    }
    if (args.json !== undefined) await write(args.json, `${JSON.stringify(doc, null, 2)}\n`);
    if (args.markdown !== undefined) await write(args.markdown, renderMarkdown(doc));
    if (args.json === undefined && args.markdown === undefined) await write('-', renderMarkdown(doc));
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
