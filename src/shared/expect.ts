/**
 * Lookups that cannot miss unless the code is wrong (rust-analyzer's `expectNotUndefined`): they
 * say what was missing instead of a cast (`rows[i] as Row`) that would carry on with `undefined`.
 * Pure, no Node: the page, the scripts and the tests use it too.
 */

/** `value`, or an error `expected <what>` when it is undefined. */
export function expectDefined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`expected ${what}`);
  return value;
}

/** `value`, or an error `expected <what>` when it is null or undefined (a DOM query, a regex group). */
export function expectPresent<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}`);
  return value;
}
