import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { lineAndColumn } from '../src/config/jsonc-document.js';
import { parseTemplate } from '../src/keys/template.js';
import { renderInitialRegistry, writeInitialRegistry } from '../src/registry/init.js';
import {
  classifyKey,
  findRegistry,
  loadRegistry,
  matchDeprecated,
  matchFamily,
  parseRegistry,
  RegistryError,
} from '../src/registry/load.js';

const FILE = 'keydrift.keys.json';
const fixtures = fileURLToPath(new URL('../fixtures/registries/', import.meta.url));
const schemaFile = fileURLToPath(new URL('../schemas/registry.schema.json', import.meta.url));

function lines(...text: string[]): string {
  return text.join('\n');
}

/** The message of the RegistryError that parsing `text` throws. */
function errorMessage(text: string): string {
  try {
    parseRegistry(text, FILE);
  } catch (error) {
    if (error instanceof RegistryError) return error.message;
    throw error;
  }
  throw new Error('expected a RegistryError');
}

// A registry whose `ttl.max` (line 5, column 23) has the wrong type.
const wrongTtlType = [
  '{',
  '  "keys": {',
  '    "product": {',
  '      "template": "product:v2:{id}",',
  '      "ttl": { "max": "1h" }',
  '    }',
  '  }',
  '}',
];

