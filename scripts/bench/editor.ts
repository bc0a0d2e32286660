// Editor features on the benchmark corpus, in one process: what the language server computes for a
// CodeLens pass over a 10,000-line scenario file and for a hover, from the index.
//   node --import tsx scripts/bench/editor.ts <corpus-folder> <index-file>
import * as fs from 'node:fs';
import { ScenarioCatalog, evidenceTitle } from '../../src/engine/analyse/scenarios';
import { withDefaults } from '../../src/engine/settings';
import { Workspace } from '../../src/engine/workspace';

async function main(): Promise<void> {
  const [folder, indexPath] = process.argv.slice(2) as [string, string];
  const ws = new Workspace(fs.realpathSync(folder), { settings: withDefaults({}), indexPath });
  await ws.refresh();
  const run = ws.analyse();
  const ids = [
    ...new Set(run.traceSet.traces.map((t) => t.scenarioId).filter((s): s is string => s !== null)),
  ];
  // A 10,000-line scenario file over the corpus's scenario ids (CodeLens input).
  const lines = Array.from({ length: 10_000 }, (_, i) =>
    JSON.stringify({ id: ids[i % ids.length], attack_class: 'x', prompt: 'p'.repeat(300) }),
  );
  let t = performance.now();
  const catalog = new ScenarioCatalog(run, ws.traceIndex);
  const catalogMs = performance.now() - t;
  t = performance.now();
  let lenses = 0;
  for (const line of lines) {
    const id = (JSON.parse(line) as { id: string }).id;
    evidenceTitle(catalog.evidence(id));
    lenses++;
  }
  const lensMs = performance.now() - t;
  // A hover: a fresh catalog's first evidence (no cache), as after an analysis.
  const fresh = new ScenarioCatalog(run, ws.traceIndex);
  t = performance.now();
  const ev = fresh.evidence(ids[0] as string);
  const hoverMs = performance.now() - t;
  ws.close();
  console.log(
    JSON.stringify({
      traces: run.traceSet.traces.length,
      scenarios: ids.length,
      catalogMs,
      lenses,
      lensMs,
      hoverMs,
      hoverModels: ev.perModel.length,
    }),
  );
}
void main();
