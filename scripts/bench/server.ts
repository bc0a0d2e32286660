// The language server's side of `npm run bench`: one Workspace kept open as the server keeps it
// (parsed segments and the join in memory, its own index file), timed from a file change to the new
// analysis (refresh, then the whole analysis with every trace when something changed, as a cycle of
// analysisHost.ts runs).
// The bench compiles this file beside the bundled parse worker and runs it with plain node.
//   node server.js <corpus-folder> <index-file> <shape> <runs>
//   → {"coldMs":…,"warmMs":…,"appendMs":[…],"follow":[…],"join":[…]}
// Appends 1,000 traces `runs` times (bench/corpus.mts); the caller restores the corpus afterwards.
import * as fs from 'node:fs';
import { withDefaults } from '../../src/engine/settings';
import { Workspace } from '../../src/engine/workspace';
import { appendTraces, type Shape } from './corpus.mjs';

async function main(): Promise<void> {
  const [folder, indexPath, shape, runs] = process.argv.slice(2) as [string, string, Shape, string];
  for (const s of ['', '-wal', '-shm']) fs.rmSync(indexPath + s, { force: true });
  const ws = new Workspace(fs.realpathSync(folder), {
    settings: withDefaults({}),
    indexPath,
    keepParsedSegments: true,
  });
  /** A cycle of the server: refresh, and analyse when something changed. */
  const cycle = async (): Promise<number> => {
    const t0 = performance.now();
    const report = await ws.refresh();
    if (report.changed || !analysed) await ws.analyseOrRebuild();
    analysed = true;
    return performance.now() - t0;
  };
  let analysed = false;
  const coldMs = await cycle();
  const warmMs = await cycle();
  const appendMs: number[] = [];
  const follow: string[] = [];
  const join: string[] = [];
  for (let i = 0; i < Number(runs); i++) {
    appendTraces(folder, 1000, 300 + i, shape);
    appendMs.push(await cycle());
    follow.push(ws.timings.follow);
    join.push(ws.timings.join);
  }
  ws.close();
  console.log(JSON.stringify({ coldMs, warmMs, appendMs, follow, join }));
}
void main();
