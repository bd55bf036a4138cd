/** The audit's pure parts: the compiled matcher, orphan grouping, the allow-list, URL and topology parsing. */
import { describe, expect, it } from 'vitest';
import { AuditAggregate, familyRequiresTtl } from '../src/audit/aggregate.js';
import { duration, formatAudit } from '../src/audit/format.js';
import { compileMatcher, type MatcherStrategy } from '../src/audit/matcher.js';
import { inferTemplate } from '../src/audit/orphans.js';
import { isReadOnlyCommand, keyspaceSize, parseClusterMasters, parseInfo, parseRedisUrl } from '../src/audit/scan.js';
import { parseTemplate } from '../src/keys/template.js';
import { compileTemplate } from '../src/keys/unify.js';
import { parseRegistry } from '../src/registry/load.js';
import { parse, RespError, RespSocket } from '../src/audit/resp.js';
import { createServer, type Socket } from 'node:net';

const TEMPLATES = [
  'product:v2:{id}',
  'product:{id}',
  'product:v2:{id}:reviews',
  'user:{id}:profile',
  'user:me:profile',
  'user:{id}:{section}',
  'cart:{userId}',
  'v{n}:cfg',
  'v2:cfg',
  'v{major}.{minor}:cfg',
  '{{user:{id}}}:cart',
  'session:{token}',
  'feed:{a}{b}',
  'a::b',
  'rate:{ip}:{window}',
  'tenant:{t}:product:v2:{id}',
];

const KEYS = [
  'product:v2:1',
  'product:v2:abc',
  'product:1',
  'product:v2',
  'product:v2:1:reviews',
  'product:v2:1:other',
  'product:',
  'user:me:profile',
  'user:42:profile',
  'user:42:settings',
  'user:42',
  'cart:9',
  'cart:',
  'v2:cfg',
  'v3:cfg',
  'v1.2:cfg',
  'v:cfg',
  '{user:42}:cart',
  '{user:}:cart',
  'session:abc:def',
  'feed:x',
  'feed:xy',
  'a::b',
  'a:b',
  'rate:1.2.3.4:60',
  'tenant:acme:product:v2:7',
  'tenant:acme:product:v3:7',
  '',
  ':',
  'unknown',
];

const entries = TEMPLATES.map((text) => ({ template: parseTemplate(text), value: text }));

describe('compiled matcher', () => {
  for (const strategy of ['trie', 'regex'] as MatcherStrategy[]) {
    it(`${strategy}: finds a template exactly when one of them matches the key`, () => {
      const matcher = compileMatcher(entries, strategy);
      for (const key of KEYS) {
        const matching = TEMPLATES.filter((t) => compileTemplate(parseTemplate(t)).test(key));
        const found = matcher.match(key);
        if (matching.length === 0) expect(found, key).toBeUndefined();
        else expect(matching, key).toContain(found);
      }
    });
  }

  it('trie and regex agree on every key, and the most specific template wins', () => {
    const trie = compileMatcher(entries, 'trie');
    const regex = compileMatcher(entries, 'regex');
    for (const key of KEYS) expect(trie.match(key), key).toBe(regex.match(key));
    expect(trie.match('user:me:profile')).toBe('user:me:profile');
    expect(trie.match('user:42:profile')).toBe('user:{id}:profile');
    expect(trie.match('user:42:settings')).toBe('user:{id}:{section}');
    expect(trie.match('v2:cfg')).toBe('v2:cfg');
    expect(trie.match('v3:cfg')).toBe('v{n}:cfg');
    expect(trie.match('v1.2:cfg')).toBe('v{major}.{minor}:cfg');
    expect(trie.match('{user:42}:cart')).toBe('{{user:{id}}}:cart');
    expect(trie.match('feed:x')).toBeUndefined(); // {a}{b} needs two characters
    expect(trie.match('product:v2')).toBe('product:{id}');
    expect(trie.match('product:')).toBeUndefined();
  });

  it('keeps registry order between templates that differ only in hole names', () => {
    const m = compileMatcher(
      [
        { template: parseTemplate('p:{id}'), value: 'first' },
        { template: parseTemplate('p:{other}'), value: 'second' },
      ],
      'trie',
    );
    expect(m.match('p:1')).toBe('first');
  });

  it('with no templates, matches nothing', () => {
    expect(compileMatcher([], 'trie').match('a')).toBeUndefined();
    expect(compileMatcher([], 'regex').match('a')).toBeUndefined();
  });
});

