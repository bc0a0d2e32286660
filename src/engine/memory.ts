/**
 * A full garbage collection, between the phases of a large cold run. Parsing hundreds of megabytes
 * leaves most of the heap dead; V8, free to grow, collects it late, and the next phase's garbage
 * lands on top: the peak RSS is then twice the live data. One collection where a phase ends keeps
 * the peak near what is live (ISSUE 8.4: peak RSS).
 */
// node:v8 and node:vm are loaded at the first collection: a warm CLI run never needs them.
/* eslint-disable @typescript-eslint/no-require-imports -- loaded lazily (above); typed by the import types */

let gc: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      (require('node:v8') as typeof import('node:v8')).setFlagsFromString('--expose-gc');
      gc = (require('node:vm') as typeof import('node:vm')).runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
