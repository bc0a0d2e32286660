/** Worker thread: parses byte ranges of JSONL files for the indexer (see pool.ts). */
import { parentPort } from 'node:worker_threads';
import { parseRange, type ParseJob } from './parse';

parentPort?.on('message', (msg: { id: number; job: ParseJob }) => {
  try {
    const t0 = performance.now();
    const result = parseRange(msg.job);
    if (!('failed' in result)) for (const part of [result.body, result.tail]) if (part) delete part.parsed;
    // Posted without a transfer list: the keys are copied (a few numbers a record: tens of KB for a
    // file of 1,000 traces). Moving a buffer detaches it, and the first detached ArrayBuffer of a
    // thread invalidates V8's ArrayBufferDetaching protector, which throws away the optimised code of
    // every function that reads a typed array: the whole scanner, compiled again while the thread
    // parses (DECISIONS 102).
    parentPort?.postMessage({ id: msg.id, result, ms: performance.now() - t0 });
  } catch (e) {
    parentPort?.postMessage({
      id: msg.id,
      error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e),
    });
  }
});
