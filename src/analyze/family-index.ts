/**
 * Key uses grouped by family shape, with unification between shapes memoized. A large
 * project has tens of thousands of key uses but a few hundred shapes, so the cross-file checks
 * compare shapes, never use against use.
 */
import { driftBetween, type DriftKind } from '../keys/drift.js';
import { templateShape, type Template } from '../keys/template.js';
import { unify } from '../keys/unify.js';
import type { CheckSite, Located } from './site.js';

/** One template of one key of one call site: the unit every check works on. */
export interface KeyUse {
  site: CheckSite;
  where: Located;
  template: Template;
  text: string;
  shape: string;
}

export interface ShapeGroup {
  shape: string;
  template: Template;
  uses: KeyUse[];
  /** A fully literal template with `*` / `?` / `[`: DEL takes it as a key name, not a pattern. */
  literalGlob: boolean;
}

export class FamilyIndex {
  readonly groups = new Map<string, ShapeGroup>();
  /** Lower shape → higher shape → whether they unify (nested maps: no key string per question). */
  private readonly unifyMemo = new Map<string, Map<string, boolean>>();

  constructor(uses: KeyUse[]) {
    for (const use of uses) {
      let group = this.groups.get(use.shape);
      if (!group) {
        group = { shape: use.shape, template: use.template, uses: [], literalGlob: isLiteralGlob(use.template) };
        this.groups.set(use.shape, group);
      }
      group.uses.push(use);
    }
  }

  group(shape: string): ShapeGroup {
    return this.groups.get(shape)!;
  }

  unifies(a: string, b: string): boolean {
    if (a === b) return true;
    const low = a < b ? a : b;
    const high = a < b ? b : a;
    let byHigh = this.unifyMemo.get(low);
    if (!byHigh) this.unifyMemo.set(low, (byHigh = new Map()));
    let value = byHigh.get(high);
    if (value === undefined) {
      value = unify(this.group(a).template, this.group(b).template);
      byHigh.set(high, value);
    }
    return value;
  }

  /**
   * Whether an invalidation (or overwrite) of shape `a` reaches family `b`. DEL takes key names,
   * not patterns: a literal `product:*` deletes the one key named so, not `product:{id}`.
   */
  invalidates(a: string, b: string): boolean {
    if (this.group(a).literalGlob) return a === b;
    return this.unifies(a, b);
  }

  /** How a shape drifted from a target (asked once per pair: the checks remember the nearest per shape). */
  drift(shape: string, target: { shape: string; template: Template }): DriftKind | undefined {
    return driftBetween(this.group(shape).template, target.template);
  }
}

export function shapeOf(template: Template): string {
  return templateShape(template);
}

function isLiteralGlob(t: Template): boolean {
  return t.segments.every((s) => s.kind === 'literal') && /[*?[]/.test(t.segments.map((s) => (s.kind === 'literal' ? s.text : '')).join(''));
}
