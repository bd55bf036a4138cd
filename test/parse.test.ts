/**
 * keydrift sets parent pointers itself after parsing (src/resolve/walk.ts parseWithParents):
 * every node must get the parent TypeScript's own `setParentNodes` gives it, JSDoc included, and
 * the pass that also lists the code nodes (a streamed run's) must list them as forEachCodeNode
 * visits them.
 * Compared node by node on the fixtures and on a deterministic sample of real files from
 * node_modules (TypeScript, JavaScript, declaration files).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { globSync } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import ts from '#typescript';
import { forEachCodeNode, forEachNode, parseWithParents, walkCodeNodes } from '../src/resolve/walk.js';

const root = path.resolve(import.meta.dirname, '..');

function sample(): string[] {
  const fixtures = globSync('fixtures/**/*.{ts,tsx,js,mjs,cjs}', { cwd: root, ignore: ['**/node_modules/**'] });
  const modules = globSync(
    ['node_modules/{ioredis,@redis/client,drizzle-orm,knex,commander,jsonc-parser,ajv,@upstash/redis}/**/*.{ts,js,mjs,cjs}', 'node_modules/typescript/lib/lib.es2015*.d.ts'],
    { cwd: root },
  ).sort();
  // Every 7th module file: a few hundred files of every kind, the same ones on every run.
  return [...fixtures.sort(), ...modules.filter((_, i) => i % 7 === 0)];
}

function scriptKind(file: string): ts.ScriptKind {
  if (file.endsWith('.tsx')) return ts.ScriptKind.TSX;
  return /\.[mc]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
}

/** Every node in pre-order with its JSDoc, as TypeScript's parent pass reaches them. */
function nodesOf(root: ts.Node): ts.Node[] {
  const out: ts.Node[] = [];
  const stack: ts.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    out.push(node);
    const children: ts.Node[] = [];
    ts.forEachChild(node, (child) => void children.push(child));
    for (const doc of (node as { jsDoc?: ts.Node[] }).jsDoc ?? []) children.push(doc);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return out;
}

const where = (node: ts.Node | undefined) => (node ? `${ts.SyntaxKind[node.kind]}@${node.pos}-${node.end}` : 'none');

describe('parseWithParents', () => {
  it('gives every node the parent TypeScript gives it', () => {
    const files = sample();
    expect(files.length).toBeGreaterThan(300);
    let nodes = 0;
    for (const file of files) {
      const text = readFileSync(path.join(root, file), 'utf8');
      const options = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseAll };
      const expected = nodesOf(ts.createSourceFile(file, text, options, true, scriptKind(file)));
      // Both passes: the plain one and the one listing the code nodes.
      for (const recordCode of [false, true]) {
        const actual = nodesOf(parseWithParents(file, text, options, scriptKind(file), recordCode));
        expect(actual.length, file).toBe(expected.length);
        for (let i = 0; i < expected.length; i++) {
          if (where(actual[i].parent) !== where(expected[i].parent)) expect(`${file}: ${where(actual[i])} in ${where(actual[i].parent)}`).toBe(`${file}: ${where(expected[i])} in ${where(expected[i].parent)}`);
        }
      }
      nodes += expected.length;
    }
    expect(nodes).toBeGreaterThan(100_000);
  });

  it('lists the code nodes forEachCodeNode visits, in its order, for the first walk', () => {
    let listed = 0;
    for (const file of sample()) {
      const text = readFileSync(path.join(root, file), 'utf8');
      const sf = parseWithParents(file, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseAll }, scriptKind(file), true);
      const walked: ts.Node[] = [];
      forEachCodeNode(sf, (node) => void walked.push(node));
      const first: ts.Node[] = [];
      walkCodeNodes(sf, (node) => void first.push(node));
      const again: ts.Node[] = [];
      walkCodeNodes(sf, (node) => void again.push(node));
      expect(first.length, file).toBe(walked.length);
      expect(first.every((node, i) => node === walked[i]), file).toBe(true);
      expect(again.every((node, i) => node === walked[i]) && again.length === walked.length, file).toBe(true);
      listed += first.length;
    }
    expect(listed).toBeGreaterThan(50_000);
  });

  it('gives a trailing JSDoc its parent, the end-of-file token, in both passes', () => {
    // The one token TypeScript hangs JSDoc on.
    const text = 'const a = 1;\n/** @type {number} */\n';
    for (const recordCode of [false, true]) {
      const sf = parseWithParents('a.js', text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseAll }, ts.ScriptKind.JS, recordCode);
      const docs = (sf.endOfFileToken as { jsDoc?: ts.Node[] }).jsDoc ?? [];
      expect(docs).toHaveLength(1);
      expect(docs[0].parent).toBe(sf.endOfFileToken);
      expect(nodesOf(docs[0]).slice(1).every((node) => node.parent !== undefined)).toBe(true);
    }
  });

  it('leaves nothing of a tree reachable once its listed nodes are walked', async () => {
    // A streamed run counts on a tree dying young: nothing the passes keep may point into it.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const parseAndWalk = (name: string): WeakRef<ts.SourceFile> => {
      const text = `import { a } from './a';\n/** doc */\nexport function f(x: Map<string, number>): string { return \`k:\${a}:\${x.size}\`; }\n`;
      const sf = parseWithParents(name, text, { languageVersion: ts.ScriptTarget.Latest }, ts.ScriptKind.TS, true);
      walkCodeNodes(sf, () => {});
      return new WeakRef(sf);
    };
    const trees = [parseAndWalk('one.ts'), parseAndWalk('two.ts')];
    // A WeakRef keeps its target to the end of the job that made or read it.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(trees.map((tree) => tree.deref() === undefined)).toEqual([true, true]);
  });

  it('handles a tree thousands of levels deep without recursion', () => {
    // `'a' + 'a' + …` nests to the left: a 5,000-deep tree the parser itself builds with a loop.
    const text = `export const k = ${Array.from({ length: 5000 }, () => "'a'").join(' + ')};\n`;
    const sf = parseWithParents('deep.ts', text, { languageVersion: ts.ScriptTarget.Latest }, ts.ScriptKind.TS);
    let leftmost: ts.Node | undefined;
    forEachNode(sf, (node) => ts.isStringLiteral(node) && (leftmost = node) !== undefined);
    let up = 0;
    let top: ts.Node = leftmost!;
    for (; top.parent; top = top.parent) up++;
    expect(top).toBe(sf);
    expect(up).toBeGreaterThan(5000);
  });
});