describe('parseRegistry', () => {
  it('reads a valid registry with comments and trailing commas', () => {
    const registry = parseRegistry(
      lines(
        '// the registry',
        '{',
        '  "$schema": "./node_modules/eslint-plugin-keydrift/schemas/registry.schema.json",',
        '  "keys": {',
        '    /* detail pages */',
        '    "product": {',
        '      "template": "product:v2:{id}",',
        '      "ttl": { "max": 3600, },',
        '      "invalidatedBy": ["products",],',
        '      "description": "Product detail, cache-aside",',
        '    },',
        '    "session": { "template": "session:{sid}", "ttl": { "none": true } },',
        '  },',
        '  "deprecated": { "product:{id}": "product:v2:{id}", },',
        '  "builders": ["src/cache/keys.ts"],',
        '  "channels": { "cache:invalidate": { "invalidates": ["product"] } },',
        '}',
      ),
      FILE,
    );
    expect(registry).toEqual({
      file: FILE,
      families: [
        {
          name: 'product',
          templateText: 'product:v2:{id}',
          template: parseTemplate('product:v2:{id}'),
          ttl: { max: 3600 },
          invalidatedBy: ['products'],
          description: 'Product detail, cache-aside',
          position: { line: 6, column: 5 },
        },
        {
          name: 'session',
          templateText: 'session:{sid}',
          template: parseTemplate('session:{sid}'),
          ttl: { none: true },
          invalidatedBy: [],
          position: { line: 12, column: 5 },
        },
      ],
      deprecated: [
        {
          templateText: 'product:{id}',
          template: parseTemplate('product:{id}'),
          replacementText: 'product:v2:{id}',
          replacement: parseTemplate('product:v2:{id}'),
        },
      ],
      builders: ['src/cache/keys.ts'],
      channels: [{ name: 'cache:invalidate', template: parseTemplate('cache:invalidate'), invalidates: ['product'] }],
    });
  });

  it('accepts an empty registry and keeps families in file order', () => {
    expect(parseRegistry('{}', FILE)).toEqual({ file: FILE, families: [], deprecated: [], builders: [], channels: [] });
    const registry = parseRegistry('{ "keys": { "b": { "template": "b" }, "1": { "template": "one" } } }', FILE);
    expect(registry.families.map((f) => f.name)).toEqual(['b', '1']);
  });

  it('reports a syntax error where it is', () => {
    const text = lines(
      '{',
      '  "keys": {',
      '    "product": { "template": "product:{id}" }',
      '    "user": { "template": "user:{id}" }',
      '  }',
      '}',
    );
    expect(errorMessage(text)).toBe('keydrift.keys.json:4:5: syntax error: comma expected');
    expect(errorMessage('')).toBe('keydrift.keys.json:1:1: syntax error: value expected');
    expect(errorMessage('{ "keys": {}')).toBe('keydrift.keys.json:1:13: syntax error: close brace expected');
  });

  it('reports a wrong type at the value', () => {
    expect(errorMessage(lines(...wrongTtlType))).toBe('keydrift.keys.json:5:23: keys.product.ttl.max must be integer');
    expect(errorMessage('[]')).toBe('keydrift.keys.json:1:1: registry must be object');
    expect(errorMessage('{ "builders": ["a", 3] }')).toBe('keydrift.keys.json:1:21: builders[1] must be string');
  });

  it('reports a duplicate family at its second occurrence', () => {
    const text = lines(
      '{',
      '  "keys": {',
      '    "product": { "template": "product:{id}" },',
      '    "product": { "template": "product:v2:{id}" }',
      '  }',
      '}',
    );
    expect(errorMessage(text)).toBe("keydrift.keys.json:4:5: duplicate key family 'product'");
    expect(errorMessage('{ "keys": { "a": { "template": "a", "template": "b" } } }')).toBe(
      "keydrift.keys.json:1:37: duplicate field 'template' in keys.a",
    );
  });

  it('reports an invalid template at the offending character', () => {
    const text = lines('{', '  "keys": {', '    "product": { "template": "product:{id" }', '  }', '}');
    // The value starts at column 30; `{` is character 8 of it.
    expect(errorMessage(text)).toBe(
      "keydrift.keys.json:3:39: keys.product.template: invalid template 'product:{id': " +
        "unclosed '{' at offset 8 (write '{{' for a literal brace)",
    );
    // An escape is six characters in the file but one in the value.
    expect(errorMessage('{ "keys": { "p": { "template": "\\u0070roduct:{id" } } }')).toMatch(/^keydrift\.keys\.json:1:46: /);
  });

  it('checks deprecated templates, replacements and channel names', () => {
    expect(errorMessage('{ "deprecated": { "old:{id": "new:{id}" } }')).toMatch(
      /^keydrift\.keys\.json:1:24: deprecated\["old:\{id"\] \(deprecated template\): invalid template/,
    );
    expect(errorMessage('{ "deprecated": { "old:{id}": "new:}" } }')).toMatch(
      /^keydrift\.keys\.json:1:36: deprecated\["old:\{id\}"\] \(replacement\): invalid template 'new:}'/,
    );
    expect(errorMessage('{ "channels": { "inv:{": {} } }')).toMatch(
      /^keydrift\.keys\.json:1:22: channels\["inv:\{"\] \(channel name\): invalid template/,
    );
  });

  it('reports an unknown field at its name', () => {
    expect(errorMessage(lines('{', '  "keys": {},', '  "familes": {}', '}'))).toBe(
      "keydrift.keys.json:3:3: unknown top-level field 'familes' " +
        "(expected '$schema', 'keys', 'deprecated', 'builders', 'channels')",
    );
    const inFamily = lines('{', '  "keys": {', '    "product": { "template": "p:{id}", "tll": { "max": 60 } }', '  }', '}');
    expect(errorMessage(inFamily)).toBe(
      "keydrift.keys.json:3:40: unknown field 'tll' in keys.product " +
        "(expected 'template', 'ttl', 'invalidatedBy', 'description')",
    );
  });

  it('reports a missing template and bad TTL bounds', () => {
    expect(errorMessage('{ "keys": { "product": { "ttl": {} } } }')).toBe(
      "keydrift.keys.json:1:13: keys.product is missing required field 'template'",
    );
    expect(errorMessage('{ "keys": { "p": { "template": "p", "ttl": { "min": 60, "max": 30 } } } }')).toBe(
      'keydrift.keys.json:1:53: keys.p.ttl.min (60) is greater than keys.p.ttl.max (30)',
    );
    expect(errorMessage('{ "keys": { "p": { "template": "p", "ttl": { "none": true, "max": 30 } } } }')).toBe(
      "keydrift.keys.json:1:37: keys.p.ttl: 'none' (never expires) cannot be combined with 'max'",
    );
    expect(errorMessage('{ "keys": { "p": { "template": "p", "ttl": { "max": -1 } } } }')).toBe(
      'keydrift.keys.json:1:53: keys.p.ttl.max must be >= 0',
    );
    expect(errorMessage('{ "keys": { "p": { "template": "p", "ttl": { "none": false } } } }')).toBe(
      'keydrift.keys.json:1:54: keys.p.ttl.none must be true',
    );
    expect(errorMessage('{ "keys": { "": { "template": "p" } } }')).toBe('keydrift.keys.json:1:13: keys has an empty name');
  });

  it('reports a channel that invalidates an unknown family', () => {
    const text = lines(
      '{',
      '  "keys": { "product": { "template": "product:v2:{id}" } },',
      '  "channels": {',
      '    "cache:invalidate": { "invalidates": ["product", "prodcut"] }',
      '  }',
      '}',
    );
    expect(errorMessage(text)).toBe(
      'keydrift.keys.json:4:54: channels["cache:invalidate"].invalidates[1]: unknown key family \'prodcut\' (not under "keys")',
    );
  });

  it('counts lines and columns in a CRLF file', () => {
    expect(errorMessage(wrongTtlType.join('\r\n'))).toBe('keydrift.keys.json:5:23: keys.product.ttl.max must be integer');
    const registry = parseRegistry(['{', '  // comment', '  "keys": { "p": { "template": "p:{id}" } }', '}'].join('\r\n'), FILE);
    expect(registry.families[0].templateText).toBe('p:{id}');
  });

  it('ignores a leading BOM and counts columns without it', () => {
    expect(errorMessage(`\uFEFF${lines(...wrongTtlType)}`)).toBe(
      'keydrift.keys.json:5:23: keys.product.ttl.max must be integer',
    );
    expect(errorMessage('\uFEFF{ "nope": 1 }')).toMatch(/^keydrift\.keys\.json:1:3: unknown top-level field 'nope'/);
    expect(parseRegistry('\uFEFF{ "keys": {} }', FILE).families).toEqual([]);
  });

  it('gives the error its parts', () => {
    try {
      parseRegistry(lines(...wrongTtlType), 'config/keys.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RegistryError);
      expect(error).toMatchObject({
        file: 'config/keys.json',
        line: 5,
        column: 23,
        detail: 'keys.product.ttl.max must be integer',
        message: 'config/keys.json:5:23: keys.product.ttl.max must be integer',
      });
    }
  });
});

describe('loadRegistry and findRegistry', () => {
  it('loads the sample registry', () => {
    const path = findRegistry(fixtures);
    expect(path).toBe(join(fixtures, 'keydrift.keys.json'));
    const registry = loadRegistry(path!);
    expect(registry.file).toBe(path);
    expect(registry.families.map((f) => f.name)).toEqual(['product', 'userCart', 'featureFlags']);
    expect(registry.families[1].ttl).toEqual({ min: 60, max: 86400 });
    expect(registry.channels[0].invalidates).toEqual(['product', 'userCart']);
  });

  it('finds nothing in a directory without a registry', () => {
    expect(findRegistry(mkdtempSync(join(tmpdir(), 'keydrift-registry-')))).toBeUndefined();
  });

  it('reports a missing file at 1:1', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'keydrift-registry-')), 'keydrift.keys.json');
    expect(() => loadRegistry(path)).toThrow(`${path}:1:1: cannot read registry: ENOENT`);
  });
});

