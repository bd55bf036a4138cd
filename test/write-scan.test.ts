/**
 * The write scan (src/analyze/write-facts.ts WriteScan) names the function each call sits in from
 * a stack of the functions around the node it visits, kept as nodes arrive in pre-order, rather
 * than walking up the parents of every call. These cases pin the names it must find: calls
 * after a function has ended belong to the code around it, anonymous callbacks to the function
 * they are written in, constructors and accessors to the code around the class, and a second
 * walk of the same file starts afresh. The answers are the same through every walk the scan is
 * fed by: discovery's list of code nodes, forEachCodeNode and forEachNode.
 */
import { describe, expect, it } from 'vitest';
import ts from '#typescript';
import { WriteScan } from '../src/analyze/write-facts.js';
import { forEachCodeNode, forEachNode, parseWithParents, walkCodeNodes } from '../src/resolve/walk.js';

const SOURCE = `
async function writes() { await db.query('UPDATE t SET a = 1'); }

// Ends before the module-level code below: none of it is this function's.
function before() { return 1; }
writes();
const mapped = [1].map(() => writes());

function outer() {
  // A callback's calls are the function's it is written in.
  [1].forEach(() => { writes(); });
  function inner() { return 2; }
  class Local {
    constructor() { writes(); }
    get value() { return writes(); }
  }
  return new Local();
}

function quiet() { return [1].map((x) => x + 1); }

const arrow = async () => { await writes(); };
const viaArrow = () => arrow();
const chain = () => viaArrow();

class Service {
  constructor() { writes(); }
  method() { return this.helper(); }
  helper() { return chain(); }
  idle() { return before(); }
}

(function named() { return writes(); })();
function after() { return quiet(); }
function tagged() { return sql\`SELECT 1\`; }
`;

const EFFECTFUL = ['writes', 'outer', 'arrow', 'viaArrow', 'chain', 'helper', 'method', 'named', 'tagged'];
const NOT_EFFECTFUL = ['before', 'inner', 'quiet', 'idle', 'after', 'mapped', 'Local', 'Service', 'value'];

function parse(): ts.SourceFile {
  return parseWithParents('/project/src/a.ts', SOURCE, { languageVersion: ts.ScriptTarget.Latest }, ts.ScriptKind.TS, true);
}

function answers(feed: (scan: WriteScan, file: ts.SourceFile) => void): Record<string, boolean> {
  const file = parse();
  const scan = new WriteScan(new Set([file]));
  feed(scan, file);
  return Object.fromEntries([...EFFECTFUL, ...NOT_EFFECTFUL].map((name) => [name, scan.keepCall(name)]));
}

const expected = Object.fromEntries([...EFFECTFUL.map((name) => [name, true]), ...NOT_EFFECTFUL.map((name) => [name, false])]);

describe('write scan: the function a call belongs to', () => {
  it('from discovery’s recorded list of code nodes', () => {
    expect(answers((scan, file) => walkCodeNodes(file, (node) => scan.kinds[node.kind] === 1 && scan.visit(node, file)))).toEqual(expected);
  });

  it('from forEachCodeNode', () => {
    const file = parse();
    walkCodeNodes(file, () => {}); // the recorded list is taken: the next walk goes down the tree
    const scan = new WriteScan(new Set([file]));
    forEachCodeNode(file, (node) => scan.kinds[node.kind] === 1 && scan.visit(node, file));
    expect(Object.fromEntries(Object.keys(expected).map((name) => [name, scan.keepCall(name)]))).toEqual(expected);
  });

  it('from every node (forEachNode), as collectWriteFacts walks without discovery', () => {
    expect(answers((scan, file) => forEachNode(file, (node) => void scan.visit(node, file)))).toEqual(expected);
  });

  it('a second walk of the same file starts afresh', () => {
    const result = answers((scan, file) => {
      // The first walk stops inside `outer`; the second must not think it is still there.
      let stop = false;
      forEachNode(file, (node) => {
        if (stop) return true;
        scan.visit(node, file);
        stop = ts.isFunctionDeclaration(node) && node.name?.text === 'inner';
        return false;
      });
      forEachNode(file, (node) => void scan.visit(node, file));
    });
    expect(result).toEqual(expected);
  });

  it('lists each own file’s calls and tagged templates in source order', () => {
    const file = parse();
    const scan = new WriteScan(new Set([file]));
    forEachNode(file, (node) => void scan.visit(node, file));
    const listed = scan.nodesOf.get(file)!.map((node) => node.getStart(file));
    expect(listed.length).toBe(20);
    expect(listed).toEqual([...listed].sort((a, b) => a - b));
  });
});
