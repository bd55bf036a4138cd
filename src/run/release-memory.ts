/**
 * Gives the memory of the parsed program back before the cross-file checks run. After
 * discovery the analysis holds only plain data, but V8 would not collect the (by then
 * unreachable) trees, binder and checker until the heap grew further: the checks and the
 * report would be allocated on top of them and set the run's peak. A full collection at this
 * one point costs little, since little is still alive.
 *
 * V8's `gc` is reached the way test runners do it (Jest's leak detector): enable the flag at run
 * time, then take the function from a fresh context.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Below this, the program is small and a collection would only cost time. */
const WORTH_COLLECTING_BYTES = 256 * 1024 * 1024;

let collect: (() => void) | null | undefined;

export function releaseMemory(): void {
  if (process.memoryUsage().heapUsed < WORTH_COLLECTING_BYTES) return;
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}
