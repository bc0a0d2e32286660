/** Reading a saved results document (a BEFORE of COMPARE.md): its schema and shape checked, in one line when wrong. */
import { SCHEMA, type ResultsDocument } from './results';

/** A file that is not a results@1 document; the message is one line for the CLI and the editor. */
export class NotAResultsDocument extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses a results document. Fields added to results@1 later (ANALYSIS.md §10–§12) may be absent;
 * the ones every document has since the first version must be there with the right type.
 */
export function parseResultsDocument(text: string): ResultsDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new NotAResultsDocument(`not JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (!isObject(doc)) throw new NotAResultsDocument('not a results document: the JSON is not an object');
  if (doc.schema !== SCHEMA)
    throw new NotAResultsDocument(
      `schema is ${JSON.stringify(doc.schema ?? null)}, not ${JSON.stringify(SCHEMA)}`,
    );
  const missing: string[] = [];
  if (typeof doc.generated_at !== 'string') missing.push('generated_at');
  if (!isObject(doc.settings)) missing.push('settings');
  const inputs = doc.inputs;
  if (!isObject(inputs) || !isObject(inputs.traces) || typeof inputs.traces.total !== 'number')
    missing.push('inputs.traces.total');
  for (const k of ['models', 'cells', 'regressions', 'lineages', 'agreement'])
    if (!Array.isArray(doc[k])) missing.push(k);
  const dilution = doc.dilution;
  if (!isObject(dilution) || !Array.isArray(dilution.models) || !Array.isArray(dilution.headlines))
    missing.push('dilution.models/headlines');
  if (missing.length > 0) throw new NotAResultsDocument(`a ${SCHEMA} document without ${missing.join(', ')}`);
  const bad = firstMalformed(doc);
  if (bad !== null) throw new NotAResultsDocument(`a ${SCHEMA} document with a malformed ${bad}`);
  return doc as unknown as ResultsDocument;
}

type Fields = Record<string, 'string' | 'number' | 'boolean' | 'object'>;

/** The fields a comparison or a report check reads from each entry, with their types. */
const ENTRIES: [string, (doc: Record<string, unknown>) => unknown, Fields][] = [
  ['cells', (d) => d.cells, { attack_class: 'string', model: 'string', n: 'number', counts: 'object' }],
  [
    'regressions',
    (d) => d.regressions,
    { group: 'string', key: 'object', classification: 'string', n_traces: 'number' },
  ],
  ['lineages', (d) => d.lineages, { name: 'string', shape: 'string' }],
  [
    'dilution.headlines',
    (d) => (d.dilution as Record<string, unknown>).headlines,
    { lineage: 'string', delta_span_pp: 'number', meets_threshold: 'boolean' },
  ],
];

/** `cells[3].n` when an entry lacks a field it must have; null when every entry is well formed. */
function firstMalformed(doc: Record<string, unknown>): string | null {
  for (const [name, get, fields] of ENTRIES) {
    const list = get(doc) as unknown[];
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (!isObject(e)) return `${name}[${i}]`;
      for (const [field, type] of Object.entries(fields))
        if (typeof e[field] !== type || e[field] === null) return `${name}[${i}].${field}`;
    }
  }
  return null;
}
