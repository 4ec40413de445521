// The connection page's panels: the two charts, recent sync runs, backfill progress and the tracking audit.

import { addDays } from '../../common/dates.ts';
import { TEMPLATE_PARAMS } from '../../tracking/template.ts';
import type { RunRow } from '../../warehouse/dashboard-queries.ts';
import { barChart, lineChart } from '../charts.ts';
import { durationMs, integer, money, relative, when } from '../format.ts';
import { type Html, html, query } from '../html.ts';
import type { BackfillView } from '../temporal.ts';
import type { ConnectionView } from './connection.ts';
import { statusBadge } from './layout.ts';

function dataTable(caption: string, head: string[], rows: string[][]): Html {
  return html`<details class="datatable"><summary>Data table</summary><div class="table-wrap"><table class="data compact"><caption class="sr-only">${caption}</caption><thead><tr>${head.map((h, i) => html`<th scope="col"${i ? html` class="num"` : ''}>${h}</th>`)}</tr></thead><tbody>${rows.map((r) => html`<tr>${r.map((cell, i) => (i ? html`<td class="num">${cell}</td>` : html`<th scope="row">${cell}</th>`))}</tr>`)}</tbody></table></div></details>`;
}

/**
 * Spend and revenue, one point per day of the range up to today; a day without rows had nothing (0). Days whose
 * numbers are not final at Pinterest yet are marked (a hatched band, the tooltip, the data table).
 */
export function dailyChart(v: ConnectionView): Html {
  const byDate = new Map(v.overview.rows.map((r) => [r.date, r]));
  const last = v.choice.to > v.choice.today ? v.choice.today : v.choice.to;
  const days: string[] = [];
  for (let d = v.choice.from; d <= last; d = addDays(d, 1)) days.push(d);
  const cur = v.currency;
  const spend = days.map((d) => byDate.get(d)?.spend ?? '0');
  const revenue = days.map((d) => byDate.get(d)?.revenue ?? '0');
  const provisional = days.map((d) => byDate.get(d)?.is_final === 'false');
  const mark = (i: number) => (provisional[i] ? ' (provisional)' : '');
  const chart = lineChart({
    kind: 'daily',
    title: `Spend and revenue per day, ${v.choice.from} to ${last}`,
    currency: cur,
    labels: days.map((d) => d.slice(5)),
    series: [
      { name: 'Spend', cls: 'spend', values: spend.map(Number) },
      { name: 'Revenue', cls: 'revenue', values: revenue.map(Number) },
    ],
    tooltips: days.map(
      (d, i) => `${d}: spend ${money(spend[i]!, cur)}, revenue ${money(revenue[i]!, cur)}${mark(i)}`,
    ),
    provisional,
  });
  const anyProvisional = provisional.some(Boolean);
  return html`<section class="card" aria-labelledby="daily-h"><div class="card-head"><h2 id="daily-h">Spend and revenue per day</h2><ul class="legend"><li class="spend">Spend</li><li class="revenue">Revenue</li>${anyProvisional ? html`<li class="provisional">Provisional</li>` : ''}</ul></div>${chart}${dataTable(
    'Spend and revenue per day',
    ['Date', 'Spend', 'Revenue', 'Final'],
    days.map((d, i) => [
      d,
      money(spend[i]!, cur),
      money(revenue[i]!, cur),
      byDate.has(d) ? (provisional[i] ? 'provisional' : 'final') : '—',
    ]),
  )}</section>`;
}