describe('orphan templates', () => {
  it.each([
    ['tmp:123', 'tmp:{n}'],
    ['tmp:-7', 'tmp:{n}'],
    ['session:9f8e7d6c5b4a3f21', 'session:{hash}'],
    ['session:deadbeefcafe', 'session:deadbeefcafe'], // no digit: reads like a word
    ['job:3f2b1c4e-9a8b-4c7d-8e6f-5a4b3c2d1e0f:state', 'job:{uuid}:state'],
    ['auth:Zm9vYmFyQmF6cXV4MTIzNDU2', 'auth:{token}'],
    ['user_profile_settings_12', 'user_profile_settings_{n}'], // snake case is not a token
    ['product:v2:55', 'product:v2:{n}'],
    ['h1:title', 'h1:title'],
    ['order12345:lines', 'order{n}:lines'],
    ['user_7:x', 'user_{n}:x'],
    ['report:2024-01-05', 'report:{n}-{n}-{n}'],
    ['cache:abc_0123456789abcdef', 'cache:abc_{hash}'],
    ['{user:42}:cart', '{{user:{n}}}:cart'],
    ['plain', 'plain'],
    ['a::b', 'a::b'],
  ])('%s → %s', (key, template) => {
    expect(inferTemplate(key)).toBe(template);
    // The inferred template matches the key it came from.
    expect(compileTemplate(parseTemplate(template)).test(key)).toBe(true);
  });

  it('caps the number of groups; the rest goes to "other"', () => {
    const aggregate = new AuditAggregate(null, { sample: 0, orphanGroupLimit: 3 });
    for (const key of ['a:1', 'b:1', 'c:1', 'd:1', 'e:1', 'a:2']) {
      const slot = aggregate.classify(Buffer.from(key));
      aggregate.record(slot, 'string', -1);
    }
    const report = aggregate.report({ target: 't', mode: 'standalone', db: 0, nodes: [], options: { match: '*', count: 1, sample: 0, rate: 0 }, elapsedMs: 0 });
    expect(report.orphans.groups.map((g) => [g.template, g.count])).toEqual([
      ['a:{n}', 2],
      ['b:{n}', 1],
      ['c:{n}', 1],
    ]);
    expect(report.orphans.other).toMatchObject({ template: null, count: 2, examples: ['d:1', 'e:1'] });
    expect(report.totals.orphans).toBe(6);
    expect(formatAudit(report, 'text')).toContain('+ 2 beyond the 3-group limit');
  });
});

