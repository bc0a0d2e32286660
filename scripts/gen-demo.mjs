// @ts-check
// Generates examples/demo-workspace/, the bundled demo workspace of Failure-First Lens.
//
// The data is built from explicit plan tables (gen-demo/plan.ts) so that every figure the demo
// shows is designed, not sampled; gen-demo/writers.ts turns the plan into files as each runner
// spells them. After writing, gen-demo/verify.ts analyses the workspace with the engine and
// asserts the matched-lineage table of report #353, the dilution deltas and the deliberate problems;
// gen-demo-reports.mjs then adds the report and the saved analysis of the editor's report checks.
//
// Deterministic: seeded PRNG, fixed timestamps, no clock. Re-running rewrites byte-identical files.
// Run with the project's Node 22:  npm run gen-demo  (node --import tsx scripts/gen-demo.mjs)

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeReports } from './gen-demo-reports.mjs';
import { checkPlan } from './gen-demo/plan.ts';
import { summary, verify } from './gen-demo/verify.ts';
import { demoFiles, writeWorkspace } from './gen-demo/writers.ts';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'demo-workspace');

checkPlan();
writeWorkspace(OUT, demoFiles());
const document = await verify(OUT);
console.log(summary(document, OUT));
writeReports(OUT); // reports/ and the saved analysis, from the built engine
