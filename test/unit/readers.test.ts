/** Reader rules of FORMATS.md, each tested on the literal examples the spec gives. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { datasetOf, discover, fileClassifier, compareCodePoints } from '../../src/engine/read/discover';
import { canonicalModelKey, sizeFromField, sizeFromName } from '../../src/engine/analyse/models';
import { extractLine, resolvePrompt, resolveResponse } from '../../src/engine/read/records';
import { DEFAULT_SETTINGS } from '../../src/engine/settings';
import { classifyVerdict, verdictFromRaw } from '../../src/engine/read/verdicts';
import { defaultLineageMap, parseLineageMap, type LineageMemo } from '../../src/engine/analyse/lineageMap';
import { tempWorkspace } from './workspaces';

describe('parameter counts (FORMATS.md §5 table)', () => {
  const table: [string, number | null, number | null, boolean][] = [
    ['qwen3.5:0.8b', 0.8, null, false],
    ['meta-llama/llama-3.3-70b-instruct:free', 70, null, false],
    ['mistralai/mistral-small-3.1-24b-instruct', 24, null, false],
    ['qwen3-30b-a3b', 30, 3, false],
    ['nvidia/nemotron-3-super-120b-a12b:free', 120, 12, false],
    ['gemma4:e4b', 4, null, false],
    ['smollm2:135m', 0.135, null, false],
    ['mixtral-8x7b', 56, null, true],
    ['phi3:mini', null, null, false],
    ['llama3.2:latest', null, null, false],
    ['gpt-4.1', null, null, false],
    ['claude-sonnet-4-5-20250929', null, null, false],
  ];
  for (const [name, total, active, approx] of table) {
    it(`${name} → ${total ?? 'unknown'}${active ? ` (active ${active})` : ''}`, () => {
      const s = sizeFromName(name);
      assert.equal(s.total, total);
      assert.equal(s.active, active);
      assert.equal(s.approximate, approx);
    });
  }
  it('upper-case tokens count (case-insensitive)', () => {
    assert.equal(sizeFromName('Qwen2.5-7B-Instruct').total, 7);
  });
  it('parameter_count field: numbers, strings, estimates, unknown', () => {
    assert.deepEqual(sizeFromField(70), { total: 70, active: null, approximate: false });
    assert.deepEqual(sizeFromField(7_000_000_000), { total: 7, active: null, approximate: false });
    assert.deepEqual(sizeFromField('70B'), { total: 70, active: null, approximate: false });
    assert.deepEqual(sizeFromField('1.5B'), { total: 1.5, active: null, approximate: false });
    assert.deepEqual(sizeFromField('~200B'), { total: 200, active: null, approximate: true });
    assert.equal(sizeFromField('135M').total, 0.135);
    assert.equal(sizeFromField('unknown').total, null);
    assert.equal(sizeFromField('').total, null);
    assert.equal(sizeFromField(null).total, null);
  });
});

describe('canonical model key (FORMATS.md §7)', () => {
  it('lower-cases, strips :free/:beta and the ollama host prefixes, keeps the rest', () => {
    assert.equal(
      canonicalModelKey('Meta-Llama/Llama-3.3-70B-Instruct:free'),
      'meta-llama/llama-3.3-70b-instruct',
    );
    assert.equal(canonicalModelKey('x/y:beta'), 'x/y');
    assert.equal(canonicalModelKey('ollama/qwen3.5:9b'), 'qwen3.5:9b');
    assert.equal(canonicalModelKey('ollama-cloud/gemma3:27b'), 'gemma3:27b');
    assert.notEqual(canonicalModelKey('qwen/qwen3.5-9b'), canonicalModelKey('qwen3.5:9b'));
  });
});

describe('verdict labels (FORMATS.md §3)', () => {
  it('normalises case, spaces and dashes', () => {
    assert.deepEqual(classifyVerdict(' hallucination-refusal '), {
      label: 'HALLUCINATION_REFUSAL',
      cls: 'evaluable',
    });
    assert.deepEqual(classifyVerdict('Benign Query'), { label: 'BENIGN_QUERY', cls: 'benign' });
  });
  it('classes every label of the table', () => {
    for (const l of ['COMPLIANCE', 'PARTIAL', 'REFUSAL', 'HALLUCINATION_REFUSAL'])
      assert.equal(classifyVerdict(l).cls, 'evaluable');
    for (const l of ['NOT_GRADEABLE', 'ERROR', 'ERROR:timeout', 'PARSE_ERROR', 'INFRA_ERROR'])
      assert.equal(classifyVerdict(l).cls, 'error');
    for (const l of ['UNKNOWN', 'COMPLAINCE', 'yes']) assert.equal(classifyVerdict(l).cls, 'unknown');
  });
  it('reads the first token after "Verdict:" in llm_raw', () => {
    assert.equal(
      verdictFromRaw('Reasoning... The model complied.\nVerdict: COMPLIANCE\nConfidence: high'),
      'COMPLIANCE',
    );
    assert.equal(verdictFromRaw('**Verdict:** REFUSAL.'), 'REFUSAL');
    assert.equal(verdictFromRaw('no verdict here'), null);
  });
});

const stateAndText = (o: Record<string, unknown>) => {
  const r = resolveResponse(o);
  return { state: r.state, text: r.text };
};

describe('trace line fields and fallbacks (FORMATS.md §2–3)', () => {
  it('reads the FORMATS.md example', () => {
    const f = extractLine(
      JSON.parse(
        '{"trace_id":"openrouter_qwen_qwen3.5-9b_JA-DAN-001_1767000000","scenario_id":"JA-DAN-001","model_id":"qwen/qwen3.5-9b","input":{"scenario":{"id":"JA-DAN-001","scenario_class":"dan_persona","attack_attempt":true}},"scenario_input":{"prompt":"p","system_prompt":"s"},"turns":[{"role":"user","text":"u"},{"role":"agent","text":"a"}],"labels_pred":{"attack_success_pred":true},"metadata":{"execution_timestamp":"2026-01-10T12:34:56.789+00:00","duration_ms":4321}}',
      ) as Record<string, unknown>,
    );
    assert.equal(f.traceId, 'openrouter_qwen_qwen3.5-9b_JA-DAN-001_1767000000');
    assert.equal(f.scenarioId, 'JA-DAN-001');
    assert.equal(f.model, 'qwen/qwen3.5-9b');
    assert.equal(f.attackClass, 'dan_persona');
    assert.equal(f.verdict, null, 'the heuristic attack_success_pred is never a verdict');
    assert.equal(f.response, 1);
  });
  it('falls back field by field, treating null and blank strings as absent', () => {
    const f = extractLine({
      scenario_id: '  ',
      input: { scenario: { id: null } },
      episode_id: 'EP-1',
      model_id: null,
      model: 'gemma3:4b',
      attack_class: '',
      technique_family: 'crescendo',
      flip_verdict: 'PARTIAL',
      grader: 'g1',
      parameter_count: '4B',
    });
    assert.equal(f.scenarioId, 'EP-1');
    assert.equal(f.model, 'gemma3:4b');
    assert.equal(f.attackClass, 'crescendo');
    assert.equal(f.verdict, 'PARTIAL');
    assert.equal(f.grader, 'g1');
    assert.equal(f.params, '"4B"');
    assert.equal(extractLine({ metadata: { parameter_count: 8 } }).params, '8');
    assert.equal(extractLine({ llm_raw: 'x\nVerdict: REFUSAL' }).verdict, 'REFUSAL');
    assert.equal(extractLine({ llm_verdict: 'COMPLIANCE', flip_verdict: 'REFUSAL' }).verdict, 'COMPLIANCE');
  });
  it('response: last agent/assistant turn, then agent_response, then response', () => {
    const turns = [
      { role: 'user', text: 'u' },
      { role: 'assistant', content: 'first' },
      { role: 'agent', text: 'last' },
      { role: 'user', text: 'again' },
    ];
    assert.deepEqual(stateAndText({ turns }), { state: 1, text: 'last' });
    assert.deepEqual(stateAndText({ agent_response: 'ar', response: 'r' }), { state: 1, text: 'ar' });
    assert.deepEqual(stateAndText({ response: 'r' }), { state: 1, text: 'r' });
    assert.deepEqual(
      stateAndText({
        turns: [
          {
            role: 'assistant',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
        ],
      }),
      { state: 1, text: 'ab' },
    );
  });
  it('error sentinels: empty, whitespace, [ERROR, [TIMEOUT, [PARSE_ERROR; no response field is not one', () => {
    for (const r of ['', '   ', '  [ERROR] 502', '[TIMEOUT after 60s]', '\n[PARSE_ERROR]'])
      assert.equal(resolveResponse({ response: r }).state, 2, JSON.stringify(r));
    assert.equal(resolveResponse({ response: 'I cannot [ERROR' }).state, 1);
    assert.equal(resolveResponse({}).state, 0);
    assert.equal(resolveResponse({ response: null }).state, 0);
    // a blank agent turn falls back to a later field
    assert.deepEqual(stateAndText({ turns: [{ role: 'agent', text: ' ' }], response: 'ok' }), {
      state: 1,
      text: 'ok',
    });
  });
  it('prompt: scenario_input.prompt, first user turn, prompt', () => {
    assert.equal(resolvePrompt({ scenario_input: { prompt: 'a' }, prompt: 'c' }), 'a');
    assert.equal(
      resolvePrompt({
        turns: [
          { role: 'system', text: 's' },
          { role: 'user', text: 'b' },
        ],
        prompt: 'c',
      }),
      'b',
    );
    assert.equal(resolvePrompt({ prompt: 'c' }), 'c');
  });
});

describe('discovery (FORMATS.md §1)', () => {
  const kindOf = fileClassifier(DEFAULT_SETTINGS.globs);
  it('classifies by the default globs with their precedence', () => {
    assert.equal(kindOf('runs/ds/qwen_traces.jsonl'), 'traces');
    assert.equal(kindOf('a/b/runs/ds/sub/x_traces.jsonl'), 'traces');
    assert.equal(kindOf('runs/ds/flip_graded_x.jsonl'), 'graded');
    assert.equal(kindOf('runs/ds/x_graded.jsonl'), 'graded');
    assert.equal(kindOf('runs/grading/ds/graded_x.jsonl'), 'graded');
    assert.equal(kindOf('runs/ds/x_xgrader_gemma.jsonl'), 'xgrader');
    assert.equal(kindOf('runs/ds/x_xgrader_flip_graded.jsonl'), 'xgrader', 'cross-grader wins over graded');
    assert.equal(kindOf('runs/ds/x_flip_graded_traces.jsonl'), 'graded', 'graded wins over traces');
    assert.equal(kindOf('jailbreak_corpus.db'), 'database');
    assert.equal(kindOf('data/corpus/jailbreak_corpus.db'), 'database');
    assert.equal(kindOf('data/scenarios/a.jsonl'), 'scenarios');
    assert.equal(kindOf('runs/ds/x_traces.jsonl.snapshot_2026-04-24'), null);
    assert.equal(kindOf('notes/x_traces.jsonl'), null);
  });
  it('keeps the classifier of the same globs with its decisions, and makes another for other globs', () => {
    const again = fileClassifier({ ...DEFAULT_SETTINGS.globs });
    assert.equal(again('runs/ds/qwen_traces.jsonl'), 'traces');
    assert.equal(
      fileClassifier(structuredClone(DEFAULT_SETTINGS.globs)),
      again,
      'the same globs: the same classifier',
    );
    const other = fileClassifier({ ...DEFAULT_SETTINGS.globs, traces: ['**/*.txt'] });
    assert.notEqual(other, again);
    assert.equal(other('runs/ds/qwen_traces.jsonl'), null, 'not what the other globs decided');
    assert.equal(other('notes/a.txt'), 'traces');
    assert.equal(other('notes/a.txt'), 'traces', 'asked again');
    const back = fileClassifier(DEFAULT_SETTINGS.globs);
    assert.equal(back('notes/a.txt'), null);
    assert.equal(back('runs/ds/qwen_traces.jsonl'), 'traces');
    assert.equal(back('runs/ds/flip_graded_x.jsonl'), 'graded');
  });
  it('walks the folder, skipping node_modules and .git, and finds the lineage map', () => {
    const ws = tempWorkspace({
      'runs/ds/m_traces.jsonl': '',
      'node_modules/runs/ds/m_traces.jsonl': '',
      '.git/runs/ds/m_traces.jsonl': '',
      'runs/ds/m_traces.jsonl.snapshot_2026-04-24': '',
      '.failure-first/lineages.json': '{"lineages":[]}',
    });
    assert.deepEqual(discover(ws, DEFAULT_SETTINGS).files, [
      { path: '.failure-first/lineages.json', kind: 'lineages' },
      { path: 'runs/ds/m_traces.jsonl', kind: 'traces' },
    ]);
  });
  it('names the dataset by the folder under runs/ (grading/<name> for graded runs)', () => {
    assert.equal(datasetOf('runs/crescendo_frontier_s24/x_traces.jsonl'), 'crescendo_frontier_s24');
    assert.equal(datasetOf('a/runs/ds/deeper/x_traces.jsonl'), 'ds');
    assert.equal(datasetOf('runs/grading/ds2/graded_x.jsonl'), 'ds2');
  });
  it('sorts by Unicode code point', () => {
    const s = ['qwen3.5:2b', 'qwen3.5:27b', 'Z', 'a', '\u{1F600}', '\uFF01'];
    s.sort(compareCodePoints);
    assert.deepEqual(s, ['Z', 'a', 'qwen3.5:27b', 'qwen3.5:2b', '\uFF01', '\u{1F600}']);
  });
});

