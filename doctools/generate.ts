// `npm run docs`: writes the generated reference pages (docs/reference/). `npm run docs -- --check` only says
// which are out of date, and exits 1 if any is.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './pages.ts';
import { generateReferences, staleReferences } from './references.ts';

const check = process.argv.includes('--check');
const generated = await generateReferences();
const stale = staleReferences(REPO_ROOT, generated);
if (check) {
  for (const line of stale) process.stderr.write(`${line}\n`);
  process.exitCode = stale.length ? 1 : 0;
} else {
  for (const [path, content] of generated) {
    mkdirSync(dirname(join(REPO_ROOT, path)), { recursive: true });
    writeFileSync(join(REPO_ROOT, path), content);
  }
  process.stdout.write(
    stale.length ? `updated: ${stale.map((s) => s.split(' ')[0]).join(', ')}\n` : 'references up to date\n',
  );
}
