// The warehouse columns an entry's normalized rows fill, with their SQL types: what the loader writes (before its
// stamps) and what the Airbyte source declares per stream.
import type { ColumnKind, ReportEntry } from './types.ts';

export const SQL_TYPES: Record<ColumnKind, string> = {
  id: 'text',
  text: 'text',
  date: 'date',
  count: 'bigint',
  micro: 'bigint',
  decimal: 'numeric',
};

export interface TableColumn {
  name: string;
  sqlType: string;
  kind: ColumnKind;
  /** An optional dimension: NULL where the report does not name it. Metrics are never NULL (absent means 0). */
  nullable: boolean;
}

/** The entry's row columns in the order a normalized row holds them: the entity first, then the declared ones. */
export function tableColumns(entry: ReportEntry): TableColumn[] {
  const out: TableColumn[] = [{ name: entry.entity.name, sqlType: 'text', kind: 'id', nullable: false }];
  for (const c of entry.columns) {
    if (c.name === null) continue;
    const dimension = c.kind === 'id' || c.kind === 'text';
    out.push({
      name: c.name,
      sqlType: c.sqlType ?? SQL_TYPES[c.kind],
      kind: c.kind,
      nullable: dimension && c.required !== true,
    });
  }
  if (entry.perEvent) {
    out.push({ name: entry.perEvent.name, sqlType: 'text', kind: 'text', nullable: false });
    for (const m of entry.perEvent.metrics)
      out.push({ name: m.name, sqlType: SQL_TYPES[m.kind], kind: m.kind, nullable: false });
  }
  return out;
}
