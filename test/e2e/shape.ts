/**
 * The results document's shape, from shared/spec/RESULTS.md (and the orders of ANALYSIS.md §9.10,
 * DECISIONS 22): every required field present with the right type, arrays sorted as stated, and
 * the partitions that the text defines. Returns a list of violations (empty when the shape is right).
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isStr = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

/** Unicode code point order (ANALYSIS.md §9.10), written here independently of the engine. */
export function cmpCodePoints(a: string, b: string): number {
  const ca = Array.from(a, (c) => c.codePointAt(0) as number);
  const cb = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++)
    if (ca[i] !== cb[i]) return (ca[i] as number) - (cb[i] as number);
  return ca.length - cb.length;
}

const FILE_KINDS = ['traces', 'graded', 'xgrader', 'database', 'scenarios', 'lineages'];
const GROUPS = ['attack_class', 'dataset', 'dilution', 'lineage', 'lineage_attack_class'];
const CLASSES = ['INVERSE_SCALING', 'POSITIVE_SCALING', 'FLAT_OR_NOISY', 'INSUFFICIENT'];
const CI_CLASSES = ['INVERSE_SCALING', 'POSITIVE_SCALING', 'FLAT_OR_NOISY', 'UNCERTAIN'];
const DECISIONS = ['EXCEEDS', 'BELOW', 'UNDECIDED'];
const SHAPES = ['SINGLE', 'SAME_SIZE', 'FLAT', 'INCREASING', 'DECREASING', 'PEAK', 'TROUGH', 'NON_MONOTONIC'];
const LABELS = ['COMPLIANCE', 'PARTIAL', 'REFUSAL', 'HALLUCINATION_REFUSAL'];
const KEY_FIELDS: Record<string, string[]> = {
  attack_class: ['attack_class'],
  dataset: ['dataset'],
  lineage: ['lineage'],
  lineage_attack_class: ['attack_class', 'lineage'],
  dilution: ['lineage'],
};

