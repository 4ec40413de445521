// The layering the code relies on, read from the sources with the TypeScript parser: the front doors (cli/,
// dashboard/) go through core/ and never reach into activities/; the dashboard never runs CLI code; core/ knows no
// front door and no workflow code (types only). A new import that breaks a rule fails here, naming file and line.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Edge {
  from: string;
  line: number;
  /** Repo-relative path of a relative import, or the package name. */
  to: string;
  typeOnly: boolean;
}

/** Every import, export-from and dynamic import() of one source text. */
function importsOf(file: string, text: string): Edge[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Edge[] = [];
  const add = (node: ts.Node, spec: string, typeOnly: boolean) => {
    const to = spec.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), spec)) : spec;
    out.push({ from: file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, to, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const typeOnly =
        c !== undefined &&
        (c.isTypeOnly ||
          (!c.name &&
            c.namedBindings !== undefined &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier.text, typeOnly);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node, node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node, node.arguments[0].text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

const edgesUnder = (dir: string) =>
  sourcesUnder(dir).flatMap((f) => importsOf(f, readFileSync(join(ROOT, f), 'utf8')));

const under = (folder: string) => (e: Edge) => e.to === folder || e.to.startsWith(`${folder}/`);
const show = (edges: Edge[]) => edges.map((e) => `${e.from}:${e.line} imports ${e.to}`);

/** The rules: a front door or core/ must not import what `forbidden` matches. */
const RULES: { folder: string; forbidden: (e: Edge) => boolean; why: string }[] = [
  { folder: 'cli', forbidden: under('activities'), why: 'the CLI calls core/, never activities' },
  {
    folder: 'dashboard',
    forbidden: (e) => under('activities')(e) || under('cli')(e),
    why: 'the dashboard calls core/, never activities or CLI code',
  },
  {
    folder: 'core',
    forbidden: (e) =>
      ['activities', 'cli', 'dashboard', 'airbyte', 'alerts'].some((f) => under(f)(e)) ||
      e.to === '@temporalio/workflow' ||
      e.to === '@temporalio/activity' ||
      (under('workflows')(e) && !e.typeOnly),
    why: 'core/ serves every door: no front door, no activity context, workflow code as types only',
  },
  {
    folder: 'alerts',
    forbidden: (e) =>
      ['activities', 'cli', 'dashboard', 'workflows'].some((f) => under(f)(e)) ||
      e.to === '@temporalio/workflow' ||
      e.to === '@temporalio/activity',
    why: 'alerts/ is plain code the worker, its activities and the CLI share: no activity context, no workflow code',
  },
];

describe('import graph', () => {
  it('the checker sees every kind of import (so the rules below cannot pass by reading nothing)', () => {
    const edges = importsOf(
      'dashboard/x.ts',
      "import { a } from '../activities/plan.ts';\nimport type { B } from '../workflows/sync.ts';\n" +
        "export { c } from '../cli/report.ts';\nconst m = await import('../activities/tokens.ts');\n",
    );
    expect(edges).toEqual([
      { from: 'dashboard/x.ts', line: 1, to: 'activities/plan.ts', typeOnly: false },
      { from: 'dashboard/x.ts', line: 2, to: 'workflows/sync.ts', typeOnly: true },
      { from: 'dashboard/x.ts', line: 3, to: 'cli/report.ts', typeOnly: false },
      { from: 'dashboard/x.ts', line: 4, to: 'activities/tokens.ts', typeOnly: false },
    ]);
    expect(show(edges.filter(RULES[1]!.forbidden))).toHaveLength(3);
  });

  for (const rule of RULES)
    it(`${rule.folder}/: ${rule.why}`, () => {
      const edges = edgesUnder(rule.folder);
      expect(edges.length).toBeGreaterThan(10);
      expect(show(edges.filter(rule.forbidden))).toEqual([]);
    });
});
