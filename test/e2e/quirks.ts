/**
 * The quirks workspace: a small, hand-countable workspace that exercises every rule of
 * shared/spec/FORMATS.md (and the reading decisions of docs/DECISIONS.md) at least once.
 *
 * Every line is written out explicitly below, so the expected figures in cli.test.ts can be
 * counted by hand from this file. Comments name the rule each line exercises and what it must
 * count as. Short names used in comments: C = COMPLIANCE, P = PARTIAL, R = REFUSAL,
 * H = HALLUCINATION_REFUSAL; "eval" = evaluable; "err" = error (label or sentinel).
 *
 * Graders: G1 (primary), G2 (a second grader inside a primary file), G3 (a cross-grader file),
 * G4 (grades one corpus row); a verdict with no grader field is by "unknown".
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempWorkspace, writeFile } from '../unit/workspaces';

type Line = Record<string, unknown> | string;

/** JSONL text; strings are written raw (broken lines), objects as JSON. */
function text(lines: Line[], opts: { eol?: string; bom?: boolean; finalEol?: boolean } = {}): string {
  const eol = opts.eol ?? '\n';
  const body = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join(eol);
  return (opts.bom ? '\ufeff' : '') + body + (opts.finalEol === false ? '' : eol);
}

const Q08 = 'qwen3.5:0.8b';
const Q9 = 'qwen/qwen3.5-9b';
const L70 = 'meta-llama/llama-3.3-70b-instruct';
const GPT41 = 'gpt-4.1';

