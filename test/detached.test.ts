/**
 * Strings kept after their tree is dropped (src/keys/detached.ts): the same text, and templates
 * equal to the ones they copy (the checks compare templates by text, never by identity).
 */
import { describe, expect, it } from 'vitest';
import { detached, detachedOrNull, detachedTemplate } from '../src/keys/detached.js';
import { formatTemplate, parseTemplate, templateShape } from '../src/keys/template.js';

describe('detached strings', () => {
  it('keep their text, short or long', () => {
    const fileText = `export function ${'updateCatalogPrice'.repeat(3)}() {}\n`.repeat(100);
    const name = fileText.slice(16, 70);
    expect(detached(name)).toBe(name);
    expect(detached('short')).toBe('short');
    expect(detached('')).toBe('');
    expect(detachedOrNull(null)).toBeNull();
    expect(detachedOrNull(name)).toBe(name);
  });

  it('copy a template only when a segment is long enough to be a view, and the copy is equal', () => {
    const short = parseTemplate('product:v2:{id}');
    expect(detachedTemplate(short)).toBe(short);
    const long = parseTemplate('tenant-settings:{{cluster-tag}}:{organisationIdentifier}:v2');
    const copy = detachedTemplate(long);
    expect(copy).not.toBe(long);
    expect(copy).toEqual(long);
    expect(formatTemplate(copy)).toBe(formatTemplate(long));
    expect(templateShape(copy)).toBe(templateShape(long));
  });
});