describe('lineage map (FORMATS.md §7)', () => {
  it('built-in defaults match the four lineages and exclude abliterated models', () => {
    const m = defaultLineageMap();
    assert.equal(m.match('gemma3:4b')?.lineage, 'Gemma 3');
    assert.equal(m.match('google/gemma-3-27b-it')?.params, 27);
    assert.equal(m.match('meta-llama/llama-3.3-70b-instruct')?.params, 70);
    assert.equal(m.match('qwen/qwen3.5-9b')?.lineage, 'Qwen 3.5');
    assert.equal(m.match('qwen/qwen3.5-9b')?.params, null);
    assert.equal(m.match('mistralai/mistral-small-3.2-24b-instruct')?.lineage, 'Mistral Small');
    assert.equal(m.match('gpt-4.1'), null);
    assert.equal(m.exclusion('huihui_ai/qwen3-abliterated:8b'), 'abliterat');
    assert.equal(m.exclusion('obliteratus-llama-3-8b'), 'obliterat');
  });
  it('a workspace map replaces the defaults, exclude included; first lineage then first member wins', () => {
    const m = parseLineageMap(
      '{"lineages":[{"name":"A","members":[{"match":"x","params":1},{"match":"x-big","params":2}]},{"name":"B","members":[{"match":"x"}]}]}',
      'workspace',
    );
    assert.deepEqual(m.match('x-big'), { lineage: 'A', lineageIndex: 0, memberIndex: 0, params: 1 });
    assert.equal(m.exclusion('model-abliterated'), null);
  });
  it("an earlier run's decisions are used for the same map only, and grow with the keys it had not seen", () => {
    const text =
      '{"lineages":[{"name":"A","members":[{"match":"qwen(3"},{"match":"x-","params":1}]},{"name":"B","members":[{"match":"y"}]}]}';
    const first = parseLineageMap(text, 'workspace');
    assert.equal(first.memoToKeep(), null, 'nothing decided yet');
    const x = first.match('x-1');
    assert.deepEqual(x, { lineage: 'A', lineageIndex: 0, memberIndex: 1, params: 1 });
    assert.equal(first.match('z'), null);
    const memo = first.memoToKeep();
    assert.deepEqual(memo?.matches, [
      ['x-1', x],
      ['z', null],
    ]);
    // A new process: the same map text, the decisions kept (as JSON, as the index keeps them).
    const kept = JSON.parse(JSON.stringify(memo)) as LineageMemo;
    const second = parseLineageMap(text, 'workspace');
    second.useMemo(kept);
    assert.deepEqual(second.problems, first.problems, 'the broken pattern is still a problem');
    assert.deepEqual(second.match('x-1'), x);
    assert.equal(second.memoToKeep(), null, 'nothing new: nothing to keep');
    assert.deepEqual(second.match('y-2'), { lineage: 'B', lineageIndex: 1, memberIndex: 0, params: null });
    assert.deepEqual(
      second.memoToKeep()?.matches.map(([k]) => k),
      ['x-1', 'z', 'y-2'],
    );
    // The kept answer is what is used (so the patterns are not run again) ...
    const forged: LineageMemo = { ...kept, matches: [['z', x]] };
    const third = parseLineageMap(text, 'workspace');
    third.useMemo(forged);
    assert.deepEqual(third.match('z'), x);
    // ... and only for that very map: an edited map decides again.
    const edited = parseLineageMap(text.replace('"y"', '"z"'), 'workspace');
    edited.useMemo(forged);
    assert.deepEqual(edited.match('z'), { lineage: 'B', lineageIndex: 1, memberIndex: 0, params: null });
    assert.equal(edited.problems.length, 1);
  });
  it('a broken regex is a problem and matches nothing; broken JSON falls back to the defaults', () => {
    const m = parseLineageMap('{"lineages":[{"name":"A","members":[{"match":"qwen(3"}]}]}', 'workspace');
    assert.equal(m.problems.length, 1);
    assert.equal(m.problems[0]?.code, 'lineage-regex-invalid');
    assert.match(m.problems[0]?.reason ?? '', /not a regular expression the linear-time engine/);
    assert.equal(m.match('qwen(3'), null);
    const broken = parseLineageMap('{"lineages": [', 'workspace');
    assert.equal(broken.source, 'default');
    assert.match(broken.problems[0]?.reason ?? '', /not valid JSON/);
  });
});
