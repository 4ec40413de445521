// docs/reference/tables.md: every table and view of the warehouse, read back from Postgres's own catalog after
// applying the migrations to a scratch database one file at a time (which also tells which migration made or changed
// each relation). The migrations are the source; this page cannot say anything they do not.
import pg from 'pg';
import { createTestDatabase } from '../test/helpers/db.ts';
import { listMigrations, migrate } from '../warehouse/migrate.ts';

const SCHEMAS = ['pinterest_ads', 'pinads'];
const KINDS: Record<string, string> = { r: 'table', p: 'table', v: 'view', m: 'materialized view' };
const MIGRATIONS_LINK = '../../warehouse/migrations/';

interface Column {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  comment: string | null;
}

interface Relation {
  name: string;
  kind: string;
  comment: string | null;
  columns: Column[];
  constraints: { name: string; type: string; def: string }[];
  indexes: { name: string; def: string }[];
  /** oid and a signature of columns and definition, to tell which migration created or changed it */
  oid: number;
  signature: string;
}

/** The reference page, generated on a scratch database of the Postgres at PINADS_TEST_ADMIN_URL (as the tests use). */
export async function tableReference(): Promise<string> {
  const db = await createTestDatabase('pinads_docs');
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  try {
    const versions = (await listMigrations()).map((m) => m.version);
    const history = new Map<string, { created: string; changed: string[]; oid: number; signature: string }>();
    let relations: Relation[] = [];
    for (const [i, version] of versions.entries()) {
      const next = versions[i + 1];
      await migrate(pool, next ? { before: next } : {});
      relations = await readCatalog(pool);
      for (const r of relations) {
        const h = history.get(r.name);
        if (!h || h.oid !== r.oid) {
          history.set(r.name, { created: version, changed: [], oid: r.oid, signature: r.signature });
        } else if (h.signature !== r.signature) {
          h.changed.push(version);
          h.signature = r.signature;
        }
      }
    }
    return render(relations, history);
  } finally {
    await pool.end();
    await db.drop();
  }
}

async function readCatalog(pool: pg.Pool): Promise<Relation[]> {
  const rels = await pool.query(
    `SELECT c.oid::int AS oid, n.nspname || '.' || c.relname AS name, c.relkind AS kind,
            obj_description(c.oid, 'pg_class') AS comment,
            CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS viewdef
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm')
     ORDER BY array_position($1, n.nspname::text), c.relname`,
    [SCHEMAS],
  );
  const oids = rels.rows.map((r) => r.oid);
  const cols = await pool.query(
    `SELECT a.attrelid::int AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default,
            col_description(a.attrelid, a.attnum) AS comment
     FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attrelid, a.attnum`,
    [oids],
  );
  const cons = await pool.query(
    `SELECT conrelid::int AS oid, conname AS name, contype AS type, pg_get_constraintdef(oid) AS def
     FROM pg_constraint WHERE conrelid = ANY($1) AND contype IN ('p', 'u', 'f', 'c', 'x') ORDER BY conrelid, contype DESC, conname`,
    [oids],
  );
  const idx = await pool.query(
    `SELECT i.indrelid::int AS oid, c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = ANY($1) AND NOT i.indisprimary
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype = 'u')
     ORDER BY i.indrelid, c.relname`,
    [oids],
  );
  return rels.rows.map((r) => {
    const columns: Column[] = cols.rows
      .filter((c) => c.oid === r.oid)
      .map((c) => ({
        name: c.name,
        type: c.type,
        notNull: c.not_null,
        default: c.default,
        comment: c.comment,
      }));
    return {
      name: r.name,
      kind: KINDS[r.kind]!,
      comment: r.comment,
      columns,
      constraints: cons.rows.filter((c) => c.oid === r.oid),
      indexes: idx.rows
        .filter((i) => i.oid === r.oid)
        .map((i) => ({
          name: i.name,
          def: i.def.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+ USING btree /, '$1'),
        })),
      oid: r.oid,
      signature: JSON.stringify([columns.map((c) => [c.name, c.type, c.notNull, c.default]), r.viewdef]),
    };
  });
}

function render(relations: Relation[], history: Map<string, { created: string; changed: string[] }>): string {
  const link = (v: string) => `[\`${v}\`](${MIGRATIONS_LINK}${v}.sql)`;
  const origin = (name: string) => {
    const h = history.get(name)!;
    // The migrator makes its own bookkeeping table before the first migration.
    if (name === 'pinads.schema_migrations')
      return 'the migrator ([`warehouse/migrate.ts`](../../warehouse/migrate.ts))';
    return link(h.created) + (h.changed.length ? `, changed by ${h.changed.map(link).join(', ')}` : '');
  };
  const lines = [
    '# Table reference',
    '',
    '<!-- Generated by `npm run docs` from warehouse/migrations/; edit a migration, not this page. -->',
    '',
    'Every table and view pinads creates, as Postgres describes them after `pinads migrate`: the migrations are',
    'applied to a scratch database and read back from its catalog. What the tables mean, with example queries:',
    '[The warehouse](../warehouse.md).',
  ];
  for (const schema of SCHEMAS) {
    const inSchema = relations.filter((r) => r.name.startsWith(`${schema}.`));
    lines.push('', `## Schema ${schema}`, '', '| relation | kind | created by |', '|---|---|---|');
    for (const r of inSchema) {
      lines.push(`| [\`${r.name}\`](#${r.name.replace(/\./g, '')}) | ${r.kind} | ${origin(r.name)} |`);
    }
    for (const r of inSchema) lines.push('', ...renderRelation(r, origin(r.name)));
  }
  return `${lines.join('\n')}\n`;
}

function renderRelation(r: Relation, origin: string): string[] {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [`### ${r.name}`, ''];
  if (r.comment) lines.push(r.comment, '');
  lines.push(`A ${r.kind}, created by ${origin}.`, '');
  if (r.kind === 'table') {
    lines.push('| column | type | not null | default |', '|---|---|---|---|');
    for (const c of r.columns) {
      const note = c.comment ? ` ${cell(c.comment)}` : '';
      const def = c.default ? `\`${cell(c.default)}\`` : '';
      lines.push(`| \`${c.name}\`${note} | ${c.type} | ${c.notNull ? 'yes' : ''} | ${def} |`);
    }
  } else {
    lines.push('| column | type |', '|---|---|');
    for (const c of r.columns)
      lines.push(`| \`${c.name}\`${c.comment ? ` ${cell(c.comment)}` : ''} | ${c.type} |`);
  }
  const keys = r.constraints.map((c) => `- \`${c.name}\`: \`${c.def}\``);
  const indexes = r.indexes.map((i) => `- \`${i.name}\`: \`${i.def}\``);
  if (keys.length) lines.push('', 'Constraints:', '', ...keys);
  if (indexes.length) lines.push('', 'Indexes:', '', ...indexes);
  return lines;
}