export function shapeErrors(doc: unknown): string[] {
  const errs: string[] = [];
  const need = (ok: boolean, what: string): void => {
    if (!ok && errs.length < 100) errs.push(what);
  };
  const field = (o: Obj, k: string, test: (v: unknown) => boolean, at: string, type: string): void => {
    need(k in o, `${at}.${k} is missing`);
    if (k in o) need(test(o[k]), `${at}.${k} is not ${type}: ${JSON.stringify(o[k])}`);
  };
  const nullable =
    (t: (v: unknown) => boolean) =>
    (v: unknown): boolean =>
      v === null || t(v);
  const oneOf =
    (values: string[]) =>
    (v: unknown): boolean =>
      isStr(v) && values.includes(v);
  const pair = (v: unknown): boolean => Array.isArray(v) && v.length === 2 && v.every(isNum);
  const rate = (v: unknown, at: string): void => {
    if (v === null) return;
    if (!isObj(v)) return need(false, `${at} is neither null nor a rate object`);
    for (const k of ['rate', 'lo', 'hi']) field(v, k, isNum, at, 'a number');
    const { rate: r, lo, hi } = v as { rate: number; lo: number; hi: number };
    need(0 <= lo && lo <= r + 1e-12 && r <= hi + 1e-12 && hi <= 1, `${at}: not 0 ≤ lo ≤ rate ≤ hi ≤ 1`);
  };
  const sorted = <T>(list: T[], cmp: (a: T, b: T) => number, at: string): void => {
    for (let i = 1; i < list.length; i++)
      need(cmp(list[i - 1] as T, list[i] as T) <= 0, `${at} is not sorted at [${i}]`);
  };
  const arr = (o: Obj, k: string, at: string): Obj[] => {
    field(o, k, Array.isArray, at, 'an array');
    const v = Array.isArray(o[k]) ? (o[k] as unknown[]) : [];
    v.forEach((e, i) => need(isObj(e), `${at}.${k}[${i}] is not an object`));
    return v.filter(isObj);
  };

  if (!isObj(doc)) return ['the document is not a JSON object'];
  need(doc.schema === 'failure-first-lens/results@1', `schema is ${JSON.stringify(doc.schema)}`);
  field(doc, 'generated_at', (v) => isStr(v) && !Number.isNaN(Date.parse(v)), '', 'an ISO date');

  // settings
  field(doc, 'settings', isObj, '', 'an object');
  const settings = isObj(doc.settings) ? doc.settings : {};
  for (const k of ['flat_threshold_pp', 'thin_n', 'headline_threshold_pp'])
    field(settings, k, isNum, '.settings', 'a number');
  field(settings, 'attack_class_source', oneOf(['family', 'name']), '.settings', 'family|name');
  field(settings, 'grader', nullable(isStr), '.settings', 'a grader name or null');

  // inputs
  field(doc, 'inputs', isObj, '', 'an object');
  const inputs = isObj(doc.inputs) ? doc.inputs : {};
  const files = arr(inputs, 'files', '.inputs');
  files.forEach((f, i) => {
    const at = `.inputs.files[${i}]`;
    field(f, 'path', isStr, at, 'a string');
    field(f, 'kind', oneOf(FILE_KINDS), at, FILE_KINDS.join('|'));
    field(f, 'records', isInt, at, 'a count');
    field(f, 'problems', isInt, at, 'a count');
  });
  sorted(files, (a, b) => cmpCodePoints(String(a.path), String(b.path)), '.inputs.files');
  field(inputs, 'traces', isObj, '.inputs', 'an object');
  const tr = isObj(inputs.traces) ? inputs.traces : {};
  const trKeys = ['total', 'graded', 'ungraded', 'evaluable', 'errors', 'benign', 'unknown_label'];
  for (const k of trKeys) field(tr, k, isInt, '.inputs.traces', 'a count');
  if (trKeys.every((k) => isInt(tr[k]))) {
    const t = tr as Record<string, number>;
    need(
      t.total ===
        (t.ungraded ?? 0) + (t.errors ?? 0) + (t.benign ?? 0) + (t.unknown_label ?? 0) + (t.evaluable ?? 0),
      '.inputs.traces: the five categories do not partition total',
    );
    need(t.graded === (t.total ?? 0) - (t.ungraded ?? 0), '.inputs.traces: graded ≠ total − ungraded');
  }
  const problems = arr(inputs, 'problems', '.inputs');
  problems.forEach((p, i) => {
    const at = `.inputs.problems[${i}]`;
    field(p, 'path', isStr, at, 'a string');
    field(
      p,
      'line',
      nullable((v) => isInt(v) && v >= 1),
      at,
      'a 1-based line or null',
    );
    field(p, 'reason', (v) => isStr(v) && v.trim() !== '', at, 'a non-empty string');
  });
  sorted(
    problems,
    (a, b) =>
      cmpCodePoints(String(a.path), String(b.path)) ||
      ((a.line as number | null) ?? 0) - ((b.line as number | null) ?? 0),
    '.inputs.problems',
  );
  const perFile = new Map<string, number>();
  for (const p of problems) perFile.set(String(p.path), (perFile.get(String(p.path)) ?? 0) + 1);
  for (const f of files)
    need(
      f.problems === (perFile.get(String(f.path)) ?? 0),
      `.inputs.files: ${String(f.path)} says ${String(f.problems)} problems, the list has ${perFile.get(String(f.path)) ?? 0}`,
    );

  // models
  const models = arr(doc, 'models', '');
  models.forEach((m, i) => {
    const at = `.models[${i}]`;
    field(m, 'key', isStr, at, 'a string');
    field(m, 'names', (v) => Array.isArray(v) && v.length > 0 && v.every(isStr), at, 'a list of names');
    field(
      m,
      'params_b',
      nullable((v) => isNum(v) && v > 0),
      at,
      'a size or null',
    );
    field(
      m,
      'active_params_b',
      nullable((v) => isNum(v) && v > 0),
      at,
      'a size or null',
    );
    field(
      m,
      'params_source',
      (v) => v === null || oneOf(['name', 'field', 'lineage'])(v),
      at,
      'name|field|lineage|null',
    );
    field(m, 'approximate', isBool, at, 'a boolean');
    field(m, 'lineage', nullable(isStr), at, 'a string or null');
    field(m, 'excluded', isBool, at, 'a boolean');
    field(m, 'exclusion_reason', nullable(isStr), at, 'a string or null');
    need(
      (m.params_b === null) === (m.params_source === null),
      `${at}: params_b and params_source disagree on null`,
    );
    need(
      (m.exclusion_reason === null) === (m.excluded === false),
      `${at}: excluded and exclusion_reason disagree`,
    );
  });
  sorted(models, (a, b) => cmpCodePoints(String(a.key), String(b.key)), '.models');

  // cells
  const cells = arr(doc, 'cells', '');
  cells.forEach((c, i) => {
    const at = `.cells[${i}]`;
    field(c, 'attack_class', isStr, at, 'a string');
    field(c, 'model', isStr, at, 'a string');
    field(c, 'n', isInt, at, 'a count');
    field(c, 'counts', isObj, at, 'an object');
    const counts = isObj(c.counts) ? c.counts : {};
    for (const l of LABELS) field(counts, l, isInt, `${at}.counts`, 'a count');
    need(LABELS.reduce((s, l) => s + Number(counts[l]), 0) === c.n, `${at}: n ≠ the sum of the counts`);
    for (const k of ['ungraded', 'errors', 'benign']) field(c, k, isInt, at, 'a count');
    for (const k of ['strict', 'broad', 'fd']) {
      need(k in c, `${at}.${k} is missing`);
      rate(c[k], `${at}.${k}`);
      need((c[k] === null) === (c.n === 0), `${at}.${k} is null exactly when n = 0`);
    }
    field(c, 'thin', isBool, at, 'a boolean');
    field(c, 'excluded', isBool, at, 'a boolean');
    for (const k of ['fit_pp', 'residual_pp']) field(c, k, nullable(isNum), at, 'a number or null');
    for (const k of ['outlier', 'off_line']) field(c, k, nullable(isBool), at, 'a boolean or null');
    const set = [c.fit_pp, c.residual_pp, c.outlier, c.off_line].filter((v) => v !== null).length;
    need(set === 0 || set === 4, `${at}: outlier fields are set together or not at all`);
  });
  sorted(
    cells,
    (a, b) =>
      cmpCodePoints(String(a.attack_class), String(b.attack_class)) ||
      cmpCodePoints(String(a.model), String(b.model)),
    '.cells',
  );

  // regressions
  const regs = arr(doc, 'regressions', '');
  regs.forEach((r, i) => {
    const at = `.regressions[${i}]`;
    field(r, 'group', oneOf(GROUPS), at, GROUPS.join('|'));
    field(r, 'key', isObj, at, 'an object');
    const key = isObj(r.key) ? r.key : {};
    const want = KEY_FIELDS[String(r.group)] ?? [];
    need(
      JSON.stringify(Object.keys(key).sort()) === JSON.stringify([...want].sort()),
      `${at}.key has fields ${Object.keys(key).join(',')}, not ${want.join(',')}`,
    );
    for (const k of want) field(key, k, isStr, `${at}.key`, 'a string');
    const points = arr(r, 'points', at);
    points.forEach((p, j) => {
      field(p, 'model', isStr, `${at}.points[${j}]`, 'a string');
      field(p, 'x', isNum, `${at}.points[${j}]`, 'a number');
      field(p, 'y_pp', isNum, `${at}.points[${j}]`, 'a number');
      field(p, 'n', isInt, `${at}.points[${j}]`, 'a count');
    });
    sorted(
      points,
      (a, b) => Number(a.x) - Number(b.x) || cmpCodePoints(String(a.model), String(b.model)),
      `${at}.points`,
    );
    field(r, 'left_out', isObj, at, 'an object');
    const lo = isObj(r.left_out) ? r.left_out : {};
    for (const k of ['unknown_size', 'excluded', 'empty']) field(lo, k, isInt, `${at}.left_out`, 'a count');
    field(r, 'n_traces', isInt, at, 'a count');
    need(r.n_traces === points.reduce((s, p) => s + Number(p.n), 0), `${at}: n_traces ≠ Σ points[].n`);
    field(r, 'classification', oneOf(CLASSES), at, CLASSES.join('|'));
    field(r, 'classification_ci', nullable(oneOf(CI_CLASSES)), at, `${CI_CLASSES.join('|')} or null`);
    need(
      (r.classification_ci === null) === (r.classification === 'INSUFFICIENT'),
      `${at}: classification_ci is null exactly when INSUFFICIENT`,
    );
    for (const k of ['ols', 'wls', 'logistic']) need(k in r, `${at}.${k} is missing`);
    const distinct = new Set(points.map((p) => p.x)).size;
    need(
      (r.classification === 'INSUFFICIENT') === distinct < 2,
      `${at}: INSUFFICIENT exactly when < 2 distinct x`,
    );
    need((r.ols === null) === distinct < 2, `${at}: ols is null exactly when INSUFFICIENT`);
    if (isObj(r.ols)) {
      field(r.ols, 'slope_pp', isNum, `${at}.ols`, 'a number');
      field(r.ols, 'intercept_pp', isNum, `${at}.ols`, 'a number');
      field(r.ols, 'r2', nullable(isNum), `${at}.ols`, 'a number or null');
      field(r.ols, 'se_pp', nullable(isNum), `${at}.ols`, 'a number or null');
      field(r.ols, 'ci_pp', nullable(pair), `${at}.ols`, 'a pair or null');
      need((r.ols.se_pp === null) === points.length < 3, `${at}.ols.se_pp is null exactly when k = 2`);
    }
    need(r.wls === null || isObj(r.wls), `${at}.wls is neither null nor an object`);
    if (isObj(r.wls)) {
      field(r.wls, 'slope_pp', isNum, `${at}.wls`, 'a number');
      field(r.wls, 'intercept_pp', isNum, `${at}.wls`, 'a number');
      field(r.wls, 'r2', nullable(isNum), `${at}.wls`, 'a number or null');
    }
    if (r.group === 'dilution') need(r.logistic === null, `${at}: a dilution regression has logistic null`);
    if (isObj(r.logistic)) {
      field(r.logistic, 'beta', nullable(isNum), `${at}.logistic`, 'a number or null');
      field(r.logistic, 'se', nullable(isNum), `${at}.logistic`, 'a number or null');
      field(r.logistic, 'ci', nullable(pair), `${at}.logistic`, 'a pair or null');
      field(r.logistic, 'converged', isBool, `${at}.logistic`, 'a boolean');
    }
  });
  const keyOf = (r: Obj): string[] => {
    const k = isObj(r.key) ? r.key : {};
    const s = (v: unknown): string => (isStr(v) ? v : '');
    return [s(r.group), s(k.lineage), s(k.attack_class), s(k.dataset)];
  };
  sorted(
    regs,
    (a, b) => {
      const ka = keyOf(a);
      const kb = keyOf(b);
      for (let i = 0; i < ka.length; i++) {
        const c = cmpCodePoints(ka[i] as string, kb[i] as string);
        if (c !== 0) return c;
      }
      return 0;
    },
    '.regressions',
  );

  // lineages
  const lineages = arr(doc, 'lineages', '');
  lineages.forEach((l, i) => {
    const at = `.lineages[${i}]`;
    field(l, 'name', isStr, at, 'a string');
    const members = arr(l, 'members', at);
    members.forEach((m, j) => {
      field(m, 'model', isStr, `${at}.members[${j}]`, 'a string');
      field(m, 'params_b', nullable(isNum), `${at}.members[${j}]`, 'a size or null');
      field(m, 'n', (v) => isInt(v) && v > 0, `${at}.members[${j}]`, 'a positive count');
      need('strict' in m, `${at}.members[${j}].strict is missing`);
      rate(m.strict, `${at}.members[${j}].strict`);
      field(m, 'shared', isObj, `${at}.members[${j}]`, 'an object');
      const shared = isObj(m.shared) ? m.shared : {};
      field(shared, 'n', isInt, `${at}.members[${j}].shared`, 'a count');
      need('strict' in shared, `${at}.members[${j}].shared.strict is missing`);
      rate(shared.strict, `${at}.members[${j}].shared.strict`);
      need(
        (shared.strict === null) === (shared.n === 0),
        `${at}.members[${j}].shared.strict is null exactly when its n = 0`,
      );
      need(Number(shared.n) <= Number(m.n), `${at}.members[${j}]: shared.n > n`);
    });
    const transitions = arr(l, 'transitions', at);
    need(
      transitions.length === Math.max(0, members.length - 1),
      `${at}: one transition per consecutive pair`,
    );
    transitions.forEach((t, j) => {
      field(t, 'from', isStr, `${at}.transitions[${j}]`, 'a string');
      field(t, 'to', isStr, `${at}.transitions[${j}]`, 'a string');
      field(t, 'delta_pp', isNum, `${at}.transitions[${j}]`, 'a number');
      field(t, 'same_size', isBool, `${at}.transitions[${j}]`, 'a boolean');
      need(
        t.from === members[j]?.model && t.to === members[j + 1]?.model,
        `${at}.transitions[${j}] names the wrong members`,
      );
    });
    field(l, 'shape', oneOf(SHAPES), at, SHAPES.join('|'));
    field(l, 'shared_attack_classes', (v) => Array.isArray(v) && v.every(isStr), at, 'a list of names');
    const shared = Array.isArray(l.shared_attack_classes) ? (l.shared_attack_classes as string[]) : [];
    sorted(shared, cmpCodePoints, `${at}.shared_attack_classes`);
    field(l, 'mix_differs', isBool, at, 'a boolean');
    need(
      l.mix_differs === true || members.every((m) => isObj(m.shared) && m.shared.n === m.n),
      `${at}: the mix is the same but a member has evaluable traces outside the shared classes`,
    );
  });

  // dilution
  field(doc, 'dilution', isObj, '', 'an object');
  const dil = isObj(doc.dilution) ? doc.dilution : {};
  const dms = arr(dil, 'models', '.dilution');
  dms.forEach((d, i) => {
    const at = `.dilution.models[${i}]`;
    field(d, 'model', isStr, at, 'a string');
    field(d, 'params_b', nullable(isNum), at, 'a size or null');
    field(d, 'lineage', nullable(isStr), at, 'a string or null');
    for (const armName of ['a', 'b']) {
      field(d, armName, isObj, at, 'an object');
      const armValue = d[armName];
      const a = isObj(armValue) ? armValue : {};
      field(a, 'n', isInt, `${at}.${armName}`, 'a count');
      field(a, 'k', isInt, `${at}.${armName}`, 'a count');
      need('strict' in a, `${at}.${armName}.strict is missing`);
      rate(a.strict, `${at}.${armName}.strict`);
    }
    field(d, 'delta_pp', nullable(isNum), at, 'a number or null');
    field(d, 'delta_ci_pp', nullable(pair), at, 'a pair or null');
    for (const k of ['pairs', 'b_only_a', 'b_only_b']) field(d, k, isInt, at, 'a count');
    field(d, 'mcnemar_p', (v) => isNum(v) && v >= 0 && v <= 1, at, 'a p-value');
  });
  sorted(dms, (a, b) => cmpCodePoints(String(a.model), String(b.model)), '.dilution.models');
  arr(dil, 'headlines', '.dilution').forEach((h, i) => {
    const at = `.dilution.headlines[${i}]`;
    for (const k of ['lineage', 'smallest', 'largest']) field(h, k, isStr, at, 'a string');
    field(h, 'delta_span_pp', isNum, at, 'a number');
    field(h, 'meets_threshold', isBool, at, 'a boolean');
    field(h, 'delta_span_ci_pp', pair, at, 'a pair');
    if (pair(h.delta_span_ci_pp) && isNum(h.delta_span_pp)) {
      const [lo, hi] = h.delta_span_ci_pp as [number, number];
      need(lo <= h.delta_span_pp && h.delta_span_pp <= hi, `${at}: the span is outside its interval`);
    }
    field(h, 'decision', oneOf(DECISIONS), at, DECISIONS.join('|'));
    field(
      h,
      'n_per_arm_to_decide',
      nullable((v) => isInt(v) && v >= 1 && v <= 100000),
      at,
      'null or a count from 1 to 100,000',
    );
    need(
      h.decision === 'UNDECIDED' || h.n_per_arm_to_decide === null,
      `${at}: a decided headline has n_per_arm_to_decide null`,
    );
  });

  // agreement
  arr(doc, 'agreement', '').forEach((g, i) => {
    const at = `.agreement[${i}]`;
    field(g, 'primary', isStr, at, 'a string');
    field(g, 'secondary', isStr, at, 'a string');
    field(g, 'n', isInt, at, 'a count');
    field(g, 'kappa_labels', nullable(isNum), at, 'a number or null');
    field(g, 'kappa_strict', nullable(isNum), at, 'a number or null');
  });
  return errs;
}
