/**
 * What the scanner must say of a line: JSON.parse of its UTF-8 text (its message, when it throws),
 * then records.ts's extractors. `observed` puts the scanner's answer in the same terms.
 */
import { extractLine, extractScenario, isObj } from '../../src/engine/read/records';
import { jsonParseMessage, type Scanned } from '../../src/engine/read/scan';
import type { LineFields, ScenarioFields } from '../../src/engine/read/records';

export type Outcome =
  | { fields: LineFields | ScenarioFields }
  | { problem: { code: 'invalid-json'; message: string } | { code: 'not-an-object'; what: string } }
  | null;

export function expected(bytes: Buffer, kind: 'traces' | 'scenarios'): Outcome {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problem: { code: 'invalid-json', message: (e as Error).message } };
  }
  if (!isObj(value)) {
    const what = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
    return { problem: { code: 'not-an-object', what } };
  }
  return { fields: kind === 'scenarios' ? extractScenario(value) : extractLine(value) };
}

export function observed(
  scanned: Scanned<LineFields> | Scanned<ScenarioFields> | null,
  buf: Buffer,
  start: number,
  end: number,
): Outcome {
  if (scanned === null) return null;
  if (scanned.problem === undefined) return { fields: scanned.fields };
  const p = scanned.problem;
  if (p.code === 'not-an-object') return { problem: { code: p.code, what: p.what } };
  return { problem: { code: p.code, message: jsonParseMessage(buf, start, end, p).message } };
}
