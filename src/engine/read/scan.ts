/**
 * The fields of one JSONL line, read from its bytes in one pass without building the object.
 *
 * Contract (test/property checks it): for every line, the scanner decides exactly as
 * `JSON.parse(buf.toString('utf8'))` followed by records.ts's extractLine / extractScenario:
 * the same accept/reject decision, the same reason text (V8's message, position in UTF-16 units
 * of the decoded line), and the same field values. String contents are skipped four bytes at a
 * time, looking for a quote, a backslash or a control byte at once (a Buffer.indexOf call per string
 * costs more than that on trace lines' many short strings, and as much on long ones); only the kept
 * fields are decoded (as UTF-8, exactly as buf.toString would), and a response only as far as its
 * leading non-white-space characters. No recursion: nesting depth is bounded by memory only.
 */
import { SKIP_STRING_WASM } from './skipStringWasm';
import { verdictFromRaw } from './verdicts';
import type { LineFields, ResponseState, ScenarioFields } from './records';

/**
 * Why a non-blank line is unusable. Not JSON: where JSON.parse stops (`at`, a byte offset of the
 * line) and why (`error`, for jsonParseMessage()); JSON but not an object: what it is instead.
 */
export type ScanProblem =
  | { code: 'invalid-json'; error: number; at: number }
  | { code: 'not-an-object'; what: 'an array' | 'null' | 'number' | 'string' | 'boolean' };

export type Scanned<F> = { fields: F; problem?: undefined } | { fields?: undefined; problem: ScanProblem };

// Bytes.
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const LBRACK = 0x5b;
const BACKSLASH = 0x5c;
const RBRACK = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

// Value types of a recorded slot.
const ABSENT = 0;
const STR = 1; // a string without escapes: its bytes are its UTF-8 text
const STR_ESC = 2;
const NUMBER = 3;
const TRUE = 4;
const FALSE = 5;
const NULL = 6;
const OBJECT = 7;
const ARRAY = 8;

// What a container is, by where it sits; OTHER containers are validated and nothing is kept.
const R_OTHER_OBJ = 0;
const R_OTHER_ARR = 1;
const R_ROOT = 2;
const R_INPUT = 3; // root.input
const R_SCENARIO = 4; // root.input.scenario
const R_METADATA = 5; // root.metadata
const R_TURNS = 6; // root.turns (array)
const R_TURN = 7; // an object in root.turns
const R_CONTENT = 8; // turn.content (array)
const R_PART = 9; // an object in turn.content
const IS_ARRAY_ROLE = [false, true, false, false, false, false, true, false, true, false];

// Keys that matter somewhere; a key's code is also its slot at the root.
const KEYS = [
  '',
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
  'id',
  'input',
  'metadata',
  'turns',
  'scenario',
  'role',
  'text',
  'content',
] as const;
type KeyName = (typeof KEYS)[number];
const K = Object.fromEntries(KEYS.map((k, i) => [k, i])) as Record<KeyName, number>;
const LAST_ROOT_SCALAR = K.id;
const RESPONSE_FIELDS = [K.agent_response, K.response];
const SCENARIO_KEYS = new Set([K.id, K.attack_class, K.scenario_class, K.technique_family, K.variant]);

// Slots below KEYS.length are root fields (by key code); nested fields follow.
const S_IN_ID = KEYS.length;
const S_IN_ATTACK_CLASS = S_IN_ID + 1;
const S_IN_SCENARIO_CLASS = S_IN_ID + 2;
const S_IN_VARIANT = S_IN_ID + 3;
const S_META_PARAMS = S_IN_ID + 4;
const S_TURN_ROLE = S_IN_ID + 5;
const S_TURN_TEXT = S_IN_ID + 6;
const S_TURN_CONTENT = S_IN_ID + 7;
const S_PART_TEXT = S_IN_ID + 8;
const S_AGENT_TEXT = S_IN_ID + 9; // the last agent/assistant turn's text and content
const S_AGENT_CONTENT = S_IN_ID + 10;
const SLOTS = S_IN_ID + 11;

/** Keys by byte length, compared byte by byte (most keys differ at their first byte). */
const KEY_BYTES = KEYS.map((k) => Buffer.from(k, 'latin1'));
const KEYS_BY_LENGTH: number[][] = [];
const KEY_BY_NAME = new Map<string, number>();
KEYS.forEach((name, code) => {
  if (code === 0) return;
  (KEYS_BY_LENGTH[name.length] ??= []).push(code);
  KEY_BY_NAME.set(name, code);
});

