/**
 * A progress bar on stderr for long runs: only on a TTY, only once the run has taken more than
 * a second, and redrawn at most ten times a second. The analysis is synchronous, so time is
 * checked on each update rather than by a timer.
 */
export interface ProgressSink {
  update(stage: string, done: number, total: number): void;
  finish(): void;
}

export function createProgress(stream: { write(s: string): unknown; columns?: number }, enabled: boolean, now: () => number = Date.now): ProgressSink {
  const start = now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(stage, done, total) {
      if (!enabled) return;
      const t = now();
      if (t - start < 1000 || (t - lastDraw < 100 && done < total)) return;
      lastDraw = t;
      drawn = true;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 40));
      const filled = total > 0 ? Math.round((done / total) * width) : 0;
      stream.write(`\r${stage.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} files`);
    },
    finish() {
      if (drawn) stream.write('\r\u001b[2K');
    },
  };
}
