/**
 * Key builders, for the suggestions that replace an inline key with a builder call: each
 * exported function of a builder module (function, arrow const, static method, method of an
 * exported object) with the template its `return` produces, parameters as holes. Builder
 * modules are parsed once per process and again only when they change on disk.
 */
import path from 'node:path';
import { ASTUtils, type TSESLint, type TSESTree } from '@typescript-eslint/utils';
import ts from 'typescript';
import { templateShape, type Template } from '../../src/keys/template.js';
import { isFunctionNode, isStatic, returnExpressions, skipOuterExpressions, type FunctionNode } from '../../src/resolve/declarations.js';
import { propertyNameText, resolveKey } from '../../src/resolve/resolve-key.js';
import { diskGraph, parseFromDisk } from './disk-graph.js';
import { createFileCache } from './file-cache.js';

export interface Builder {
  /** How a call is written: `productKey`, `CacheKeys.product`. */
  callee: string;
  /** The name to import: `productKey`, `CacheKeys`. */
  importName: string;
  moduleFile: string;
  params: string[];
  template: Template;
}

const buildersOfModule = createFileCache((file, exists): Builder[] => {
  if (!exists) return [];
  try {
    return collectBuilders(file);
  } catch {
    return [];
  }
});

export function buildersIn(moduleFiles: string[]): Builder[] {
  return moduleFiles.flatMap(buildersOfModule);
}

/** The builder whose template has the same shape as `template`, if exactly one does. */
export function builderFor(builders: Builder[], template: Template): Builder | undefined {
  const shape = templateShape(template);
  const matches = builders.filter((b) => templateShape(b.template) === shape);
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * The builder call for a key whose holes are written as `holeTexts` (in template order), or
 * undefined when the builder's parameters cannot all be filled from them.
 */
export function builderCall(builder: Builder, keyTemplate: Template, holeTexts: string[]): string | undefined {
  const builderHoles = builder.template.segments.filter((s) => s.kind === 'hole');
  const keyHoles = keyTemplate.segments.filter((s) => s.kind === 'hole');
  if (builderHoles.length !== keyHoles.length || keyHoles.length !== holeTexts.length) return undefined;
  const args: (string | undefined)[] = builder.params.map(() => undefined);
  builderHoles.forEach((hole, i) => {
    const p = builder.params.indexOf(hole.kind === 'hole' ? hole.name : '');
    if (p >= 0) args[p] = holeTexts[i];
  });
  if (args.some((a) => a === undefined)) return undefined;
  return `${builder.callee}(${args.join(', ')})`;
}

/**
 * Whether a call of `builder` written at `index` would call the builder: its name is unbound
 * there (importFix imports it) or bound by an import of that very builder. A parameter, a local
 * or an import from elsewhere with the same name would make the call mean something else, or
 * the added import clash with it.
 */
export function builderNameFree(sourceCode: Readonly<TSESLint.SourceCode>, index: number, builder: Builder, lintedFile: string): boolean {
  const node = sourceCode.getNodeByRangeIndex(index);
  const variable = node && ASTUtils.findVariable(sourceCode.getScope(node), builder.importName);
  if (!node || !variable || variable.defs.length === 0) return !!node;
  const stem = (file: string) => file.replace(/\.[mc]?[jt]sx?$/, '');
  return variable.defs.every((def) => {
    if (def.node.type !== 'ImportSpecifier' || def.parent?.type !== 'ImportDeclaration') return false;
    const imported = def.node.imported.type === 'Identifier' ? def.node.imported.name : def.node.imported.value;
    const from = def.parent.source.value;
    return imported === builder.importName && from.startsWith('.') && stem(path.resolve(path.dirname(lintedFile), from)) === stem(builder.moduleFile);
  });
}

/** A fix that imports the builder into the linted file when it is not imported yet. */
export function importFix(
  fixer: TSESLint.RuleFixer,
  program: TSESTree.Program,
  builder: Builder,
  lintedFile: string,
): TSESLint.RuleFix | undefined {
  const imports = program.body.filter((s): s is TSESTree.ImportDeclaration => s.type === 'ImportDeclaration');
  const bound = imports.some((i) => i.specifiers.some((s) => s.local.name === builder.importName));
  if (bound) return undefined;
  let specifier = path.relative(path.dirname(lintedFile), builder.moduleFile).split(path.sep).join('/');
  if (!specifier.startsWith('.')) specifier = `./${specifier}`;
  const usesJsExtension = imports.some((i) => typeof i.source.value === 'string' && i.source.value.startsWith('.') && i.source.value.endsWith('.js'));
  specifier = specifier.replace(/\.[mc]?tsx?$/, usesJsExtension ? '.js' : '');
  const text = `import { ${builder.importName} } from '${specifier}';\n`;
  const last = imports[imports.length - 1];
  // No import yet: first in the file, but after a hashbang, which must stay the first line.
  const hashbang = program.comments?.find((c) => (c.type as string) === 'Shebang');
  return last ? fixer.insertTextAfter(last, `\n${text.trimEnd()}`) : hashbang ? fixer.insertTextAfterRange(hashbang.range, `\n${text.trimEnd()}`) : fixer.insertTextBeforeRange([0, 0], text);
}

function collectBuilders(file: string): Builder[] {
  const sf = parseFromDisk(file);
  if (!sf) return [];
  const ctx = { graph: diskGraph };
  const out: Builder[] = [];
  const add = (callee: string, importName: string, fn: FunctionNode) => {
    const returns = returnExpressions(fn);
    if (returns.length !== 1) return;
    const resolved = resolveKey(returns[0], ctx);
    if (resolved.templates.length !== 1) return;
    const params = fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''));
    out.push({ callee, importName, moduleFile: file, params, template: resolved.templates[0] });
  };
  for (const statement of sf.statements) {
    if (!isExported(statement)) continue;
    if (ts.isFunctionDeclaration(statement) && statement.name) add(statement.name.text, statement.name.text, statement);
    if (ts.isClassDeclaration(statement) && statement.name) {
      for (const member of statement.members) {
        if (ts.isMethodDeclaration(member) && isStatic(member) && member.name && propertyNameText(member.name)) {
          add(`${statement.name.text}.${propertyNameText(member.name)}`, statement.name.text, member);
        }
      }
    }
    if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        if (!ts.isIdentifier(decl.name) || !decl.initializer) continue;
        const init = skipOuterExpressions(decl.initializer);
        if (isFunctionNode(init)) add(decl.name.text, decl.name.text, init);
        if (ts.isObjectLiteralExpression(init)) {
          for (const prop of init.properties) {
            const name = prop.name && propertyNameText(prop.name);
            if (!name) continue;
            if (ts.isMethodDeclaration(prop)) add(`${decl.name.text}.${name}`, decl.name.text, prop);
            else if (ts.isPropertyAssignment(prop) && isFunctionNode(skipOuterExpressions(prop.initializer))) {
              add(`${decl.name.text}.${name}`, decl.name.text, skipOuterExpressions(prop.initializer) as FunctionNode);
            }
          }
        }
      }
    }
  }
  return out;
}

function isExported(statement: ts.Statement): boolean {
  return ts.canHaveModifiers(statement) && (ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
}
