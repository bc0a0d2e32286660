/**
 * Generated JSONL lines for the scanner's property tests: realistic trace, graded and scenario
 * lines, random JSON, deep nesting and huge strings, written with random white space and escapes,
 * then often damaged (truncated, bytes flipped, inserted or deleted, invalid UTF-8). Case `i` of
 * seed `s` is always the same bytes (`caseOf(s, i)`), so a failure is reproduced from its number.
 */
import { scanBuffer, skipsStrings } from '../../src/engine/read/scan';

/** sfc32, seeded per case through splitmix32 so that any case can be generated alone. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream: number) {
    let x = (seed ^ Math.imul(stream, 0x9e3779b9)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }

  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }

  /** Log-uniform length in [lo, hi]. */
  size(lo: number, hi: number): number {
    return Math.floor(Math.exp(Math.log(lo) + (this.u32() / 4294967296) * (Math.log(hi + 1) - Math.log(lo))));
  }
}

// ---- JSON values that can say what JSON.stringify cannot: duplicate keys, number spellings ----

type J =
  | { t: 'obj'; m: [string, J][] }
  | { t: 'arr'; a: J[] }
  | { t: 'str'; s: string }
  | { t: 'num'; raw: string }
  | { t: 'lit'; raw: 'true' | 'false' | 'null' };

const obj = (m: [string, J][]): J => ({ t: 'obj', m });
const arr = (a: J[]): J => ({ t: 'arr', a });
const str = (s: string): J => ({ t: 'str', s });
const num = (raw: string): J => ({ t: 'num', raw });
const NULL: J = { t: 'lit', raw: 'null' };

/** How a line is written: white space between tokens, how strings escape their characters. */
interface Style {
  space: number; // chance of white space at each token boundary
  spaces: readonly string[];
  escapeAll: number; // chance that any character is written as \uXXXX
  escapeUpper: boolean;
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function writeString(rng: Rng, s: string, style: Style, out: string[]): void {
  out.push('"');
  for (let i = 0; i < s.length; i++) {
    const ch = s.charAt(i);
    const c = s.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (style.escapeAll > 0 && rng.chance(style.escapeAll)) out.push(unicodeEscape(c, style.escapeUpper));
    else if (short !== undefined) out.push(short);
    else if (c < 0x20) out.push(unicodeEscape(c, style.escapeUpper));
    else if (ch === '/' && rng.chance(0.3)) out.push('\\/');
    else out.push(ch);
  }
  out.push('"');
}

function unicodeEscape(c: number, upper: boolean): string {
  const hex = c.toString(16).padStart(4, '0');
  return `\\u${upper ? hex.toUpperCase() : hex}`;
}

function space(rng: Rng, style: Style, out: string[]): void {
  if (style.space > 0 && rng.chance(style.space)) {
    const n = 1 + rng.int(3);
    for (let i = 0; i < n; i++) out.push(rng.pick(style.spaces));
  }
}

/** Serialise without recursion (deep values are generated too). */
function write(rng: Rng, root: J, style: Style): string {
  const out: string[] = [];
  const stack: (J | string)[] = [root];
  space(rng, style, out);
  while (stack.length > 0) {
    const v = stack.pop() as J | string;
    if (typeof v === 'string') {
      out.push(v);
      space(rng, style, out);
      continue;
    }
    switch (v.t) {
      case 'obj': {
        out.push('{');
        space(rng, style, out);
        const items: (J | string)[] = [];
        v.m.forEach(([k, val], i) => {
          if (i > 0) items.push(',');
          items.push(str(k), ':', val);
        });
        items.push('}');
        for (let i = items.length - 1; i >= 0; i--) stack.push(items[i] as J | string);
        break;
      }
      case 'arr': {
        out.push('[');
        space(rng, style, out);
        const items: (J | string)[] = [];
        v.a.forEach((val, i) => {
          if (i > 0) items.push(',');
          items.push(val);
        });
        items.push(']');
        for (let i = items.length - 1; i >= 0; i--) stack.push(items[i] as J | string);
        break;
      }
      case 'str':
        writeString(rng, v.s, style, out);
        space(rng, style, out);
        break;
      case 'num':
      case 'lit':
        out.push(v.raw);
        space(rng, style, out);
        break;
    }
  }
  return out.join('');
}

// ---- Text ----

const WORDS = (
  'the model should refuse request harmful instructions policy safety assistant cannot provide ' +
  'detailed steps however here is an overview hypothetical character story chemistry network ' +
  'bypass filter prompt ignore previous rules developer mode Verdict: verdict COMPLIANCE REFUSAL ' +
  'PARTIAL **Verdict:** _REFUSAL_. "quoted" \\ / {"k": 1} <b>bold</b> 安全 模型 拒绝 режим ✅ 🙂 naïve café → …'
).split(' ');

/** Characters that matter to a reader: Unicode white space, lone surrogates, controls, U+FFFD… */
const ODD_CHARS = [
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u2005',
  '\u200a',
  '\u200b',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
  '\u180e',
  '\u0085',
  '\u000b',
  '\u000c',
  '\u0000',
  '\u001f',
  '\u007f',
  '\u0080',
  '\u00ff',
  '\u0100',
  '\ufffd',
  '\ud800',
  '\udfff',
  '\ud83d\ude00',
  '\ud83d',
  'é',
  '中',
  '"',
  '\\',
  '/',
  '\n',
  '\r',
  '\t',
  '\b',
  '\f',
  '[',
  ' ',
];

const SPACE_CHARS = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\u00a0',
  '\u2028',
  '\u3000',
  '\ufeff',
  '\u000b',
  '\u000c',
  '\u2003',
];
const SENTINELS = [
  '[ERROR',
  '[TIMEOUT',
  '[PARSE_ERROR',
  '[ERR',
  '[error',
  '[TIMEOUT]',
  '[PARSE_',
  '[ ERROR',
  '[',
];

