/**
 * Trace text is adversarial: it may carry terminal escapes, invisible characters and bidi
 * controls chosen to mislead a reader. These functions split it into plain runs and visible marks.
 */

export interface TextPart {
  text: string;
  /** Set when `text` is a visible stand-in for a character that would be invisible or reorder text. */
  mark?: { codePoint: number; name: string; picture?: boolean };
}

/** Bidi controls that can reorder what follows them, and invisible characters that hide in words. */
const NAMED: ReadonlyMap<number, string> = new Map([
  [0x202a, 'LRE'],
  [0x202b, 'RLE'],
  [0x202c, 'PDF'],
  [0x202d, 'LRO'],
  [0x202e, 'RLO'],
  [0x2066, 'LRI'],
  [0x2067, 'RLI'],
  [0x2068, 'FSI'],
  [0x2069, 'PDI'],
  [0x200b, 'ZWSP'],
  [0x2060, 'WJ'],
  [0xfeff, 'BOM'],
]);

// C0 and C1 controls, DEL, and the named characters above (one alternation, scanned once).
const SPECIAL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]/g;

export interface VisibleOptions {
  /** One line (list rows): newlines and tabs become marks too. */
  singleLine?: boolean;
}

/** The visible stand-in of one special character, or null when it is kept as it is. */
export function markFor(ch: string, next: string | undefined, options: VisibleOptions): TextPart | null {
  const cp = ch.codePointAt(0) ?? 0;
  if (!options.singleLine && (ch === '\n' || ch === '\t' || (ch === '\r' && next === '\n'))) return null;
  if (cp < 0x20)
    return {
      text: String.fromCodePoint(0x2400 + cp),
      mark: { codePoint: cp, name: c0Name(cp), picture: true },
    };
  if (cp === 0x7f) return { text: '\u2421', mark: { codePoint: cp, name: 'DEL', picture: true } };
  if (cp >= 0x80 && cp <= 0x9f)
    return { text: `\u27e8${hex(cp)}\u27e9`, mark: { codePoint: cp, name: 'C1 control' } };
  const name = NAMED.get(cp);
  return name ? { text: `\u27e8${name}\u27e9`, mark: { codePoint: cp, name } } : null;
}

/** Splits `text` into plain runs and marks. */
export function visibleParts(text: string, options: VisibleOptions = {}): TextPart[] {
  const parts: TextPart[] = [];
  let plainStart = 0;
  for (const m of text.matchAll(SPECIAL)) {
    const at = m.index;
    const part = markFor(m[0], text[at + 1], options);
    if (!part) continue;
    if (at > plainStart) parts.push({ text: text.slice(plainStart, at) });
    parts.push(part);
    plainStart = at + 1;
  }
  if (plainStart < text.length) parts.push({ text: text.slice(plainStart) });
  return parts;
}

export function hex(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

const C0 = [
  'NUL',
  'SOH',
  'STX',
  'ETX',
  'EOT',
  'ENQ',
  'ACK',
  'BEL',
  'BS',
  'TAB',
  'LF',
  'VT',
  'FF',
  'CR',
  'SO',
  'SI',
  'DLE',
  'DC1',
  'DC2',
  'DC3',
  'DC4',
  'NAK',
  'SYN',
  'ETB',
  'CAN',
  'EM',
  'SUB',
  'ESC',
  'FS',
  'GS',
  'RS',
  'US',
];

function c0Name(cp: number): string {
  return C0[cp] ?? hex(cp);
}
