/**
 * Entity ↔ key family: which cached key families a database write to a table or model makes
 * stale. The registry's `invalidatedBy` pins it; otherwise it is inferred from names (table
 * `products`, model `Product` ↔ families whose leading literal segments include `product`), and
 * reported as inferred so the user can pin it.
 */
import pluralize from 'pluralize';
import type { Template } from '../keys/template.js';
import { detached } from '../keys/detached.js';

/** `public.Order_Items` → `orderitem`: schema, case, separators and plural do not matter. */
export function normalizeEntity(name: string): string {
  let normalized = normalizedNames.get(name);
  if (normalized === undefined) {
    normalized = detached(normalize(name));
    // Names repeat across a large project (every write of `products`): a small memo pays.
    if (normalizedNames.size > 10_000) normalizedNames.clear();
    normalizedNames.set(detached(name), normalized);
  }
  return normalized;
}

const normalizedNames = new Map<string, string>();

function normalize(name: string): string {
  const bare = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name;
  const words = bare
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.length === 0) return '';
  // Only the last word is plural: `order_items` → `order item`, `categories` → `category`.
  words[words.length - 1] = pluralize.singular(words[words.length - 1]);
  return words.join('');
}

/**
 * The literal segments a template starts with (before its first hole; after it when the
 * template starts with one), version segments (`v2`) dropped, each normalized like an entity:
 * `product:v2:{id}` → [product], `{tenant}:order-item:{id}` → [orderitem].
 */
export function leadingWords(template: Template): string[] {
  const segments = template.segments;
  const firstLiteral = segments.findIndex((s) => s.kind === 'literal');
  if (firstLiteral < 0) return [];
  const run = segments[firstLiteral];
  if (run.kind !== 'literal') return [];
  const text = run.text;
  // A literal that continues into a hole (`product:{id}`): its last piece is part of that key
  // segment (`prod{id}`) only when no separator precedes the hole.
  const words = text.split(/[:/|#.]+/).filter(Boolean);
  if (firstLiteral + 1 < segments.length && !/[:/|#.]$/.test(text)) words.pop();
  return words.filter((w) => !/^v\d+$/i.test(w)).map(normalizeEntity).filter(Boolean);
}

/** Does a write to `entity` (inferred by name) make the family of `template` stale? */
export function entityNamesTemplate(entity: string, template: Template): boolean {
  const wanted = normalizeEntity(entity);
  return wanted !== '' && leadingWords(template).includes(wanted);
}

/** Entities pinned by the registry (`invalidatedBy`) name the same entity when they normalize alike. */
export function sameEntity(a: string, b: string): boolean {
  const na = normalizeEntity(a);
  return na !== '' && na === normalizeEntity(b);
}
