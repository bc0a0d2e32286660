/**
 * The fault suite's tools: hostile workspaces in temporary folders, the real `ff-lens` in a real
 * process (with its exit status, standard error, wall time and peak memory), a fingerprint of a
 * folder to prove it was not touched, and a from-scratch run to compare figures with.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
/** FF_FAULTS_BIN runs the suite against another build (to see it fail on the code before a fix). */
export const BIN = process.env.FF_FAULTS_BIN ?? path.join(REPO, 'bin', 'ff-lens.js');
export const DEMO = path.join(REPO, 'examples', 'demo-workspace');
const PEAK = path.join(__dirname, 'peak.cjs');

/** A folder of its own for each test, removed afterwards (made readable by the unprivileged user). */
export function tempDir(prefix = 'ff-faults-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  fs.chmodSync(dir, 0o755);
  return dir;
}

export function writeTree(root: string, files: Record<string, string | Buffer>): string {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  return root;
}

export function copyTree(from: string, to: string): string {
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  return to;
}

/** Every entry under `root` with what it is and, for files, a hash of its bytes: equal before and after means untouched. */
export function fingerprint(root: string): string[] {
  const out: string[] = [];
  // Buffers, not strings: a name that is not UTF-8 must be found again by its bytes.
  const walk = (dir: Buffer, rel: string): void => {
    let names: Buffer[];
    try {
      names = fs.readdirSync(dir, { encoding: 'buffer' }).sort((a, b) => Buffer.compare(a, b));
    } catch (e) {
      out.push(`${rel}/ unreadable ${(e as NodeJS.ErrnoException).code}`);
      return;
    }
    for (const name of names) {
      const abs = Buffer.concat([dir, Buffer.from('/'), name]);
      const r = rel === '' ? name.toString('hex') : `${rel}/${name.toString('hex')}`;
      let st: fs.Stats;
      try {
        st = fs.lstatSync(abs);
      } catch (e) {
        out.push(`${r} ${(e as NodeJS.ErrnoException).code}`);
        continue;
      }
      if (st.isSymbolicLink()) out.push(`${r} -> ${fs.readlinkSync(abs, 'buffer').toString('hex')}`);
      else if (st.isDirectory()) {
        out.push(`${r}/ ${(st.mode & 0o7777).toString(8)}`);
        walk(abs, r);
      } else if (st.isFile()) {
        let hash = 'unreadable';
        try {
          hash = createHash('sha256').update(fs.readFileSync(abs)).digest('hex').slice(0, 16);
        } catch {
          // mode 000 as a non-root user
        }
        out.push(`${r} ${st.size} ${(st.mode & 0o7777).toString(8)} ${hash} ${st.mtimeMs}`);
      } else out.push(`${r} special ${st.mode.toString(8)}`);
    }
  };
  walk(Buffer.from(root), '');
  return out;
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak resident memory of the ff-lens process, MB (null when it died before it could say). */
  peakMb: number | null;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Run as the unprivileged user (nobody) when the suite runs as root, so that permissions bite. */
  unprivileged?: boolean;
  /** Kill the process after this many milliseconds (SIGKILL unless `signal`). */
  killAfterMs?: number;
  signal?: NodeJS.Signals;
  /** The Node that runs bin/ff-lens.js (default: this one, Node 22). */
  node?: string;
  timeoutMs?: number;
  /** Called with the child as soon as it is spawned. */
  onSpawn?: (child: ChildProcess) => void;
}

export const isRoot = (): boolean => process.getuid?.() === 0;
const NOBODY = 65534;

/**
 * The Node, preload and ff-lens the unprivileged user runs. The repository may sit where that user
 * cannot read (a clone in /root): then the built CLI, with the one native module it loads and the
 * Node that runs it, is copied once into a folder everyone can read.
 */
