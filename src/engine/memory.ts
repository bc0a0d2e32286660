/**
 * A full garbage collection, between the phases of a large cold run. Parsing hundreds of megabytes
 * leaves most of the heap dead; V8, free to grow, collects it late, and the next phase's garbage
 * lands on top: the peak RSS is then twice the live data. One collection where a phase ends keeps
 * the peak near what is live (ISSUE 8.4: peak RSS).
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

let gc: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