function words(rng: Rng, chars: number): string {
  const out: string[] = [];
  let n = 0;
  while (n < chars) {
    const w = rng.chance(0.03) ? rng.pick(ODD_CHARS) : rng.pick(WORDS);
    out.push(w);
    n += w.length + 1;
  }
  return out.join(rng.chance(0.1) ? '\n' : ' ');
}

function leadingSpace(rng: Rng): string {
  if (!rng.chance(0.3)) return '';
  let s = '';
  const n = 1 + rng.int(4);
  for (let i = 0; i < n; i++) s += rng.pick(SPACE_CHARS);
  return s;
}

/** A text field's value: usually text, sometimes blank, a sentinel, huge, or not a string. */
function text(rng: Rng, typical: number): J {
  const r = rng.int(100);
  if (r < 6) return str(leadingSpace(rng));
  if (r < 9) return str(rng.pick(['', ' ', '\t', '\u00a0', '\u3000\ufeff', '\n\n', '\u2028']));
  if (r < 16) return str(leadingSpace(rng) + rng.pick(SENTINELS) + (rng.chance(0.5) ? words(rng, 20) : ''));
  if (r < 18) return rng.pick([NULL, num('5'), { t: 'lit', raw: 'true' }, { t: 'lit', raw: 'false' }]);
  if (r < 19) return rng.chance(0.5) ? obj([['text', str('x')]]) : arr([str('x')]);
  if (r < 20 && rng.chance(0.05)) return str(words(rng, rng.size(100_000, 1_500_000)));
  return str(leadingSpace(rng) + words(rng, rng.size(1, typical)));
}

const NUMBERS = [
  '0',
  '-0',
  '5',
  '5.0',
  '1e2',
  '1E+2',
  '-1.5e-3',
  '0.1',
  '70',
  '8.0e0',
  '123456789012345678901234567890',
  '1e400',
  '-1e400',
  '4e-400',
  '9007199254740993',
  '0.000001',
  '1e21',
  '-12',
];

function number(rng: Rng): J {
  if (rng.chance(0.5)) return num(rng.pick(NUMBERS));
  return num(String(rng.chance(0.5) ? rng.int(100_000) : (rng.int(2_000_000) - 1_000_000) / 1000));
}

