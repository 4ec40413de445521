// The generated pages, what makes each, and the check that they are what `npm run docs` would write now.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliReference } from './cli-reference.ts';
import { reportReference } from './report-reference.ts';
import { tableReference } from './table-reference.ts';

export const REFERENCES: Record<string, () => Promise<string>> = {
  'docs/reference/cli.md': cliReference,
  'docs/reference/tables.md': tableReference,
  'docs/reference/reports.md': reportReference,
};

/** Generates every reference page: path → content. */
export async function generateReferences(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [path, make] of Object.entries(REFERENCES)) out.set(path, await make());
  return out;
}

/** One line per page under `root` that differs from what was just generated, saying how to bring it up to date. */
export function staleReferences(root: string, generated: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const [path, content] of generated) {
    let current: string | undefined;
    try {
      current = readFileSync(join(root, path), 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    const where =
      current === undefined
        ? 'is missing'
        : `differs from the code at line ${firstDifference(current, content)}`;
    problems.push(`${path} ${where}: run \`npm run docs\` and commit the result`);
  }
  return problems;
}

function firstDifference(a: string, b: string): number {
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i + 1;
}
