/**
 * What the browser tests read on `window`, for the type checker of their drivers: the analysis
 * page's automation hook (webview/main.ts) here, and the fake host's handle (`__ffHost`), declared
 * by the fake host itself.
 */
import type {} from './fake-host/fakeHost';

declare global {
  interface Window {
    /** Where a chart point is drawn (webview/app.ts pointPosition). */
    ffLens: {
      pointPosition(
        chart: 'scaling' | 'dilution' | 'headline',
        name: string,
      ): { x: number; y: number } | null;
    };
  }
}