/** Spend per hour of the chosen day, in the day's reporting zone, with a day picker that keeps the range. */
export function hourlyChart(v: ConnectionView, base: string): Html {
  const { from, to, day, today } = v.choice;
  const cur = v.currency;
  const hours = v.hourly.hours;
  const dayTotal = v.overview.rows.find((r) => r.date === day)?.spend;
  const link = (d: string, label: string, rel: string) =>
    d > today
      ? html`<span class="btn small ghost" aria-disabled="true">${label}</span>`
      : html`<a class="btn small ghost" rel="${rel}" href="${base}${query({ from, to, day: d })}">${label}</a>`;
  const chart = hours.length
    ? barChart({
        kind: 'hourly',
        title: `Spend per hour on ${day} (${v.hourly.timeZone})`,
        currency: cur,
        labels: hours.map((h) => h.label.slice(0, 2)),
        series: [{ name: 'Spend', cls: 'spend', values: hours.map((h) => Number(h.spend)) }],
        tooltips: hours.map((h) => `${day} ${h.label} ${v.hourly.timeZone}: spend ${money(h.spend, cur)}`),
      })
    : html`<p class="muted" data-chart="hourly" data-points="0">No hours to show: ${day} has not started yet in ${v.hourly.timeZone}.</p>`;
  return html`<section class="card" aria-labelledby="hourly-h"><div class="card-head"><h2 id="hourly-h">Spend per hour</h2><form class="daypick" method="get" action="${base}"><input type="hidden" name="from" value="${from}"><input type="hidden" name="to" value="${to}">${link(addDays(day, -1), '‹ Prev', 'prev')}<label><span class="sr-only">Day</span><input type="date" name="day" value="${day}" max="${today}" required></label><button class="btn small" type="submit">Show</button>${link(addDays(day, 1), 'Next ›', 'next')}</form></div>
<p class="sub small">${day} · ${hours.length} hours in ${v.hourly.timeZone}${dayTotal ? html` · day total ${money(dayTotal, cur)}` : ''} · spread evenly over the day's hours (Pinterest reports spend per day)</p>${chart}${
    hours.length
      ? dataTable(
          `Spend per hour on ${day}`,
          ['Hour', 'Spend'],
          hours.map((h) => [h.label, money(h.spend, cur)]),
        )
      : ''
  }</section>`;
}

export function runsPanel(runs: RunRow[]): Html {
  const body = runs.length
    ? html`<div class="table-wrap"><table class="data compact runs"><caption class="sr-only">The latest sync runs, newest first</caption><thead><tr><th scope="col">Started</th><th scope="col">Kind</th><th scope="col">Window</th><th scope="col">Status</th><th scope="col" class="num">Rows</th><th scope="col" class="num">API calls</th><th scope="col" class="num">Took</th></tr></thead><tbody>${runs.map(
        (r) =>
          html`<tr data-run-id="${r.id}"><td><time datetime="${new Date(r.started_at).toISOString()}" title="${when(r.started_at)}">${relative(r.started_at)}</time></td><td>${r.kind}${r.report === 'ad_daily' ? '' : html`<div class="muted small">${r.report}</div>`}</td><td class="mono small">${r.window_start === null ? html`<span class="muted">before any window</span>` : r.window_start === r.window_end ? r.window_start : `${r.window_start} → ${r.window_end}`}</td><td>${statusBadge(r.status)}${r.error ? html`<div class="err small" title="${r.error}">${r.error}</div>` : ''}</td><td class="num">${integer(r.rows_loaded)}</td><td class="num">${r.api_calls}</td><td class="num">${durationMs(r.duration_ms)}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">No sync has run yet. "Sync now" starts one; the hourly schedule runs them on its own.</p>`;
  return html`<section class="card" aria-labelledby="runs-h"><div class="card-head"><h2 id="runs-h">Recent sync runs</h2></div>${body}</section>`;
}

function progressItem(b: BackfillView): Html {
  const p = b.progress;
  const done = p?.chunksDone ?? 0;
  const total = p?.chunksTotal ?? 0;
  const now = p?.currentChunk ? ` · now ${p.currentChunk.start} → ${p.currentChunk.end}` : '';
  return html`<li class="bf" data-workflow-id="${b.workflowId}"><div class="bf-head"><span class="mono small">${b.from} → ${b.to}</span><span class="small" data-bf-text>${done}/${total} chunks · ${integer(String(p?.rowsLoaded ?? 0))} rows${now}</span></div><progress max="${total || 1}" value="${done}" aria-label="Backfill ${b.from} to ${b.to}">${done}/${total}</progress></li>`;
}

