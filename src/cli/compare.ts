/** `ff-lens compare BEFORE AFTER`: which conclusions moved between two analyses (COMPARE.md). */
import * as fs from 'node:fs';
import {
  compareAnalyses,
  overturnsConclusion,
  renderComparisonMarkdown,
  type ComparisonDocument,
} from '../engine/report/compare';
import { NotAResultsDocument, parseResultsDocument } from '../engine/report/readResults';
import type { ResultsDocument } from '../engine/report/results';
import { analyseFolder } from './analyseFolder';
import { CliError, UsageError, write } from './io';
import { parseAnalysisOptions, type AnalysisOptions } from './options';

/** A side of the comparison: a results document as saved, or a folder analysed now. */
async function loadSide(source: string, options: AnalysisOptions): Promise<ResultsDocument> {
  if (!fs.existsSync(source)) throw new CliError(`no such file or folder: ${source}`, 2);
  if (fs.statSync(source).isDirectory()) return (await analyseFolder(source, options)).document;
  try {
    return parseResultsDocument(fs.readFileSync(source, 'utf8'));
  } catch (e) {
    if (e instanceof NotAResultsDocument) throw new CliError(`${source}: ${e.message}`, 2);
    throw e;
  }
}

function summary(doc: ComparisonDocument): string {
  const count = (k: string): number => doc.changes.filter((c) => c.kind === k).length;
  const cells = doc.cells.filter((c) => c.status === 'changed').length;
  return (
    `ff-lens: ${doc.changes.length} changes (${count('headline')} headline, ${count('classification')} classification, ` +
    `${count('shape')} shape, ${count('cell_added')} cells added, ${count('cell_removed')} removed); ${cells} cells changed n or COMPLIANCE count\n`
  );
}

export async function compare(argv: string[]): Promise<number> {
  const options = parseAnalysisOptions(argv, ['--fail-on-change']);
  const [before, after, extra] = options.positionals;
  if (before === undefined || after === undefined)
    throw new UsageError('compare needs BEFORE and AFTER (each a results JSON file or a workspace folder)');
  if (extra !== undefined) throw new UsageError(`unexpected argument: ${extra}`);
  const doc = compareAnalyses(await loadSide(before, options), await loadSide(after, options), {
    before,
    after,
  });
  if (options.json !== undefined) await write(options.json, `${JSON.stringify(doc, null, 2)}\n`);
  if (options.markdown !== undefined) await write(options.markdown, renderComparisonMarkdown(doc));
  if (options.json === undefined && options.markdown === undefined)
    await write('-', renderComparisonMarkdown(doc));
  process.stderr.write(summary(doc));
  return options.flags.has('--fail-on-change') && overturnsConclusion(doc) ? 1 : 0;
}