/** V8's JSON.parse messages (Node 22), by the kind of error the scanner met. */
const E_UNEXPECTED = 1; // ReportUnexpectedCharacter: the message depends on the character
const E_UNEXPECTED_NUMBER = 2;
const E_BAD_ESCAPE = 3; // a character after `\` that is no escape (or beyond U+00FF: "Unexpected token")
const E_PROP_NAME_OR_RBRACE = 4;
const E_DOUBLE_QUOTED_PROP = 5;
const E_COLON = 6;
const E_COMMA_OR_RBRACE = 7;
const E_COMMA_OR_RBRACK = 8;
const E_NON_WS_AFTER = 9;
const E_UNTERMINATED_STRING = 10;
const E_BAD_CONTROL = 11;
const E_BAD_UNICODE = 12;
const E_NO_NUMBER_AFTER_MINUS = 13;
const E_UNTERMINATED_FRACTION = 14;
const E_EXPONENT_MISSING = 15;
const POSITIONED: Record<number, string> = {
  [E_UNEXPECTED_NUMBER]: 'Unexpected number in JSON',
  [E_PROP_NAME_OR_RBRACE]: "Expected property name or '}' in JSON",
  [E_DOUBLE_QUOTED_PROP]: 'Expected double-quoted property name in JSON',
  [E_COLON]: "Expected ':' after property name in JSON",
  [E_COMMA_OR_RBRACE]: "Expected ',' or '}' after property value in JSON",
  [E_COMMA_OR_RBRACK]: "Expected ',' or ']' after array element in JSON",
  [E_NON_WS_AFTER]: 'Unexpected non-whitespace character after JSON',
  [E_UNTERMINATED_STRING]: 'Unterminated string in JSON',
  [E_BAD_CONTROL]: 'Bad control character in string literal in JSON',
  [E_BAD_UNICODE]: 'Bad Unicode escape in JSON',
  [E_NO_NUMBER_AFTER_MINUS]: 'No number after minus sign in JSON',
  [E_UNTERMINATED_FRACTION]: 'Unterminated fractional number in JSON',
  [E_EXPONENT_MISSING]: 'Exponent part is missing a number in JSON',
};
const SPECIAL_SOURCES = new Set(['[object Object]', 'undefined', 'Infinity', 'NaN']);
const CONTEXT_CHARS = 10;

/** JSON.parse's message for an error of `kind` at UTF-16 position `pos` of `text` (V8 12.4). */
function v8Message(text: string, kind: number, pos: number): string {
  // V8's CalculateFileLocation: CR, LF and CRLF end a line.
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos; i++) {
    if (text.charCodeAt(i) === CR && i < pos - 1 && text.charCodeAt(i + 1) === LF) i++;
    const c = text.charCodeAt(i);
    if (c === CR || c === LF) {
      line++;
      lineStart = i + 1;
    }
  }
  const at = ` at position ${pos} (line ${line} column ${pos - lineStart + 1})`;
  if (kind === E_BAD_ESCAPE) {
    if (pos >= text.length) return 'Unexpected end of JSON input';
    if (text.charCodeAt(pos) <= 0xff) return `Bad escaped character in JSON${at}`;
    kind = E_UNEXPECTED;
  }
  if (kind !== E_UNEXPECTED) return `${POSITIONED[kind]}${at}`;
  if (pos >= text.length) return 'Unexpected end of JSON input';
  const ch = text.charAt(pos);
  if (ch === '"') return `Unexpected string in JSON${at}`;
  if (ch === '-' || (ch >= '0' && ch <= '9')) return `Unexpected number in JSON${at}`;
  if (SPECIAL_SOURCES.has(text)) return `"${text}" is not valid JSON`;
  const n = text.length;
  if (n < 2 * CONTEXT_CHARS + 1) return `Unexpected token '${ch}', "${text}" is not valid JSON`;
  if (pos < CONTEXT_CHARS)
    return `Unexpected token '${ch}', "${text.slice(0, pos + CONTEXT_CHARS)}"... is not valid JSON`;
  if (pos < n - CONTEXT_CHARS)
    return `Unexpected token '${ch}', ..."${text.slice(pos - CONTEXT_CHARS, pos + CONTEXT_CHARS)}"... is not valid JSON`;
  return `Unexpected token '${ch}', ..."${text.slice(pos - CONTEXT_CHARS)}" is not valid JSON`;
}

/**
 * JSON.parse's message for a line the scanner found not to be JSON, and the line's text it refers to.
 * Decodes the line: meant for the problems a person reads, not for every bad line.
 */
export function jsonParseMessage(
  buf: Buffer,
  start: number,
  end: number,
  problem: { error: number; at: number },
): { text: string; message: string } {
  const line = buf.subarray(start, end);
  const text = line.toString('utf8');
  // `at` is never inside a character (it follows an ASCII byte or starts a sequence), so the
  // decoded prefix's length is the position in the decoded line.
  const pos = problem.at >= line.length ? text.length : line.toString('utf8', 0, problem.at).length;
  return { text, message: v8Message(text, problem.error, pos) };
}

const NOT_AN_OBJECT: Record<number, Extract<ScanProblem, { code: 'not-an-object' }>['what']> = {
  [STR]: 'string',
  [STR_ESC]: 'string',
  [NUMBER]: 'number',
  [TRUE]: 'boolean',
  [FALSE]: 'boolean',
  [NULL]: 'null',
  [ARRAY]: 'an array',
};

/** String.prototype.trim's white space (WhiteSpace and LineTerminator), as UTF-16 code units. */
function isTrimSpace(u: number): boolean {
  if (u <= 0x20) return u === 0x20 || (u >= 0x09 && u <= 0x0d);
  if (u < 0xa0) return false;
  return (
    u === 0xa0 ||
    u === 0x1680 ||
    (u >= 0x2000 && u <= 0x200a) ||
    u === 0x2028 ||
    u === 0x2029 ||
    u === 0x202f ||
    u === 0x205f ||
    u === 0x3000 ||
    u === 0xfeff
  );
}

