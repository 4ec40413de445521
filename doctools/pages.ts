// The Markdown pages the doc checks read: README.md, CONTRIBUTING.md, everything under docs/, and the README of any
// source folder. Paths are repository-relative with forward slashes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Markdown, parseMarkdown } from './markdown.ts';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', 'test-artifacts']);

export interface Page {
  /** repository-relative path, e.g. `docs/warehouse.md` */
  path: string;
  text: string;
  md: Markdown;
}

/** Every Markdown page of the repository at `root` (hidden and generated folders left out), sorted by path. */
export function listPages(root = REPO_ROOT): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      if (e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.md')) out.push(path);
    }
  };
  walk('');
  return out.sort();
}

export function readPage(root: string, path: string): Page {
  const text = readFileSync(join(root, path), 'utf8');
  return { path, text, md: parseMarkdown(text) };
}

export function readPages(root = REPO_ROOT): Page[] {
  return listPages(root).map((p) => readPage(root, p));
}
