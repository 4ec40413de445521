// Home: the agency overview. Every connection with its spend today and yesterday (in its account currency, each in
// its own reporting zone), the last 7 days (trend, conversions, ROAS), how fresh its data is, its status and open
// alert; totals per currency; filter, sort and CSV, all plain GET links and forms (the page works without script).
import { type ColumnKind, formatValue } from '../../core/report-format.ts';
import type { OverviewQuery, OverviewRow, OverviewSort } from '../../warehouse/agency-overview.ts';
import { count, money, ratio, relative, when } from '../format.ts';
import { type Html, html } from '../html.ts';
import type { OverviewView } from '../overview.ts';
import { csrfField, emptyState, layout, type PageContext, repairCommand, statusBadge } from './layout.ts';

const ALERT_LABEL: Record<string, string> = {
  needs_reauth: 'Needs a new grant',
  config_error: 'Configuration error',
  paused: 'Paused by pinads',
  stale: 'Stale',
};
const STATUS_CHOICES: [string, string][] = [
  ['', 'Any status'],
  ['alert', 'With an open alert'],
  ['active', 'Active'],
  ['paused', 'Paused'],
  ['needs_reauth', 'Needs reconnect'],
];

/** The URL of the overview with some parameters changed (empty ones dropped). */
function href(base: string, q: OverviewQuery, change: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  const all: Record<string, string | undefined> = {
    status: q.status,
    currency: q.currency,
    q: q.text,
    sort: q.sort,
    dir: q.desc ? 'desc' : 'asc',
    ...change,
  };
  for (const [k, v] of Object.entries(all)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `${base}?${s}` : base;
}

function sortHeader(q: OverviewQuery, key: OverviewSort, label: string, num = false): Html {
  const current = q.sort === key;
  // Names A→Z and problems first by default; amounts and freshness largest first.
  const dir = current ? (q.desc ? 'asc' : 'desc') : key === 'name' || key === 'status' ? 'asc' : 'desc';
  const aria = current ? (q.desc ? 'descending' : 'ascending') : undefined;
  return html`<th scope="col"${num ? html` class="num"` : ''}${aria ? html` aria-sort="${aria}"` : ''}><a class="sort" data-sort="${key}" href="${href('/', q, { sort: key, dir })}">${label}</a></th>`;
}

/** data-value: the value as `pinads report --format json` prints it (money to the micro-unit, ROAS to 4 places). */
const data = (value: string | null, kind: ColumnKind, currency: string | null) =>
  currency === null ? '' : (formatValue(value, kind, currency, 'data') ?? '');

/** A money cell: the amount for people, and in data-value for machines. */
function moneyCell(col: string, value: string | null, currency: string | null): Html {
  if (currency === null) return html`<td class="num" data-col="${col}"><span class="muted">—</span></td>`;
  return html`<td class="num" data-col="${col}" data-value="${data(value, 'money', currency)}">${money(value, currency)}</td>`;
}

/** Seven days of spend as a small line, oldest first; the exact amounts are in its title and data-values. */
function sparkline(r: OverviewRow): Html {
  if (!r.currency || r.trend.length === 0) return html``;
  const values = r.trend.map(Number);
  const max = Math.max(...values);
  const y = (v: number) => (max > 0 ? 22 - (v / max) * 20 : 22).toFixed(1);
  const points = values.map((v, i) => `${i * 10 + 2},${y(v)}`).join(' ');
  const title = `Spend, last 7 days: ${r.trend.map((v) => money(v, r.currency!)).join(' · ')}`;
  return html`<svg class="spark" viewBox="0 0 64 24" width="64" height="24" role="img" data-values="${r.trend.join(' ')}"><title>${title}</title><polyline points="${points}"></polyline></svg>`;
}

function freshness(r: OverviewRow, now: Date): Html {
  if (!r.last_window_at) return html`<td data-col="freshness"><span class="muted">never</span></td>`;
  const at = new Date(r.last_window_at);
  const late = now.getTime() - at.getTime() > 2 * 3600_000;
  return html`<td data-col="freshness"${late ? html` class="late"` : ''}><time datetime="${at.toISOString()}" title="Last hourly window committed ${when(at)}">${relative(at, now.getTime())}</time></td>`;
}

function statusCell(r: OverviewRow, ctx: PageContext, now: Date): Html {
  const alert = r.alert_kind
    ? html`<div class="alert ${r.alert_kind}" data-alert="${r.alert_kind}"><strong>${ALERT_LABEL[r.alert_kind] ?? r.alert_kind}</strong> <span class="muted small">since ${relative(r.alert_since, now.getTime())}</span>${r.alert_reason ? html`<div class="reason" title="${r.alert_reason}">${r.alert_reason}</div>` : ''}</div>`
    : '';
  const repair =
    r.status === 'needs_reauth'
      ? html`<div class="repair"><span>Repair:</span> <code>${repairCommand(r.ad_account_id!)}</code></div>`
      : '';
  const resume =
    r.status === 'paused'
      ? html`<form method="post" action="/connections/${r.id}/resume" class="inline">${csrfField(ctx)}<input type="hidden" name="back" value="/"><button class="btn small" type="submit">Resume</button></form>`
      : '';
  const reason = !r.alert_kind && r.status_reason ? html`<div class="reason">${r.status_reason}</div>` : '';
  return html`${statusBadge(r.status!)}${resume}${alert}${reason}${repair}`;
}

function row(r: OverviewRow, v: OverviewView, ctx: PageContext): Html {
  const zone = v.zoneUnknown.has(r.id)
    ? html` · <span class="warn-text">days in UTC: account zone unknown</span>`
    : r.zone !== 'UTC'
      ? html` · days in ${r.zone}`
      : '';
  return html`<tr data-connection-id="${r.id}" data-status="${r.status}" data-currency="${r.currency ?? ''}" data-today="${r.today}"${r.alert_kind ? html` data-alert="${r.alert_kind}"` : ''}>
<th scope="row"><a href="/connections/${r.id}">${r.name}</a><div class="muted small"><span class="mono">${r.ad_account_id}</span>${r.account_name ? html` · ${r.account_name}` : ''} · ${r.currency ?? 'not synced yet'}${zone}</div></th>
<td class="status">${statusCell(r, ctx, v.now)}</td>
${moneyCell('spend_today', r.spend_today, r.currency)}${moneyCell('spend_yesterday', r.spend_yesterday, r.currency)}
<td class="num trend" data-col="spend_7d" data-value="${data(r.spend_7d, 'money', r.currency)}"><div class="cellflex">${sparkline(r)}<span>${r.currency ? money(r.spend_7d, r.currency) : '—'}</span></div></td>
<td class="num" data-col="conversions_7d" data-value="${data(r.conversions_7d, 'count', r.currency)}">${r.currency ? count(r.conversions_7d) : '—'}</td>
<td class="num" data-col="roas_7d" data-value="${data(r.roas_7d, 'ratio', r.currency)}">${ratio(r.roas_7d)}</td>
${freshness(r, v.now)}</tr>`;
}

function totalsRow(t: OverviewRow): Html {
  return html`<tr data-total-currency="${t.currency}"><th scope="row">Total ${t.currency} <span class="muted small">(${t.connections} connection${t.connections === 1 ? '' : 's'})</span></th><td></td>
${moneyCell('spend_today', t.spend_today, t.currency)}${moneyCell('spend_yesterday', t.spend_yesterday, t.currency)}
<td class="num trend" data-col="spend_7d" data-value="${data(t.spend_7d, 'money', t.currency)}"><div class="cellflex">${sparkline(t)}<span>${money(t.spend_7d, t.currency!)}</span></div></td>
<td class="num" data-col="conversions_7d" data-value="${data(t.conversions_7d, 'count', t.currency)}">${count(t.conversions_7d)}</td>
<td class="num" data-col="roas_7d" data-value="${data(t.roas_7d, 'ratio', t.currency)}">${ratio(t.roas_7d)}</td><td></td></tr>`;
}

function filters(v: OverviewView): Html {
  const q = v.query;
  const opt = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
  return html`<form class="filters" method="get" action="/" role="search" aria-label="Filter connections">
<label>Status <select name="status">${STATUS_CHOICES.map(([value, label]) => opt(value, label, (q.status ?? '') === value))}</select></label>
<label>Currency <select name="currency">${opt('', 'Any', !q.currency)}${v.currencies.map((c) => opt(c, c, q.currency === c))}</select></label>
<label>Name <input type="search" name="q" value="${q.text ?? ''}" placeholder="name, id or ad account"></label>
<input type="hidden" name="sort" value="${q.sort}"><input type="hidden" name="dir" value="${q.desc ? 'desc' : 'asc'}">
<button class="btn" type="submit">Apply</button>${q.status || q.currency || q.text ? html` <a class="btn ghost" href="${href('/', q, { status: undefined, currency: undefined, q: undefined })}">Clear</a>` : ''}
<a class="btn ghost csv" href="${href('/overview.csv', q, {})}" download>Download CSV</a>
</form>`;
}

export function homePage(ctx: PageContext, v: OverviewView): Html {
  if (v.connections === 0) {
    return layout(ctx, {
      title: 'Connections',
      body: emptyState(
        'No connections yet',
        html`Connect a Pinterest ad account from a terminal with <code>pinads connect</code> (or <code>pinads connections create --ad-account ID --refresh-token -</code>), then reload this page. <code>npm start</code> creates a demo connection against the sandbox.`,
      ),
    });
  }
  const q = v.query;
  const alerts = v.rows.filter((r) => r.alert_kind).length;
  const shown = v.rows.length === v.connections ? '' : html` · ${v.rows.length} shown`;
  const body = html`<div class="page-head"><h1>Connections</h1><p class="sub">${v.connections} ad account${v.connections === 1 ? '' : 's'}${shown}${alerts ? html` · <strong>${alerts} open alert${alerts === 1 ? '' : 's'}</strong>` : ''}</p></div>
${filters(v)}
<div class="table-wrap"><table class="data connections overview">
<caption class="sr-only">Every connection: spend today and yesterday in its account currency, the last 7 days, freshness, status and open alert; totals per currency</caption>
<thead><tr>${sortHeader(q, 'name', 'Connection')}${sortHeader(q, 'status', 'Status')}${sortHeader(q, 'spend_today', 'Today', true)}${sortHeader(q, 'spend_yesterday', 'Yesterday', true)}${sortHeader(q, 'spend_7d', 'Spend, 7 days', true)}${sortHeader(q, 'conversions_7d', 'Conversions, 7 days', true)}${sortHeader(q, 'roas_7d', 'ROAS, 7 days', true)}${sortHeader(q, 'freshness', 'Data as of')}</tr></thead>
<tbody>${v.rows.length ? v.rows.map((r) => row(r, v, ctx)) : html`<tr class="none"><td colspan="8">No connection matches these filters.</td></tr>`}</tbody>
${v.totals.length ? html`<tfoot>${v.totals.map(totalsRow)}</tfoot>` : ''}
</table></div>
<p class="muted small">Today and yesterday are each connection's own reporting days (UTC, or the ad account's zone when it reports in account time); 7 days end today. Money sorts compare amounts within each currency. "Data as of" is when the last hourly window committed.</p>`;
  return layout(ctx, { title: 'Connections', body });
}
