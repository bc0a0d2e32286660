/**
 * Field-by-field comparison of two results documents: numbers within 1e-9 relative (with a 1e-12
 * absolute floor for values that are zero up to rounding), everything else exact. `generated_at`
 * and the wording of problem reasons (free per FORMATS.md) are not compared; fields present on one
 * side only are not compared either.
 */
export function compareResults(actual: unknown, expected: unknown, rel = 1e-9): string[] {
  const diffs: string[] = [];
  const walk = (a: unknown, e: unknown, at: string): void => {
    if (diffs.length > 50) return;
    if (at === '.generated_at') return;
    if (typeof e === 'number' && typeof a === 'number') {
      if (Math.abs(a - e) > Math.max(rel * Math.abs(e), 1e-12)) diffs.push(`${at}: ${a} ≠ ${e}`);
      return;
    }
    if (Array.isArray(e)) {
      if (!Array.isArray(a)) return void diffs.push(`${at}: not an array`);
      if (a.length !== e.length) diffs.push(`${at}: length ${a.length} ≠ ${e.length}`);
      for (let i = 0; i < Math.min(a.length, e.length); i++) walk(a[i], e[i], `${at}[${i}]`);
      return;
    }
    if (e !== null && typeof e === 'object') {
      if (a === null || typeof a !== 'object' || Array.isArray(a))
        return void diffs.push(`${at}: ${JSON.stringify(a)} is not an object`);
      const ao = a as Record<string, unknown>;
      const eo = e as Record<string, unknown>;
      for (const k of Object.keys(eo)) {
        if (k === 'reason' && at.includes('.problems[')) continue;
        // Extra fields are allowed on both sides (RESULTS.md); the required ones are checked by shape tests.
        if (k in ao) walk(ao[k], eo[k], `${at}.${k}`);
      }
      return;
    }
    if (a !== e) diffs.push(`${at}: ${JSON.stringify(a)} ≠ ${JSON.stringify(e)}`);
  };
  walk(actual, expected, '');
  return diffs;
}
