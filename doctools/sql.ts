// The SQL examples of the docs (```sql blocks), so a test can run each against a freshly migrated warehouse: an
// example that names a column or view the migrations no longer have fails the build.
import type { Page } from './pages.ts';

export interface SqlExample {
  where: string;
  sql: string;
  /** how many `$n` parameters it takes */
  params: number;
}

export function sqlExamples(pages: Page[]): SqlExample[] {
  const out: SqlExample[] = [];
  for (const page of pages) {
    let current: { line: number; lines: string[] } | undefined;
    let last = -1;
    const flush = () => {
      if (current) out.push(example(`${page.path}:${current.line}`, current.lines.join('\n')));
      current = undefined;
    };
    for (const c of page.md.code) {
      if (!c.block || c.lang !== 'sql') continue;
      if (!current || c.line !== last + 1) {
        flush();
        current = { line: c.line, lines: [] };
      }
      current.lines.push(c.code);
      last = c.line;
    }
    flush();
  }
  return out;
}

function example(where: string, sql: string): SqlExample {
  const params = Math.max(0, ...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  return { where, sql, params };
}
