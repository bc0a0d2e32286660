/** Parse jobs on worker threads (one per core) when the work is large enough; inline otherwise. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { parseRange, type ParseFailure, type ParseJob, type ParseResult } from './parse';
import type { LineVia } from './parsedLines';
import { expectDefined } from '../../shared/expect';

/** Below this many bytes, starting workers costs more than it saves. */
const WORKER_THRESHOLD = 8 << 20;
/**
 * Jobs a worker may hold at once: the next one waits in its queue while it parses, instead of being
 * sent once the main thread has taken the last result (which waits while the main thread writes
 * another thread's segments). One at a time, each worker of the long bench corpus (~108 files) sat
 * idle ~55–80 ms of its ~500.
 */
const HELD_JOBS = 2;

type Outcome = ParseResult | ParseFailure;
type Pending = { resolve: (r: Outcome) => void; reject: (e: Error) => void; bytes: number };

/** What one thread parsed, and how long it took (`ff-lens analyze --timings`). */
export interface ThreadWork {
  ms: number;
  jobs: number;
  bytes: number;
  /** The calling (main) thread rather than a worker. */
  caller?: true;
}

export interface PoolOptions {
  /**
   * The calling thread parses queued files while it waits for a result (parseHere), and the pool
   * has one worker fewer: the CLI. Not the language server, whose thread answers the editor.
   */
  callerParses?: boolean;
}

