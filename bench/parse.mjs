// Syntax-only baseline: ts.createSourceFile on every .ts file under <tree>/src, nothing else
// (no program, no binder, no type checker), with the `typescript` package the keydrift analyzer uses,
// loaded the way keydrift loads it (through require: an ESM import of typescript.js costs ~0.3 s).
//
//   node bench/parse.mjs <treeDir>
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const ts = createRequire(import.meta.url)('typescript');

const root = path.resolve(process.argv[2] ?? '.');

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(abs);
    else if (entry.name.endsWith('.ts')) yield abs;
  }
}

let files = 0;
let statements = 0;
for (const file of walk(path.join(root, 'src'))) {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, /* setParentNodes */ true, ts.ScriptKind.TS);
  statements += sf.statements.length;
  files++;
}
console.log(JSON.stringify({ typescript: ts.version, files, statements }));