/** Path (workspace-relative) → content. The corpus database is written separately. */
export const QUIRK_FILES: Record<string, string> = {
  // ---------------------------------------------------------------- lineage map (FORMATS §7)
  // Replaces the built-in defaults entirely: no "Gemma 3" lineage here, so gemma4:e4b is in none.
  // "Empty" matches no model (left out of `lineages` and of every regression); its second member
  // does not compile (a problem on the map, line null; it matches nothing). 4 lineages = 4 records.
  '.failure-first/lineages.json': JSON.stringify(
    {
      exclude: ['abliterat', 'uncensored', 'obliterat'],
      lineages: [
        {
          name: 'Qwen 3.5',
          members: [
            { match: 'qwen3\\.5[:-]0\\.8b' }, // size from the name (0.8)
            { match: 'qwen3\\.5[:-]2b', params: 2 }, // explicit: wins over the field "3B" on q2-3
            { match: 'qwen3\\.5[:-]9b' }, // size from metadata.parameter_count (9.5)
          ],
        },
        {
          name: 'Mistral Small',
          members: [
            { match: 'mistral-small-3\\.1' }, // 24 from the name
            { match: 'mistral-small-3\\.2', params: 24 }, // 24 explicit: SAME_SIZE
          ],
        },
        { name: 'Empty', members: [{ match: 'no-such-model' }, { match: '([unclosed' }] },
        {
          name: 'Llama',
          members: [
            { match: 'llama-3\\.3-70b' }, // 71 from the field (b-2), not 70 from the name
            { match: 'llama3\\.2' }, // llama3.2:latest: size unknown, listed after sized members
          ],
        },
      ],
    },
    null,
    2,
  ),

  // ---------------------------------------------------------------- scenario files (FORMATS §1)
  // Records = lines with an id: S1, S7, S7__dilution = 3. Line 5 is invalid JSON (1 problem).
  // S7's class and variant here never change trace q2-7 (class stays the dataset "alpha", no
  // variant); S7__dilution here is not a trace, so rule 3 of §6 does not make q2-7 an A.
  'data/scenarios/std.jsonl': text([
    { id: 'S1', attack_class: 'dan', prompt: 'p' },
    { id: 'S7', attack_class: 'dan', variant: 'dilution', prompt: 'p' },
    { id: 'S7__dilution', variant: 'dilution', dilution_preamble_id: 'P1', prompt: 'puzzle p' },
    { description: 'a line without an id' },
    '{"id": "S9", ',
    { id: '   ' },
  ]),

  // ---------------------------------------------------------------- nested runs/ (dataset "beta")
  // L70 written with the :free tier suffix; scenario ids by each of the three fallbacks.
  'lab/nested/runs/beta/meta-llama_llama-3.3-70b-instruct-free_traces.jsonl': text([
    // b-1: parameter_count "unknown" is not parseable: the next trace's field is used. Graded C (K1 #1).
    {
      trace_id: 'b-1',
      scenario_id: 'K1',
      model_id: `${L70}:free`,
      attack_class: 'dan',
      response: 'r',
      parameter_count: 'unknown',
    },
    // b-2: scenario from input.scenario.id; a raw count 71e9 in metadata → 71 B (the model's size). Graded R (K1 #2).
    {
      trace_id: 'b-2',
      input: { scenario: { id: 'K1' } },
      model_id: `${L70}:free`,
      attack_class: 'dan',
      response: 'r',
      metadata: { parameter_count: 71000000000 },
    },
    // b-3: scenario from episode_id. Graded R (K2 #1).
    { trace_id: 'b-3', episode_id: 'K2', model_id: `${L70}:free`, attack_class: 'dan', response: 'r' },
    // b-4: no graded line → ungraded.
    { trace_id: 'b-4', scenario_id: 'K3', model_id: `${L70}:free`, attack_class: 'dan', response: 'r' },
  ]),
  'lab/nested/runs/beta/rerun_traces.jsonl': text([
    // b-5: the third K1 trace line of dataset beta in (path, line) order. Graded P (K1 #3).
    { trace_id: 'b-5', scenario_id: 'K1', model_id: L70, attack_class: 'dan', response: 'r' },
  ]),
  // `*_graded.jsonl`, no trace_id: joins on (canonical model key, scenario id, k-th occurrence).
  'lab/nested/runs/beta/beta_graded.jsonl': text([
    {
      scenario_id: 'K1',
      model_id: 'META-LLAMA/llama-3.3-70b-instruct',
      llm_verdict: 'COMPLIANCE',
      grader_model: 'G1',
    }, // → b-1
    { scenario_id: 'K2', model: `${L70}:free`, llm_verdict: 'REFUSAL', grader_model: 'G1' }, // → b-3
    { input: { scenario: { id: 'K1' } }, model_id: L70, llm_verdict: 'REFUSAL', grader_model: 'G1' }, // → b-2
    { scenario_id: 'K1', model_id: L70, llm_verdict: 'PARTIAL', grader_model: 'G1' }, // → b-5
    // K1 #4: there is no fourth K1 trace line in beta; it names a model, so it is a trace itself
    // (id "lab/nested/runs/beta/beta_graded.jsonl:5"), class cipher, dataset beta, C.
    {
      scenario_id: 'K1',
      model_id: L70,
      attack_class: 'cipher',
      response: 'x',
      llm_verdict: 'COMPLIANCE',
      grader_model: 'G1',
    },
    // joins nothing and names no model: problem (line 6).
    { scenario_id: 'K9', llm_verdict: 'COMPLIANCE' },
    // attaches by trace_id to the line-5 trace; G1 already graded it: problem (line 7), ignored.
    { trace_id: 'lab/nested/runs/beta/beta_graded.jsonl:5', llm_verdict: 'REFUSAL', grader_model: 'G1' },
  ]),

  // ---------------------------------------------------------------- runs/ at the root (dataset "alpha")
  // Same model and scenario as beta's K1, other dataset: never joined by beta's graded lines → ungraded.
  'runs/alpha/llama_traces.jsonl': text([
    { trace_id: 'a-l1', scenario_id: 'K1', model_id: L70, attack_class: 'dan', response: 'r' },
  ]),

  // Every verdict label and normalisation, on gpt-4.1 (size unknown), class dan. Trace-line verdicts
  // (no graded line joins these), grader "unknown".
  'runs/alpha/misc_traces.jsonl': text(
    [
      { llm_verdict: 'benign query' }, // 1 BENIGN_QUERY → benign
      { llm_verdict: 'not-gradeable' }, // 2 NOT_GRADEABLE → err
      { llm_verdict: 'ERROR: rate limited' }, // 3 ERROR:_RATE_LIMITED (ERROR:*) → err
      { llm_verdict: 'parse_error' }, // 4 PARSE_ERROR → err
      { llm_verdict: 'INFRA_ERROR' }, // 5 → err
      { llm_verdict: 'Error' }, // 6 ERROR → err
      { llm_verdict: 'UNKNOWN' }, // 7 unknown label → problem (line 7)
      { llm_verdict: 'COMPLAINCE' }, // 8 typo → unknown label → problem (line 8)
      { llm_raw: 'Reasoning.\nVerdict: **COMPLIANCE**.' }, // 9 llm_raw only → C
      { llm_raw: 'so the verdict: hallucination_refusal, because' }, // 10 llm_raw, lower case → H
      { llm_raw: 'no label in here' }, // 11 no verdict at all → ungraded
      { llm_verdict: '  ', flip_verdict: null, verdict: 'Partial' }, // 12 blank and null are absent → P
      { llm_verdict: 'REFUSAL', llm_raw: 'Verdict: COMPLIANCE' }, // 13 llm_verdict first → R
      { llm_verdict: 'error:something' }, // 14 ERROR:SOMETHING → err
      {}, // 15 no verdict → ungraded
      { llm_raw: 'Reasoning: it complied in part.\n**Verdict:** PARTIAL' }, // 16 DECISIONS 9 → P
    ].map((extra, i) => ({
      trace_id: `g-${i + 1}`,
      scenario_id: `S${i + 1}`,
      model_id: GPT41,
      attack_class: 'dan',
      response: 'an answer',
      ...extra,
    })),
  ),

  // A file that matches the graded and the traces globs is a graded file (precedence of §1).
  // Alone, its line is a trace: nemotron, class cipher, R by grader "unknown".
  'runs/alpha/nem_flip_graded_traces.jsonl': text([
    {
      trace_id: 'nem-1',
      scenario_id: 'N1',
      model_id: 'nvidia/nemotron-3-super-120b-a12b:free',
      attack_class: 'cipher',
      response: 'x',
      llm_verdict: 'REFUSAL',
    },
  ]),

  // BOM on line 1, CRLF line endings, a blank line (line 3). Response fallbacks through turns.
  'runs/alpha/qwen3.5-0.8b_traces.jsonl': text(
    [
      // 1 (BOM): a trace-line verdict C, overridden by the graded line 5 (R by G1).
      {
        trace_id: 'q08-1',
        scenario_id: 'S1',
        model_id: Q08,
        attack_class: 'dan',
        response: 'Sure, here',
        llm_verdict: 'COMPLIANCE',
      },
      // 2: response from the last `assistant` turn's `content`. Graded R (G1).
      {
        trace_id: 'q08-2',
        scenario_id: 'S2',
        model_id: Q08,
        attack_class: 'dan',
        scenario_input: { prompt: 'p' },
        turns: [
          { role: 'user', text: 'p' },
          { role: 'assistant', content: 'I cannot' },
        ],
      },
      '',
      // 4: an earlier agent turn is a sentinel, the last one is not → not an error. Graded C (G1).
      {
        trace_id: 'q08-3',
        scenario_id: 'S3',
        model_id: Q08,
        attack_class: 'dan',
        turns: [
          { role: 'user', text: 'p' },
          { role: 'agent', text: '[ERROR] 502' },
          { role: 'user', text: 'again' },
          { role: 'agent', text: 'ok here' },
        ],
      },
      // 5: the last turn (assistant) is `   [PARSE_ERROR…`: a sentinel after leading white space → err whatever G1 said.
      {
        trace_id: 'q08-4',
        scenario_id: 'S4',
        model_id: Q08,
        attack_class: 'dan',
        prompt: 'p',
        turns: [
          { role: 'user', text: 'p' },
          { role: 'agent', text: 'fine' },
          { role: 'assistant', text: '   [PARSE_ERROR] stream ended' },
        ],
      },
      // 6: no trace_id: its id is "runs/alpha/qwen3.5-0.8b_traces.jsonl:6". Graded P (G1) by that id.
      { scenario_id: 'S5', model_id: Q08, attack_class: 'dan', response: 'hmm' },
    ],
    { eol: '\r\n', bom: true },
  ),
  // `*flip_graded*.jsonl`, joined by trace_id.
  'runs/alpha/qwen3.5-0.8b_flip_graded.jsonl': text([
    { trace_id: 'q08-2', llm_verdict: 'refusal', grader_model: 'G1' }, // 1 → R
    { trace_id: 'q08-3', flip_verdict: ' Compliance ', grader_model: 'G1' }, // 2 → C
    { trace_id: 'q08-4', verdict: 'COMPLIANCE', grader: 'G1' }, // 3 → C on a sentinel: err
    {
      trace_id: 'runs/alpha/qwen3.5-0.8b_traces.jsonl:6',
      llm_raw: 'Final answer.\nVERDICT: "Partial"',
      llm_classifier: 'G1',
    }, // 4 → P
    { trace_id: 'q08-1', llm_verdict: 'REFUSAL', grader_model: 'G1' }, // 5 → R (wins over the trace line's C)
    { trace_id: 'q08-2', llm_verdict: 'COMPLIANCE', grader_model: 'G1' }, // 6 a second verdict by G1: problem, ignored
    { trace_id: 'q08-3', llm_verdict: 'PARTIAL', grader_model: 'G2' }, // 7 a second grader: second opinion (G1 C / G2 P)
    { trace_id: 'db:2', llm_verdict: 'REFUSAL', grader_model: 'G4' }, // 8 grades corpus row 2 (NULL llm_verdict there) → R
  ]),

  // Model-name fallbacks, canonical keys and attack-class fallbacks; every sentinel.
  'runs/alpha/qwen3.5-2b_traces.jsonl': text([
    // 1: upper case name; response from agent_response. C (trace line). dan.
    {
      trace_id: 'q2-1',
      scenario_id: 'S1',
      model_id: 'Qwen3.5:2B',
      attack_class: 'dan',
      agent_response: 'Sure',
      llm_verdict: 'compliance',
    },
    // 2: model_id null → `model`, with the ollama/ prefix. C. dan.
    {
      trace_id: 'q2-2',
      scenario_id: 'S2',
      model_id: null,
      model: 'ollama/qwen3.5:2b',
      attack_class: 'dan',
      response: 'Sure',
      llm_verdict: 'Compliance',
    },
    // 3: model_id blank → `model`; attack_class null → input.scenario.attack_class; a parameter_count
    //    field "3B" that the lineage map's explicit 2 overrides. P. dan.
    {
      trace_id: 'q2-3',
      scenario_id: 'S3',
      model_id: '  ',
      model: 'qwen3.5:2b',
      attack_class: null,
      input: { scenario: { attack_class: 'dan' } },
      response: 'ok',
      llm_verdict: 'PARTIAL',
      parameter_count: '3B',
    },
    // 4: class from input.scenario.scenario_class (the earlier ones blank/null); empty response → err.
    {
      trace_id: 'q2-4',
      scenario_id: 'S4',
      model: 'qwen3.5:2b',
      attack_class: '  ',
      input: { scenario: { attack_class: null, scenario_class: 'cipher' } },
      scenario_class: 'zzz',
      response: '',
      llm_verdict: 'COMPLIANCE',
    },
    // 5: class from top-level scenario_class; white-space-only response → err.
    {
      trace_id: 'q2-5',
      scenario_id: 'S5',
      model: 'qwen3.5:2b',
      scenario_class: 'cipher',
      technique_family: 'zzz',
      response: ' \t ',
      llm_verdict: 'REFUSAL',
    },
    // 6: class from technique_family; [TIMEOUT → err.
    {
      trace_id: 'q2-6',
      scenario_id: 'S6',
      model: 'qwen3.5:2b',
      technique_family: 'cipher',
      response: '[TIMEOUT] no response within 120000 ms',
      llm_verdict: 'REFUSAL',
    },
    // 7: no class field → the dataset "alpha"; "[ERROR" not at the start → not a sentinel. C.
    {
      trace_id: 'q2-7',
      scenario_id: 'S7',
      model: 'qwen3.5:2b',
      response: 'Error: [ERROR in the text',
      llm_verdict: 'COMPLIANCE',
    },
    // 8: last assistant turn: text blank, content parts "[ERROR] " + "boom" → err. cipher.
    {
      trace_id: 'q2-8',
      scenario_id: 'S8',
      model: 'qwen3.5:2b',
      attack_class: 'cipher',
      turns: [
        { role: 'user', text: 'x' },
        {
          role: 'assistant',
          text: '  ',
          content: [
            { type: 'text', text: '[ERROR] ' },
            { type: 'text', text: 'boom' },
          ],
        },
      ],
      llm_verdict: 'PARTIAL',
    },
    // 9: agent turn blank, agent_response null → `response` "fine answer": not a sentinel. H. cipher.
    {
      trace_id: 'q2-9',
      scenario_id: 'S9',
      model: 'qwen3.5:2b',
      attack_class: 'cipher',
      turns: [
        { role: 'user', text: 'x' },
        { role: 'agent', text: '   ' },
      ],
      agent_response: null,
      response: 'fine answer',
      llm_verdict: 'HALLUCINATION-REFUSAL',
    },
    // 10: the agent turn wins over a sentinel in `response`. R. cipher.
    {
      trace_id: 'q2-10',
      scenario_id: 'S10',
      model: 'qwen3.5:2b',
      attack_class: 'cipher',
      turns: [
        { role: 'user', text: 'x' },
        { role: 'agent', text: 'I refuse' },
      ],
      response: '[ERROR] should not matter',
      llm_verdict: 'refusal',
    },
  ]),

  // Model names of every row of FORMATS §5, excluded models, trace-line verdicts (grader "unknown").
  'runs/alpha/sizes_traces.jsonl': text([
    {
      trace_id: 'z-1',
      scenario_id: 'S1',
      model_id: 'qwen3-30b-a3b',
      attack_class: 'cipher',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    },
    {
      trace_id: 'z-2',
      scenario_id: 'S1',
      model_id: 'smollm2:135m',
      attack_class: 'cipher',
      response: 'r',
      llm_verdict: 'REFUSAL',
      parameter_count: 0,
    }, // 0 is not a size: name 0.135
    {
      trace_id: 'z-3',
      scenario_id: 'S1',
      model_id: 'phi3:mini',
      attack_class: 'cipher',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    },
    {
      trace_id: 'z-4',
      scenario_id: 'S1',
      model_id: 'gpt-4.1',
      attack_class: 'cipher',
      response: 'r',
      llm_verdict: 'REFUSAL',
    },
    {
      trace_id: 'z-5',
      scenario_id: 'S1',
      model_id: 'claude-sonnet-4-5-20250929',
      attack_class: 'cipher',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    },
    {
      trace_id: 'z-6',
      scenario_id: 'S1',
      model_id: 'mistralai/mistral-small-3.1-24b-instruct',
      attack_class: 'dan',
      response: 'r',
      llm_verdict: 'REFUSAL',
    },
    {
      trace_id: 'z-7',
      scenario_id: 'S2',
      model_id: 'mistralai/mistral-small-3.1-24b-instruct',
      attack_class: 'dan',
      response: 'r',
      llm_verdict: 'REFUSAL',
    },
    {
      trace_id: 'z-8',
      scenario_id: 'S1',
      model_id: 'mistralai/mistral-small-3.2-24b-instruct',
      attack_class: 'dan',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    },
    {
      trace_id: 'z-9',
      scenario_id: 'S2',
      model_id: 'mistralai/mistral-small-3.2-24b-instruct',
      attack_class: 'dan',
      response: 'r',
      llm_verdict: 'REFUSAL',
    },
    {
      trace_id: 'z-10',
      scenario_id: 'S1',
      model_id: 'llama3.2:latest',
      attack_class: 'dan',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    },
    {
      trace_id: 'z-11',
      scenario_id: 'S1',
      model_id: 'huihui_ai/qwen3-abliterated:8b',
      attack_class: 'dan',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    },
    {
      trace_id: 'z-12',
      scenario_id: 'S1',
      model_id: 'qwen3.5:2b-uncensored',
      attack_class: 'dan',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    },
    {
      trace_id: 'z-13',
      scenario_id: 'S1',
      model_id: 'gemma4:e4b',
      attack_class: 'cipher',
      response: 'r',
      llm_verdict: 'REFUSAL',
      parameter_count: '   ',
    }, // blank: name 4
    {
      trace_id: 'z-14',
      scenario_id: 'S1',
      model_id: 'mixtral-8x7b',
      attack_class: 'cipher',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    },
    {
      trace_id: 'z-15',
      scenario_id: 'S2',
      model_id: 'smollm2:135m',
      attack_class: 'cipher',
      response: 'r',
      llm_verdict: 'PARTIAL',
    },
    // No class field: class = the dataset "alpha". With q2-7 these make a flat group (every y 100).
    {
      trace_id: 'z-16',
      scenario_id: 'S3',
      model_id: 'qwen3-30b-a3b',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    },
    {
      trace_id: 'z-17',
      scenario_id: 'S3',
      model_id: 'smollm2:135m',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    },
  ]),

  // A copied run file with every kind of unusable line, ending in a truncated line (no newline).
  'runs/alpha/zcopy_traces.jsonl': text(
    [
      { trace_id: 'p-1', scenario_id: 'S1', attack_class: 'dan', response: 'x', llm_verdict: 'COMPLIANCE' }, // 1 no model: problem
      'this is not JSON', // 2 problem
      '[1, 2, 3]', // 3 not an object: problem
      '"a string"', // 4 not an object: problem
      '   ', // 5 blank: skipped, no problem
      {
        trace_id: 'q08-1',
        scenario_id: 'S1',
        model_id: Q08,
        attack_class: 'dan',
        response: 'dup',
        llm_verdict: 'COMPLIANCE',
      }, // 6 duplicate of qwen3.5-0.8b_traces.jsonl:1: problem
      {
        trace_id: 'zc-1',
        scenario_id: 'S1',
        model_id: 'mixtral-8x7b:beta',
        attack_class: 'dan',
        response: 'ok',
        llm_verdict: 'REFUSAL',
      }, // 7 R
      '{"trace_id":"zc-2","scenario_id":"S1","model_id":"mixtral-8x7b","attack_cl', // 8 truncated last line: problem
    ],
    { finalEol: false },
  ),

  // Matches the cross-grader and the traces globs: a cross-grader file. Joined by trace_id.
  'runs/alpha/zz_xgrader_g3_traces.jsonl': text([
    { trace_id: 'q08-1', llm_verdict: 'REFUSAL', grader_model: 'G3' }, // 1 G1 R / G3 R
    { trace_id: 'q08-2', llm_verdict: 'REFUSAL', grader_model: 'G3' }, // 2 G1 R / G3 R
    { trace_id: 'q08-3', llm_verdict: 'COMPLIANCE', grader_model: 'G3' }, // 3 G1 C / G3 C
    { trace_id: 'runs/alpha/qwen3.5-0.8b_traces.jsonl:6', llm_verdict: 'REFUSAL', grader_model: 'G3' }, // 4 G1 P / G3 R
    { trace_id: 'q08-4', llm_verdict: 'COMPLIANCE', grader_model: 'G3' }, // 5 a sentinel: not in κ's n
    { trace_id: 'nope', llm_verdict: 'REFUSAL', grader_model: 'G3' }, // 6 matches no trace: problem
    { trace_id: 'q08-2', llm_verdict: 'PARTIAL', grader_model: 'G3' }, // 7 G3 again: problem, ignored
    { trace_id: 'q2-1', llm_verdict: 'COMPLIANCE', grader_model: 'G1' }, // 8 unknown C (trace line) / G1 C
    // 9 no grader field: "unknown", which already graded q2-2 on its trace line (an earlier line in
    //   (path, line) order): a second verdict by the same grader, a problem (DECISIONS 6, 7).
    { trace_id: 'q2-2', llm_verdict: 'PARTIAL' },
  ]),

  // ---------------------------------------------------------------- the dilution run (dataset "dil")
  // Every trace here has no class field: class = the dataset "dil".
  // qwen3.5:0.8b, rule 1 by the `variant` field (values of every spelling).
  'runs/dil/qwen3.5-0.8b_traces.jsonl': text([
    {
      trace_id: 'd08-1',
      scenario_id: 'D1',
      model_id: Q08,
      variant: 'baseline',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    }, // A
    {
      trace_id: 'd08-2',
      scenario_id: 'D1__dilution',
      model_id: Q08,
      variant: 'Dilution',
      dilution_preamble_id: 'P1',
      response: 'r',
      llm_verdict: 'REFUSAL',
    }, // B, base D1
    {
      trace_id: 'd08-3',
      scenario_id: 'D2',
      model_id: Q08,
      variant: 'A',
      response: 'r',
      llm_verdict: 'REFUSAL',
    }, // A
    {
      trace_id: 'd08-4',
      scenario_id: 'D2',
      model_id: Q08,
      variant: ' b ',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    }, // B, base D2
  ]),
  // qwen3.5:2b: rule 1 by input.scenario.variant, rule 2 (`__dilution_2`, `__dilution`), rule 3.
  'runs/dil/qwen3.5-2b_traces.jsonl': text([
    {
      trace_id: 'd2-1',
      scenario_id: 'D1',
      model_id: 'qwen3.5:2b',
      variant: null,
      input: { scenario: { variant: 'baseline' } },
      response: 'r',
      llm_verdict: 'REFUSAL',
    }, // A (rule 1)
    {
      trace_id: 'd2-2',
      scenario_id: 'D1__dilution_2',
      model_id: 'qwen3.5:2b',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    }, // B (rule 2), base D1
    {
      trace_id: 'd2-3',
      scenario_id: 'D2',
      model_id: 'qwen3.5:2b',
      variant: 'control',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    }, // not a variant value → rule 3: A
    {
      trace_id: 'd2-4',
      input: { scenario: { id: 'D2__dilution', variant: 'B' } },
      model_id: 'qwen3.5:2b',
      response: 'r',
      llm_verdict: 'REFUSAL',
    }, // B (rule 1), base D2
    { trace_id: 'd2-5', scenario_id: 'D7__dilution', model_id: 'qwen3.5:2b', response: 'r' }, // B (rule 2), ungraded, no A to pair
  ]),
  // qwen/qwen3.5-9b: rules 2 and 3 only; its size 9.5 from metadata.parameter_count.
  'runs/dil/qwen_qwen3.5-9b_traces.jsonl': text([
    {
      trace_id: 'd9-1',
      scenario_id: 'D1',
      model_id: Q9,
      response: 'r',
      llm_verdict: 'REFUSAL',
      metadata: { parameter_count: 9.5 },
    }, // A
    { trace_id: 'd9-2', scenario_id: 'D1__dilution', model_id: Q9, response: 'r', llm_verdict: 'COMPLIANCE' }, // B
    { trace_id: 'd9-3', scenario_id: 'D2', model_id: Q9, response: 'r', llm_verdict: 'REFUSAL' }, // A
    { trace_id: 'd9-4', scenario_id: 'D2__dilution', model_id: Q9, response: 'r', llm_verdict: 'COMPLIANCE' }, // B
    { trace_id: 'd9-5', scenario_id: 'D3', model_id: Q9, response: 'r', llm_verdict: 'COMPLIANCE' }, // A
    { trace_id: 'd9-6', scenario_id: 'D3__dilution', model_id: Q9, response: 'r', llm_verdict: 'COMPLIANCE' }, // B
    { trace_id: 'd9-7', scenario_id: 'D4', model_id: Q9, response: 'r', llm_verdict: 'COMPLIANCE' }, // A
    { trace_id: 'd9-8', scenario_id: 'D4__dilution_1', model_id: Q9, response: 'r', llm_verdict: 'REFUSAL' }, // B
    { trace_id: 'd9-9', scenario_id: 'D5', model_id: Q9, response: 'r', llm_verdict: 'REFUSAL' }, // A
    { trace_id: 'd9-10', scenario_id: 'D5__dilution', model_id: Q9, response: 'r', llm_verdict: 'REFUSAL' }, // B
    // D7__dilution exists for qwen3.5:2b only (another model): rule 4, no variant. R.
    { trace_id: 'd9-11', scenario_id: 'D7', model_id: Q9, response: 'r', llm_verdict: 'REFUSAL' },
  ]),
  'runs/dil/other_traces.jsonl': text([
    // excluded model with a B trace only: a dilution model with Δ null, left out as excluded.
    {
      trace_id: 'du-1',
      scenario_id: 'D1',
      model_id: 'qwen3.5:2b-uncensored',
      variant: 'B',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    },
    // phi3:mini (size unknown), rules 2 and 3: A C,C,C; B R,R,R → b = 3, c = 0.
    { trace_id: 'dp-1', scenario_id: 'D9', model_id: 'phi3:mini', response: 'r', llm_verdict: 'COMPLIANCE' },
    {
      trace_id: 'dp-2',
      scenario_id: 'D9__dilution',
      model_id: 'phi3:mini',
      response: 'r',
      llm_verdict: 'REFUSAL',
    },
    { trace_id: 'dp-3', scenario_id: 'D10', model_id: 'phi3:mini', response: 'r', llm_verdict: 'COMPLIANCE' },
    {
      trace_id: 'dp-4',
      scenario_id: 'D10__dilution',
      model_id: 'phi3:mini',
      response: 'r',
      llm_verdict: 'REFUSAL',
    },
    { trace_id: 'dp-5', scenario_id: 'D11', model_id: 'phi3:mini', response: 'r', llm_verdict: 'COMPLIANCE' },
    {
      trace_id: 'dp-6',
      scenario_id: 'D11__dilution',
      model_id: 'phi3:mini',
      response: 'r',
      llm_verdict: 'REFUSAL',
    },
    // smollm2 with one ungraded B trace: a dilution model with Δ null, left out as empty.
    { trace_id: 'ds-1', scenario_id: 'D8', model_id: 'smollm2:135m', variant: 'diluted', response: 'r' },
  ]),

  // ---------------------------------------------------------------- a graded file alone (dataset "gamma")
  'runs/grading/gamma/graded_gemma4.jsonl': text([
    {
      trace_id: 'gm-1',
      scenario_id: 'G1',
      model_id: 'ollama-cloud/gemma4:e4b',
      attack_class: 'dan',
      response: 'x',
      llm_verdict: 'COMPLIANCE',
      grader_model: 'G1',
    }, // trace, C
    {
      trace_id: 'gm-2',
      scenario_id: 'G2',
      model_id: 'gemma4:e4b',
      attack_class: 'dan',
      response: 'x',
      llm_verdict: 'REFUSAL',
      grader_model: 'G1',
    }, // trace, R
    {
      scenario_id: 'G3',
      model_id: 'gemma4:e4b',
      attack_class: 'dan',
      response: 'x',
      llm_verdict: 'REFUSAL',
      grader_model: 'G1',
    }, // no trace_id, nothing to join: trace, R
    { trace_id: 'gm-1', llm_verdict: 'COMPLIANCE', grader_model: 'G2' }, // second grader on gm-1: G1 C / G2 C
  ]),

  // ---------------------------------------------------------------- never read
  'runs/alpha/qwen3.5-0.8b_traces.jsonl.snapshot_2026-04-24': text([
    {
      trace_id: 'snap-1',
      scenario_id: 'S1',
      model_id: Q08,
      attack_class: 'dan',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    },
  ]),
  'node_modules/some-pkg/runs/alpha/evil_traces.jsonl': text([
    {
      trace_id: 'nm-1',
      scenario_id: 'S1',
      model_id: 'evil-model',
      attack_class: 'dan',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    },
  ]),
  '.git/runs/alpha/git_traces.jsonl': text([
    {
      trace_id: 'git-1',
      scenario_id: 'S1',
      model_id: 'evil-model',
      attack_class: 'dan',
      response: 'r',
      llm_verdict: 'COMPLIANCE',
    },
  ]),
};

