// Re-analysis under another grader, as the language server does when the page's grader list
// changes (DECISIONS.md 63): one Workspace kept open as the server keeps it, refresh (nothing
// changed, no file read) then join and statistics under the new grader; against a warm analysis:
// a second Workspace on the same folder whose index is warm (nothing read) and which joins and
// computes the statistics from it on every analysis, as every analysis did before the incremental
// join state (DECISIONS 72). Interleaved: warm, switch to B, warm, switch to A, …, so that a busy
// machine slows both alike.
//   target: a switch costs no more than that warm analysis (join + statistics), and reads no run file
//   node --import tsx scripts/bench/grader.ts <corpus-folder> <index-file> <grader A|-> <grader B|->
// (`-` is null: each trace's primary verdict.) `benchGrader` is the same as a function.
import * as fs from 'node:fs';
import { withDefaults } from '../../src/engine/settings';
import { Workspace } from '../../src/engine/workspace';

export interface GraderBench {
  traces: number;
  /** Medians, ms: a warm analysis (refresh reading nothing, join, statistics) in a Workspace without a kept join. */
  warmMs: number;
  /** Medians, ms: the same right after the grader changed. */
  switchMs: number;
  /** The switch's parts (medians, ms): refresh, join, statistics and document. */
  switchRefreshMs: number;
  switchJoinMs: number;
  switchAnalysisMs: number;
  /** Bytes of run files read by every switch together (0: the index answered). */
  switchBytesRead: number;
  graded: { a: number; b: number };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function benchGrader(
  folder: string,
  indexPath: string,
  a: string | null,
  b: string | null,
  runs = 5,
): Promise<GraderBench> {
  const ws = new Workspace(fs.realpathSync(folder), {
    settings: withDefaults({ grader: a }),
    indexPath,
    keepParsedSegments: true, // as the language server keeps it
  });
  const plain = new Workspace(fs.realpathSync(folder), {
    settings: withDefaults({ grader: a }),
    indexPath: null,
  });
  try {
    await ws.refresh(); // indexes the corpus if the index is new: not timed
    ws.analyse();
    await plain.refresh(); // reads the corpus into its memory index: not timed
    plain.analyse();
    const warm: number[] = [];
    const change: { ms: number; refresh: number; join: number; analysis: number; bytes: number }[] = [];
    const graded = { a: 0, b: 0 };
    let current = a;
    for (let i = 0; i < 2 * runs; i++) {
      // Warm: a refresh that reads nothing, then the join and the statistics.
      let t = performance.now();
      await plain.refresh();
      plain.analyse();
      warm.push(performance.now() - t);
      // Switch to the other grader.
      current = current === a ? b : a;
      ws.setSettings(withDefaults({ grader: current }));
      t = performance.now();
      const report = await ws.refresh();
      const refreshed = performance.now();
      const run = ws.analyse();
      change.push({
        ms: performance.now() - t,
        refresh: refreshed - t,
        join: ws.timings.joinMs,
        analysis: ws.timings.analysisMs,
        bytes: report.bytesRead,
      });
      graded[current === a ? 'a' : 'b'] = run.document.inputs.traces.graded;
    }
    return {
      traces: ws.analyse().document.inputs.traces.total,
      warmMs: median(warm),
      switchMs: median(change.map((c) => c.ms)),
      switchRefreshMs: median(change.map((c) => c.refresh)),
      switchJoinMs: median(change.map((c) => c.join)),
      switchAnalysisMs: median(change.map((c) => c.analysis)),
      switchBytesRead: change.reduce((s, c) => s + c.bytes, 0),
      graded,
    };
  } finally {
    ws.close();
    plain.close();
  }
}

async function main(): Promise<void> {
  const [folder, index, a, b] = process.argv.slice(2);
  if (folder === undefined || index === undefined || a === undefined || b === undefined)
    throw new Error(
      'usage: node --import tsx scripts/bench/grader.ts <corpus-folder> <index-file> <grader A|-> <grader B|->',
    );
  const grader = (g: string): string | null => (g === '-' ? null : g);
  const r = await benchGrader(folder, index, grader(a), grader(b));
  console.log(JSON.stringify(r));
}

if (require.main === module) void main();
