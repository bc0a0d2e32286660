/**
 * The page's results message carries its analysis as UTF-8 JSON bytes. VS Code hands a webview a
 * typed array as one buffer: no JSON pass with a replacer over the document's every key in the
 * extension host, no structured clone of its object graph into each of the webview's two frames.
 * Pure, no Node: the extension encodes, the page decodes.
 */
import type { Analysed } from '../protocol';

export function encodeAnalysed(analysed: Analysed): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(analysed));
}

/** The analysis in `bytes`; throws when they are not a UTF-8 JSON object. */
export function decodeAnalysed(bytes: unknown): Analysed {
  if (!(bytes instanceof Uint8Array)) throw new Error('the results message carries no analysis bytes');
  const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  if (typeof value !== 'object' || value === null) throw new Error('the results message is not an analysis');
  return value as Analysed;
}
