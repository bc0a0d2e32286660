/** Worker thread: parses byte ranges of JSONL files for the indexer (see pool.ts). */
import { parentPort } from 'node:worker_threads';
import { parseRange, type ParseJob } from './parse';

parentPort?.on('message', (msg: { id: number; job: ParseJob }) => {
  try {
    const t0 = performance.now();
    const result = parseRange(msg.job);
    if (!('failed' in result)) for (const part of [result.body, result.tail]) if (part) delete part.parsed;
    // The keys' buffers move to the main thread instead of being copied.
    const moved =
      'failed' in result
        ? []
        : [result.body.keys, result.tail?.keys].flatMap((k) => (k ? [k.buffer as ArrayBuffer] : []));
    parentPort?.postMessage({ id: msg.id, result, ms: performance.now() - t0 }, moved);
  } catch (e) {
    parentPort?.postMessage({
      id: msg.id,
      error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e),
    });
  }
});
