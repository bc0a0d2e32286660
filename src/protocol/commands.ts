/** Command ids the server names in CodeLenses and code actions; the client registers them (src/client/ids.ts). */
export const Commands = {
  showTraces: 'failureFirst.showTraces',
  addModelToLineage: 'failureFirst.addModelToLineage',
} as const;

/** URI scheme of corpus rows in Find All References (the client shows them as read-only JSON). */
export const CORPUS_ROW_SCHEME = 'failure-first-row';
