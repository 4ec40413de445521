// Just enough Markdown reading for the doc checks: headings and their GitHub anchors, links, code spans and code
// blocks, and the prose left when code is taken out. Line-based, like the pages it reads; no dependency.

export interface Heading {
  text: string;
  line: number;
}

export interface Link {
  target: string;
  line: number;
}

export interface Code {
  code: string;
  line: number;
  /** a fenced block's line (true) or an inline code span (false) */
  block: boolean;
  /** the fence's info string (`sh`, `sql`, …), '' for none */
  lang: string;
}

export interface Markdown {
  headings: Heading[];
  /** every anchor a link may point at: heading slugs (deduplicated as GitHub does) and explicit `<a id|name>` */
  anchors: Set<string>;
  links: Link[];
  code: Code[];
  /** the text of each line outside code, with code spans replaced by `code` */
  prose: { text: string; line: number }[];
}

const FENCE = /^\s*(`{3,}|~{3,})\s*([\w+-]*)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const CODE_SPAN = /(`+)(.+?)\1/g;
const INLINE_LINK = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/;
const HTML_TARGET = /\b(?:href|src)\s*=\s*"([^"]+)"/g;
const HTML_ANCHOR = /<a\s[^>]*\b(?:id|name)\s*=\s*"([^"]+)"/g;

export function parseMarkdown(text: string): Markdown {
  const out: Markdown = { headings: [], anchors: new Set(), links: [], code: [], prose: [] };
  const seen = new Map<string, number>();
  let fence: { marker: string; lang: string } | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const f = FENCE.exec(raw);
    if (fence) {
      if (f && f[1]!.startsWith(fence.marker) && !f[2]) fence = undefined;
      else out.code.push({ code: raw, line, block: true, lang: fence.lang });
      return;
    }
    if (f) {
      fence = { marker: f[1]!, lang: f[2] ?? '' };
      return;
    }
    for (const m of raw.matchAll(CODE_SPAN))
      out.code.push({ code: m[2]!.trim(), line, block: false, lang: '' });
    const prose = raw.replace(CODE_SPAN, 'code');
    out.prose.push({ text: prose, line });
    const h = HEADING.exec(raw);
    if (h) {
      const heading = headingText(h[2]!);
      out.headings.push({ text: heading, line });
      const base = slug(heading);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      out.anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of prose.matchAll(INLINE_LINK)) out.links.push({ target: m[1]!, line });
    for (const m of prose.matchAll(HTML_TARGET)) out.links.push({ target: m[1]!, line });
    for (const m of prose.matchAll(HTML_ANCHOR)) out.anchors.add(m[1]!);
    const def = REFERENCE_DEFINITION.exec(prose);
    if (def) out.links.push({ target: def[1]!, line });
  });
  return out;
}

/** A heading's text as rendered: code spans unwrapped, links reduced to their text, HTML tags dropped. */
function headingText(source: string): string {
  return source
    .replace(CODE_SPAN, (_m, _ticks, code: string) => code)
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim();
}

/**
 * GitHub's anchor for a heading (github-slugger): lower case, everything but letters, marks, numbers, connector
 * punctuation (`_`), hyphens and spaces removed, spaces turned into hyphens.
 */
export function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}
