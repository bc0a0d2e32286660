/** The `failureFirst` configuration section, read as the shared type both processes use. */
import * as vscode from 'vscode';
import { SETTINGS_SECTION, type LensConfiguration } from '../protocol/settings';

/** The configuration as it applies to one workspace folder (settings may differ per folder). */
export function readConfiguration(scope?: vscode.Uri): LensConfiguration {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return {
    files: c.get<LensConfiguration['files']>('files'),
    lineageMap: c.get<LensConfiguration['lineageMap']>('lineageMap'),
    thresholds: c.get<LensConfiguration['thresholds']>('thresholds'),
    attackClassSource: c.get<LensConfiguration['attackClassSource']>('attackClassSource'),
    dilution: c.get<LensConfiguration['dilution']>('dilution'),
  };
}