/** Byte length of the UTF-8 encoding of a white-space character at buf[p] (p < e), or 0. */
function utf8SpaceLength(buf: Buffer, p: number, e: number): number {
  const b0 = buf[p] as number;
  if (b0 === 0xc2) return p + 1 < e && buf[p + 1] === 0xa0 ? 2 : 0;
  if (p + 2 >= e) return 0;
  const b1 = buf[p + 1] as number;
  const b2 = buf[p + 2] as number;
  if (b0 === 0xe2) {
    if (b1 === 0x80) return (b2 >= 0x80 && b2 <= 0x8a) || b2 === 0xa8 || b2 === 0xa9 || b2 === 0xaf ? 3 : 0;
    return b1 === 0x81 && b2 === 0x9f ? 3 : 0;
  }
  if (b0 === 0xe1) return b1 === 0x9a && b2 === 0x80 ? 3 : 0;
  if (b0 === 0xe3) return b1 === 0x80 && b2 === 0x80 ? 3 : 0;
  if (b0 === 0xef) return b1 === 0xbb && b2 === 0xbf ? 3 : 0;
  return 0;
}

function hexValue(c: number): number {
  if (c >= ZERO && c <= NINE) return c - ZERO;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

const SIMPLE_ESCAPE = new Int32Array(128).fill(-1);
for (const [c, v] of [
  ['"', 0x22],
  ['\\', 0x5c],
  ['/', 0x2f],
  ['b', 0x08],
  ['f', 0x0c],
  ['n', 0x0a],
  ['r', 0x0d],
  ['t', 0x09],
] as const)
  SIMPLE_ESCAPE[c.charCodeAt(0)] = v;

/** skipString.wat's exports (see there). */
interface StringSkipper {
  memory: { buffer: ArrayBuffer };
  skip(p: number, end: number): number;
}

/** The part of the WebAssembly API used here (the project's type libraries do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/**
 * The WebAssembly string skipper, one per thread; null where WebAssembly SIMD cannot run (the
 * scanner's own loop then reads every string, with the same results, more slowly).
 */
const skipper: StringSkipper | null = (() => {
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
    const module = new wasm.Module(Buffer.from(SKIP_STRING_WASM, 'base64'));
    return new wasm.Instance(module, {}).exports as StringSkipper;
  } catch {
    return null;
  }
})();

/**
 * A buffer of `size` bytes for lines to be scanned: in the string skipper's memory (the one such
 * buffer of this thread: whatever used it before is overwritten) when it fits there, else a new one.
 * Strings of lines in it are skipped 16 bytes at a time; lines elsewhere are scanned byte by byte.
 */
export function scanBuffer(size: number): Buffer {
  if (skipper !== null && size <= skipper.memory.buffer.byteLength)
    return Buffer.from(skipper.memory.buffer, 0, size);
  return Buffer.allocUnsafe(size);
}

/** Whether the scanner hands the strings of lines in `buf` to the WebAssembly skipper. */
export const skipsStrings = (buf: Buffer): boolean =>
  skipper !== null && buf.buffer === skipper.memory.buffer;

/**
 * A string value goes to the skipper when at least this many bytes of its line are left: near the
 * end of a line the scanner's own loop costs less than the call.
 */
const SKIP_MIN = 32;

const AGENT = Buffer.from('agent');
const ASSISTANT = Buffer.from('assistant');

// candidate(): a blank string; a value that is no text (null, absent, object, array).
const BLANK = -1;
const SKIP = 0;

const SENTINEL_PREFIXES = ['[ERROR', '[TIMEOUT', '[PARSE_ERROR'];
const SENTINEL_CHARS = 12; // the longest prefix

/**
 * One scanner per parse job: its scratch arrays are reused line after line. Not reentrant.
 * Bytes are read as `line[i] as number` in the hot loops: every index is below `len` there, and
 * expectDefined would cost a call per byte.
 */
export class LineScanner {
  private line: Buffer = Buffer.alloc(0);
  private len = 0;
  // Recorded values: type, [start, end) of the bytes (a string's contents, a number's text).
  private readonly type = new Uint8Array(SLOTS);
  private readonly start = new Int32Array(SLOTS);
  private readonly end = new Int32Array(SLOTS);
  private scenarios = false;
  /** Type of the root value. */
  private rootType = ABSENT;
  private agentTurn = false;
  // String parts of the current turn's `content` array and of the last agent turn's.
  private parts = new Int32Array(16);
  private partCount = 0;
  private agentParts = new Int32Array(16);
  private agentPartCount = 0;
  // The container stack: per level, its role and the key code of the member being read.
  private roles = new Uint8Array(64);
  private keys = new Int32Array(64);
  private words: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private wordsOf: ArrayBufferLike | null = null;
  private error = 0;
  private errorAt = 0;
  /** Set by string(): the last string had a backslash escape. */
  private escaped = false;
  /** The line lies in the string skipper's memory. */
  private fast = false;

  /** A trace, graded or cross-grader line; null when the line is blank. */
  traceLine(buf: Buffer, start: number, end: number): Scanned<LineFields> | null {
    const problem = this.scan(buf, start, end, false);
    if (problem === null) return null;
    if (problem !== undefined) return { problem };
    return { fields: this.lineFields() };
  }