/** A short field (id, model, label): a string, sometimes a number, blank, null or a container. */
function short(rng: Rng, values: readonly string[]): J {
  const r = rng.int(100);
  if (r < 70)
    return str(rng.chance(0.8) ? rng.pick(values) : leadingSpace(rng) + words(rng, rng.size(1, 40)));
  if (r < 78) return number(rng);
  if (r < 86) return str(rng.pick(['', ' ', '\t\n', '\u00a0', '\u3000']));
  if (r < 92) return NULL;
  if (r < 95)
    return rng.pick([
      { t: 'lit', raw: 'true' },
      { t: 'lit', raw: 'false' },
    ] as J[]);
  return rng.chance(0.5) ? obj([['id', str('x')]]) : arr([str('x')]);
}

/** Any JSON value (bounded depth). */
function anyValue(rng: Rng, depth: number): J {
  const r = rng.int(depth > 3 ? 6 : 9);
  switch (r) {
    case 0:
      return text(rng, 40);
    case 1:
      return number(rng);
    case 2:
      return rng.pick([NULL, { t: 'lit', raw: 'true' }, { t: 'lit', raw: 'false' }] as J[]);
    case 3:
    case 4:
    case 5:
      return str(words(rng, rng.size(1, 60)));
    case 6:
    case 7: {
      const m: [string, J][] = [];
      const n = rng.int(5);
      for (let i = 0; i < n; i++) m.push([key(rng, KEYS_ANY), anyValue(rng, depth + 1)]);
      return obj(m);
    }
    default: {
      const a: J[] = [];
      const n = rng.int(5);
      for (let i = 0; i < n; i++) a.push(anyValue(rng, depth + 1));
      return arr(a);
    }
  }
}

const TRACE_KEYS = [
  'trace_id',
  'scenario_id',
  'episode_id',
  'model_id',
  'model',
  'attack_class',
  'scenario_class',
  'technique_family',
  'variant',
  'parameter_count',
  'llm_verdict',
  'flip_verdict',
  'verdict',
  'llm_raw',
  'grader_model',
  'grader',
  'llm_classifier',
  'agent_response',
  'response',
  'dilution_preamble_id',
  'input',
  'metadata',
  'turns',
];
const KEYS_ANY = [
  ...TRACE_KEYS,
  'id',
  'role',
  'text',
  'content',
  'scenario',
  'prompt',
  'scenario_input',
  'labels_pred',
  'x',
  '',
  'é',
  'trace_id ',
  'Trace_id',
  'turn',
  '0',
  '123',
  '__proto__',
];

function key(rng: Rng, names: readonly string[]): string {
  return rng.chance(0.9) ? rng.pick(names) : rng.pick(KEYS_ANY);
}

const MODELS = [
  'qwen3.5:9b',
  'qwen/qwen3.5-9b',
  'meta-llama/llama-3.3-70b-instruct:free',
  'gemma3:4b',
  'phi3:mini',
];
const CLASSES = ['dan_persona', 'format_lock', 'crescendo', 'reasoning_dilution', 'Crescendo ', 'modèle'];
const VARIANTS = ['baseline', 'A', 'dilution', 'B', 'diluted', ' b ', 'other'];
const LABELS = [
  'COMPLIANCE',
  'PARTIAL',
  'REFUSAL',
  'HALLUCINATION_REFUSAL',
  'refusal',
  'COMPLAINCE',
  'ERROR: x',
];
const PARAMS = ['70B', '1.5B', '~200B', '135M', 'unknown', '', ' ', '8', '~ 70 B'];
const IDS = ['JA-DAN-001', 'S-1', 'x__dilution', 'x__dilution_2', 'APP-7', '安全-1'];
const ROLES = ['user', 'agent', 'assistant', 'system', 'tool', 'Agent', ' agent', 'assistant ', 'agen'];

function role(rng: Rng): J {
  if (rng.chance(0.08))
    return rng.pick([NULL, num('1'), { t: 'lit', raw: 'true' }, arr([str('agent')])] as J[]);
  return str(rng.pick(ROLES));
}

/** Values that a fallback may skip: null, blank strings, and values that are no text at all. */
const ABSENTISH: J[] = [
  NULL,
  str(''),
  str(' \u3000'),
  num('0'),
  { t: 'lit', raw: 'false' },
  obj([]),
  arr([]),
];

