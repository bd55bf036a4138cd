// Fallback peak-memory probe for machines without GNU time (/usr/bin/time -v).
// Runs a Node script in this process and reports the process's peak RSS at exit.
//
//   PEAK_OUT=/tmp/peak.txt node bench/peak.mjs <script.js> [args...]
//
// Writes "<maxRSS in KiB>" to $PEAK_OUT (or "PEAK_RSS_KB=<n>" to stderr if PEAK_OUT is unset).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error('usage: node bench/peak.mjs <script> [args...]');
  process.exit(2);
}

process.on('exit', () => {
  const kb = process.resourceUsage().maxRSS; // KiB on Linux
  if (process.env.PEAK_OUT) fs.writeFileSync(process.env.PEAK_OUT, `${kb}\n`);
  else process.stderr.write(`PEAK_RSS_KB=${kb}\n`);
});

const abs = path.resolve(script);
process.argv = [process.argv[0], abs, ...args];
await import(pathToFileURL(abs).href);
