/** String literals of one JSONL line, with their character ranges: enough to find ids and labels under a cursor. */

export interface StringToken {
  /** Character offsets of the literal, quotes included. */
  start: number;
  end: number;
  /** The decoded value. */
  value: string;
  /** True when a `:` follows: the string is a key. */
  isKey: boolean;
  /** For a value: the nearest key before it (its property name); null for a key. */
  key: string | null;
}

/** Every string literal of the line (up to `limit` characters), with the key each value belongs to. */
export function stringTokens(text: string, limit = text.length): StringToken[] {
  const out: StringToken[] = [];
  let lastKey: string | null = null;
  const n = Math.min(text.length, limit);
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) !== 0x22) continue;
    const start = i;
    let j = i + 1;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c === 0x5c) j += 2;
      else if (c === 0x22) break;
      else j++;
    }
    const end = Math.min(j + 1, text.length);
    let value: string;
    try {
      value = JSON.parse(text.slice(start, end)) as string;
    } catch {
      value = text.slice(start + 1, end - 1);
    }
    let k = end;
    while (k < text.length && (text[k] === ' ' || text[k] === '\t')) k++;
    const isKey = text[k] === ':';
    out.push({ start, end, value, isKey, key: isKey ? null : lastKey });
    if (isKey) lastKey = value;
    i = end - 1;
  }
  return out;
}

/** The string token at a character position, if any. */
export function tokenAt(text: string, character: number): StringToken | undefined {
  return stringTokens(text, character + 1).find((t) => t.start <= character && character < t.end);
}

/** The value token of the first of `keys` found in the line. */
export function valueOf(text: string, keys: string[]): StringToken | undefined {
  const tokens = stringTokens(text);
  for (const k of keys) {
    const t = tokens.find((x) => !x.isKey && x.key === k);
    if (t) return t;
  }
  return undefined;
}