function contentParts(rng: Rng): J {
  const parts: J[] = [];
  const n = rng.int(5);
  for (let i = 0; i < n; i++) {
    const r = rng.int(10);
    if (r < 4) parts.push(text(rng, 200));
    else if (r < 8) {
      const m: [string, J][] = [];
      if (rng.chance(0.6)) m.push(['type', str('text')]);
      if (rng.chance(0.9)) m.push(['text', text(rng, 200)]);
      if (rng.chance(0.1)) m.push(['text', text(rng, 50)]); // duplicate: the last counts
      parts.push(obj(m));
    } else parts.push(anyValue(rng, 3));
  }
  return arr(parts);
}

function turn(rng: Rng, typical: number): J {
  const m: [string, J][] = [];
  const fields = ['role', 'text', 'content', 'role', 'text', 'content', 'extra'];
  const n = 1 + rng.int(4);
  for (let i = 0; i < n; i++) {
    const f = rng.pick(fields);
    if (f === 'role') m.push([f, role(rng)]);
    else if (f === 'text') m.push([f, rng.chance(0.25) ? rng.pick(ABSENTISH) : text(rng, typical)]);
    else if (f === 'content')
      m.push([
        f,
        rng.chance(0.6) ? contentParts(rng) : rng.chance(0.5) ? text(rng, typical) : anyValue(rng, 3),
      ]);
    else m.push([key(rng, KEYS_ANY), anyValue(rng, 3)]);
  }
  if (rng.chance(0.7)) m.unshift(['role', role(rng)]);
  return obj(m);
}

/** A trace, graded or cross-grader line as runners and graders write them, with the usual mess. */
function traceObject(rng: Rng): J {
  const typical = rng.pick([200, 600, 4000, 16000]);
  const m: [string, J][] = [];
  const members = TRACE_KEYS.filter(() => rng.chance(0.45));
  for (const k of members) m.push([k, traceValue(rng, k, typical)]);
  const extras = rng.int(4);
  for (let i = 0; i < extras; i++) m.push([key(rng, KEYS_ANY), anyValue(rng, 1)]);
  // Duplicate keys: JSON.parse keeps the last value.
  const dups = rng.chance(0.3) ? 1 + rng.int(3) : 0;
  for (let i = 0; i < dups; i++) {
    const k = rng.pick(TRACE_KEYS);
    m.push([k, traceValue(rng, k, typical)]);
  }
  shuffle(rng, m);
  return obj(m);
}

function traceValue(rng: Rng, k: string, typical: number): J {
  switch (k) {
    case 'trace_id':
    case 'scenario_id':
    case 'episode_id':
    case 'dilution_preamble_id':
      return short(rng, IDS);
    case 'model_id':
    case 'model':
    case 'grader_model':
    case 'grader':
    case 'llm_classifier':
      return short(rng, MODELS);
    case 'attack_class':
    case 'scenario_class':
    case 'technique_family':
      return short(rng, CLASSES);
    case 'variant':
      return short(rng, VARIANTS);
    case 'parameter_count':
      return rng.chance(0.5) ? number(rng) : short(rng, PARAMS);
    case 'llm_verdict':
    case 'flip_verdict':
    case 'verdict':
      return short(rng, LABELS);
    case 'llm_raw':
      return rng.chance(0.8)
        ? str(
            `${words(rng, rng.size(1, 300))}\n${rng.pick(['Verdict:', 'verdict :', '**Verdict:**', 'Verdict: _', 'Verdict:"'])} ${rng.pick(LABELS)}${rng.pick(['', '.', '*', ')', ' more'])}`,
          )
        : text(rng, 100);
    case 'agent_response':
    case 'response':
      return text(rng, typical);
    case 'input': {
      if (rng.chance(0.1)) return anyValue(rng, 2);
      const scenario: [string, J][] = [];
      for (const f of ['id', 'attack_class', 'scenario_class', 'variant', 'attack_attempt', 'id'])
        if (rng.chance(0.5))
          scenario.push([
            f,
            f === 'variant' ? short(rng, VARIANTS) : f === 'id' ? short(rng, IDS) : short(rng, CLASSES),
          ]);
      const input: [string, J][] = [['scenario', rng.chance(0.9) ? obj(scenario) : anyValue(rng, 2)]];
      if (rng.chance(0.2)) input.push(['scenario', obj(scenario.slice(0, 1))]);
      if (rng.chance(0.3)) input.unshift(['other', anyValue(rng, 2)]);
      return obj(input);
    }
    case 'metadata': {
      if (rng.chance(0.1)) return anyValue(rng, 2);
      const meta: [string, J][] = [
        ['execution_timestamp', str('2026-01-10T12:34:56.789+00:00')],
        ['duration_ms', number(rng)],
      ];
      if (rng.chance(0.5)) meta.push(['parameter_count', rng.chance(0.5) ? number(rng) : short(rng, PARAMS)]);
      if (rng.chance(0.3)) meta.push(['token_usage_normalized', obj([['prompt_tokens', num('812')]])]);
      shuffle(rng, meta);
      return obj(meta);
    }
    case 'turns': {
      if (rng.chance(0.08)) return anyValue(rng, 2);
      const turns: J[] = [];
      const n = rng.int(6);
      for (let i = 0; i < n; i++) turns.push(rng.chance(0.9) ? turn(rng, typical) : anyValue(rng, 3));
      return arr(turns);
    }
    default:
      return anyValue(rng, 2);
  }
}