describe('TTL policy', () => {
  it('a family needs a TTL when it has ttl.min or ttl.max, and not ttl.none', () => {
    const registry = parseRegistry(
      JSON.stringify({
        keys: {
          a: { template: 'a:{id}', ttl: { max: 10 } },
          b: { template: 'b:{id}', ttl: { min: 10 } },
          c: { template: 'c:{id}', ttl: { none: true } },
          d: { template: 'd:{id}' },
          e: { template: 'e:{id}', ttl: {} },
          f: { template: 'f:{id}', ttl: { none: true, min: 5 } },
        },
      }),
      'keydrift.keys.json',
    );
    expect(registry.families.map((f) => [f.name, familyRequiresTtl(f)])).toEqual([
      ['a', true],
      ['b', true],
      ['c', false],
      ['d', false],
      ['e', false],
      ['f', false],
    ]);
  });

  it('counts vanished keys apart, and flags TTLs above ttl.max', () => {
    const registry = parseRegistry('{"keys":{"a":{"template":"a:{id}","ttl":{"max":10}}}}', 'r.json');
    const aggregate = new AuditAggregate(registry, { sample: 1 });
    const put = (key: string, type: string, pttl: number, mem?: number) => {
      const slot = aggregate.classify(Buffer.from(key));
      aggregate.wantsMemory(slot);
      aggregate.record(slot, type, pttl);
      if (mem !== undefined) aggregate.recordMemory(slot, mem);
    };
    put('a:1', 'string', 5000, 100);
    put('a:2', 'string', 20_000);
    put('a:3', 'none', -2);
    put('a:4', 'string', -1);
    const report = aggregate.report({ target: 't', mode: 'standalone', db: 0, nodes: [], options: { match: '*', count: 1, sample: 1, rate: 0 }, elapsedMs: 0 });
    expect(report.totals).toMatchObject({ keys: 3, vanished: 1, noTtl: 1, estimatedBytes: 300 });
    expect(report.families[0]).toMatchObject({ count: 3, overMax: 1, overMaxExamples: ['a:2'], noTtlExamples: ['a:4'], ttl: { minSeconds: 5, maxSeconds: 20, meanSeconds: 12.5 } });
    expect(report.problems.map((p) => p.kind)).toEqual(['missing-ttl', 'ttl-above-max']);
  });
});

describe('read-only allow-list', () => {
  it.each([
    ['scan', ['0', 'COUNT', '100'], true],
    ['SCAN', ['0'], true],
    ['type', ['k'], true],
    ['pttl', ['k'], true],
    ['memory', ['USAGE', 'k'], true],
    ['memory', ['purge'], false],
    ['memory', ['doctor'], false],
    ['info', [], true],
    ['cluster', ['NODES'], true],
    ['cluster', ['reset'], false],
    ['cluster', ['failover'], false],
    ['client', ['setname', 'x'], true],
    ['client', ['kill', 'id', '1'], false],
    ['client', ['pause', '100'], false],
    ['keys', ['*'], false],
    ['set', ['k', 'v'], false],
    ['del', ['k'], false],
    ['unlink', ['k'], false],
    ['expire', ['k', '1'], false],
    ['flushall', [], false],
    ['config', ['set', 'x', 'y'], false],
    ['eval', ['return 1', '0'], false],
    ['debug', ['sleep', '1'], false],
    ['object', ['freq', 'k'], false],
  ])('%s %j → %s', (name, args, allowed) => {
    expect(isReadOnlyCommand(name, args)).toBe(allowed);
  });
});

describe('URLs and topology', () => {
  it('parses redis:// and rediss:// URLs, masking the password', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6380/2')).toMatchObject({ host: '127.0.0.1', port: 6380, db: 2, tls: false, display: 'redis://127.0.0.1:6380/2' });
    expect(parseRedisUrl('rediss://auditor:s%40cret@cache.example.com')).toMatchObject({
      host: 'cache.example.com',
      port: 6379,
      username: 'auditor',
      password: 's@cret',
      db: 0,
      tls: true,
      display: 'rediss://auditor:***@cache.example.com',
    });
    expect(parseRedisUrl('redis://:pw@[::1]:7000')).toMatchObject({ host: '::1', port: 7000, password: 'pw', username: undefined, display: 'redis://:***@[::1]:7000' });
    expect(() => parseRedisUrl('localhost:6379')).toThrow(/unsupported scheme|invalid --url/);
    expect(() => parseRedisUrl('redis://h/abc')).toThrow(/database 'abc' is not a number/);
  });

  it('reads masters from CLUSTER NODES', () => {
    const nodes = [
      '07c3 10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460',
      'a1b2 10.0.0.2:7001@17001,redis-b.internal master - 0 0 2 connected 5461-10922',
      'c3d4 10.0.0.3:7002@17002 slave a1b2 0 0 2 connected',
      'e5f6 10.0.0.4:7003@17003 master,fail - 0 0 3 disconnected',
      'f7a8 :7004@17004 master,noaddr - 0 0 4 connected',
      '0a0b ::1:7005@17005 master - 0 0 5 connected 10923-16383',
    ].join('\n');
    expect(parseClusterMasters(nodes)).toEqual([
      { host: '10.0.0.1', port: 7000, myself: true },
      { host: '10.0.0.2', port: 7001, myself: false },
      { host: '::1', port: 7005, myself: false },
    ]);
  });

  it('reads the key count from INFO keyspace', () => {
    const info = parseInfo('# Keyspace\r\ndb0:keys=173,expires=90,avg_ttl=0\r\ndb3:keys=2,expires=0,avg_ttl=0\r\n');
    expect(keyspaceSize(info, 0)).toBe(173);
    expect(keyspaceSize(info, 3)).toBe(2);
    expect(keyspaceSize(info, 1)).toBe(0);
  });

  it('formats durations', () => {
    expect([duration(0.5), duration(42), duration(90), duration(5400), duration(172_800)]).toEqual(['0.5s', '42s', '1.5m', '1.5h', '2d']);
  });
});

