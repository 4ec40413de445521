// The generated references (docs/reference/) must be what `npm run docs` writes now: the CLI reference from the
// program's own help, the table reference from the migrations applied to a scratch database on the real Postgres.
// A stale page fails with the command that fixes it; the check is also fed a stale and a missing page. And every SQL
// example of the docs runs against a freshly migrated warehouse.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../doctools/markdown.ts';
import { REPO_ROOT, readPages } from '../../doctools/pages.ts';
import { generateReferences, staleReferences } from '../../doctools/references.ts';
import { sqlExamples } from '../../doctools/sql.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { createTestDatabase } from '../helpers/db.ts';

let generated: Map<string, string>;
const scratch = mkdtempSync(join(tmpdir(), 'pinads-docs-ref-'));
beforeAll(async () => {
  generated = await generateReferences();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('generated references', () => {
  it('docs/reference/ is what `npm run docs` writes for the code as it is', () => {
    expect(staleReferences(REPO_ROOT, generated)).toEqual([]);
  });

  it('the references cover every command and every table', () => {
    const cli = generated.get('docs/reference/cli.md')!;
    expect(cli).toContain('## pinads connections create');
    expect(cli).toMatch(/--refresh-token <token\|->/);
    const tables = generated.get('docs/reference/tables.md')!;
    expect(tables).toContain('### pinterest_ads.ad_daily_metrics');
    expect(tables).toMatch(/\| `spend_micro` \| bigint \| yes \| `0` \|/);
    expect(tables).toContain('### pinads.sync_runs');
    const reports = generated.get('docs/reference/reports.md')!;
    expect(reports).toContain('## ad_daily');
    expect(reports).toMatch(/\| `spend_micro` \| `SPEND_IN_MICRO_DOLLAR` \| micro \|/);
  });

  it('every table and view the migrations make is described in docs/warehouse.md', () => {
    const warehouse = readPages().find((p) => p.path === 'docs/warehouse.md')!;
    expect(undescribed(generated.get('docs/reference/tables.md')!, warehouse.md.code)).toEqual([]);
    const page = parseMarkdown('| `pinterest_ads.ad_daily_metrics`, `campaigns` | … |\n');
    expect(
      undescribed(
        '### pinterest_ads.ad_daily_metrics\n### pinterest_ads.campaigns\n### pinads.new_table\n',
        page.code,
      ),
    ).toEqual(['pinads.new_table']);
  });

  it('a stale or missing page is reported with the command that regenerates it', () => {
    mkdirSync(join(scratch, 'docs/reference'), { recursive: true });
    const cli = generated.get('docs/reference/cli.md')!;
    writeFileSync(join(scratch, 'docs/reference/cli.md'), cli.replace('--refresh-token', '--token'));
    const line = cli.split('\n').findIndex((l) => l.includes('--refresh-token')) + 1;
    expect(staleReferences(scratch, generated)).toEqual([
      `docs/reference/cli.md differs from the code at line ${line}: run \`npm run docs\` and commit the result`,
      ...[...generated.keys()]
        .filter((path) => path !== 'docs/reference/cli.md')
        .map((path) => `${path} is missing: run \`npm run docs\` and commit the result`),
    ]);
    expect(generated.has('docs/reference/tables.md')).toBe(true);
  });
});

/** Relations of the table reference that no code span of a page names (qualified, or by the bare name). */
function undescribed(tables: string, code: { code: string }[]): string[] {
  const named = new Set(code.flatMap((c) => c.code.split(/[\s,]+/)));
  const relations = [...tables.matchAll(/^### (\w+)\.(\w+)$/gm)];
  return relations
    .filter(([q, , bare]) => !named.has(q.slice(4)) && !named.has(bare!))
    .map(([q]) => q.slice(4));
}

describe('SQL examples in the docs', () => {
  /** Runs each example in a transaction that is rolled back; `$n` parameters get the current instant. */
  async function failures(pool: pg.Pool, text: string[]): Promise<string[]> {
    const pages = text.map((t, i) => ({ path: `docs/${i}.md`, text: t, md: parseMarkdown(t) }));
    const out: string[] = [];
    for (const ex of sqlExamples(pages.length ? pages : readPages())) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const now = new Date().toISOString();
        await client.query(ex.sql, ex.params ? Array.from({ length: ex.params }, () => now) : undefined);
      } catch (err) {
        out.push(`${ex.where}: ${(err as Error).message}`);
      } finally {
        await client.query('ROLLBACK').catch(() => {});
        client.release();
      }
    }
    return out;
  }

  it('every sql block runs against the migrated warehouse; a renamed column fails', async () => {
    const db = await createTestDatabase();
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      await migrate(pool);
      expect(sqlExamples(readPages()).length).toBeGreaterThan(3);
      expect(await failures(pool, [])).toEqual([]);
      const bad = '# Q\n\n```sql\nSELECT spend, revnue FROM pinterest_ads.overview_daily;\n```\n';
      expect(await failures(pool, [bad])).toEqual(['docs/0.md:4: column "revnue" does not exist']);
    } finally {
      await pool.end();
      await db.drop();
    }
  });
});