export function backfillPanel(backfills: BackfillView[] | undefined, base: string, form: Html): Html {
  const state =
    backfills === undefined
      ? html`<p class="muted" data-bf-empty>Progress unknown: Temporal is not reachable.</p>`
      : backfills.length
        ? ''
        : html`<p class="muted" data-bf-empty>No backfill running.</p>`;
  return html`<section class="card" aria-labelledby="bf-h"><div class="card-head"><h2 id="bf-h">Backfill</h2></div><div data-backfills="${base}/backfills.json" aria-live="polite"><ul class="bfs">${(backfills ?? []).map(progressItem)}</ul>${state}</div><p class="sub small">Loads a range of up to 913 days back, in chunks; re-running a range is safe.</p>${form}</section>`;
}

const AUDIT_SHOWN = 10;
const AUDIT_LISTED = 200;

export function auditPanel(audit: ConnectionView['audit'], connectionId: string): Html {
  const n = audit.findings.length;
  const allMissing = (problems: string[]) =>
    problems.length === TEMPLATE_PARAMS.length && problems.every((p) => p.startsWith('missing '));
  const head = html`<div class="card-head"><h2 id="audit-h">Tracking audit</h2><span class="badge ${n ? 'failed' : 'succeeded'}">${n ? `${n} of ${audit.audited} ads need fixing` : `all ${audit.audited} ads tagged`}</span></div>`;
  if (audit.audited === 0)
    return html`<section class="card" aria-labelledby="audit-h">${head}<p class="muted">No ads synced yet: the audit runs on the ads a sync loads.</p></section>`;
  if (n === 0)
    return html`<section class="card" aria-labelledby="audit-h">${head}<p>Every destination URL carries the <code>cvg_*</code> and <code>utm_*</code> parameters.</p></section>`;
  const row = (f: ConnectionView['audit']['findings'][number]) =>
    html`<tr data-ad-id="${f.ad.id}"><th scope="row">${f.ad.name ?? html`<span class="muted">unnamed</span>`}<div class="id mono">${f.ad.id}</div></th><td>${f.ad.status ?? '—'}</td><td>${allMissing(f.problems) ? 'no tracking parameters' : f.problems.join('; ')}</td><td class="url">${f.fixedUrl ? html`<code>${f.fixedUrl}</code>` : html`<span class="muted">no usable URL: ${f.ad.destination_url ?? 'none'}</span>`}</td></tr>`;
  const table = (rows: Html[], caption: string) =>
    html`<div class="table-wrap"><table class="data compact audit"><caption class="sr-only">${caption}</caption><thead><tr><th scope="col">Ad</th><th scope="col">Status</th><th scope="col">Problems</th><th scope="col">Fixed URL</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  const rest = audit.findings.slice(AUDIT_SHOWN, AUDIT_LISTED);
  const more = rest.length
    ? html`<details class="more"><summary>Show ${rest.length} more</summary>${table(rest.map(row), 'More ads with tracking problems')}</details>`
    : '';
  const cli =
    n > AUDIT_LISTED
      ? html`<p class="sub small">Listing ${AUDIT_LISTED} of ${n}. All of them: <code>pinads tracking audit ${connectionId}</code></p>`
      : '';
  return html`<section class="card" aria-labelledby="audit-h">${head}<p class="sub small">Ads whose destination URL lacks or misuses the <code>cvg_*</code>/<code>utm_*</code> parameters; paste the fixed URL into the ad. The same list in a terminal: <code>pinads tracking audit ${connectionId}</code></p>${table(audit.findings.slice(0, AUDIT_SHOWN).map(row), 'Ads with tracking problems and the URL to use instead')}${more}${cli}</section>`;
}