describe('RESP client', () => {
  const REPLY = Buffer.concat([
    Buffer.from('*2\r\n$3\r\n192\r\n*3\r\n$5\r\nkey:1\r\n$0\r\n\r\n$6\r\nk\r\n\x00\xff!\r\n', 'latin1'),
    Buffer.from('+string\r\n:-1\r\n:1234567\r\n$-1\r\n-ERR unknown command\r\n*-1\r\n*0\r\n'),
  ]);
  const EXPECTED = [
    [Buffer.from('192'), [Buffer.from('key:1'), Buffer.alloc(0), Buffer.from('k\r\n\x00\xff!', 'latin1')]],
    'string',
    -1,
    1234567,
    null,
    new RespError('ERR unknown command'),
    null,
    [],
  ];

  it('parses every reply type, binary-safe', () => {
    const values = [];
    let at = 0;
    while (at < REPLY.length) {
      const r = parse(REPLY, at)!;
      values.push(r.value);
      at = r.next;
    }
    expect(values).toEqual(EXPECTED);
    // Any strict prefix of a reply is incomplete, never a wrong value.
    for (let cut = 0; cut < 40; cut++) expect(parse(REPLY.subarray(0, cut), 0)).toBeNull();
  });

  it('reassembles replies that arrive one byte at a time', async () => {
    const server = createServer((socket: Socket) => {
      socket.on('error', () => {});
      socket.setNoDelay(true);
      socket.once('data', async () => {
        for (let i = 0; i < REPLY.length; i++) {
          socket.write(REPLY.subarray(i, i + 1));
          if (i % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const seen: string[] = [];
    const resp = new RespSocket({
      host: '127.0.0.1',
      port: (server.address() as { port: number }).port,
      check: (command) => void seen.push(String(command[0])),
    });
    try {
      await resp.connected;
      const replies = await resp.send([['SCAN', '0'], ['TYPE', 'k'], ['PTTL', 'k'], ['PTTL', 'j'], ['MEMORY', 'USAGE', 'k'], ['X'], ['Y'], ['Z']]);
      expect(replies).toEqual(EXPECTED);
      expect(seen).toEqual(['SCAN', 'TYPE', 'PTTL', 'PTTL', 'MEMORY', 'X', 'Y', 'Z']);
    } finally {
      resp.close();
      server.close();
    }
  });

  it('refuses a batch with a forbidden command before writing anything', async () => {
    let received = 0;
    const server = createServer((socket: Socket) => socket.on('error', () => {}).on('data', (d) => (received += d.length)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const resp = new RespSocket({
      host: '127.0.0.1',
      port: (server.address() as { port: number }).port,
      check: (command) => {
        if (String(command[0]) === 'DEL') throw new Error('refused DEL');
      },
    });
    try {
      await resp.connected;
      await expect(resp.send([['TYPE', 'a'], ['DEL', 'a']])).rejects.toThrow('refused DEL');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received).toBe(0);
    } finally {
      resp.close();
      server.close();
    }
  });
});