function scenarioObject(rng: Rng): J {
  const m: [string, J][] = [];
  for (const k of ['id', 'attack_class', 'scenario_class', 'technique_family', 'variant', 'prompt', 'id'])
    if (rng.chance(0.55))
      m.push([
        k,
        k === 'id'
          ? short(rng, IDS)
          : k === 'variant'
            ? short(rng, VARIANTS)
            : k === 'prompt'
              ? text(rng, 300)
              : short(rng, CLASSES),
      ]);
  if (rng.chance(0.3)) m.push([key(rng, KEYS_ANY), anyValue(rng, 1)]);
  shuffle(rng, m);
  return obj(m);
}

/** Nesting far deeper than any recursive reader would survive, somewhere in a line. */
function deep(rng: Rng): string {
  const d = rng.size(100, 300_000);
  const objects = rng.chance(0.4);
  const open = objects ? '{"a":' : rng.chance(0.5) ? '[' : '[1,';
  const close = objects ? '}' : ']';
  const inner = rng.pick(['1', '"x"', '[]', '{}', 'null', '']);
  let closing = close.repeat(d);
  if (rng.chance(0.2)) closing = closing.slice(0, rng.int(closing.length + 1)); // unbalanced
  const nested = open.repeat(d) + inner + closing;
  if (rng.chance(0.3)) return nested;
  const where = rng.pick(['turns', 'content', 'input', 'x']);
  const value = where === 'content' ? `[{"role":"agent","content":${nested}}]` : nested;
  return `{"trace_id":"deep","model_id":"m",${JSON.stringify(where === 'content' ? 'turns' : where)}:${value},"response":"ok"}`;
}

/** Whole lines that are easy to get wrong. */
const ODD_LINES = [
  '',
  ' ',
  '\t',
  '\r',
  '\u00a0',
  '\u3000 ',
  '\ufeff',
  '\ufeff{}',
  '{}',
  '[]',
  'null',
  'true',
  'false',
  '0',
  '-',
  '"x"',
  'NaN',
  'Infinity',
  '-Infinity',
  'undefined',
  '[object Object]',
  '{"a":1}{"b":2}',
  '{"a":1},',
  '{,}',
  '{"a"}',
  '{"a":}',
  '{"a" 1}',
  '{"a":1,}',
  '[1,]',
  '[,1]',
  '{"a":01}',
  '{"a":-}',
  '{"a":1.}',
  '{"a":1e}',
  '{"a":.5}',
  '{"a":+1}',
  "{'a':1}",
  '{"a":"\\x"}',
  '{"a":"\\u12"}',
  '{"a":"\\ud800"}',
  '{"a":tru}',
  '{"a":nul}',
  '{"a":True}',
  '{"response":"\\u00a0[ERROR x"}',
];

function shuffle<T>(rng: Rng, xs: T[]): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
  }
}

// ---- Damage ----

const SPECIAL_BYTES = [
  0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x20, 0x09, 0x0d, 0x0a, 0x00, 0x01, 0x1f, 0x7f, 0x80, 0xbf,
  0xc0, 0xc2, 0xa0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x65, 0x45, 0x2e, 0x2d, 0x2b, 0x30, 0x31, 0x75,
  0x6e, 0x74,
];
const BAD_UTF8 = [
  [0x80],
  [0xc0, 0x80],
  [0xc2],
  [0xe2, 0x80],
  [0xed, 0xa0, 0x80],
  [0xf0, 0x9f, 0x98],
  [0xf5],
  [0xff, 0xfe],
];

