/**
 * The linear-time regular-expression engine, bundled apart (dist/lazy/re2.js) and loaded when the
 * first lineage pattern is compiled (lineageMap.ts): a warm run needs only the lineages' names (DECISIONS.md 79).
 */
export { RE2JS } from 're2js';