  /** A scenario file line; null when the line is blank. */
  scenarioLine(buf: Buffer, start: number, end: number): Scanned<ScenarioFields> | null {
    const problem = this.scan(buf, start, end, true);
    if (problem === null) return null;
    if (problem !== undefined) return { problem };
    return {
      fields: {
        id: this.str(K.id),
        attackClass: this.str(K.attack_class) ?? this.str(K.scenario_class) ?? this.str(K.technique_family),
        variant: this.str(K.variant),
      },
    };
  }

  /** Walk the line: undefined when it is a JSON object (slots filled), null when blank, else the problem. */
  private scan(buf: Buffer, start: number, end: number, scenarios: boolean): ScanProblem | null | undefined {
    const line = buf.subarray(start, end);
    this.line = line;
    this.len = end - start;
    this.scenarios = scenarios;
    this.type.fill(ABSENT);
    this.rootType = ABSENT;
    this.agentTurn = false;
    this.partCount = 0;
    this.agentPartCount = 0;
    this.fast = skipsStrings(line);
    if (line.buffer !== this.wordsOf) {
      this.wordsOf = line.buffer;
      this.words = new Int32Array(line.buffer, 0, line.buffer.byteLength >> 2);
    }
    if (this.isBlank()) return null;
    if (!this.walk()) return { code: 'invalid-json', error: this.error, at: this.errorAt };
    if (this.rootType !== OBJECT)
      return { code: 'not-an-object', what: NOT_AN_OBJECT[this.rootType] as never };
    return undefined;
  }

  /** Blank as String.prototype.trim sees the decoded line (a blank line is skipped, not a problem). */
  private isBlank(): boolean {
    const line = this.line;
    const len = this.len;
    for (let p = 0; p < len;) {
      const c = line[p] as number;
      if (c < 0x80) {
        if (c === SPACE || (c >= TAB && c <= CR)) {
          p++;
          continue;
        }
        return false;
      }
      const n = utf8SpaceLength(line, p, len);
      if (n === 0) return false;
      p += n;
    }
    return true;
  }

  private fail(kind: number, at: number): false {
    this.error = kind;
    this.errorAt = at;
    return false;
  }

  private failAt(kind: number, at: number): -1 {
    this.fail(kind, at);
    return -1;
  }

  private skipSpace(p: number): number {
    const line = this.line;
    const len = this.len;
    while (p < len) {
      const c = line[p];
      if (c !== SPACE && c !== TAB && c !== LF && c !== CR) break;
      p++;
    }
    return p;
  }

