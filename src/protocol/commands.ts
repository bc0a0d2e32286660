/** Command ids the server names in CodeLenses and code actions; the client registers them (src/client/ids.ts). */
export const Commands = {
  showTraces: 'failureFirst.showTraces',
  addModelToLineage: 'failureFirst.addModelToLineage',
  /** Opens the analysis page on a place (a PageTarget), with the folder's URI: a report's claims CodeLens. */
  showOnPage: 'failureFirst.showOnPage',
} as const;

/** URI scheme of corpus rows in Find All References (the client shows them as read-only JSON). */
export const CORPUS_ROW_SCHEME = 'failure-first-row';
