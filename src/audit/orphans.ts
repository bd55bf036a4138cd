/**
 * Orphans: live keys that match no registry template, grouped by a template inferred from the
 * key itself. Numbers, UUIDs, hex hashes and long random tokens become holes, so `tmp:123` and
 * `tmp:456` are one group `tmp:{n}`, and `session:9f8e7d6c5b4a3f2e` is `session:{hash}`.
 *
 * Per key segment (between `:` separators):
 * - the whole segment is a number (`42`, `-7`, `3.14`) → `{n}`; a UUID → `{uuid}`; at least 8 hex
 *   digits with a digit among them → `{hash}`; a token of 16+ characters from the base64/base64url
 *   alphabet mixing upper case, lower case and digits → `{token}`;
 * - otherwise, inside the segment: UUIDs → `{uuid}`; hex runs of 8+ with a digit, not glued to
 *   other letters or digits → `{hash}`; digit runs → `{n}` unless they are short (1–2 digits) and
 *   touch a letter, so `v2` and `h1` stay literal (versions are exactly what drift is about) while
 *   `user_7` → `user_{n}` and `order12345` → `order{n}`.
 */
import { formatTemplate, hole, literal, makeTemplate, type Segment } from '../keys/template.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^-?\d+(?:\.\d+)?$/;
const HEX = /^(?=[0-9a-f]*\d)[0-9a-f]{8,}$/i;
const TOKEN = /^[A-Za-z0-9+/=_-]{16,}$/;
const INNER =
  /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|((?<![0-9A-Za-z])(?=[0-9a-f]*\d)[0-9a-f]{8,}(?![0-9A-Za-z]))|(\d+)/gi;
const LETTER = /[A-Za-z]/;

/** The template an orphan key suggests, in template text (`{{`/`}}` for literal braces). */
export function inferTemplate(key: string): string {
  const out: Segment[] = [];
  const parts = key.split(':');
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) out.push(literal(':'));
    inferSegment(parts[i], out);
  }
  return formatTemplate(makeTemplate(out));
}

function inferSegment(segment: string, out: Segment[]): void {
  if (segment === '') return;
  if (NUMBER.test(segment)) return void out.push(hole('n'));
  if (UUID.test(segment)) return void out.push(hole('uuid'));
  if (HEX.test(segment)) return void out.push(hole('hash'));
  if (TOKEN.test(segment) && /[A-Z]/.test(segment) && /[a-z]/.test(segment) && /\d/.test(segment)) {
    return void out.push(hole('token'));
  }
  let last = 0;
  INNER.lastIndex = 0;
  for (let m = INNER.exec(segment); m; m = INNER.exec(segment)) {
    let name: string;
    if (m[1]) name = 'uuid';
    else if (m[2]) name = 'hash';
    else {
      const before = segment[m.index - 1] ?? '';
      const after = segment[m.index + m[0].length] ?? '';
      if (m[0].length < 3 && (LETTER.test(before) || LETTER.test(after))) continue;
      name = 'n';
    }
    out.push(literal(segment.slice(last, m.index)), hole(name));
    last = m.index + m[0].length;
  }
  out.push(literal(segment.slice(last)));
}
