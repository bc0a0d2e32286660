/**
 * docs/DECISIONS.md's "Where each rule lives" names, for each rule of FORMATS.md and ANALYSIS.md,
 * the one function that implements it (ISSUE 9). This test holds the table to the code: every row
 * names a file that exists and a function, class or method declared in it, so a rename or a move
 * that forgets the table fails here. Source of the expected values: the table itself.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';

const ROOT = path.join(import.meta.dirname, '..', '..');

interface Row {
  rule: string;
  file: string;
  name: string;
}

function rows(): Row[] {
  const text = fs.readFileSync(path.join(ROOT, 'docs', 'DECISIONS.md'), 'utf8');
  const start = text.indexOf('## Where each rule lives');
  assert.ok(start >= 0, 'DECISIONS.md has a "Where each rule lives" section');
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  const out: Row[] = [];
  for (const line of section.split('\n')) {
    const m = /^\|\s*(.+?)\s*\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|$/.exec(line);
    if (m) out.push({ rule: m[1] ?? '', file: m[2] ?? '', name: m[3] ?? '' });
  }
  return out;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `source` declares `name`: a function, class, const, or (`Class.method`) a method of that class. */
function declares(source: string, name: string): boolean {
  const [owner, method] = name.split('.');
  const top = new RegExp(`^(export )?(async )?(function|class|const|let) ${escape(owner ?? '')}\\b`, 'm');
  if (method === undefined) return top.test(source);
  const at = source.search(new RegExp(`^(export )?class ${escape(owner ?? '')}\\b`, 'm'));
  if (at < 0) return false;
  const body = source.slice(at);
  const close = body.search(/^\}/m);
  return new RegExp(`^  (static |private |readonly )*${escape(method)}\\(`, 'm').test(
    body.slice(0, close < 0 ? undefined : close),
  );
}

it('every rule of the table is declared where the table says', () => {
  const table = rows();
  assert.ok(table.length >= 50, `the table has its rows (found ${table.length})`);
  const wrong = table.filter((r) => {
    const file = path.join(ROOT, r.file);
    return !fs.existsSync(file) || !declares(fs.readFileSync(file, 'utf8'), r.name);
  });
  assert.deepEqual(
    wrong.map((r) => `${r.rule}: ${r.name} in ${r.file}`),
    [],
  );
});

it('the table covers every numbered section of FORMATS.md and ANALYSIS.md §1–§7, §10–§12', () => {
  const named = rows()
    .map((r) => r.rule)
    .join(' ');
  const missing: string[] = [];
  for (const n of [1, 2, 3, 4, 5, 6, 7])
    if (!new RegExp(`FORMATS (§\\d–)?§${n}\\b`).test(named)) missing.push(`FORMATS §${n}`);
  for (const n of [1, 2, 3, 4, 5, 6, 7, 10, 11, 12])
    if (!named.includes(`ANALYSIS §${n}`)) missing.push(`ANALYSIS §${n}`);
  assert.deepEqual(missing, []);
});

it('a name that is not declared is caught (the check can fail)', () => {
  assert.equal(declares('export function ols(x) {}', 'wls'), false);
  assert.equal(
    declares('export class Tally {\n  strict(): number {\n    return 1;\n  }\n}\n', 'Tally.strict'),
    true,
  );
  assert.equal(
    declares('export class Tally {\n  broad(): number {\n    return 1;\n  }\n}\n', 'Tally.strict'),
    false,
  );
});