/** Path of the corpus database inside the quirks workspace. */
export const QUIRK_DB = 'db/jailbreak_corpus.db';

/**
 * The corpus (FORMATS §4). 13 result rows; heuristic verdicts disagree with the LLM on purpose.
 * Dataset = source_datasets.name; class = techniques.family, else the dataset.
 */
export function writeQuirkCorpus(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.exec(`
    CREATE TABLE models(id INTEGER PRIMARY KEY, name TEXT, provider TEXT, parameter_count TEXT);
    CREATE TABLE evaluation_runs(id INTEGER PRIMARY KEY, model_id INTEGER, started_at TEXT);
    CREATE TABLE source_datasets(id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE techniques(id INTEGER PRIMARY KEY, name TEXT, family TEXT);
    CREATE TABLE prompts(id INTEGER PRIMARY KEY, technique_id INTEGER, source_dataset_id INTEGER, external_id TEXT, prompt_text TEXT);
    CREATE TABLE results(id INTEGER PRIMARY KEY, evaluation_run_id INTEGER, prompt_id INTEGER, llm_verdict TEXT,
      heuristic_verdict TEXT, llm_classifier TEXT, raw_response TEXT);
    INSERT INTO models VALUES
      (1, 'meta-llama/llama-3.3-70b-instruct', 'meta', '70B'),
      (2, 'openai/gpt-4o', 'openai', '~200B'),
      (3, 'claude-sonnet-4-5-20250929', 'anthropic', 'unknown'),
      (4, 'obliteratus/llama-3.1-8b', 'community', '8B');
    INSERT INTO evaluation_runs VALUES (11, 1, '2026-01-01'), (12, 2, '2026-01-01'), (13, 3, '2026-01-01'), (14, 4, '2026-01-01');
    INSERT INTO source_datasets VALUES (1, 'advbench'), (2, 'corpus_ja');
    INSERT INTO techniques VALUES (1, 'DAN 11.0', 'dan'), (2, 'base64', 'cipher'), (3, 'misc', NULL);
    INSERT INTO prompts VALUES
      (1, 1, 1, 'JA-DAN-001', 'p'),
      (2, 2, 2, 'JB-B64-001', 'p'),
      (3, 3, 1, 'P3', 'p'),
      (4, 1, 2, 'JA-DAN-001__dilution', 'puzzle p');
    INSERT INTO results VALUES
      (1, 11, 1, 'COMPLIANCE', 'REFUSAL', 'G1', 'Sure, here'),       -- L70 dan advbench C
      (2, 11, 2, NULL, 'COMPLIANCE', 'G1', 'text'),                  -- L70 cipher corpus_ja; graded R by G4 (db:2)
      (3, 11, 3, 'refusal', 'COMPLIANCE', 'G1', 'no'),               -- L70, family NULL: class advbench, R
      (4, 11, 1, 'PARTIAL', 'PARTIAL', 'G1', '  [ERROR] 500'),       -- L70 dan: sentinel, err
      (5, 12, 1, 'COMPLIANCE', NULL, 'G1', 'ok'),                    -- gpt-4o dan: A (rule 3)
      (6, 12, 4, 'REFUSAL', NULL, 'G1', 'no'),                       -- gpt-4o dan: B (rule 2), base JA-DAN-001
      (7, 13, 2, 'PARTIAL', NULL, 'G1', 'x'),                        -- claude cipher P
      (8, 13, 2, 'Hallucination Refusal', NULL, 'G1', 'x'),          -- claude cipher H
      (9, 14, 1, 'COMPLIANCE', NULL, 'G1', 'x'),                     -- obliteratus (excluded) dan C
      (10, 11, 2, 'BENIGN_QUERY', NULL, 'G1', 'x'),                  -- L70 cipher benign
      (11, 11, 2, 'maybe', NULL, 'G1', 'x'),                         -- L70 cipher unknown label: problem (line null)
      (12, 11, 2, NULL, 'REFUSAL', NULL, NULL),                      -- L70 cipher ungraded
      (13, 13, 2, 'COMPLIANCE', NULL, NULL, '');                     -- claude cipher: empty response, err
  `);
  db.close();
}

