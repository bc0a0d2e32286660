/**
 * The `failureFirst` section of the editor's configuration (package.json `contributes.configuration`),
 * declared once for both processes (vscode-eslint's shared settings.ts): the extension reads it, the
 * language server turns it into engine settings.
 */
export const SETTINGS_SECTION = 'failureFirst';

/** The section as the editor delivers it: any value may be missing or of the wrong type (the server checks each). */
export interface LensConfiguration {
  files?: {
    traces?: string[];
    graded?: string[];
    crossGrader?: string[];
    database?: string[];
    scenarios?: string[];
  };
  lineageMap?: string;
  thresholds?: { flatPp?: number; thinN?: number; headlinePp?: number; slopePpPerDecade?: number };
  attackClassSource?: 'family' | 'name';
  /** The grader whose verdicts count (ANALYSIS.md §11); null: each trace's primary verdict. */
  grader?: string | null;
  dilution?: { seed?: string };
  /** Globs (folder-relative) of the Markdown reports whose figures are checked (CLAIMS.md "In the editor"). */
  reports?: string[];
}

/** Reports checked unless `failureFirst.reports` says otherwise (package.json's default). */
export const DEFAULT_REPORT_GLOBS: readonly string[] = ['**/reports/**/*.md', '**/*report*.md'];

/** Initialization options the client passes to the server. */
export interface ServerInitOptions {
  /** The index file, in the extension's workspace storage. */
  indexPath: string;
  configuration: LensConfiguration;
}
