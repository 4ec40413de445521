// Every relative link of a page must reach a file or folder of the repository, and every #anchor a heading (or an
// explicit <a id>) of the page it names. Links to other sites are not fetched.
import { existsSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { type Page, readPage } from './pages.ts';

const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

/** One line per broken link: `page:line: link → what is wrong`. */
export function brokenLinks(root: string, pages: Page[]): string[] {
  const byPath = new Map(pages.map((p) => [p.path, p]));
  const load = (path: string) => {
    let page = byPath.get(path);
    if (!page) {
      page = readPage(root, path);
      byPath.set(path, page);
    }
    return page;
  };
  const problems: string[] = [];
  for (const page of pages) {
    for (const { target, line } of page.md.links) {
      const problem = checkLink(root, page, target, load);
      if (problem) problems.push(`${page.path}:${line}: ${target} → ${problem}`);
    }
  }
  return problems;
}

function checkLink(
  root: string,
  page: Page,
  target: string,
  load: (path: string) => Page,
): string | undefined {
  if (EXTERNAL.test(target) || target.startsWith('//')) return undefined;
  const hash = target.indexOf('#');
  const pathPart = decodeURI(hash < 0 ? target : target.slice(0, hash));
  const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
  let path = page.path;
  if (pathPart) {
    const dir = page.path.includes('/') ? page.path.slice(0, page.path.lastIndexOf('/')) : '';
    path = normalize(pathPart.startsWith('/') ? pathPart.slice(1) : join(dir, pathPart)).replace(/\\/g, '/');
    if (path.startsWith('..')) return 'points outside the repository';
    const full = join(root, path);
    if (!existsSync(full)) return 'no such file';
    if (statSync(full).isDirectory()) return anchor ? 'an anchor on a folder' : undefined;
    path = path.replace(/\/$/, '');
  }
  if (anchor === undefined || !path.endsWith('.md')) return undefined;
  if (!anchor) return 'empty anchor';
  return load(path).md.anchors.has(anchor) ? undefined : `no heading with anchor #${anchor} in ${path}`;
}
