/** The `failureFirst` configuration section, read as the shared type both processes use. */
import * as vscode from 'vscode';
import { SETTINGS_SECTION, type LensConfiguration } from '../protocol/settings';

/**
 * The configuration as it applies to one workspace folder (settings may differ per folder), with
 * the grader chosen on that folder's page in place of `failureFirst.grader` when there is one.
 */
export function readConfiguration(scope?: vscode.Uri, graderChoice?: GraderChoice): LensConfiguration {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return withGraderChoice(
    {
      files: c.get<LensConfiguration['files']>('files'),
      lineageMap: c.get<LensConfiguration['lineageMap']>('lineageMap'),
      thresholds: c.get<LensConfiguration['thresholds']>('thresholds'),
      attackClassSource: c.get<LensConfiguration['attackClassSource']>('attackClassSource'),
      grader: c.get<LensConfiguration['grader']>('grader'),
      dilution: c.get<LensConfiguration['dilution']>('dilution'),
      reports: c.get<LensConfiguration['reports']>('reports'),
    },
    graderChoice,
  );
}

/** The grader chosen on a folder's page (null: each trace's primary verdict); undefined: none chosen, the setting counts. */
export type GraderChoice = string | null | undefined;

/** The section with the page's grader in place of the setting's, when one was chosen. */
export function withGraderChoice(config: LensConfiguration, choice: GraderChoice): LensConfiguration {
  return choice === undefined ? config : { ...config, grader: choice };
}