let forNobody: { node: string; peak: string; bin: string } | null = null;
function unprivilegedCommand(): { node: string; peak: string; bin: string } {
  if (forNobody) return forNobody;
  const here = { node: process.execPath, peak: PEAK, bin: BIN };
  const probe = spawnSync(
    here.node,
    [
      '-e',
      `require(${JSON.stringify(here.peak)});require(${JSON.stringify(path.join(REPO, 'dist', 'cli.js'))})`,
    ],
    {
      uid: NOBODY,
      gid: NOBODY,
      stdio: 'ignore',
    },
  );
  if (probe.status === 0 && process.env.FF_FAULTS_COPY === undefined) return (forNobody = here);
  const dir = path.join(os.tmpdir(), `ff-faults-nobody-${process.pid}`);
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.copyFileSync(process.execPath, path.join(dir, 'node'));
  fs.cpSync(path.join(REPO, 'dist'), path.join(dir, 'dist'), { recursive: true });
  fs.cpSync(path.join(REPO, 'bin'), path.join(dir, 'bin'), { recursive: true });
  for (const m of ['better-sqlite3', 'bindings', 'file-uri-to-path'])
    if (fs.existsSync(path.join(REPO, 'node_modules', m)))
      fs.cpSync(path.join(REPO, 'node_modules', m), path.join(dir, 'node_modules', m), {
        recursive: true,
        dereference: true,
      });
  fs.copyFileSync(PEAK, path.join(dir, 'peak.cjs'));
  execFileSync('chmod', ['-R', 'a+rX', dir]);
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return (forNobody = {
    node: path.join(dir, 'node'),
    peak: path.join(dir, 'peak.cjs'),
    bin: path.join(dir, 'bin', 'ff-lens.js'),
  });
}

/** `ff-lens …` in a real process. */
export function ffLens(args: string[], o: RunOptions = {}): Promise<Run> {
  const peakFile = path.join(os.tmpdir(), `ff-peak-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const t0 = Date.now();
  const asNobody = o.unprivileged === true && isRoot();
  const cmd =
    asNobody && process.env.FF_FAULTS_BIN === undefined
      ? unprivilegedCommand()
      : { node: process.execPath, peak: PEAK, bin: BIN };
  const child = spawn(o.node ?? cmd.node, ['--require', cmd.peak, cmd.bin, ...args], {
    env: {
      ...process.env,
      FF_LENS_WORKERS: undefined,
      FF_LENS_BENCH: undefined,
      FF_LENS_THREADS: undefined,
      FF_LENS_DEBUG: undefined,
      FF_PEAK_FILE: peakFile,
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asNobody ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  o.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const killer =
    o.killAfterMs === undefined ? null : setTimeout(() => child.kill(o.signal ?? 'SIGKILL'), o.killAfterMs);
  const limit = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 120_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      if (killer) clearTimeout(killer);
      clearTimeout(limit);
      let peakMb: number | null = null;
      try {
        peakMb = Number(fs.readFileSync(peakFile, 'utf8')) / 1024;
        fs.rmSync(peakFile);
      } catch {
        // killed before exit
      }
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0, peakMb });
    });
  });
}

/** Standard error holds only ff-lens's own lines: no stack trace, nothing from Node itself. */
export function assertCleanStderr(r: Run): void {
  for (const line of r.stderr.split('\n').filter((l) => l !== ''))
    assert.match(
      line,
      /^ff-lens: /,
      `unexpected line on standard error: ${line}\n--- all of it:\n${r.stderr}`,
    );
  assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+/, 'a stack trace');
}

/** The same document apart from when it was made. */
export const sansTime = (json: string): string =>
  json.replace(/"generated_at": "[^"]*"/, '"generated_at": ""');

/** The results of a from-scratch run (in-memory index) over `root`. */
export async function fromScratch(root: string, extra: string[] = []): Promise<string> {
  const r = await ffLens(['analyze', root, '--json', '-', '--no-index', ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return sansTime(r.stdout);
}

/** The figures of a results document without the bookkeeping of inputs (files and problems differ by design). */
export function figures(json: string): unknown {
  const doc = JSON.parse(json) as Record<string, unknown>;
  const { generated_at: _g, inputs, ...rest } = doc as { generated_at: unknown; inputs: { traces: unknown } };
  return { traces: inputs.traces, ...rest };
}

/** A small valid trace line. */
export function trace(i: number, model = 'qwen3.5:2b', extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    trace_id: `t${i}`,
    scenario_id: `S${i % 50}`,
    model_id: model,
    attack_class: i % 3 === 0 ? 'dan' : 'crescendo',
    response: `answer ${i}`,
    llm_verdict: ['COMPLIANCE', 'REFUSAL', 'PARTIAL', 'REFUSAL'][i % 4],
    ...extra,
  });
}

export function traces(from: number, to: number, model?: string): string {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(trace(i, model));
  return `${out.join('\n')}\n`;
}

/** Processes whose command line mentions `needle` (to find an orphan). */
export function processesWith(needle: string): number[] {
  const out: number[] = [];
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)) out.push(Number(pid));
    } catch {
      // gone
    }
  }
  return out;
}
