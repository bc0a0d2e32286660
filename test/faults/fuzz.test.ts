/**
 * The generated fuzz run of the fault suite: 10,000 random mutations of the demo's files (fixed
 * seeds), each compared with a from-scratch analysis, split over the machine's cores. A failure
 * names its seed, case and the mutations before it: `node --import tsx test/faults/fuzz-worker.ts
 * SEED CASES` reproduces it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { it } from 'node:test';

const TOTAL = Number(process.env.FF_FUZZ_CASES) || 10_000;

it(
  `${TOTAL} random mutations of the demo's files: every incremental analysis equals a from-scratch one`,
  { timeout: 170_000 },
  async () => {
    const workers = Math.max(1, Math.min(4, os.availableParallelism()));
    const share = Math.ceil(TOTAL / workers);
    const results = await Promise.all(
      Array.from({ length: workers }, (_, w) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', path.join(__dirname, 'fuzz-worker.ts'), String(20261128 + w), String(share)],
          {
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
        return new Promise<{ cases: number; failure: unknown }>((resolve, reject) =>
          child.on('close', (code) => {
            try {
              resolve(JSON.parse(out) as { cases: number; failure: unknown });
            } catch {
              reject(new Error(`fuzz worker ${w} ended with ${code}: ${out}`));
            }
          }),
        );
      }),
    );
    for (const r of results) assert.equal(r.failure, null, JSON.stringify(r.failure, null, 2));
    assert.equal(
      results.reduce((s, r) => s + r.cases, 0),
      share * workers,
    );
  },
);
