// The connection page: KPI tiles of the Overview over the range, daily and hourly charts, the Channels tree, sync
// runs with live backfill progress, and the tracking audit.

import { addDays } from '../../common/dates.ts';
import { customEventName } from '../../schemas/config.ts';
import type { ScheduleState } from '../../temporal/schedules.ts';
import type { UrlAudit } from '../../tracking/audit.ts';
import type { ExtraResult, KeywordRow } from '../../warehouse/breakdowns.ts';
import type { ConnectionSummary, HourPoint, RunRow, TreeLink } from '../../warehouse/dashboard-queries.ts';
import type { RestatementRow } from '../../warehouse/finality.ts';
import type { AuditAd, OverviewRow, ReportResult } from '../../warehouse/reports.ts';
import { PRESETS, presetRange } from '../data.ts';
import { dataValue, display, relative, when } from '../format.ts';
import { type Html, html, query } from '../html.ts';
import type { BackfillView } from '../temporal.ts';
import { type ChannelsByLevel, channelsTable } from './channels.ts';
import { breakdownPanel, keywordPanel, type PanelBreakdowns, restatementsPanel } from './extras.ts';
import { csrfField, emptyState, layout, type PageContext, repairCommand, statusBadge } from './layout.ts';
import { auditPanel, backfillPanel, dailyChart, hourlyChart, runsPanel } from './panels.ts';

export interface RangeChoice {
  from: string;
  to: string;
  /** The day of the hourly chart. */
  day: string;
  /** Today in the reporting zone. */
  today: string;
  preset?: string;
}

export interface ConnectionView {
  conn: ConnectionSummary;
  zone: string;
  /** Account time, but the account's zone is not known yet (no sync, none stored): days are counted in UTC. */
  zoneUnknown?: boolean;
  currency: string;
  choice: RangeChoice;
  overview: ReportResult<OverviewRow>;
  levels: ChannelsByLevel;
  tree: TreeLink[];
  hourly: { timeZone: string; hours: HourPoint[] };
  runs: RunRow[];
  audit: { audited: number; findings: (UrlAudit & { ad: AuditAd })[] };
  schedule: ScheduleState | null | undefined;
  backfills: BackfillView[] | undefined;
  breakdowns: PanelBreakdowns;
  keywords: ExtraResult<KeywordRow>;
  restatements: RestatementRow[];
  timings: Record<string, number>;
}

// The nine Overview metrics, in the order a marketer reads them.
export const KPIS = [
  { key: 'spend', label: 'Spend', kind: 'money' },
  { key: 'roas', label: 'ROAS', kind: 'ratio', hint: 'revenue ÷ spend' },
  { key: 'ctr', label: 'CTR', kind: 'percent', hint: 'clicks ÷ impressions' },
  { key: 'cpa', label: 'CPA', kind: 'money', hint: 'spend ÷ conversions' },
  { key: 'cpc', label: 'CPC', kind: 'money', hint: 'spend ÷ clicks' },
  { key: 'cpm', label: 'CPM', kind: 'money', hint: 'spend per 1,000 impressions' },
  // The hint names the connection's conversion event (eventHint).
  { key: 'conversions', label: 'Conversions', kind: 'count', hint: 'checkouts' },
  { key: 'clicks', label: 'Clicks', kind: 'int', hint: 'paid pin clicks' },
  { key: 'impressions', label: 'Impressions', kind: 'int', hint: 'paid' },
] as const;

/** What the Conversions tile counts: the connection's conversion event, and how fresh a custom one is. */
function eventHint(event: string): string {
  const custom = customEventName(event);
  if (custom !== undefined) return `${custom} (custom event, daily)`;
  return (
    {
      checkout: 'checkouts',
      add_to_cart: 'add to carts',
      signup: 'sign-ups',
      lead: 'leads',
      page_visit: 'page visits',
    }[event] ?? event
  );
}

/** The days of the range with numbers that are not final yet (Pinterest may still change them). */
export function provisionalDays(v: ConnectionView): string[] {
  return v.overview.rows.filter((r) => r.is_final === 'false').map((r) => r.date);
}

function kpiTiles(v: ConnectionView): Html {
  const t = v.overview.totals.find((r) => r.currency === v.currency) ?? v.overview.totals[0];
  const provisional = provisionalDays(v);
  const note = provisional.length
    ? html`<p class="provisional-note" role="note" data-provisional-days="${provisional.length}"><span class="prov-mark" aria-hidden="true"></span>Includes ${provisional.length} provisional ${provisional.length === 1 ? 'day' : 'days'} (${provisional.length > 3 ? `${provisional[0]} … ${provisional.at(-1)}` : provisional.join(', ')}): not final at Pinterest yet, so these totals may still change.</p>`
    : html`<p class="provisional-note final" data-provisional-days="0">Every day in this range is final at Pinterest.</p>`;
  return html`<section aria-labelledby="kpi-h"><h2 id="kpi-h" class="sr-only">Overview, ${v.choice.from} to ${v.choice.to}</h2><dl class="kpis" data-final="${provisional.length ? 'false' : 'true'}">${KPIS.map(
    (k) => {
      const value = t ? t[k.key] : null;
      const hint =
        k.key === 'conversions' ? eventHint(v.conn.conversion_event) : 'hint' in k ? k.hint : undefined;
      return html`<div class="kpi" data-kpi="${k.key}" data-value="${dataValue(value, k.key, v.currency)}"><dt>${k.label}${hint ? html`<span class="hint">${hint}</span>` : ''}</dt><dd>${display(value, k.kind, v.currency)}</dd></div>`;
    },
  )}</dl>${note}</section>`;
}

