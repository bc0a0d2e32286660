/**
 * The line scanner on the cases that generated lines reach only by chance: every UTF-16 code unit
 * leading a response, nesting a million deep, a control byte at every alignment, the exact reason
 * texts. Each is compared with JSON.parse + records.ts (test/property/oracle.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineScanner, scanBuffer, skipsStrings } from '../../src/engine/read/scan';
import { SKIP_STRING_WASM } from '../../src/engine/read/skipStringWasm';
import { compileSkipString } from '../../scripts/skipStringWat.mjs';
import { expected, observed } from '../property/oracle';

const scanner = new LineScanner();
const bytes = (line: string | Buffer): Buffer =>
  typeof line === 'string' ? Buffer.from(line, 'utf8') : line;
const scan = (line: string | Buffer) => scanner.traceLine(bytes(line), 0, bytes(line).length);
const scanScenario = (line: string) => scanner.scenarioLine(bytes(line), 0, bytes(line).length);
const agrees = (line: string | Buffer, kind: 'traces' | 'scenarios' = 'traces'): void => {
  const b = bytes(line);
  const got = kind === 'traces' ? scanner.traceLine(b, 0, b.length) : scanner.scenarioLine(b, 0, b.length);
  assert.deepEqual(
    observed(got, b, 0, b.length),
    expected(b, kind),
    JSON.stringify(b.toString('latin1').slice(0, 200)),
  );
};

describe('line scanner', () => {
  it('reads the fields of a trace line, nested ones included', () => {
    const line = JSON.stringify({
      trace_id: 't1',
      input: { scenario: { id: 'JA-DAN-001', scenario_class: 'dan_persona', variant: 'B' } },
      model_id: 'qwen/qwen3.5-9b',
      metadata: { parameter_count: '9B' },
      turns: [
        { role: 'user', text: 'hi' },
        { role: 'assistant', content: [{ type: 'text', text: '  ' }, '[ERROR', { text: ' 502' }] },
      ],
      llm_raw: 'reasoning\n**Verdict:** _REFUSAL_.',
    });
    assert.deepEqual(scan(line), {
      fields: {
        traceId: 't1',
        scenarioId: 'JA-DAN-001',
        model: 'qwen/qwen3.5-9b',
        attackClass: 'dan_persona',
        variant: 'B',
        params: '"9B"',
        verdict: 'REFUSAL',
        grader: null,
        response: 2,
        preambleId: null,
      },
    });
    agrees(line);
  });

  it('a later duplicate key replaces everything the earlier one gave, nested fields included', () => {
    agrees(
      '{"input":{"scenario":{"id":"A"}},"input":{"x":1},"turns":[{"role":"agent","text":"ok"}],"turns":5}',
    );
    agrees('{"turns":[{"role":"agent","content":["[ERROR"],"content":[" fine"]}],"model":"m","model":"  "}');
    assert.equal(scan('{"input":{"scenario":{"id":"A"}},"input":{"x":1}}')?.fields?.scenarioId, null);
  });

  it('every UTF-16 code unit leading a response decides blank / response / sentinel as String.trim does', () => {
    for (let u = 0; u < 0x10000; u++) {
      const escaped = `\\u${u.toString(16).padStart(4, '0')}`;
      agrees(`{"response":"${escaped}[ERROR"}`);
      if (u >= 0x20 && u !== 0x22 && u !== 0x5c && (u < 0xd800 || u > 0xdfff)) {
        agrees(`{"response":"${String.fromCharCode(u)}"}`);
        agrees(`{"response":"${String.fromCharCode(u)}[TIMEOUT"}`);
      }
    }
  });

  it('nesting a million deep is read without recursion', () => {
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    const line = `{"trace_id":"d","x":${deep},"turns":[{"role":"agent","text":${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}}],"response":"ok"}`;
    assert.equal(scan(line)?.fields?.response, 1);
    agrees(line);
    agrees('['.repeat(1_000_000)); // unterminated: "Unexpected end of JSON input"
  });

  it('a control byte inside a string is found wherever it falls in the buffer', () => {
    const line = Buffer.from(`{"response":"${'x'.repeat(40)}\u0001${'y'.repeat(40)}","model":"m"}`);
    for (let pad = 0; pad < 8; pad++)
      for (let at = 13; at < 60; at++) {
        const b = Buffer.from(line);
        b.fill(0x78, 13, 93); // x…x
        b[at] = 0x01;
        const whole = Buffer.concat([Buffer.alloc(pad, 0x22), b, Buffer.from('\\"\u0001')]);
        const got = scanner.traceLine(whole, pad, pad + b.length);
        assert.deepEqual(observed(got, whole, pad, pad + b.length), expected(b, 'traces'));
      }
  });

  it('the committed WebAssembly is skipString.wat compiled (scripts/gen-skip-string.mjs)', async () => {
    const compiled = await compileSkipString(new URL('../..', import.meta.url).pathname);
    assert.equal(SKIP_STRING_WASM, compiled.toString('base64'));
  });

  it('the string skipper (lines in its memory) stops where the scanner must: every byte at every 16-byte alignment', () => {
    // A response of ~150 bytes with, at byte `at`, each kind of byte the skipper stops at or passes
    // over: a quote, a control byte, complete and cut escapes, bad hex digits, non-ASCII, runs of
    // backslashes; the line placed at each alignment of the skipper's 16-byte loads, junk after its
    // end; whole and cut. `at` runs past the end of the skipper's first 64-byte window (an escape, a
    // run or a \u and its digits across the window's end).
    const inserts = [
      '"',
      '\u0001',
      '\\n',
      '\\"',
      '\\\\',
      '\\u00e9',
      '\\u00G9',
      '\\uabc',
      '\\x',
      '\\',
      'é',
      '\\/\\t',
      '\\\\\\"',
      '\\\\\\\\',
      '\\\\\\',
      '\\\\\\u0041\\n\\u00zz',
      '\\u00e9\\"\\\u0002',
    ];
    let fast = 0;
    for (const insert of inserts)
      for (let at = 0; at < 90; at++) {
        // (Two full windows after any insert; and the line cut inside the insert, at every byte.)
        const text = `${'x'.repeat(at)}${insert}${'y'.repeat(160 - at)}`;
        const cuts = [...insert].map((_, k) => `{"response":"${'x'.repeat(at)}${insert.slice(0, k + 1)}`);
        for (const line of [`{"response":"${text}","model":"m"}`, `{"response":"${text}`, ...cuts]) {
          const raw = Buffer.from(line);
          for (let pad = 0; pad < 16; pad++) {
            const buf = scanBuffer(pad + raw.length + 4);
            if (!skipsStrings(buf)) continue;
            fast++;
            raw.copy(buf, pad);
            // After the line, bytes that would stop a string, or ones that would complete a cut \u.
            buf.write(pad % 2 === 0 ? '\\"\u0001' : '0aA0', pad + raw.length, 'latin1');
            const got = scanner.traceLine(buf, pad, pad + raw.length);
            assert.deepEqual(
              observed(got, buf, pad, pad + raw.length),
              expected(raw, 'traces'),
              `${JSON.stringify(line)} at alignment ${pad}`,
            );
          }
        }
      }
    assert.ok(fast > 0, 'WebAssembly SIMD runs here: the skipper must have been used');
  });

  it("JSON.parse's messages, with positions in characters of the UTF-8 text", () => {
    for (const line of [
      '{"a":1',
      '{"é中😀":tru}',
      '{"a":"\\中"}',
      '{"a":"\\é"}',
      '{"a":1}\r\n x',
      'NaN',
      '[object Object]',
      '{"a":01}',
      '{"model":"m",\u00a0"x":1}',
      '{"a":"b"}\u3000',
      `{"response":"${'x'.repeat(300)}`,
    ])
      agrees(line);
    const bad = bytes('{"é":tru}');
    assert.deepEqual(observed(scan(bad), bad, 0, bad.length), {
      problem: { code: 'invalid-json', message: `Unexpected token '}', "{"é":tru}" is not valid JSON` },
    });
    assert.deepEqual(scan('[1]'), { problem: { code: 'not-an-object', what: 'an array' } });
  });

  it('invalid UTF-8 in a kept field reads as buf.toString does (U+FFFD)', () => {
    const b = Buffer.concat([
      Buffer.from('{"model":"a'),
      Buffer.from([0xe2, 0x80, 0xc3]),
      Buffer.from('b"}'),
    ]);
    assert.equal(scan(b)?.fields?.model, b.subarray(10, b.length - 2).toString('utf8'));
    agrees(b);
  });

  it('blank lines are blank as the decoded text is: white space of any kind, nothing else', () => {
    for (const blank of ['', ' \t', '\u00a0', '\u3000\ufeff', '\u2028 ']) assert.equal(scan(blank), null);
    agrees(Buffer.from([0xa0])); // a lone 0xA0 byte is U+FFFD, not NBSP: invalid JSON
  });

  it('scenario lines: id, class and variant', () => {
    const line = '{"id":"S-1","prompt":"…","technique_family":"crescendo","variant":"baseline","id":"S-2"}';
    assert.deepEqual(scanScenario(line), {
      fields: { id: 'S-2', attackClass: 'crescendo', variant: 'baseline' },
    });
    agrees(line, 'scenarios');
  });
});
