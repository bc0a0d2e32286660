// A stand-in for the extension host of the analysis page, in the browser: it defines
// acquireVsCodeApi() like a VS Code webview does and answers the page's messages the way the
// extension would, from canned data (window.__ffCanned, loaded before this script).
// The test drives and inspects it through window.__ffHost.
(() => {
  'use strict';
  const canned = window.__ffCanned;
  if (!canned) throw new Error('fake host: no canned data');
  const STATE_KEY = 'ff-lens-page-state';

  const host = {
    /** Every message the page posted, in order (savePng data URLs shortened). */
    sent: [],
    opened: [],
    exports: [],
    pngs: [],
    violations: [],
    setStateCalls: 0,
    /** Delay before each answer (ms). */
    delayMs: 5,
    /** Methods not to answer at all (to exercise the page's timeout). */
    silent: new Set(),
    /** Methods to answer with an error. */
    failing: new Set(),
    generation: canned.generation,
    /** Posts a HostToPage message to the page as VS Code does (a window message event). */
    send(message) {
      window.postMessage(message, '*');
    },
    sendResults(generation) {
      host.generation = generation ?? host.generation + 1;
      host.send({
        type: 'results',
        document: canned.document,
        generation: host.generation,
        status: { ...canned.status, generation: host.generation },
      });
    },
    requests(method) {
      return host.sent.filter((m) => m.type === 'request' && (method === undefined || m.method === method));
    },
  };
  window.__ffHost = host;

  document.addEventListener('securitypolicyviolation', (e) => {
    host.violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  });

  // ---------------------------------------------------------------- the trace table

  const strip = (row) => {
    const out = {};
    for (const [k, v] of Object.entries(row)) if (!k.startsWith('_')) out[k] = v;
    return out;
  };

  let manyRows = null;
  function many() {
    if (manyRows) return manyRows;
    const verdicts = ['REFUSAL', 'COMPLIANCE', 'PARTIAL', 'REFUSAL', 'HALLUCINATION_REFUSAL', 'REFUSAL'];
    manyRows = new Array(canned.many.rows);
    for (let i = 0; i < canned.many.rows; i++) {
      const verdict = verdicts[i % verdicts.length];
      manyRows[i] = {
        id: `many-${i + 1}`,
        model: `model-${(i % 7) + 1}`,
        scenarioId: canned.many.scenarioId,
        attackClass: 'stress',
        dataset: 'stress',
        variant: null,
        verdict,
        category: 'evaluable',
        grader: 'fake-grader',
        excerpt: `row ${i + 1} of ${canned.many.rows}: ${verdict.toLowerCase()}`,
        path: 'runs/stress/many_traces.jsonl',
        line: i + 1,
      };
    }
    return manyRows;
  }

  function select(selector) {
    const rows = canned.rows;
    switch (selector.kind) {
      case 'cell':
        return rows.filter(
          (r) =>
            !r._dilution &&
            !r._disagreement &&
            r.attackClass === selector.attackClass &&
            r.model === selector.model,
        );
      case 'model':
        return rows.filter((r) => !r._dilution && !r._disagreement && r.model === selector.model);
      case 'datasetCell':
        return rows.filter(
          (r) =>
            !r._dilution && !r._disagreement && r.dataset === selector.dataset && r.model === selector.model,
        );
      case 'dilution':
        return rows.filter(
          (r) =>
            r._dilution &&
            r.model === selector.model &&
            (!selector.variant || r.variant === selector.variant),
        );
      case 'disagreement':
        return rows.filter(
          (r) => r._disagreement && r._primary === selector.primary && r._secondary === selector.secondary,
        );
      case 'scenario':
        if (selector.scenarioId === canned.many.scenarioId) return many();
        return rows.filter(
          (r) => r.scenarioId === selector.scenarioId || r.scenarioId === `${selector.scenarioId}__dilution`,
        );
      default:
        throw new Error(`unknown selector kind ${selector.kind}`);
    }
  }

  const countKey = (r) => (r.category === 'evaluable' ? r.verdict : r.category);

  function textOf(row) {
    const t = canned.texts[row.id];
    if (t) return t;
    return {
      prompt: `[redacted harmful request about ${row.attackClass}] (scenario ${row.scenarioId})`,
      response: row.excerpt,
      systemPrompt: null,
      raw: JSON.stringify({
        trace_id: row.id,
        model_id: row.model,
        scenario_id: row.scenarioId,
        response: row.excerpt,
      }),
      reasoning: row.verdict ? `Verdict: ${row.verdict}` : null,
    };
  }

  /** A million rows, made by index on demand (no filter): for the compressed scroll range. */
  function million(offset, limit, locate) {
    const n = canned.million.rows;
    const rows = [];
    for (let i = offset; i < Math.min(n, offset + limit); i++)
      rows.push({
        id: `million-${i + 1}`,
        model: 'model-m',
        scenarioId: canned.million.scenarioId,
        attackClass: 'stress',
        dataset: 'stress',
        variant: null,
        verdict: 'REFUSAL',
        category: 'evaluable',
        grader: 'fake-grader',
        excerpt: `row ${i + 1} of ${n}`,
        path: 'runs/stress/million.jsonl',
        line: i + 1,
      });
    const m = locate === undefined ? null : /^million-(\d+)$/.exec(locate);
    const located =
      locate === undefined ? {} : { locatedIndex: m && Number(m[1]) <= n ? Number(m[1]) - 1 : null };
    return {
      ...located,
      total: n,
      unfiltered: n,
      offset,
      rows,
      counts: { REFUSAL: n },
      generation: host.generation,
    };
  }

  function traces({ selector, filter = {}, offset, limit, locate }) {
    if (selector.kind === 'scenario' && selector.scenarioId === canned.million.scenarioId)
      return million(offset, limit, locate);
    const all = select(selector);
    const counts = {};
    for (const r of all) counts[countKey(r)] = (counts[countKey(r)] ?? 0) + 1;
    let rows = all;
    if (filter.verdicts && filter.verdicts.length) {
      const keep = new Set(filter.verdicts);
      rows = rows.filter((r) => keep.has(countKey(r)) || keep.has(r.category));
    }
    if (filter.text) {
      const needle = filter.text.toLowerCase();
      rows = rows.filter((r) => {
        const t = canned.texts[r.id];
        return [r.id, r.scenarioId ?? '', r.model, r.excerpt, t?.prompt ?? '', t?.response ?? ''].some((s) =>
          s.toLowerCase().includes(needle),
        );
      });
    }
    const located = locate === undefined ? {} : { locatedIndex: rows.findIndex((r) => r.id === locate) };
    if (located.locatedIndex === -1) located.locatedIndex = null;
    return {
      ...located,
      total: rows.length,
      unfiltered: all.length,
      offset,
      rows: rows.slice(offset, offset + limit).map(strip),
      counts,
      generation: host.generation,
    };
  }

  function findRow(id) {
    if (id.startsWith('many-')) return many()[Number(id.slice(5)) - 1] ?? null;
    if (id.startsWith('million-')) return million(Number(id.slice(8)) - 1, 1).rows[0] ?? null;
    return canned.rows.find((r) => r.id === id) ?? null;
  }

  function detail({ id }) {
    const row = findRow(id);
    if (!row) return null;
    const t = textOf(row);
    let pair = null;
    if (row.variant) {
      const base = row.scenarioId.replace(/__dilution$/, '');
      const other = canned.rows.find(
        (r) =>
          r._dilution &&
          r.model === row.model &&
          r.variant !== row.variant &&
          r.scenarioId.replace(/__dilution$/, '') === base,
      );
      const a = row.variant === 'A' ? row : other;
      const b = row.variant === 'B' ? row : other;
      const text = (r) =>
        r ? { prompt: textOf(r).prompt, response: textOf(r).response, systemPrompt: null } : null;
      pair = { a: a ? strip(a) : null, b: b ? strip(b) : null, aText: text(a), bText: text(b) };
    }
    return {
      row: strip(row),
      text: { prompt: t.prompt, response: t.response, systemPrompt: t.systemPrompt },
      graderReasoning: t.reasoning,
      inferredInstruction: row.verdict === 'COMPLIANCE' ? 'Provide the requested steps.' : null,
      verdictLocation: row.grader
        ? { path: row.path.replace('_traces.jsonl', '_flip_graded.jsonl'), line: row.line }
        : null,
      opinions: row._secondary
        ? [
            {
              grader: row._secondary,
              verdict: row.secondVerdict,
              path: 'runs/benchmark_traces/benchmark_traces_xgrader_deepseek-v3.2.jsonl',
              line: row.line,
            },
          ]
        : [],
      pair,
      raw: t.raw,
    };
  }

  // ---------------------------------------------------------------- the VS Code API

  function answer(message) {
    const { method, params } = message;
    switch (method) {
      case 'traces':
        return { result: traces(params) };
      case 'traceDetail':
        return { result: detail(params) };
      case 'openInEditor':
        host.opened.push(params);
        return { result: null };
      case 'export':
        host.exports.push(params.format);
        return { result: null };
      case 'savePng':
        host.pngs.push({
          name: params.name,
          bytes: params.dataUrl.length,
          prefix: params.dataUrl.slice(0, 22),
        });
        return { result: null };
      case 'reanalyse':
        return { result: { ...canned.status, generation: host.generation } };
      case 'agreement': {
        // A canned matrix whose diagonal and off-diagonal sums match the pair's n.
        const a = canned.document.agreement.find(
          (x) => x.primary === params.primary && x.secondary === params.secondary,
        );
        const n = a ? a.n : 0;
        const labels = ['COMPLIANCE', 'PARTIAL', 'REFUSAL', 'HALLUCINATION_REFUSAL'];
        const off = Math.min(3, n);
        const matrix = labels.map((_, i) =>
          labels.map((__, j) => (i === j && i === 2 ? n - off : i === 0 && j === 2 ? off : 0)),
        );
        host.agreementRequests = [...(host.agreementRequests ?? []), params];
        return {
          result: {
            primary: params.primary,
            secondary: params.secondary,
            labels,
            matrix,
            n,
            disagreements: off,
          },
        };
      }
      default:
        return { error: `unknown method ${method}` };
    }
  }

  function receive(message) {
    if (message.type === 'ready') {
      setTimeout(() => host.sendResults(host.generation), host.delayMs);
    } else if (message.type === 'request') {
      if (host.silent.has(message.method)) return;
      let reply;
      try {
        reply = host.failing.has(message.method)
          ? { error: `${message.method} failed on purpose` }
          : answer(message);
      } catch (e) {
        reply = { error: String(e) };
      }
      setTimeout(() => host.send({ type: 'response', id: message.id, ...reply }), host.delayMs);
    }
  }

  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage(message) {
        // Messages cross a process boundary in VS Code: they must survive structured cloning.
        const copy = structuredClone(message);
        if (copy.type === 'request' && copy.method === 'savePng')
          copy.params = { ...copy.params, dataUrl: copy.params.dataUrl.slice(0, 40) };
        host.sent.push(copy);
        receive(message);
      },
      getState() {
        const s = sessionStorage.getItem(STATE_KEY);
        return s === null ? undefined : JSON.parse(s);
      },
      setState(state) {
        host.setStateCalls += 1;
        sessionStorage.setItem(STATE_KEY, JSON.stringify(state));
      },
    });
  };
})();
