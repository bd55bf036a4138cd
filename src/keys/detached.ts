/**
 * Strings kept after their tree is dropped. V8 makes a substring of 13 or more characters a view
 * into the string it was cut from, and for names and literals the parser cuts, that is the
 * file's whole text: one kept function name holds the whole file in memory. A streamed run keeps
 * ~40,000 such names and literals, which held the text of nearly every file to the end (35 MB on
 * the bench's 5,000 files) and made the collector copy those texts along.
 */
import { formatTemplate, type Template } from './template.js';

// V8's SlicedString::kMinLength: shorter substrings are copies already.
const SHORTEST_VIEW = 13;

/** The same text, as a string of its own (a view into a copy one character longer, at most). */
export function detached(text: string): string {
  return text.length < SHORTEST_VIEW ? text : (' ' + text).slice(1);
}

export function detachedOrNull(text: string | null): string | null {
  return text === null ? null : detached(text);
}

/** The template itself when no literal or hole name could be a view, else a copy made of detached strings. */
export function detachedTemplate(template: Template): Template {
  if (!template.segments.some((s) => (s.kind === 'literal' ? s.text : s.name).length >= SHORTEST_VIEW)) return template;
  return { segments: template.segments.map((s) => (s.kind === 'literal' ? { kind: 'literal', text: detached(s.text) } : { kind: 'hole', name: detached(s.name) })) };
}

/**
 * One template object per text, of its own strings (detachedTemplate), for what a run keeps:
 * its sites repeat a few hundred templates tens of thousands of times (25,638 sites, 346
 * templates on the bench's 5,000 files), and the text, shape and matcher caches of the checks
 * key on the object. Per run, not per process: an editor's ESLint server would keep every
 * template it ever saw being typed.
 */
export function templateInterner(): (template: Template) => Template {
  const byText = new Map<string, Template>();
  return (template) => {
    const text = formatTemplate(template);
    let kept = byText.get(text);
    if (!kept) byText.set(detached(text), (kept = detachedTemplate(template)));
    return kept;
  };
}
