/** Every command, view, setting and context key of the extension: one prefix, one place. */
import { Commands as ServerNamed } from '../protocol/commands';

export const Commands = {
  ...ServerNamed,
  reanalyse: 'failureFirst.reanalyse',
  openAnalysis: 'failureFirst.openAnalysis',
  openLocation: 'failureFirst.openLocation',
  exportJson: 'failureFirst.exportResultsJson',
  exportMarkdown: 'failureFirst.exportResultsMarkdown',
  nextOutlier: 'failureFirst.nextOutlier',
  previousOutlier: 'failureFirst.previousOutlier',
  createDilutionVariants: 'failureFirst.createDilutionVariants',
  compareWithSaved: 'failureFirst.compareWithSavedAnalysis',
  saveSnapshot: 'failureFirst.saveAnalysisSnapshot',
} as const;

export const Views = {
  container: 'failureFirst',
  lineages: 'failureFirst.lineages',
  attackClasses: 'failureFirst.attackClasses',
} as const;

export const Panels = {
  analysis: 'failureFirst.analysis',
} as const;

export const ContextKeys = {
  /** True once the server has analysed a workspace with at least one run file or corpus row. */
  hasRuns: 'failureFirst.hasRuns',
  ready: 'failureFirst.ready',
} as const;

export { SETTINGS_SECTION } from '../protocol/settings';
export const OUTPUT_CHANNEL = 'Failure-First Lens';
