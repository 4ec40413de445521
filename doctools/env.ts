// Every environment variable the docs name (PINADS_*, PINTEREST_*, TEMPORAL_*, BENCH_*) must be read somewhere in
// the repository's code, compose file or CI script, so a renamed or dropped variable fails the page that still
// names it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from './pages.ts';

// The vendored Pinterest API facts name Pinterest's own columns (PINTEREST_CHECKOUT_ROAS…), not pinads variables.
const NOT_PINADS = new Set(['docs/pinterest-api.md']);
const NAME = /\b(?:PINADS|PINTEREST|TEMPORAL|BENCH)_[A-Z0-9_]*[A-Z0-9]\b/g;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', 'test-artifacts', 'docs', 'doctools']);
const CODE_FILE = /\.(ts|js|mjs|cjs|yml|yaml|sh|py)$|^Dockerfile$|^run$/;

/** Every such name in the repository's code (not its Markdown). */
export function namesInCode(root: string): Set<string> {
  const names = new Set<string>();
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      if (SKIP_DIRS.has(e.name) || (e.name.startsWith('.') && e.name !== '.ci')) continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path);
      else if (CODE_FILE.test(e.name))
        for (const m of readFileSync(join(root, path), 'utf8').matchAll(NAME)) names.add(m[0]);
    }
  };
  walk('');
  return names;
}

/** One line per variable a page names in code that nothing reads: `page:line: NAME → …`. */
export function unknownVariables(pages: Page[], known: Set<string>): string[] {
  const problems: string[] = [];
  for (const page of pages) {
    if (NOT_PINADS.has(page.path)) continue;
    for (const c of page.md.code) {
      for (const m of c.code.matchAll(NAME)) {
        if (!known.has(m[0])) problems.push(`${page.path}:${c.line}: ${m[0]} → no code reads this variable`);
      }
    }
  }
  return [...new Set(problems)];
}
