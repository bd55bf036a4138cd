/**
 * Strings kept after their tree is dropped (src/keys/detached.ts): the same text, and templates
 * equal to the ones they copy (the checks compare templates by text, never by identity).
 */
import { describe, expect, it } from 'vitest';
import { detached, detachedOrNull, detachedTemplate, templateInterner } from '../src/keys/detached.js';
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

  it('a run keeps one template object per text, equal to the templates it stands for', () => {
    const intern = templateInterner();
    const first = intern(parseTemplate('tenant-settings:{{cluster-tag}}:{organisationIdentifier}:v2'));
    const again = intern(parseTemplate('tenant-settings:{{cluster-tag}}:{organisationIdentifier}:v2'));
    expect(again).toBe(first);
    expect(formatTemplate(first)).toBe('tenant-settings:{{cluster-tag}}:{organisationIdentifier}:v2');
    // Hole names are part of the text: another name is another template, of the same shape.
    const renamed = intern(parseTemplate('tenant-settings:{{cluster-tag}}:{orgId}:v2'));
    expect(renamed).not.toBe(first);
    expect(templateShape(renamed)).toBe(templateShape(first));
    // Each run has its own.
    expect(templateInterner()(parseTemplate('tenant-settings:{{cluster-tag}}:{organisationIdentifier}:v2'))).not.toBe(first);
  });
});
