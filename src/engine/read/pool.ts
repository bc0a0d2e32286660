/** Parse jobs on worker threads (one per core) when the work is large enough; inline otherwise. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { parseRange, type ParseFailure, type ParseJob, type ParseResult } from './parse';
import { expectDefined } from '../../shared/expect';

/** Below this many bytes, starting workers costs more than it saves. */
const WORKER_THRESHOLD = 8 << 20;

type Outcome = ParseResult | ParseFailure;
type Pending = { resolve: (r: Outcome) => void; reject: (e: Error) => void; bytes: number };

/** What one thread parsed, and how long it took (`ff-lens analyze --timings`). */
export interface ThreadWork {
  ms: number;
  jobs: number;
  bytes: number;
}

export class ParsePool {
  private workers: Worker[] = [];
  private idle: Worker[] = [];
  private queue: { id: number; job: ParseJob }[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 0;
  /** Per worker, or one entry for the calling thread when there are no workers. */
  readonly work: ThreadWork[] = [];

  private constructor(
    private readonly script: string | null,
    size: number,
  ) {
    if (script === null) {
      this.work.push({ ms: 0, jobs: 0, bytes: 0 });
      return;
    }
    // node:worker_threads is loaded when a pool starts: a warm CLI run never needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily; typed by the import type
    const { Worker: WorkerThread } = require('node:worker_threads') as typeof import('node:worker_threads');
    for (let i = 0; i < size; i++) {
      const work: ThreadWork = { ms: 0, jobs: 0, bytes: 0 };
      this.work.push(work);
      // Small young generations: the parse garbage dies young; bounded worker heaps keep the peak RSS down.
      const w = new WorkerThread(script, { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      w.on('message', (msg: { id: number; result?: Outcome; error?: string; ms?: number }) => {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        work.ms += msg.ms ?? 0;
        work.jobs++;
        work.bytes += p?.bytes ?? 0;
        if (msg.result) p?.resolve(msg.result);
        else p?.reject(new Error(msg.error ?? 'parse worker failed'));
        this.idle.push(w);
        this.pump();
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  /**
   * A pool for `totalBytes` of work. `FF_LENS_WORKERS=never|always` overrides the size rule (tests
   * compare both paths). Workers need the bundled parseWorker.js beside this code.
   */
  static forWork(totalBytes: number): ParsePool {
    const mode = process.env.FF_LENS_WORKERS;
    const script = path.join(__dirname, 'parseWorker.js');
    const want = mode === 'always' || (mode !== 'never' && totalBytes >= WORKER_THRESHOLD);
    if (!want || !fs.existsSync(script)) return new ParsePool(null, 0);
    return new ParsePool(
      script,
      Number(process.env.FF_LENS_THREADS) || Math.max(1, Math.min(4, os.availableParallelism())),
    );
  }

  get threads(): number {
    return this.workers.length;
  }

  run(job: ParseJob): Promise<Outcome> {
    if (this.script === null) {
      const work = expectDefined(this.work[0], 'the in-process thread');
      const t0 = performance.now();
      try {
        return Promise.resolve(parseRange(job));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      } finally {
        work.ms += performance.now() - t0;
        work.jobs++;
        work.bytes += job.end - job.start;
      }
    }
    const id = this.nextId++;
    const p = new Promise<Outcome>((resolve, reject) =>
      this.pending.set(id, { resolve, reject, bytes: job.end - job.start }),
    );
    this.queue.push({ id, job });
    this.pump();
    return p;
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop() as Worker;
      w.postMessage(this.queue.shift());
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
    this.idle = [];
  }
}