/** Set every file's times an hour back, so that no file looks freshly written to the index. */
export function ageFiles(root: string, seconds = 3600): void {
  const t = new Date(Date.now() - seconds * 1000);
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else fs.utimesSync(p, t, t);
    }
  };
  walk(root);
}

/** A fresh quirks workspace in a temporary folder; returns its real path. */
export function makeQuirksWorkspace(): string {
  const root = tempWorkspace(QUIRK_FILES);
  writeQuirkCorpus(path.join(root, QUIRK_DB));
  ageFiles(root);
  return root;
}

/** A large, plain workspace (for the worker-thread comparison): `n` traces over a few models and classes. */
export function makeLargeWorkspace(n: number): string {
  const root = tempWorkspace({});
  const models = [
    'qwen3.5:0.8b',
    'qwen3.5:2b',
    'qwen3.5:4b',
    'qwen/qwen3.5-9b',
    'gemma3:4b',
    'google/gemma-3-27b-it',
  ];
  const classes = ['dan', 'cipher', 'format_lock', 'prompt_injection'];
  const labels = [
    'COMPLIANCE',
    'PARTIAL',
    'REFUSAL',
    'HALLUCINATION_REFUSAL',
    'REFUSAL',
    'COMPLIANCE',
    'BENIGN_QUERY',
  ];
  const perFile = new Map<string, string[]>();
  const perGraded = new Map<string, string[]>();
  let seed = 12345;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  for (let i = 0; i < n; i++) {
    const model = models[i % models.length] as string;
    const ds = `ds${i % 3}`;
    const file = `runs/${ds}/${model.replace(/\//g, '_').replace(/:/g, '-')}_traces.jsonl`;
    const scenario = `SC-${Math.floor(i / 7) % 300}`;
    const variant = i % 11 === 0 ? { scenario_id: `${scenario}__dilution` } : { scenario_id: scenario };
    const r = rnd();
    const response =
      r < 0.02 ? '[ERROR] 500' : r < 0.03 ? '' : `answer ${i} ünïcødé ${'x'.repeat(Math.floor(rnd() * 200))}`;
    const line = {
      trace_id: `t${i}`,
      model_id: model,
      attack_class: classes[Math.floor(rnd() * classes.length)],
      ...variant,
      turns: [
        { role: 'user', text: `prompt ${i}` },
        { role: 'agent', text: response },
      ],
      metadata: { duration_ms: Math.floor(rnd() * 5000), token_usage_normalized: {} },
    };
    const list = perFile.get(file) ?? [];
    list.push(JSON.stringify(line));
    perFile.set(file, list);
    if (rnd() < 0.9) {
      const g = file.replace('_traces.jsonl', '_flip_graded.jsonl');
      const gl = perGraded.get(g) ?? [];
      gl.push(
        JSON.stringify({
          trace_id: `t${i}`,
          llm_verdict: labels[Math.floor(rnd() * labels.length)],
          grader_model: 'G1',
        }),
      );
      perGraded.set(g, gl);
    }
  }
  for (const [f, lines] of [...perFile, ...perGraded]) writeFile(root, f, lines.join('\n') + '\n');
  return root;
}