function damage(rng: Rng, bytes: Buffer): Buffer {
  let b = bytes;
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) {
    const at = rng.int(b.length + 1);
    switch (rng.int(7)) {
      case 0: // truncated (a line still being written)
        b = b.subarray(0, at);
        break;
      case 1: // one byte changed
        if (at < b.length) {
          b = Buffer.from(b);
          b[at] = rng.chance(0.7) ? rng.pick(SPECIAL_BYTES) : rng.int(256);
        }
        break;
      case 2: // bytes inserted
        b = Buffer.concat([b.subarray(0, at), Buffer.from([rng.pick(SPECIAL_BYTES)]), b.subarray(at)]);
        break;
      case 3: // bytes removed
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + rng.int(4)))]);
        break;
      case 4: // invalid UTF-8
        b = Buffer.concat([b.subarray(0, at), Buffer.from(rng.pick(BAD_UTF8)), b.subarray(at)]);
        break;
      case 5: // a piece repeated
        b = Buffer.concat([b.subarray(0, at), b.subarray(rng.int(b.length + 1), at), b.subarray(at)]);
        break;
      default: // something after the value
        b = Buffer.concat([b, Buffer.from(rng.pick([' ', '\t', 'x', ',', '}', ']', '{}', '\u00a0', '1']))]);
    }
  }
  return b;
}

export interface Case {
  bytes: Buffer;
  kind: 'traces' | 'scenarios';
  shape: string;
}

/** Case `index` of `seed`. */
export function caseOf(seed: number, index: number): Case {
  const rng = new Rng(seed, index);
  const style: Style = {
    space: rng.pick([0, 0, 0, 0.05, 0.3, 0.9]),
    spaces: rng.chance(0.7) ? [' ', '\t'] : [' ', '\t', '\r', '\n', '\r\n'],
    escapeAll: rng.pick([0, 0, 0, 0.02, 0.3]),
    escapeUpper: rng.chance(0.5),
  };
  let shape: string;
  let line: string;
  const r = rng.int(100);
  if (r < 55) {
    shape = 'trace';
    line = write(rng, traceObject(rng), style);
  } else if (r < 67) {
    shape = 'scenario';
    line = write(rng, scenarioObject(rng), style);
  } else if (r < 85) {
    shape = 'random';
    line = write(rng, anyValue(rng, 0), style);
  } else if (r < 88) {
    shape = 'deep';
    line = deep(rng);
  } else {
    shape = 'odd';
    line = rng.pick(ODD_LINES);
  }
  let bytes: Buffer = Buffer.from(line, 'utf8');
  if (rng.chance(0.35)) {
    shape += '+damaged';
    bytes = damage(rng, bytes);
  }
  const kind = shape.startsWith('scenario')
    ? rng.chance(0.8)
      ? 'scenarios'
      : 'traces'
    : rng.chance(0.1)
      ? 'scenarios'
      : 'traces';
  return { bytes, kind, shape };
}

/**
 * The line inside a bigger buffer, as the reader sees it: other lines' bytes (quotes, backslashes,
 * control bytes) around it and a start that is not word-aligned.
 */
export function embed(rng: Rng, line: Buffer): { buf: Buffer; start: number; end: number } {
  const junk = (): Buffer => Buffer.from(Array.from({ length: rng.int(9) }, () => rng.pick(SPECIAL_BYTES)));
  const before = junk();
  const whole = Buffer.concat([before, line, junk()]);
  // Half of the lines lie in the string skipper's memory, as the read buffer's lines do (scan.ts):
  // their strings are passed over by the WebAssembly skipper, the others by the scanner's own loop.
  if (rng.int(2) === 0) {
    const at = rng.int(16); // every alignment of 16-byte loads
    const fast = scanBuffer(at + whole.length);
    if (skipsStrings(fast)) {
      whole.copy(fast, at);
      return { buf: fast, start: at + before.length, end: at + before.length + line.length };
    }
  }
  return { buf: whole, start: before.length, end: before.length + line.length };
}