export class ParsePool {
  private workers: Worker[] = [];
  /** Jobs sent to each worker and not answered yet. */
  private held = new Map<Worker, number>();
  private queue: { id: number; job: ParseJob }[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 0;
  /** Each worker's account of the current use (newAccount()). */
  private readonly accounts = new Map<Worker, ThreadWork>();
  /** A worker failed or exited: the pool is given no more work (a kept pool is replaced). */
  private failed = false;
  /** Per worker, then the calling thread's when it parses (the current use: newAccount()). */
  private work: ThreadWork[] = [];

  private constructor(
    private readonly script: string | null,
    size: number,
    /** How the calling thread reads lines when there are no workers. */
    private readonly inlineVia: LineVia = 'scanner',
    private readonly callerParses = false,
  ) {
    if (script === null) {
      this.work.push({ ms: 0, jobs: 0, bytes: 0, caller: true });
      return;
    }
    // node:worker_threads is loaded when a pool starts: a warm CLI run never needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily; typed by the import type
    const { Worker: WorkerThread } = require('node:worker_threads') as typeof import('node:worker_threads');
    for (let i = 0; i < size; i++) {
      // Small young generations: the parse garbage dies young; bounded worker heaps keep the peak RSS down.
      const w = new WorkerThread(script, { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      w.on('message', (msg: { id: number; result?: Outcome; error?: string; ms?: number }) => {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        const work = this.accounts.get(w);
        if (work) {
          work.ms += msg.ms ?? 0;
          work.jobs++;
          work.bytes += p?.bytes ?? 0;
        }
        if (msg.result) p?.resolve(msg.result);
        else p?.reject(new Error(msg.error ?? 'parse worker failed'));
        const held = (this.held.get(w) ?? 1) - 1;
        this.held.set(w, held);
        // An idle worker does not keep the process alive (a kept pool waits between refreshes).
        if (held === 0) w.unref();
        this.pump();
      });
      const fail = (e: Error): void => {
        if (!this.workers.includes(w)) return; // closed or shrunk on purpose
        this.failed = true;
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      };
      w.on('error', fail);
      w.on('exit', (code) => fail(new Error(`a parse worker exited (code ${code})`)));
      this.workers.push(w);
      this.held.set(w, 0);
    }
    this.newAccount();
  }

  /** Whether the pool can take work: it has workers and none of them failed. */
  get usable(): boolean {
    return !this.failed && this.workers.length > 0;
  }

  /** Starts a new account of the work done (a kept pool serves one refresh after another). */
  newAccount(): ThreadWork[] {
    if (this.script === null) {
      this.work = [{ ms: 0, jobs: 0, bytes: 0, caller: true }];
      return this.work;
    }
    this.work = this.workers.map((w) => {
      const work = { ms: 0, jobs: 0, bytes: 0 };
      this.accounts.set(w, work);
      return work;
    });
    if (this.callerParses) this.work.push({ ms: 0, jobs: 0, bytes: 0, caller: true });
    return this.work;
  }

  /** Whether `totalBytes` of work is worth starting workers for: the size rule of forWork(). */
  static isLarge(totalBytes: number): boolean {
    return totalBytes >= WORKER_THRESHOLD;
  }

  /**
   * A pool for `totalBytes` of work. `FF_LENS_WORKERS=never|always` overrides the size rule (tests
   * compare both paths). Workers need the bundled parseWorker.js beside this code, or at
   * `FF_LENS_PARSE_WORKER` (tests that run the TypeScript source, which has no bundle beside it).
   */
  static forWork(totalBytes: number, options: PoolOptions = {}): ParsePool {
    const mode = process.env.FF_LENS_WORKERS;
    const want = mode === 'always' || (mode !== 'never' && ParsePool.isLarge(totalBytes));
    const script = process.env.FF_LENS_PARSE_WORKER || path.join(__dirname, 'parseWorker.js');
    // A little work on the calling thread goes through JSON.parse, which needs no warming; a lot
    // (no worker script, or FF_LENS_WORKERS=never) through the scanner, faster once warm (DECISIONS 88).
    if (!want || !fs.existsSync(script))
      return new ParsePool(null, 0, ParsePool.isLarge(totalBytes) ? 'scanner' : 'json-parse');
    // One parser per core, up to four; a calling thread that parses is one of them (DECISIONS 89).
    const parsers = Math.max(1, Math.min(4, os.availableParallelism()));
    const callerParses = options.callerParses === true;
    const workers =
      Number(process.env.FF_LENS_THREADS) || (callerParses ? Math.max(1, parsers - 1) : parsers);
    return new ParsePool(script, workers, 'scanner', callerParses);
  }

  get threads(): number {
    return this.workers.length;
  }

  /** How lines are read on the calling thread (without workers). */
  get inlineReader(): LineVia {
    return this.inlineVia;
  }

  run(job: ParseJob): Promise<Outcome> {
    if (this.script === null) return this.parseOnCaller(job, this.inlineVia);
    if (this.failed) return Promise.reject(new Error('a parse worker failed; the pool takes no more work'));
    const id = this.nextId++;
    const p = new Promise<Outcome>((resolve, reject) =>
      this.pending.set(id, { resolve, reject, bytes: job.end - job.start }),
    );
    this.queue.push({ id, job });
    this.pump();
    return p;
  }

  /**
   * Parses the next queued file on the calling thread, when this pool lets it (callerParses): true
   * when it did. The caller calls it while it waits for a result, instead of idling; the file is
   * the next in the queue, so results still come about in the order they are written.
   */
  parseHere(): boolean {
    if (!this.callerParses || this.failed) return false;
    const next = this.queue.shift();
    if (next === undefined) return false;
    const p = this.pending.get(next.id);
    this.pending.delete(next.id);
    if (p) this.parseOnCaller(next.job, 'scanner').then(p.resolve, p.reject);
    return true;
  }

  /** Parses `job` on the calling thread, counted in its account (the last one: newAccount()). */
  private parseOnCaller(job: ParseJob, via: LineVia): Promise<Outcome> {
    const work = expectDefined(this.work[this.work.length - 1], "the calling thread's account");
    const t0 = performance.now();
    try {
      return Promise.resolve(parseRange(job, via));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    } finally {
      work.ms += performance.now() - t0;
      work.jobs++;
      work.bytes += job.end - job.start;
    }
  }

  private pump(): void {
    while (this.queue.length > 0) {
      // The worker holding the fewest jobs; a second one only while there are jobs for every worker
      // (at the end, a job held behind another would wait while a worker has nothing).
      let next: Worker | null = null;
      let least = this.queue.length >= this.workers.length ? HELD_JOBS : 1;
      for (const w of this.workers) {
        const n = this.held.get(w) ?? 0;
        if (n < least) {
          least = n;
          next = w;
        }
      }
      if (next === null) return;
      if (least === 0) next.ref();
      this.held.set(next, least + 1);
      next.postMessage(this.queue.shift());
    }
  }

  /** Keeps `n` workers (all idle: between uses) and ends the others. */
  async shrink(n: number): Promise<void> {
    const extra = this.workers.splice(n);
    for (const w of extra) {
      this.accounts.delete(w);
      this.held.delete(w);
    }
    await Promise.all(extra.map((w) => w.terminate()));
  }

  async close(): Promise<void> {
    const all = this.workers;
    this.workers = [];
    this.held.clear();
    await Promise.all(all.map((w) => w.terminate()));
  }
}
