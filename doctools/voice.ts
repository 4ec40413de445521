// The docs speak about pinads, never as someone: no "I", "we", "our", "us". Code, link targets and quotations are
// left out (a quoted Pinterest message may say "we").
import type { Page } from './pages.ts';

const FIRST_PERSON =
  /(?<![\w/'’-])(I|I'm|I've|I'd|I'll|me|my|mine|myself|[Ww]e|[Ww]e're|[Ww]e've|[Ww]e'd|[Ww]e'll|[Oo]ur|[Oo]urs|[Oo]urselves|[Uu]s)(?![\w/'’-])/;
const QUOTED = /"[^"]*"|“[^”]*”/g;
const LINK_TARGET = /\]\([^)]*\)/g;
const HTML_COMMENT = /<!--.*?-->/g;

/** One line per sentence in the first person: `page:line: "word" in: the line`. */
export function firstPerson(pages: Page[]): string[] {
  const problems: string[] = [];
  for (const page of pages) {
    for (const { text, line } of page.md.prose) {
      const plain = text.replace(HTML_COMMENT, '').replace(LINK_TARGET, ']').replace(QUOTED, '""');
      const m = FIRST_PERSON.exec(plain);
      if (m) problems.push(`${page.path}:${line}: "${m[1]}" in: ${text.trim()}`);
    }
  }
  return problems;
}
