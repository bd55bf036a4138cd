// What the bench scripts share: running a command once with its wall time and peak RSS, and
// the small formatting helpers for their tables.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function readOr(file, fallback) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/** Whether GNU time works here (it gives peak RSS without running the target in-process). */
export function gnuTimeUsable(outDir) {
  if (!fs.existsSync('/usr/bin/time')) return false;
  const probe = path.join(outDir, `time-probe-${process.pid}.txt`);
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', probe, process.execPath, '-e', '0'], { stdio: 'ignore' });
  const ok = r.status === 0 && /^\d+\s*$/.test(readOr(probe, ''));
  fs.rmSync(probe, { force: true });
  return ok;
}

/**
 * Runs `node <script> ...args` once, output to `log`. Returns { ok, status, seconds, peakMB, log };
 * `accept(status)` decides which exit codes count as success. Peak RSS comes from GNU time
 * (`peakMethod` 'time') or from bench/peak.mjs running the script in-process ('node').
 */
export function measureCommand({ script, args, cwd, log, outDir, peakMethod, timeoutMs, accept = (s) => s === 0 }) {
  const peakFile = path.join(outDir, `peak-${process.pid}.txt`);
  fs.rmSync(peakFile, { force: true });
  const fd = fs.openSync(log, 'w');
  const env = { ...process.env };
  let cmd;
  let argv;
  if (peakMethod === 'time') {
    cmd = '/usr/bin/time';
    argv = ['-f', '%M', '-o', peakFile, process.execPath, script, ...args];
  } else {
    cmd = process.execPath;
    argv = [path.join(path.dirname(fileURLToPath(import.meta.url)), 'peak.mjs'), script, ...args];
    env.PEAK_OUT = peakFile;
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd, env, stdio: ['ignore', fd, fd], timeout: timeoutMs, killSignal: 'SIGKILL' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  fs.closeSync(fd);
  // GNU time prefixes "Command exited with non-zero status N" to its output file.
  const kb = Number((readOr(peakFile, '').trim().split('\n').pop() ?? '').trim());
  fs.rmSync(peakFile, { force: true });
  const status = r.error ? `error ${r.error.code ?? r.error.message}` : r.signal ? `signal ${r.signal}` : r.status;
  return {
    ok: typeof status === 'number' && accept(status),
    status,
    seconds,
    peakMB: Number.isFinite(kb) && kb > 0 ? kb / 1024 : null,
    log,
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The last lines of a log, indented for the report. */
export function lastLines(file, n = 5) {
  return readOr(file, '')
    .trimEnd()
    .split('\n')
    .slice(-n)
    .map((l) => '      | ' + l)
    .join('\n');
}

export const statusText = (st) => (typeof st === 'number' ? `exit ${st}` : st);
export const fmt = (x, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));
export const ratio = (a, b) => (a == null || b == null || !(b > 0) ? null : a / b);
export const pad = (s, n) => String(s).padEnd(n);
export const lpad = (s, n) => String(s).padStart(n);

/**
 * One measured run of a command that must write `json` (none: any run): the file is removed
 * first, and a run that ends well without writing it counts as a failure.
 */
export function measureWritingJson(json, run) {
  if (json) fs.rmSync(json, { force: true });
  const m = run();
  if (m.ok && json && !fs.existsSync(json)) {
    m.ok = false;
    m.status = `${statusText(m.status)}, no JSON written`;
  }
  return m;
}

/**
 * `runs` rounds, each measuring every command once with `measureOnce(command)` (a measureCommand
 * result), rather than one command's runs in a row: on a shared machine the load drifts over
 * minutes, and a round measures its commands under about the same conditions. A command with
 * `json` must write that file; one with a `failure` already is not run; a command that fails is
 * not run again. Rows in the commands' order: median seconds, max peak and every time, or the
 * failure.
 */
export function measureRounds(commands, runs, measureOnce) {
  const state = commands.map((c) => ({ c, times: [], peaks: [], failure: c.failure ?? null }));
  for (let run = 0; run < runs; run++) {
    for (const s of state) {
      if (s.failure) continue;
      const m = measureWritingJson(s.c.json, () => measureOnce(s.c));
      if (!m.ok) {
        s.failure = m;
        continue;
      }
      s.times.push(m.seconds);
      if (m.peakMB !== null) s.peaks.push(m.peakMB);
    }
  }
  return state.map(({ c, times, peaks, failure }) =>
    failure ? { name: c.name, ok: false, status: failure.status, log: failure.log } : { name: c.name, ok: true, seconds: median(times), peakMB: peaks.length ? Math.max(...peaks) : null, times },
  );
}

/** `times` over `baseTimes`, round by round (the rounds of measureRounds). */
export const ratiosByRound = (times, baseTimes) => times.map((t, i) => fmt(ratio(t, baseTimes[i]))).join(' ');
