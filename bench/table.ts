// The benchmark's printed summary: one column per warehouse, the targets beside the figures they judge.
type Entry = Record<string, unknown>;

interface Line {
  label: string;
  key: string;
  target?: (v: number) => boolean;
  targetText?: string;
  format?: (v: unknown) => string;
}

const n = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US') : String(v ?? '-'));

const LINES: Line[] = [
  { label: 'daily fact rows loaded', key: 'rows' },
  { label: 'hourly spend rows (view)', key: 'hourly_rows' },
  { label: 'report file (MB)', key: 'report_mb' },
  { label: '(a) load path, daily rows/s', key: 'load_rows_per_s' },
  { label: '    connector CPU per row (µs)', key: 'cpu_us_per_row' },
  { label: '(b) raw bulk write, daily rows/s', key: 'copy_rows_per_s' },
  { label: '    baseline method', key: 'copy_method' },
  { label: '(c) ratio (a)/(b)', key: 'ratio', target: (v) => v >= 0.5, targetText: '≥ 0.5' },
  {
    label: '(d) peak RSS of the load (MB)',
    key: 'peak_rss_mb',
    target: (v) => v < 300,
    targetText: '< 300',
  },
  {
    label: '(e) Pinterest requests / hourly sync',
    key: 'api_calls_per_hourly_sync',
    target: (v) => v <= 6,
    targetText: '≤ 6',
  },
  { label: '(f) fired → committed, 10k ads (ms)', key: 'latency_ms' },
  { label: '    of it the sandbox serving the file (ms)', key: 'latency_sandbox_serve_ms' },
  {
    label: '    fired → committed without that (ms)',
    key: 'latency_excluding_sandbox_ms',
    target: (v) => v < 3000,
    targetText: '< 3,000',
  },
  { label: '    daily rows in that sync', key: 'latency_rows' },
  { label: '(g) old per-hour layout, daily rows/s', key: 'old_layout_rows_per_s' },
  { label: '    old layout sample, daily rows', key: 'old_layout_rows' },
  {
    label: '(h) speedup (a)/(g)',
    key: 'speedup_vs_old_layout',
    target: (v) => v >= 5,
    targetText: '≥ 5',
  },
  { label: '(i) storage per 1M daily rows, new (MB)', key: 'storage_new_mb' },
  { label: '    old layout (MB)', key: 'storage_old_mb' },
  { label: '(j) restatement ledger, ms per 1M rows replaced', key: 'ledger_ms_per_million_rows' },
  { label: '    of it its statements (ms, whole replace)', key: 'ledger_statements_ms' },
  { label: '    of it summing the days (ms, whole replace)', key: 'ledger_summing_ms' },
  {
    label: '    share of the load path (a)',
    key: 'ledger_share_of_load_path',
    target: (v) => v <= 0.05,
    targetText: '≤ 0.05',
  },
  { label: '    restated account-days written', key: 'restatement_rows' },
];

const mb = (bytes: unknown) => (typeof bytes === 'number' ? Math.round(bytes / 2 ** 20) : undefined);

/** Figures derived for display only (results.json keeps the bytes). */
function display(e: Entry): Entry {
  const storage = e.storage_bytes as { new?: number; old?: number } | undefined;
  return { ...e, storage_new_mb: mb(storage?.new), storage_old_mb: mb(storage?.old) };
}

export function printTable(
  machine: Record<string, unknown>,
  results: Record<string, Entry>,
  wallSeconds: number,
): void {
  const kinds = Object.keys(results);
  const shown = Object.fromEntries(kinds.map((k) => [k, display(results[k]!)]));
  const cells = LINES.map((line) => [
    line.label,
    ...kinds.map((k) => {
      const v = shown[k]![line.key];
      const verdict = line.target && typeof v === 'number' ? (line.target(v) ? ' ok' : ' MISS') : '';
      return `${n(v)}${verdict}`;
    }),
    line.targetText ?? '',
  ]);
  const header = ['', ...kinds, 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const row = (c: string[]) =>
    c.map((s, i) => (i === 0 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join('  ');
  const out = [
    `machine: ${machine.cores} cores (${machine.cpu}), ${machine.memory_gb} GB, Node ${machine.node}`,
    ...kinds.map((k) => `${k}: ${results[k]!.server}`),
    '',
    row(header),
    ...cells.map(row),
  ];
  for (const k of kinds) {
    out.push('', `${k} (e) by route: ${JSON.stringify(results[k]!.api_calls_by_route)}`);
    out.push(`${k} (f) by activity (ms): ${JSON.stringify(results[k]!.latency_by_activity)}`);
  }
  const verdict = wallSeconds < 600 ? 'ok' : 'MISS';
  out.push('', `whole bench: ${wallSeconds.toLocaleString('en-US')} s ${verdict} (target < 600 s)`);
  process.stdout.write(`${out.join('\n')}\n`);
}
