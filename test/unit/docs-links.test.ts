// The docs cannot rot silently: a relative link or #anchor that leads nowhere, or a page in the first person, fails
// the build. Each check is also fed a bad page, so it is shown to fail.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brokenLinks } from '../../doctools/links.ts';
import { parseMarkdown, slug } from '../../doctools/markdown.ts';
import { REPO_ROOT, readPages } from '../../doctools/pages.ts';
import { firstPerson } from '../../doctools/voice.ts';

const scratch = mkdtempSync(join(tmpdir(), 'pinads-docs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(scratch, 'repo-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('links in README.md and docs/', () => {
  it('every relative link reaches a file and every anchor a heading', () => {
    const pages = readPages();
    expect(pages.map((p) => p.path)).toEqual(
      expect.arrayContaining(['README.md', 'docs/getting-started.md']),
    );
    expect(brokenLinks(REPO_ROOT, pages)).toEqual([]);
  });

  it('reports a missing file, an unknown anchor and a link out of the repository, and accepts good ones', () => {
    const root = tree({
      'README.md': [
        '# Top',
        '[ok](docs/page.md) [ok](docs/page.md#second-part) [ok](#top) [ok](docs/) [ok](https://example.com/x#y)',
        '[missing](docs/nope.md)',
        '[anchor](docs/page.md#no-such-part)',
        '`[not a link](nowhere.md)` inside code is not checked',
      ].join('\n'),
      'docs/page.md':
        '# Page\n\n## Second part\n\n[back](../README.md#top) [out](../../elsewhere.md) [self](#page-1)\n',
    });
    expect(brokenLinks(root, readPages(root))).toEqual([
      'README.md:3: docs/nope.md → no such file',
      'README.md:4: docs/page.md#no-such-part → no heading with anchor #no-such-part in docs/page.md',
      'docs/page.md:5: ../../elsewhere.md → points outside the repository',
      'docs/page.md:5: #page-1 → no heading with anchor #page-1 in docs/page.md',
    ]);
  });

  it('anchors are GitHub’s: punctuation dropped, code unwrapped, duplicates numbered', () => {
    expect(slug('`npm run bench:scale`: 1,000 accounts on one login')).toBe(
      'npm-run-benchscale-1000-accounts-on-one-login',
    );
    expect(slug('Columns of ad_daily')).toBe('columns-of-ad_daily');
    const md = parseMarkdown('# Guide\n## Setup\n## Setup\n### `pinads.sync_runs`\n<a id="custom"></a>\n');
    expect([...md.anchors]).toEqual(['guide', 'setup', 'setup-1', 'pinadssync_runs', 'custom']);
  });
});

describe('the README', () => {
  it('stays a front door (about 12 KB), with the rest in docs/', () => {
    const readme = readPages().find((p) => p.path === 'README.md')!;
    expect(Buffer.byteLength(readme.text)).toBeLessThan(13_000);
    expect(readme.text).toContain('npm install && npm test');
    expect(readme.md.links.filter((l) => l.target.startsWith('docs/')).length).toBeGreaterThan(10);
  });
});

describe('voice', () => {
  it('no page of the docs speaks in the first person', () => {
    expect(firstPerson(readPages())).toEqual([]);
  });

  it('finds "I" and "we" in prose, but not in code, quotations or I/O', () => {
    const root = tree({
      'docs/a.md': [
        'I did not benchmark the task-queue limit.',
        'Activities do the I/O; the US account reports in USD.',
        'Pinterest says "we will provide continuous refresh tokens".',
        'The column `our_total` and:',
        '```sh',
        'echo we are in code',
        '```',
        'We chose this over a lease.',
      ].join('\n'),
    });
    expect(firstPerson(readPages(root))).toEqual([
      'docs/a.md:1: "I" in: I did not benchmark the task-queue limit.',
      'docs/a.md:8: "We" in: We chose this over a lease.',
    ]);
  });
});
