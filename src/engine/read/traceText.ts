/** A trace's text, read on demand from where it lives: a JSONL line by byte offset, or a corpus row. */
import * as path from 'node:path';
import { readCorpusRow } from './corpusDb';
import { readRange } from './jsonl';
import { isObj, resolvePrompt, resolveResponse } from './records';

export interface LineText {
  prompt: string | null;
  response: string | null;
  systemPrompt: string | null;
  graderReasoning: string | null;
  inferredInstruction: string | null;
  /** The line (or row) itself as JSON text. */
  raw: string;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** Fields of a parsed trace or graded line. */
export function textOfObject(o: Record<string, unknown>, raw: string): LineText {
  const input = o.scenario_input;
  return {
    prompt: resolvePrompt(o),
    response: resolveResponse(o).text,
    systemPrompt: isObj(input) ? str(input.system_prompt) : null,
    graderReasoning: str(o.llm_raw) ?? str(o.rationale),
    inferredInstruction: str(o.flip_inferred_instruction),
    raw,
  };
}

/** Read one JSONL line; throws when the file is gone, or the line is no longer a JSON object there. */
export function readLineText(root: string, relPath: string, offset: number, length: number): LineText {
  const raw = readRange(path.join(root, relPath), offset, length);
  const o = JSON.parse(raw) as unknown;
  if (!isObj(o))
    throw new Error('the line is no longer a JSON object (the file changed since it was indexed)');
  return textOfObject(o, raw);
}

/** Read one corpus row (read-only) and its prompt. */
export function readRowText(root: string, relPath: string, id: number): LineText {
  const row = readCorpusRow(path.join(root, relPath), id);
  if (!row) throw new Error(`result ${id} is no longer in the database`);
  const prompt = isObj(row.prompt) ? row.prompt : {};
  const promptText =
    ['prompt_text', 'text', 'prompt', 'content'].map((k) => str(prompt[k])).find((s) => s !== null) ?? null;
  return {
    prompt: promptText,
    response: str(row.raw_response),
    systemPrompt: null,
    graderReasoning: str(row.llm_reasoning) ?? str(row.rationale),
    inferredInstruction: null,
    raw: JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2),
  };
}