describe('matchFamily and matchDeprecated', () => {
  const registry = parseRegistry(
    JSON.stringify({
      keys: {
        product: { template: 'product:v2:{id}' },
        productList: { template: 'product:v2:list:{page}' },
        anyProduct: { template: 'product:{section}:{id}' },
        userCart: { template: '{{user:{userId}}}:cart' },
      },
      deprecated: { 'product:{id}': 'product:v2:{id}' },
    }),
    FILE,
  );
  const match = (text: string) => matchFamily(registry, parseTemplate(text))?.name;

  it('matches the same shape whatever the hole names', () => {
    expect(match('product:v2:{productId}')).toBe('product');
    expect(match('{{user:{id}}}:cart')).toBe('userCart');
  });

  it('prefers the exact shape over an earlier family that unifies', () => {
    // `product:{section}:{id}` comes later but has this shape; `product:v2:{id}` merely unifies.
    expect(match('product:{a}:{b}')).toBe('anyProduct');
  });

  it('falls back to unification', () => {
    expect(match('product:v2:42')).toBe('product');
    expect(match('product:v2:list:{n}')).toBe('productList');
    expect(match('product:{kind}:list:{n}')).toBe('productList');
    expect(match('order:{id}')).toBeUndefined();
    expect(match('product:v2:{a}:{b}:{c}')).toBeUndefined();
  });

  it('does not guess for a template with no literal text', () => {
    expect(match('{key}')).toBeUndefined();
  });

  it('finds deprecated templates', () => {
    expect(matchDeprecated(registry, parseTemplate('product:{productId}'))?.replacementText).toBe('product:v2:{id}');
    expect(matchDeprecated(registry, parseTemplate('product:42'))?.templateText).toBe('product:{id}');
    expect(matchDeprecated(registry, parseTemplate('product:v2:{id}'))).toBeUndefined();
  });
});

