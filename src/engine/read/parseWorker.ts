/** Worker thread: parses byte ranges of JSONL files for the indexer (see pool.ts). */
import { parentPort } from 'node:worker_threads';
import { parseRange, type ParseJob } from './parse';

parentPort?.on('message', (msg: { id: number; job: ParseJob }) => {
  try {
    const t0 = performance.now();
    const result = parseRange(msg.job);
    parentPort?.postMessage({ id: msg.id, result, ms: performance.now() - t0 });
  } catch (e) {
    parentPort?.postMessage({
      id: msg.id,
      error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e),
    });
  }
});
