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