describe('renderInitialRegistry', () => {
  const found = [
    { template: 'product:v2:{id}', reads: 3, writes: 1, deletes: 1 },
    { template: 'user:{userId}:products:v2', reads: 1, writes: 0, deletes: 0 },
    { template: 'product:v2:{slug}', reads: 0, writes: 2, deletes: 0 },
    { template: 'API-cache:{{tag}}:{id}', reads: 1, writes: 1, deletes: 0 },
    { template: '42:{id}', reads: 1, writes: 0, deletes: 0 },
    { template: '{id}', reads: 1, writes: 0, deletes: 0 },
  ];
  const text = renderInitialRegistry(found, { ttlSeconds: new Map([['product:v2:{id}', 3600]]) });

  it('writes one family per template with readable unique names', () => {
    const registry = parseRegistry(text, FILE);
    expect(registry.families.map((f) => [f.name, f.templateText])).toEqual([
      ['productV2', 'product:v2:{id}'],
      ['userProductsV2', 'user:{userId}:products:v2'],
      ['productV22', 'product:v2:{slug}'],
      ['apiCacheTag', 'API-cache:{{tag}}:{id}'],
      ['key42', '42:{id}'],
      ['key', '{id}'],
    ]);
    expect(registry.families[0].ttl).toEqual({ max: 3600 });
    expect(registry.families[1].ttl).toBeUndefined();
    expect(registry.families[0].description).toBe('found: 3 reads, 1 writes, 1 deletes');
    expect(registry).toMatchObject({ deprecated: [], builders: [], channels: [] });
  });

  it('is 2-space indented JSONC pointing at the published schema', () => {
    expect(text).toContain('\n  "$schema": "./node_modules/eslint-plugin-keydrift/schemas/registry.schema.json",\n');
    expect(text).toContain('\n    "productV2": {\n      "template": "product:v2:{id}",\n      "ttl": {\n        "max": 3600\n');
    expect(text.startsWith('//')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('writes an empty registry when nothing was found', () => {
    expect(parseRegistry(renderInitialRegistry([], {}), FILE).families).toEqual([]);
  });
});

describe('writeInitialRegistry', () => {
  it('writes a new file and refuses to overwrite it without force', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'keydrift-init-')), 'keydrift.keys.json');
    writeInitialRegistry(path, 'first', false);
    expect(readFileSync(path, 'utf8')).toBe('first');
    expect(() => writeInitialRegistry(path, 'second', false)).toThrow(`${path} already exists; pass --force to overwrite it`);
    expect(readFileSync(path, 'utf8')).toBe('first');
    writeInitialRegistry(path, 'third', true);
    expect(readFileSync(path, 'utf8')).toBe('third');
  });

  it('round-trips through loadRegistry', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'keydrift-init-')), 'keydrift.keys.json');
    writeInitialRegistry(path, renderInitialRegistry([{ template: 'a:{id}', reads: 1, writes: 1, deletes: 0 }], {}), false);
    expect(existsSync(path)).toBe(true);
    expect(loadRegistry(path).families.map((f) => f.name)).toEqual(['a']);
  });
});

describe('registry schema', () => {
  it('describes every property, for editor autocompletion', () => {
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
    const undescribed: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const { properties } = node as { properties?: Record<string, { description?: string; $ref?: string }> };
      for (const [name, property] of Object.entries(properties ?? {})) {
        if (!property.description && !property.$ref) undescribed.push(`${path}.${name}`);
      }
      for (const [key, child] of Object.entries(node)) visit(child, `${path}.${key}`);
    };
    visit(schema, '#');
    expect(undescribed).toEqual([]);
  });
});

describe('classifyKey', () => {
  const registry = parseRegistry(
    JSON.stringify({
      keys: { product: { template: 'product:v2:{id}' }, productIndex: { template: 'product:index' } },
      deprecated: { 'product:{id}': 'product:v2:{id}' },
    }),
    'keydrift.keys.json',
  );
  it.each([
    ['product:index', 'family'],
    ['product:{sku}', 'deprecated'],
    ['product:42', 'deprecated'],
    ['product:v2:{id}', 'family'],
    ['order:{id}', 'unknown'],
  ])('%s is %s', (text, kind) => {
    expect(classifyKey(registry, parseTemplate(text)).kind).toBe(kind);
  });
});

describe('positions in a registry', () => {
  // A plain scan up to the offset: what lineAndColumn's line-start search must agree with.
  const scan = (text: string, offset: number) => {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < Math.min(offset, text.length); i++) {
      const ch = text.charCodeAt(i);
      if (ch === 0x0a || (ch === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
        line++;
        lineStart = i + 1;
      }
    }
    return { line, column: offset - lineStart + 1 };
  };

  it('lineAndColumn agrees with a scan for \n, \r\n and lone \r line ends, at every offset', () => {
    const text = fc.array(fc.constantFrom('a', 'b', '\n', '\r', '\r\n'), { maxLength: 16 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (t) => {
        for (let offset = 0; offset <= t.length + 1; offset++) expect(lineAndColumn(t, offset)).toEqual(scan(t, offset));
      }),
      { numRuns: 500 },
    );
  });

  it('every family is placed at its name, on the line it is written', () => {
    const names = ['a', 'b', 'c', 'd'];
    const text = `{\r\n  "keys": {\n${names.map((n, i) => `${'\n'.repeat(i)}    "${n}": { "template": "${n}:{id}" }`).join(',\r\n')}\n  }\n}\n`;
    const registry = parseRegistry(text, FILE);
    for (const family of registry.families) {
      const at = text.indexOf(`"${family.name}"`);
      expect(family.position).toEqual(scan(text, at));
    }
  });
});
