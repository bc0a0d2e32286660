/** `ff-lens check-report REPORT.md FOLDER`: a report's figures checked against the current analysis (CLAIMS.md). */
import * as fs from 'node:fs';
import { checkReport, claimMessage, claimsDocument, reportMinus, summaryText } from '../engine/report/claims';
import { analyseFolder } from './analyseFolder';
import { CliError, UsageError, write } from './io';
import { parseAnalysisOptions } from './options';

export async function checkReportCommand(argv: string[]): Promise<number> {
  const options = parseAnalysisOptions(argv, ['--fail-on-changed']);
  if (options.markdown !== undefined)
    throw new UsageError('check-report writes text, or JSON with --json; not --markdown');
  const [report, folder, extra] = options.positionals;
  if (report === undefined || folder === undefined)
    throw new UsageError('check-report needs REPORT.md and the workspace FOLDER');
  if (extra !== undefined) throw new UsageError(`unexpected argument: ${extra}`);
  if (!fs.existsSync(report) || !fs.statSync(report).isFile())
    throw new CliError(`no such report: ${report}`, 2);
  const text = fs.readFileSync(report, 'utf8');
  const analysis = await analyseFolder(folder, options);
  const check = checkReport(text, analysis.document, analysis.lineageNames);
  if (options.json !== undefined)
    await write(options.json, `${JSON.stringify(claimsDocument(check, report, folder), null, 2)}\n`);
  else {
    const minus = reportMinus(check.claims);
    const lines = check.claims.map(
      (c) => `${report}:${c.line}:${c.column}: ${c.status} ${c.kind} ${claimMessage(c, { minus })}\n`,
    );
    await write('-', lines.join(''));
  }
  process.stderr.write(`ff-lens: ${report}: ${check.claims.length} claims: ${summaryText(check.summary)}\n`);
  const failed = check.summary.CHANGED + check.summary.NOT_FOUND > 0;
  return options.flags.has('--fail-on-changed') && failed ? 1 : 0;
}
