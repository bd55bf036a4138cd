import ts from '#typescript';

/**
 * Visits `root` and everything below it in source order (pre-order) until `visit` returns true,
 * with a work list rather than recursion: a 5,000-deep `'a' + 'b' + …` is a 5,000-deep tree.
 * Returns whether a visit stopped the walk.
 */
export function forEachNode(root: ts.Node, visit: (node: ts.Node) => boolean | void): boolean {
  const stack: ts.Node[] = [root];
  const push = (child: ts.Node): void => void stack.push(child);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node)) return true;
    const start = stack.length;
    ts.forEachChild(node, push);
    for (let i = start, j = stack.length - 1; i < j; i++, j--) [stack[i], stack[j]] = [stack[j], stack[i]];
  }
  return false;
}

// Kinds that hold no code: tokens (identifiers, literals, keywords, punctuation) and types.
const NO_CODE = new Uint8Array(ts.SyntaxKind.Count);
for (let kind = 0; kind <= ts.SyntaxKind.LastToken; kind++) NO_CODE[kind] = 1;
for (let kind = ts.SyntaxKind.FirstTypeNode; kind <= ts.SyntaxKind.LastTypeNode; kind++) NO_CODE[kind] = 1;
NO_CODE[ts.SyntaxKind.InterfaceDeclaration] = 1;
NO_CODE[ts.SyntaxKind.TypeAliasDeclaration] = 1;

/**
 * Like forEachNode, for walks that look for calls, declarations and functions: it neither visits
 * nor enters tokens and types, where none of those can be. That is more than half of a tree's
 * nodes (every identifier is one), which a project-wide walk would otherwise call back for.
 */
export function forEachCodeNode(root: ts.Node, visit: (node: ts.Node) => void): void {
  const stack: ts.Node[] = [root];
  const push = (child: ts.Node): void => {
    if (NO_CODE[child.kind] === 0) stack.push(child);
  };
  while (stack.length > 0) {
    const node = stack.pop()!;
    visit(node);
    const start = stack.length;
    ts.forEachChild(node, push);
    for (let i = start, j = stack.length - 1; i < j; i++, j--) [stack[i], stack[j]] = [stack[j], stack[i]];
  }
}

/**
 * A parsed tree with parent pointers, which every walk up the tree (scope lookups, enclosing
 * functions) relies on. TypeScript's own `setParentNodes` pass allocates an array and a closure
 * for every node and fills it with `unshift`: on 5,000 files that cost ~0.5 s more than this
 * walk, in allocation and the garbage collection it causes. The same children get the same
 * parents (test/parse.test.ts compares the two on real files).
 *
 * With `recordCode`, the pass also lists the nodes forEachCodeNode would visit, in its order,
 * for the first walkCodeNodes of the tree to take instead of walking it again.
 */
export function parseWithParents(fileName: string, text: string, options: ts.CreateSourceFileOptions, scriptKind: ts.ScriptKind, recordCode = false): ts.SourceFile {
  const sourceFile = ts.createSourceFile(fileName, text, options, false, scriptKind);
  if (recordCode) recordedCodeNodes.set(sourceFile, setParentsListingCode(sourceFile));
  else setParentPointers(sourceFile);
  return sourceFile;
}

// The tree's first walk takes its entry and deletes it: the nodes point into the tree, and a
// WeakMap keeps an entry's value, so the tree, through young-generation collections
// (node-caches.ts). A tree no walk takes (one that does not parse) waits for a full collection.
const recordedCodeNodes = new WeakMap<ts.SourceFile, ts.Node[]>();

/**
 * forEachCodeNode over a whole tree, from the list its parse recorded when there is one (the
 * first walk only; later walks go down the tree again).
 */
export function walkCodeNodes(file: ts.SourceFile, visit: (node: ts.Node) => void): void {
  const recorded = recordedCodeNodes.get(file);
  if (recorded === undefined) return forEachCodeNode(file, visit);
  recordedCodeNodes.delete(file);
  for (const node of recorded) visit(node);
}

/** Sets the parent of every node below `root` (JSDoc included), as `setParentNodes` would. */
function setParentPointers(root: ts.Node): void {
  const stack: ts.Node[] = [root];
  let parent = root;
  const adopt = (child: ts.Node): void => {
    (child as { parent: ts.Node }).parent = parent;
    stack.push(child);
  };
  while (stack.length > 0) {
    parent = stack.pop()!;
    ts.forEachChild(parent, adopt);
    const docs = (parent as { jsDoc?: ts.Node[] }).jsDoc;
    if (docs) for (const doc of docs) adopt(doc);
  }
}

/**
 * setParentPointers, in pre-order, returning the nodes forEachCodeNode visits in its order:
 * below a token or a type (NO_CODE) there is none, so those subtrees and JSDoc only get parents.
 */
function setParentsListingCode(root: ts.SourceFile): ts.Node[] {
  const code: ts.Node[] = [];
  const stack: ts.Node[] = [root];
  let parent: ts.Node = root;
  const adopt = (child: ts.Node): void => {
    (child as { parent: ts.Node }).parent = parent;
    stack.push(child);
  };
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (NO_CODE[node.kind] === 1) {
      // A type's subtree gets its parents the plain way; a token has no children (JSDoc at most).
      if (node.kind > ts.SyntaxKind.LastToken) setParentPointers(node);
      else adoptDocs(node);
      continue;
    }
    code.push(node);
    parent = node;
    const start = stack.length;
    ts.forEachChild(node, adopt);
    for (let i = start, j = stack.length - 1; i < j; i++, j--) [stack[i], stack[j]] = [stack[j], stack[i]];
    adoptDocs(node);
  }
  return code;
}

function adoptDocs(node: ts.Node): void {
  const docs = (node as { jsDoc?: ts.Node[] }).jsDoc;
  if (!docs) return;
  for (const doc of docs) {
    (doc as { parent: ts.Node }).parent = node;
    setParentPointers(doc);
  }
}