function rangeBar(v: ConnectionView, base: string): Html {
  const c = v.choice;
  const links = PRESETS.map((p) => {
    const r = presetRange(p.id, c.today);
    const current = c.preset === p.id;
    return html`<a class="seg${current ? ' on' : ''}" href="${base}${query(r)}"${current ? html` aria-current="true"` : ''}>${p.label}</a>`;
  });
  return html`<div class="rangebar"><nav class="segs" aria-label="Date range">${links}</nav><form class="custom" method="get" action="${base}"><label>From <input type="date" name="from" value="${c.from}" max="${c.today}" required></label><label>To <input type="date" name="to" value="${c.to}" max="${c.today}" required></label><button class="btn small" type="submit">Apply</button></form></div>`;
}

function header(v: ConnectionView, ctx: PageContext, base: string): Html {
  const c = v.conn;
  const next =
    v.schedule === undefined
      ? 'next run unknown (Temporal not reachable)'
      : v.schedule === null || v.schedule.paused || !v.schedule.nextRunAt
        ? 'no run scheduled'
        : `next run ${relative(v.schedule.nextRunAt)}`;
  const actions = html`<div class="actions"><form method="post" action="${base}/sync">${csrfField(ctx)}<button class="btn primary" type="submit"${c.status === 'needs_reauth' ? html` disabled aria-disabled="true"` : ''}>Sync now</button></form>${c.status === 'paused' ? html`<form method="post" action="${base}/resume">${csrfField(ctx)}<button class="btn" type="submit">Resume schedule</button></form>` : ''}</div>`;
  const reauth =
    c.status === 'needs_reauth'
      ? html`<div class="banner error" role="alert"><strong>This connection needs to be reconnected.</strong> ${c.status_reason ?? ''}<div class="repair">Run: <code>${repairCommand(c.ad_account_id)}</code></div></div>`
      : c.status === 'paused'
        ? html`<div class="banner warn">The hourly schedule is paused${c.status_reason ? html` (${c.status_reason})` : ''}. Numbers below stop moving until you resume it.</div>`
        : c.alert_kind === 'stale' || c.alert_kind === 'config_error'
          ? html`<div class="banner warn" role="status" data-alert="${c.alert_kind}"><strong>${c.alert_kind === 'stale' ? 'Stale' : 'Configuration error'}</strong> since ${when(c.alert_since)}: ${c.alert_reason ?? ''}</div>`
          : '';
  const zone = v.zoneUnknown
    ? 'account time zone not known until the first sync (days in UTC meanwhile)'
    : v.zone === 'UTC'
      ? 'days in UTC'
      : `days in ${v.zone}`;
  return html`<div class="page-head"><div><h1>${c.name}</h1><p class="sub">${statusBadge(c.status)} <span class="mono">${c.ad_account_id}</span>${c.account_name ? ` · ${c.account_name}` : ''} · ${v.currency} · ${zone} · last success ${c.last_success_at ? html`<time datetime="${new Date(c.last_success_at).toISOString()}" title="${when(c.last_success_at)}">${relative(c.last_success_at)}</time>` : 'never'} · ${next}</p></div>${actions}</div>${reauth}`;
}

export function connectionPage(ctx: PageContext, v: ConnectionView): Html {
  const base = `/connections/${v.conn.id}`;
  const c = v.choice;
  const hasData = v.overview.rows.length > 0;
  const noData = emptyState(
    `No data from ${c.from} to ${c.to}`,
    v.conn.last_success_at
      ? 'Nothing was spent in this range, or it has not been loaded yet. Load it with a backfill:'
      : 'This connection has not finished a sync yet. Press "Sync now" above, or load a range with a backfill:',
    backfillForm(ctx, base, c.from, c.to > c.today ? c.today : c.to),
  );
  const extras = {
    base,
    from: c.from,
    to: c.to,
    today: c.today,
    currency: v.currency,
    event: v.conn.conversion_event,
  };
  const body = html`${header(v, ctx, base)}${rangeBar(v, base)}
${hasData ? html`${kpiTiles(v)}<div class="grid2">${dailyChart(v)}${hourlyChart(v, base)}</div>${channelsTable(v.levels, v.tree, `${base}/channels.csv`, c)}${breakdownPanel(v.breakdowns, extras)}${keywordPanel(v.keywords, extras)}` : noData}
<div class="grid2">${runsPanel(v.runs)}${backfillPanel(v.backfills, base, backfillForm(ctx, base, addDays(c.today, -89), c.today))}</div>
${restatementsPanel(v.restatements)}
${auditPanel(v.audit, v.conn.id)}`;
  return layout(ctx, {
    title: v.conn.name,
    body,
    crumbs: [{ href: '/', label: 'Connections' }, { label: v.conn.name }],
  });
}

export function backfillForm(ctx: PageContext, base: string, from: string, to: string): Html {
  return html`<form class="backfill" method="post" action="${base}/backfill">${csrfField(ctx)}<label>From <input type="date" name="from" value="${from}" required></label><label>To <input type="date" name="to" value="${to}" required></label><button class="btn" type="submit">Start backfill</button></form>`;
}
