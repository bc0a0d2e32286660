// Writes src/engine/analyse/tTable.ts: Student t quantiles at p = 0.975 for df = 1…MAX_DF, as
// stdlib's tQuantile (the function the analysis would call) gives them, in their shortest
// round-trip decimal form. test/unit/stats.test.ts checks every entry against stdlib, bit for bit.
//   node scripts/gen-t-table.mjs
import fs from 'node:fs';
import path from 'node:path';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import * as prettier from 'prettier';

const MAX_DF = 256;
const values = Array.from({ length: MAX_DF }, (_, i) => String(tQuantile(0.975, i + 1)));
const rows = [];
for (let i = 0; i < values.length; i += 4) rows.push(`  ${values.slice(i, i + 4).join(', ')},`);
const out = `/**
 * Student t quantiles at p = 0.975 for df = 1…${MAX_DF}: T975[df − 1] is stdlib's tQuantile(0.975, df),
 * written by scripts/gen-t-table.mjs (do not edit; test/unit/stats.test.ts checks every entry against
 * stdlib, bit for bit). A regression's interval needs one of them (ANALYSIS.md §3, df = points − 2):
 * loading stdlib and running its inverse incomplete beta cost a CLI run ~11 ms (DECISIONS.md 82).
 */
export const T975_MAX_DF = ${MAX_DF};

export const T975: readonly number[] = [
${rows.join('\n')}
];
`;
const file = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'src/engine/analyse/tTable.ts');
// In the repository's own format, so that `npm run check` holds for the file as written.
fs.writeFileSync(
  file,
  await prettier.format(out, { ...(await prettier.resolveConfig(file)), filepath: file }),
);
console.log(`wrote ${path.relative(process.cwd(), file)} (${MAX_DF} quantiles)`);
