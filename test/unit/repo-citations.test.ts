// Comments cite what a reader of the repository can open: the Pinterest facts are docs/pinterest-api.md, the design
// is the docs/ pages. The planning documents beside the repository (FACTS.md, DESIGN.md, compat/FIVETRAN.md) are
// not there for anyone else, so a citation of them in a source file fails here, named by file and line.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SKIP = new Set(['node_modules', '.tools', '.pinads', 'dist', '.git', 'test-artifacts', 'docs']);
const SOURCE = /\.(ts|mjs|js|sql|yml|yaml|py|sh)$|^run$/;
const OUTSIDE = /\bFACTS(\.md)? §|\bDESIGN(\.md)? §|\bDESIGN\.md\b|compat\/FIVETRAN|\bFIVETRAN\.md\b/;

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    if (SKIP.has(e.name)) return [];
    const path = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) return files(path);
    return SOURCE.test(e.name) ? [path] : [];
  });
}

describe('citations in source files', () => {
  it('name documents inside the repository only', () => {
    const all = files('').filter((f) => f !== 'test/unit/repo-citations.test.ts');
    expect(all.length).toBeGreaterThan(100);
    const bad = all.flatMap((f) =>
      readFileSync(join(ROOT, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (OUTSIDE.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(bad).toEqual([]);
  });
});
