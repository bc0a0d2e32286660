/**
 * What the index keeps of one JSONL line: the fields of FORMATS.md §2–3 after their fallbacks, read
 * from a parsed object. The indexer reads the same fields from the line's bytes (scan.ts); the
 * property tests (test/property) hold the two to the same results.
 */
import { verdictFromRaw } from './verdicts';

/** 0: no response field; 1: a response; 2: an error sentinel (FORMATS.md §2, DECISIONS.md 3). */
export type ResponseState = 0 | 1 | 2;

export interface LineFields {
  traceId: string | null;
  scenarioId: string | null;
  model: string | null;
  attackClass: string | null;
  variant: string | null;
  /** The raw parameter-count field, JSON-encoded (number or string), or null. */
  params: string | null;
  /** Raw verdict label (from a verdict field or `llm_raw`). */
  verdict: string | null;
  grader: string | null;
  response: ResponseState;
  preambleId: string | null;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value that counts as present: not null/undefined and not a blank string. */
function present(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'string') return v.trim() !== '';
  return true;
}

function str(v: unknown): string | null {
  if (!present(v)) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return null;
}

// Written without rest arrays and iterators (the first present of several fields is
// `str(a) ?? str(b) ?? …`): a CLI append reads its lines through here in a new process, where
// unoptimised code makes every such array and iterator (`get(o, ...keys)` was ~4 of its ~30 ms).

/** o[k] when o is an object (not an array); otherwise undefined. */
const field = (o: unknown, k: string): unknown => (isObj(o) ? o[k] : undefined);

/** Text of a turn's `text` or `content` (a string, or an array of parts with `text`). */
function turnText(turn: Obj): unknown {
  if (present(turn.text)) return turn.text;
  const c = turn.content;
  if (Array.isArray(c)) {
    const parts = c.map((p) =>
      isObj(p) && typeof p.text === 'string' ? p.text : typeof p === 'string' ? p : '',
    );
    return parts.join('');
  }
  return c !== undefined ? c : turn.text;
}

export interface ResolvedText {
  state: ResponseState;
  text: string | null;
}

/** The response along its fallbacks; blank-only values make an empty-response sentinel. */
export function resolveResponse(o: Obj): ResolvedText {
  const candidates: unknown[] = [];
  const turns = o.turns;
  if (Array.isArray(turns)) {
    for (let i = turns.length - 1; i >= 0; i--) {
      const t: unknown = turns[i];
      if (isObj(t) && (t.role === 'agent' || t.role === 'assistant')) {
        candidates.push(turnText(t));
        break;
      }
    }
  }
  candidates.push(o.agent_response, o.response);
  let sawBlank = false;
  for (const c of candidates) {
    if (typeof c === 'string') {
      if (c.trim() !== '') return { state: isSentinel(c) ? 2 : 1, text: c };
      sawBlank = true;
    } else if (typeof c === 'number' || typeof c === 'boolean') {
      return { state: 1, text: String(c) };
    }
  }
  return sawBlank ? { state: 2, text: '' } : { state: 0, text: null };
}

export function isSentinel(response: string): boolean {
  const t = response.trimStart();
  return t === '' || t.startsWith('[ERROR') || t.startsWith('[TIMEOUT') || t.startsWith('[PARSE_ERROR');
}

export function resolvePrompt(o: Obj): string | null {
  const fromInput = str(field(field(o, 'scenario_input'), 'prompt'));
  if (fromInput !== null) return fromInput;
  const turns = o.turns;
  if (Array.isArray(turns)) {
    for (const t of turns) {
      if (isObj(t) && t.role === 'user') {
        const s = str(turnText(t));
        if (s !== null) return s;
        break;
      }
    }
  }
  return str(o.prompt);
}

export function resolveVerdict(o: Obj): string | null {
  const v = str(o.llm_verdict) ?? str(o.flip_verdict) ?? str(o.verdict);
  if (v !== null) return v;
  const raw = str(o.llm_raw);
  return raw === null ? null : verdictFromRaw(raw);
}

export function resolveGrader(o: Obj): string | null {
  return str(o.grader_model) ?? str(o.grader) ?? str(o.llm_classifier);
}

function paramsField(o: Obj): string | null {
  return paramsValue(o.parameter_count) ?? paramsValue(field(field(o, 'metadata'), 'parameter_count'));
}

function paramsValue(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return JSON.stringify(v);
  if (typeof v === 'string' && v.trim() !== '') return JSON.stringify(v);
  return null;
}

/** Every field the index keeps of a trace, graded or cross-grader line. */
export function extractLine(o: Obj): LineFields {
  const scenario = field(field(o, 'input'), 'scenario');
  return {
    traceId: str(o.trace_id),
    scenarioId: str(o.scenario_id) ?? str(field(scenario, 'id')) ?? str(o.episode_id),
    model: str(o.model_id) ?? str(o.model),
    attackClass:
      str(o.attack_class) ??
      str(field(scenario, 'attack_class')) ??
      str(field(scenario, 'scenario_class')) ??
      str(o.scenario_class) ??
      str(o.technique_family),
    variant: str(o.variant) ?? str(field(scenario, 'variant')),
    params: paramsField(o),
    verdict: resolveVerdict(o),
    grader: resolveGrader(o),
    response: resolveResponse(o).state,
    preambleId: str(o.dilution_preamble_id),
  };
}

/** A scenario file line: its id and class (the editor reads the rest from the file). */
export interface ScenarioFields {
  id: string | null;
  attackClass: string | null;
  variant: string | null;
}

export function extractScenario(o: Obj): ScenarioFields {
  return {
    id: str(o.id),
    attackClass: str(o.attack_class) ?? str(o.scenario_class) ?? str(o.technique_family),
    variant: str(o.variant),
  };
}

export { isObj };