  /** Validate the JSON text and record the slots; false with `error` set when it is not JSON. */
  private walk(): boolean {
    const line = this.line;
    const len = this.len;
    let depth = 0;
    let p = 0;
    value: for (;;) {
      // A value starts at p.
      p = this.skipSpace(p);
      if (p >= len) return this.fail(E_UNEXPECTED, len);
      const c = line[p] as number;
      let vt: number;
      let vs = p;
      let ve: number;
      if (c === QUOTE) {
        const q = this.string(p + 1, true);
        if (q < 0) return false;
        vt = this.escaped ? STR_ESC : STR;
        vs = p + 1;
        ve = q;
        p = q + 1;
      } else if (c === LBRACE || c === LBRACK) {
        const object = c === LBRACE;
        p = this.skipSpace(p + 1);
        if (p < len && line[p] === (object ? RBRACE : RBRACK)) {
          p++;
          vt = object ? OBJECT : ARRAY;
          ve = p;
        } else {
          const role = this.childRole(depth, object);
          if (depth === this.roles.length) this.growStack();
          this.roles[depth] = role;
          this.keys[depth] = 0;
          depth++;
          this.enter(role);
          if (!object) continue value;
          if (p >= len || line[p] !== QUOTE) return this.fail(E_PROP_NAME_OR_RBRACE, p);
          p = this.member(depth - 1, p);
          if (p < 0) return false;
          continue value;
        }
      } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
        ve = this.number(p);
        if (ve < 0) return false;
        vt = NUMBER;
        p = ve;
      } else if (c === 0x74) {
        p = this.literal(p, 'true');
        if (p < 0) return false;
        vt = TRUE;
        ve = p;
      } else if (c === 0x66) {
        p = this.literal(p, 'false');
        if (p < 0) return false;
        vt = FALSE;
        ve = p;
      } else if (c === 0x6e) {
        p = this.literal(p, 'null');
        if (p < 0) return false;
        vt = NULL;
        ve = p;
      } else return this.fail(E_UNEXPECTED, p);

      // A value ended at p: hand it to its container, then close containers or go on to the next member.
      for (;;) {
        if (depth === 0) {
          this.rootType = vt;
          p = this.skipSpace(p);
          return p < len ? this.fail(E_NON_WS_AFTER, p) : true;
        }
        this.deliver(depth - 1, vt, vs, ve);
        const role = this.roles[depth - 1] as number;
        p = this.skipSpace(p);
        const next = p < len ? (line[p] as number) : -1;
        if (next === COMMA) {
          if (IS_ARRAY_ROLE[role]) {
            p++;
            continue value;
          }
          p = this.skipSpace(p + 1);
          if (p >= len || line[p] !== QUOTE) return this.fail(E_DOUBLE_QUOTED_PROP, p);
          p = this.member(depth - 1, p);
          if (p < 0) return false;
          continue value;
        }
        if (IS_ARRAY_ROLE[role] ? next !== RBRACK : next !== RBRACE)
          return this.fail(IS_ARRAY_ROLE[role] ? E_COMMA_OR_RBRACK : E_COMMA_OR_RBRACE, p);
        p++;
        depth--;
        this.exit(role);
        vt = IS_ARRAY_ROLE[role] ? ARRAY : OBJECT;
        vs = ve = p;
      }
    }
  }

  private growStack(): void {
    const roles = new Uint8Array(this.roles.length * 2);
    roles.set(this.roles);
    this.roles = roles;
    const keys = new Int32Array(this.keys.length * 2);
    keys.set(this.keys);
    this.keys = keys;
  }

  /** A member's key at p (a `"`) and its colon; returns the position of its value, or −1. */
  private member(level: number, p: number): number {
    const q = this.string(p + 1);
    if (q < 0) return -1;
    const role = this.roles[level] as number;
    if (role >= R_ROOT) this.keys[level] = this.keyCode(p + 1, q, this.escaped);
    const c = this.skipSpace(q + 1);
    if (c >= this.len || this.line[c] !== COLON) return this.failAt(E_COLON, c);
    if (role >= R_ROOT) this.startMember(role, this.keys[level] as number);
    return c + 1;
  }

  private keyCode(s: number, e: number, escaped: boolean): number {
    if (escaped) return KEY_BY_NAME.get(this.decode(s, e, true)) ?? 0;
    const candidates = KEYS_BY_LENGTH[e - s];
    if (candidates === undefined) return 0;
    const line = this.line;
    // Index loops here and below, not for…of: a parse thread's first files run unoptimised, where
    // every for…of over an array makes an iterator (this one runs for every key of every line).
    next: for (let j = 0; j < candidates.length; j++) {
      const code = candidates[j] as number;
      const want = KEY_BYTES[code] as Buffer;
      for (let i = 0; i < want.length; i++) if (line[s + i] !== want[i]) continue next;
      return code;
    }
    return 0;
  }

  /** A member is starting: a later duplicate key replaces everything an earlier one contributed. */
  private startMember(role: number, key: number): void {
    const t = this.type;
    if (role === R_ROOT) {
      if (this.scenarios) return;
      if (key === K.input)
        t[S_IN_ID] = t[S_IN_ATTACK_CLASS] = t[S_IN_SCENARIO_CLASS] = t[S_IN_VARIANT] = ABSENT;
      else if (key === K.metadata) t[S_META_PARAMS] = ABSENT;
      else if (key === K.turns) this.agentTurn = false;
    } else if (role === R_INPUT) {
      if (key === K.scenario)
        t[S_IN_ID] = t[S_IN_ATTACK_CLASS] = t[S_IN_SCENARIO_CLASS] = t[S_IN_VARIANT] = ABSENT;
    } else if (role === R_TURN) {
      if (key === K.content) this.partCount = 0;
    }
  }

  /** The role of a container opening as the current member (or element) at `depth`. */
  private childRole(depth: number, object: boolean): number {
    if (depth === 0) return object ? R_ROOT : R_OTHER_ARR;
    const parent = this.roles[depth - 1] as number;
    const key = this.keys[depth - 1] as number;
    if (object) {
      if (parent === R_ROOT && !this.scenarios) {
        if (key === K.input) return R_INPUT;
        if (key === K.metadata) return R_METADATA;
      } else if (parent === R_INPUT && key === K.scenario) return R_SCENARIO;
      else if (parent === R_TURNS) return R_TURN;
      else if (parent === R_CONTENT) return R_PART;
      return R_OTHER_OBJ;
    }
    if (parent === R_ROOT && !this.scenarios && key === K.turns) return R_TURNS;
    if (parent === R_TURN && key === K.content) return R_CONTENT;
    return R_OTHER_ARR;
  }

  private enter(role: number): void {
    if (role === R_TURN) {
      this.type[S_TURN_ROLE] = this.type[S_TURN_TEXT] = this.type[S_TURN_CONTENT] = ABSENT;
      this.partCount = 0;
    } else if (role === R_PART) this.type[S_PART_TEXT] = ABSENT;
  }

  private exit(role: number): void {
    if (role === R_TURN) {
      if (!this.isAgentRole()) return;
      // The last agent/assistant turn wins: keep this one's text and content.
      this.agentTurn = true;
      this.copySlot(S_TURN_TEXT, S_AGENT_TEXT);
      this.copySlot(S_TURN_CONTENT, S_AGENT_CONTENT);
      const parts = this.agentParts;
      this.agentParts = this.parts;
      this.agentPartCount = this.partCount;
      this.parts = parts;
      this.partCount = 0;
    } else if (role === R_PART) {
      const t = this.type[S_PART_TEXT] as number;
      if (t === STR || t === STR_ESC)
        this.addPart(this.start[S_PART_TEXT] as number, this.end[S_PART_TEXT] as number, t === STR_ESC);
    }
  }

  /** The current turn's role is exactly `agent` or `assistant`. */
  private isAgentRole(): boolean {
    const t = this.type[S_TURN_ROLE];
    const s = this.start[S_TURN_ROLE] as number;
    const e = this.end[S_TURN_ROLE] as number;
    if (t === STR_ESC) {
      const r = this.decode(s, e, true);
      return r === 'agent' || r === 'assistant';
    }
    if (t !== STR) return false;
    const want = e - s === 5 ? AGENT : e - s === 9 ? ASSISTANT : null;
    if (want === null) return false;
    for (let i = 0; i < want.length; i++) if (this.line[s + i] !== want[i]) return false;
    return true;
  }

  private copySlot(from: number, to: number): void {
    this.type[to] = this.type[from] as number;
    this.start[to] = this.start[from] as number;
    this.end[to] = this.end[from] as number;
  }

  /** A part of a `content` array: a string, kept as [start, end) with the escape flag in the sign of end. */
  private addPart(s: number, e: number, escaped: boolean): void {
    if (2 * this.partCount + 2 > this.parts.length) {
      const grown = new Int32Array(this.parts.length * 2);
      grown.set(this.parts);
      this.parts = grown;
    }
    this.parts[2 * this.partCount] = s;
    this.parts[2 * this.partCount + 1] = escaped ? ~e : e;
    this.partCount++;
  }

  /** A value of type vt at [vs, ve) is the current member (or element) of the container at `level`. */
  private deliver(level: number, vt: number, vs: number, ve: number): void {
    const role = this.roles[level] as number;
    if (role < R_ROOT) return;
    const key = this.keys[level] as number;
    let slot = -1;
    switch (role) {
      case R_ROOT:
        if (this.scenarios) {
          if (SCENARIO_KEYS.has(key)) slot = key;
        } else if (key > 0 && key < LAST_ROOT_SCALAR) slot = key;
        break;
      case R_SCENARIO:
        if (key === K.id) slot = S_IN_ID;
        else if (key === K.attack_class) slot = S_IN_ATTACK_CLASS;
        else if (key === K.scenario_class) slot = S_IN_SCENARIO_CLASS;
        else if (key === K.variant) slot = S_IN_VARIANT;
        break;
      case R_METADATA:
        if (key === K.parameter_count) slot = S_META_PARAMS;
        break;
      case R_TURN:
        if (key === K.role) slot = S_TURN_ROLE;
        else if (key === K.text) slot = S_TURN_TEXT;
        else if (key === K.content) slot = S_TURN_CONTENT;
        break;
      case R_PART:
        if (key === K.text) slot = S_PART_TEXT;
        break;
      case R_CONTENT:
        if (vt === STR || vt === STR_ESC) this.addPart(vs, ve, vt === STR_ESC);
        return;
      default:
        return;
    }
    if (slot < 0) return;
    this.type[slot] = vt;
    this.start[slot] = vs;
    this.end[slot] = ve;
  }

  /**
   * A string's contents from p (after its opening quote): the position of its closing quote, or −1.
   * A `value` (not a key: those are short) in the skipper's memory is passed over by the skipper
   * first, up to the first byte this loop must decide.
   */
  private string(p: number, value = false): number {
    const line = this.line;
    const len = this.len;
    let escaped = false;
    if (value && this.fast && len - p >= SKIP_MIN) {
      const base = line.byteOffset;
      const r = (skipper as StringSkipper).skip(base + p, base + len);
      p = (r >>> 1) - base;
      escaped = (r & 1) === 1;
    }
    for (;;) {
      const i = this.stop(p);
      if (i < p) throw new Error('line scanner: went backwards'); // a bug, not input: never loop forever
      if (i >= len) return this.failAt(E_UNTERMINATED_STRING, len);
      const c = line[i] as number;
      if (c === QUOTE) {
        this.escaped = escaped;
        return i;
      }
      if (c < SPACE) return this.failAt(E_BAD_CONTROL, i);
      // A backslash: the escape must be one of JSON's.
      escaped = true;
      const e = i + 1;
      if (e >= len) return this.failAt(E_BAD_ESCAPE, len);
      const x = line[e] as number;
      if (x === 0x75) {
        for (let h = e + 1; h < e + 5; h++) {
          if (h >= len || hexValue(line[h] as number) < 0) return this.failAt(E_BAD_UNICODE, h);
        }
        p = e + 5;
      } else if (x < 128 && (SIMPLE_ESCAPE[x] as number) >= 0) p = e + 1;
      else return this.failAt(E_BAD_ESCAPE, e);
    }
  }

  /**
   * The first `"`, `\` or byte below 0x20 at or after p (len when none): the bytes JSON.parse stops
   * at inside a string. Four bytes at a time (one native call per string costs more on short strings).
   */
  private stop(p: number): number {
    const line = this.line;
    const len = this.len;
    const base = line.byteOffset;
    const words = this.words;
    // Words of the buffer from the one holding p to the last one wholly inside the line. The bytes of
    // the first word before p (maybe before the line) are read as `a`: they neither stop the scan nor,
    // through a borrow, flag a byte after them.
    let w = Math.floor((base + p) / 4);
    const last = Math.floor((base + len) / 4);
    if (w < last) {
      const keep = -1 << (((base + p) & 3) * 8);
      const m = specials(((words[w] as number) & keep) | (0x61616161 & ~keep));
      if (m !== 0) return w * 4 - base + lowestByte(m);
      for (w++; w + 1 < last; w += 2) {
        const m0 = specials(words[w] as number);
        if (m0 !== 0) return w * 4 - base + lowestByte(m0);
        const m1 = specials(words[w + 1] as number);
        if (m1 !== 0) return (w + 1) * 4 - base + lowestByte(m1);
      }
      if (w < last) {
        const m0 = specials(words[w] as number);
        if (m0 !== 0) return w * 4 - base + lowestByte(m0);
        w++;
      }
      p = w * 4 - base;
    }
    for (let i = p; i < len; i++) {
      const c = line[i] as number;
      if (c === QUOTE || c === BACKSLASH || c < SPACE) return i;
    }
    return len;
  }

  /** A number from p: its end, or −1 (V8's number scanner and its errors). */
  private number(p: number): number {
    const line = this.line;
    const len = this.len;
    let i = p;
    if (line[i] === MINUS) i++;
    const first = i < len ? (line[i] as number) : -1;
    if (first === ZERO) {
      i++;
      if (i < len && isDigit(line[i] as number)) return this.failAt(E_UNEXPECTED_NUMBER, i);
    } else if (first >= ZERO && first <= NINE) {
      i++;
      while (i < len && isDigit(line[i] as number)) i++;
    } else return this.failAt(E_NO_NUMBER_AFTER_MINUS, i);
    if (i < len && line[i] === DOT) {
      i++;
      if (i >= len || !isDigit(line[i] as number)) return this.failAt(E_UNTERMINATED_FRACTION, i);
      while (i < len && isDigit(line[i] as number)) i++;
    }
    if (i < len && ((line[i] as number) | 0x20) === 0x65) {
      i++;
      if (i < len && (line[i] === PLUS || line[i] === MINUS)) i++;
      if (i >= len || !isDigit(line[i] as number)) return this.failAt(E_EXPONENT_MISSING, i);
      while (i < len && isDigit(line[i] as number)) i++;
    }
    return i;
  }

  /** `true`, `false` or `null` at p: its end, or −1 at the first character that differs. */
  private literal(p: number, word: string): number {
    const line = this.line;
    const len = this.len;
    for (let i = 1; i < word.length; i++) {
      if (p + i >= len) return this.failAt(E_UNEXPECTED, len);
      if (line[p + i] !== word.charCodeAt(i)) return this.failAt(E_UNEXPECTED, p + i);
    }
    return p + word.length;
  }

  // ---- Field values (only what FORMATS.md needs is decoded) ----

  /** A string's text: its bytes as UTF-8 between the escapes, the escapes decoded. */
  private decode(s: number, e: number, escaped: boolean): string {
    const line = this.line;
    if (!escaped) return line.toString('utf8', s, e);
    let out = '';
    let i = s;
    for (;;) {
      let b = line.indexOf(BACKSLASH, i);
      if (b < 0 || b >= e) b = e;
      if (b > i) out += line.toString('utf8', i, b);
      if (b >= e) return out;
      const c = line[b + 1] as number;
      if (c === 0x75) {
        let u = 0;
        for (let j = b + 2; j < b + 6; j++) u = u * 16 + hexValue(line[j] as number);
        out += String.fromCharCode(u);
        i = b + 6;
      } else {
        out += String.fromCharCode(SIMPLE_ESCAPE[c] as number);
        i = b + 2;
      }
    }
  }

  private slotText(slot: number): string {
    return this.decode(this.start[slot] as number, this.end[slot] as number, this.type[slot] === STR_ESC);
  }

  /** records.ts's str(): a non-blank string as is, a number as text, else null. */
  private str(slot: number): string | null {
    const t = this.type[slot];
    if (t === STR || t === STR_ESC) {
      const s = this.slotText(slot);
      return s.trim() === '' ? null : s;
    }
    if (t === NUMBER) return String(this.numberValue(slot));
    return null;
  }

  private numberValue(slot: number): number {
    return Number(this.line.toString('latin1', this.start[slot], this.end[slot]));
  }

  // The first present of several fields is `str(a) ?? str(b) ?? …`, not a loop over a rest array:
  // a parse thread's first files run unoptimised, where every such array and iterator is made.
  private params(): string | null {
    return this.paramsAt(K.parameter_count) ?? this.paramsAt(S_META_PARAMS);
  }

  private paramsAt(slot: number): string | null {
    const t = this.type[slot];
    if (t === NUMBER) {
      const v = this.numberValue(slot);
      if (Number.isFinite(v)) return JSON.stringify(v);
    } else if (t === STR || t === STR_ESC) {
      const s = this.slotText(slot);
      if (s.trim() !== '') return JSON.stringify(s);
    }
    return null;
  }

  private lineFields(): LineFields {
    const verdict = this.str(K.llm_verdict) ?? this.str(K.flip_verdict) ?? this.str(K.verdict);
    const raw = verdict === null ? this.str(K.llm_raw) : null;
    return {
      traceId: this.str(K.trace_id),
      scenarioId: this.str(K.scenario_id) ?? this.str(S_IN_ID) ?? this.str(K.episode_id),
      model: this.str(K.model_id) ?? this.str(K.model),
      attackClass:
        this.str(K.attack_class) ??
        this.str(S_IN_ATTACK_CLASS) ??
        this.str(S_IN_SCENARIO_CLASS) ??
        this.str(K.scenario_class) ??
        this.str(K.technique_family),
      variant: this.str(K.variant) ?? this.str(S_IN_VARIANT),
      params: this.params(),
      verdict: verdict ?? (raw === null ? null : verdictFromRaw(raw)),
      grader: this.str(K.grader_model) ?? this.str(K.grader) ?? this.str(K.llm_classifier),
      response: this.response(),
      preambleId: this.str(K.dilution_preamble_id),
    };
  }

  // ---- The response state: only its leading characters are read ----

  /**
   * records.ts's resolveResponse(): the last agent/assistant turn's text (or, when the text is
   * absent, null or blank, its content), then `agent_response`, then `response`; the first that is
   * not blank decides; blank strings alone make an empty-response sentinel.
   */
  private response(): ResponseState {
    let sawBlank = false;
    if (this.agentTurn) {
      const textType = this.type[S_AGENT_TEXT];
      const text = this.candidate(S_AGENT_TEXT);
      if (text > 0) return text as ResponseState;
      // An object or array text is present (so it is the candidate) but is no text; otherwise the
      // content is, and without content the text itself (blank, or absent).
      if (textType !== OBJECT && textType !== ARRAY) {
        const contentType = this.type[S_AGENT_CONTENT];
        let content: number;
        if (contentType === ARRAY) content = this.leadState(this.agentParts, this.agentPartCount) || BLANK;
        else if (contentType !== ABSENT) content = this.candidate(S_AGENT_CONTENT);
        else content = text;
        if (content > 0) return content as ResponseState;
        sawBlank = content === BLANK;
      }
    }
    for (let j = 0; j < RESPONSE_FIELDS.length; j++) {
      const c = this.candidate(RESPONSE_FIELDS[j] as number);
      if (c > 0) return c as ResponseState;
      if (c === BLANK) sawBlank = true;
    }
    return sawBlank ? 2 : 0;
  }

  private readonly oneRange = new Int32Array(2);

  /** A recorded value as a response: its state (1, 2), BLANK for a blank string, SKIP for no text. */
  private candidate(slot: number): number {
    const t = this.type[slot];
    if (t === STR || t === STR_ESC) {
      const r = this.oneRange;
      r[0] = this.start[slot] as number;
      r[1] = t === STR_ESC ? ~(this.end[slot] as number) : (this.end[slot] as number);
      return this.leadState(r, 1) || BLANK;
    }
    return t === NUMBER || t === TRUE || t === FALSE ? 1 : SKIP;
  }

  /** The UTF-16 unit readUnit() just read. */
  private unit = 0;

  /** Read one character of a string's contents at p (< e); sets `unit`, returns its byte length. */
  private readUnit(p: number, escaped: boolean): number {
    const line = this.line;
    const b = line[p] as number;
    if (b < 0x80) {
      if (b !== BACKSLASH || !escaped) {
        this.unit = b;
        return 1;
      }
      const c = line[p + 1] as number;
      if (c === 0x75) {
        let u = 0;
        for (let j = p + 2; j < p + 6; j++) u = u * 16 + hexValue(line[j] as number);
        this.unit = u;
        return 6;
      }
      this.unit = SIMPLE_ESCAPE[c] as number;
      return 2;
    }
    const n = utf8SpaceLength(line, p, this.len);
    if (n > 0) {
      this.unit = 0x20; // some white space: only white-space-ness matters here
      return n;
    }
    this.unit = 0xfffd; // not white space, not ASCII: ends the scan either way
    return 1;
  }

  /**
   * 0 when the concatenated strings (ranges as [start, end or ~end when escaped] pairs) are blank,
   * 2 when they start (after white space) with an error sentinel prefix, else 1.
   */
  private leadState(ranges: Int32Array, count: number): ResponseState {
    let head = '';
    let found = false;
    for (let r = 0; r < count; r++) {
      const s = ranges[2 * r] as number;
      const raw = ranges[2 * r + 1] as number;
      const escaped = raw < 0;
      const e = escaped ? ~raw : raw;
      for (let p = s; p < e;) {
        const n = this.readUnit(p, escaped);
        const u = this.unit;
        p += n;
        if (!found) {
          if (isTrimSpace(u)) continue;
          if (u !== 0x5b) return 1; // every sentinel starts with `[`
          found = true;
        }
        if (u >= 0x80) return sentinelOf(head);
        head += String.fromCharCode(u);
        if (head.length >= SENTINEL_CHARS) return sentinelOf(head);
      }
    }
    return found ? sentinelOf(head) : 0;
  }
}

function sentinelOf(head: string): ResponseState {
  for (let j = 0; j < SENTINEL_PREFIXES.length; j++)
    if (head.startsWith(SENTINEL_PREFIXES[j] as string)) return 2;
  return 1;
}

/**
 * A flag (0x80) in each byte of x (four bytes, little-endian) that is below 0x20, `"` or `\`. A
 * borrow may also flag a byte above a flagged one, never below: the lowest flag is exact.
 */
function specials(x: number): number {
  const q = x ^ 0x22222222;
  const b = x ^ 0x5c5c5c5c;
  return (((x - 0x20202020) & ~x) | ((q - 0x01010101) & ~q) | ((b - 0x01010101) & ~b)) & 0x80808080;
}

/** Index (0–3) of the lowest flagged byte of a non-zero `specials` result. */
function lowestByte(m: number): number {
  return (31 - Math.clz32(m & -m)) >> 3;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}
