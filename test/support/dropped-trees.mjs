// Child process of test/node-caches.test.ts (run under --trace-gc-nvp): parses many modules,
// asks each for an export (the export cache then holds an answer pointing into the tree) and
// drops it, starting a new generation of node caches after each when told to, as a streamed run
// does. It imports the build: the scavenger's promotions are what is measured, in a process of
// its own.
import ts from 'typescript';
import { lookupExport } from '../../dist/src/resolve/declarations.js';
import { clearNodeCaches } from '../../dist/src/resolve/node-caches.js';
import { parseWithParents } from '../../dist/src/resolve/walk.js';

const [mode, count] = process.argv.slice(2);
const graph = { resolveModule: () => undefined };
const body = Array.from({ length: 60 }, (_, j) => `export function load${j}(id: string) { return redis.get(\`product:\${id}:${j}\`); }`).join('\n');
for (let i = 0; i < Number(count); i++) {
  const text = `export const productKey = (id: string) => \`product:\${id}\`;\n${body}\n// ${i}\n`;
  const sf = parseWithParents(`/project/keys-${i}.ts`, text, { languageVersion: ts.ScriptTarget.Latest }, ts.ScriptKind.TS);
  if (!lookupExport(graph, sf, 'productKey')) throw new Error('productKey not found');
  if (mode === 'clear') clearNodeCaches();
}
