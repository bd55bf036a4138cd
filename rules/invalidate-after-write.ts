import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { checkInvalidateAfterWrite } from '../src/analyze/write-checks.js';
import { createRule } from './utils/create-rule.js';
import { registryFor } from './utils/settings.js';
import { callAt, placementOf, runCheck, writeCandidateVisitors, writePathsFor, type Placement } from './utils/write-paths.js';

type Options = [];
type MessageId = 'invalidatedBeforeWrite' | 'invalidatedBeforeCommit' | 'moveAfterWrite' | 'moveAfterTransaction' | 'moveAfterCommit';

export default createRule<Options, MessageId>({
  name: 'invalidate-after-write',
  meta: {
    type: 'problem',
    docs: { description: 'Require cache invalidations to run after the database write they are for has committed', recommended: 'recommended' },
    hasSuggestions: true,
    messages: {
      // The analyzer's messages, word for word, so the editor and `keydrift analyze` agree.
      invalidatedBeforeWrite: '{{message}}.',
      invalidatedBeforeCommit: '{{message}}.',
      moveAfterWrite: 'Move the invalidation after the write.',
      moveAfterTransaction: 'Move the invalidation after the transaction.',
      moveAfterCommit: 'Move the invalidation after the COMMIT.',
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    return {
      ...writeCandidateVisitors(context),
      'Program:exit'() {
        // Only an invalidation is ever reported: a file without one needs no write facts.
        const paths = writePathsFor(context, registryFor(context), {}, { invalidation: true });
        if (!paths) return;
        const sourceCode = context.sourceCode;
        for (const finding of runCheck(paths, 'invalidate-after-write', checkInvalidateAfterWrite)) {
          const node = callAt(sourceCode, finding.index);
          const placement = placementOf(paths, finding);
          const beforeWrite = placement ? placement.kind === 'write' : !finding.message.includes('before it commits');
          const messageId = beforeWrite ? 'invalidatedBeforeWrite' : 'invalidatedBeforeCommit';
          const suggest = node && placement ? moveSuggestion(sourceCode, node, placement) : [];
          const data = { message: finding.message };
          if (node) context.report({ node, messageId, data, suggest });
          else context.report({ loc: sourceCode.getLocFromIndex(finding.index), messageId, data });
        }
      },
    };
  },
});

type Suggestion = TSESLint.SuggestionReportDescriptor<MessageId>;

/**
 * Moving code can change what it does, so this is a suggestion, never a fix, and only offered
 * when the move is plain: the invalidation is an `await …;` statement of its own, and the
 * statement it moves behind is an expression statement in the same block (for a transaction
 * callback: the statement that runs the transaction, with the invalidation using nothing
 * declared inside the callback).
 */
function moveSuggestion(sourceCode: Readonly<TSESLint.SourceCode>, invalidation: TSESTree.Node, placement: Placement): Suggestion[] {
  const statement = awaitedStatement(invalidation);
  if (!statement || placement.after === undefined) return [];
  const target = callAt(sourceCode, placement.after);
  const after = target && statementOf(target);
  if (!after || after.type !== 'ExpressionStatement') return [];
  if (placement.kind === 'transaction') {
    // The invalidation sits directly in the callback the transaction statement runs.
    const callback = statement.parent.parent;
    if (!isFunction(callback) || !contains(after, callback) || usesCallbackBindings(sourceCode, statement, callback)) return [];
  } else if (after.parent !== statement.parent || after.range[0] < statement.range[1]) {
    return [];
  }
  const messageId = placement.kind === 'write' ? 'moveAfterWrite' : placement.kind === 'transaction' ? 'moveAfterTransaction' : 'moveAfterCommit';
  const text = sourceCode.getText(statement);
  const eol = sourceCode.text.includes('\r\n') ? '\r\n' : '\n';
  const indent = indentOf(sourceCode, after);
  return [{ messageId, fix: (fixer) => [fixer.removeRange(lineRange(sourceCode, statement)), fixer.insertTextAfter(after, `${eol}${indent}${text}`)] }];
}

/** `await <call>;` as a statement of its own in a block, for the call; else undefined. */
function awaitedStatement(call: TSESTree.Node): TSESTree.ExpressionStatement | undefined {
  let node: TSESTree.Node = call;
  while (node.parent?.type === 'ChainExpression' || node.parent?.type === 'TSNonNullExpression' || node.parent?.type === 'TSAsExpression') node = node.parent;
  const awaited = node.parent;
  if (awaited?.type !== 'AwaitExpression' || awaited.argument !== node) return undefined;
  const statement = awaited.parent;
  if (statement?.type !== 'ExpressionStatement' || statement.expression !== awaited) return undefined;
  return statement.parent.type === 'BlockStatement' || statement.parent.type === 'Program' ? statement : undefined;
}

/** The statement an expression is part of, when it is directly in a block. */
function statementOf(node: TSESTree.Node): TSESTree.Node | undefined {
  let n: TSESTree.Node | undefined = node;
  while (n && !n.type.endsWith('Statement') && n.type !== 'VariableDeclaration') {
    if (isFunction(n)) return undefined;
    n = n.parent;
  }
  return n && (n.parent?.type === 'BlockStatement' || n.parent?.type === 'Program') ? n : undefined;
}

function isFunction(node: TSESTree.Node | undefined): node is TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression {
  return node?.type === 'ArrowFunctionExpression' || node?.type === 'FunctionExpression';
}

function contains(outer: TSESTree.Node, inner: TSESTree.Node): boolean {
  return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}

/** Does the statement use a parameter or variable of the callback (it would not exist after the transaction)? */
function usesCallbackBindings(sourceCode: Readonly<TSESLint.SourceCode>, statement: TSESTree.Node, callback: TSESTree.Node): boolean {
  const scope = sourceCode.scopeManager?.acquire(callback);
  if (!scope) return true;
  const inner = new Set<unknown>();
  const collect = (s: TSESLint.Scope.Scope): void => {
    for (const variable of s.variables) inner.add(variable);
    for (const child of s.childScopes) collect(child);
  };
  collect(scope);
  const uses = (s: TSESLint.Scope.Scope): boolean =>
    s.references.some((ref) => contains(statement, ref.identifier) && declaredOutside(ref.resolved)) || s.childScopes.some(uses);
  // A binding of the callback, not one the statement declares itself (`ids.map((id) => …)`).
  const declaredOutside = (variable: TSESLint.Scope.Variable | null): boolean =>
    variable !== null && inner.has(variable) && !variable.defs.some((def) => contains(statement, def.name));
  return uses(scope);
}

function indentOf(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): string {
  const line = sourceCode.lines[node.loc.start.line - 1] ?? '';
  return /^\s*/.exec(line)![0];
}

/** The statement's whole line when nothing else is on it, else just the statement. */
function lineRange(sourceCode: Readonly<TSESLint.SourceCode>, statement: TSESTree.Node): [number, number] {
  const text = sourceCode.text;
  let start = statement.range[0];
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  let end = statement.range[1];
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  const ownLine = (start === 0 || text[start - 1] === '\n') && (end === text.length || text[end] === '\n' || text[end] === '\r');
  if (!ownLine) return statement.range;
  if (text[end] === '\r') end++;
  if (text[end] === '\n') end++;
  return [start, end];
}
