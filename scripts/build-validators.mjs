// Compiles the package's JSON Schemas (schemas/*.schema.json) to standalone validator modules in
// dist/src/config/validators/, so reading a registry or config file never loads or runs Ajv's
// compiler (~60 ms at every CLI start and every ESLint run with a registry). Each module carries
// the sha1 of the schema text it was made from; src/config/jsonc-document.ts compiles at run time
// instead when the schema has changed since the build, or when run from the sources.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const schemasDir = path.join(root, 'schemas');
const outDir = path.join(root, 'dist/src/config/validators');
fs.mkdirSync(outDir, { recursive: true });

for (const name of fs.readdirSync(schemasDir).filter((f) => f.endsWith('.schema.json')).sort()) {
  const text = fs.readFileSync(path.join(schemasDir, name), 'utf8');
  // The options must match compileAtRunTime in src/config/jsonc-document.ts.
  const ajv = new Ajv({ allErrors: true, verbose: true, code: { source: true } });
  const code = standaloneCode.default(ajv, ajv.compile(JSON.parse(text)));
  const hash = createHash('sha1').update(text).digest('hex');
  fs.writeFileSync(path.join(outDir, name.replace(/\.json$/, '.cjs')), `${code}\nmodule.exports.schemaSha1 = ${JSON.stringify(hash)};\n`);
}
