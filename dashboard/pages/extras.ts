// The connection page's panels over the daily extra reports and the restatement ledger: spend and ROAS by country,
// age and gender, the top keywords, and the recent restatements. Every number is a row of the query behind
// `pinads report breakdown|keywords` (warehouse/breakdowns.ts) or of pinterest_ads.restatements; each panel links
// the CSV that command prints.
import { formatValue } from '../../core/report-format.ts';
import type { BreakdownBy, BreakdownRow, ExtraResult, KeywordRow } from '../../warehouse/breakdowns.ts';
import type { RestatementRow } from '../../warehouse/finality.ts';
import { count, integer, money, ratio, relative, when } from '../format.ts';
import { type Html, html, query } from '../html.ts';

export type PanelBreakdowns = Record<'country' | 'age' | 'gender', ExtraResult<BreakdownRow>>;

const TITLES: Record<keyof PanelBreakdowns, string> = { country: 'Country', age: 'Age', gender: 'Gender' };
const ALL_BYS: [BreakdownBy, string][] = [
  ['country', 'Countries'],
  ['region', 'Regions'],
  ['age', 'Ages'],
  ['gender', 'Genders'],
  ['app_type', 'App types'],
];
const SHOWN = 8;

/** How fresh a daily report is over the range, said once per panel. */
function freshness(r: ExtraResult<object>, to: string, today: string): string {
  const last = to > today ? today : to;
  if (r.pulledThrough === null)
    return 'Not pulled for this range yet: a daily report, pulled once per reporting day.';
  if (r.pulledThrough < last)
    return `Daily report: pulled through ${r.pulledThrough}; later days come with the next daily pass.`;
  return `Daily report: pulled through ${r.pulledThrough}.`;
}

function customNote(event: string): Html | string {
  return event.startsWith('custom:')
    ? html`<p class="sub small">ROAS and conversions count <code>${event}</code>, which Pinterest does not break down by targeting or keyword: they are empty here.</p>`
    : '';
}

/** The row's spend as a share of the largest, drawn as SVG (the page's CSP allows no inline style). */
const shareBar = (v: number, top: number) =>
  html`<svg class="share" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true"><rect width="${top > 0 ? Math.max(1, Math.round((v / top) * 100)) : 0}" height="6"></rect></svg>`;

function breakdownTable(by: keyof PanelBreakdowns, r: ExtraResult<BreakdownRow>, currency: string): Html {
  const rows = r.rows.slice(0, SHOWN);
  const top = Math.max(0, ...rows.map((x) => Number(x.spend ?? 0)));
  const label = (x: BreakdownRow) =>
    x.name ? html`${x.name} <span class="id mono">${x.value}</span>` : x.value;
  const body = rows.length
    ? rows.map(
        (x) =>
          html`<tr data-value="${x.value}" data-spend="${x.spend ?? ''}" data-roas="${formatValue(x.roas, 'ratio', x.currency, 'data') ?? ''}" data-final="${x.is_final}"><th scope="row">${label(x)}</th><td class="num">${shareBar(Number(x.spend ?? 0), top)}${money(x.spend, x.currency ?? currency)}</td><td class="num">${ratio(x.roas)}</td></tr>`,
      )
    : html`<tr><td colspan="3" class="muted">No rows in this range.</td></tr>`;
  const more =
    r.rows.length > SHOWN ? html`<p class="sub small">and ${r.rows.length - SHOWN} more in the CSV</p>` : '';
  return html`<div class="breakdown" data-breakdown="${by}"><table class="data compact"><caption class="sr-only">Spend and ROAS by ${TITLES[by].toLowerCase()}</caption><thead><tr><th scope="col">${TITLES[by]}</th><th scope="col" class="num">Spend</th><th scope="col" class="num">ROAS</th></tr></thead><tbody>${body}</tbody></table>${more}</div>`;
}

export function breakdownPanel(
  b: PanelBreakdowns,
  o: { base: string; from: string; to: string; today: string; currency: string; event: string },
): Html {
  const links = ALL_BYS.map(
    ([by, label]) =>
      html`<a class="btn small ghost" href="${o.base}/breakdown.csv${query({ by, from: o.from, to: o.to })}" download>${label} CSV</a>`,
  );
  return html`<section class="card" id="breakdowns" aria-labelledby="bd-h"><div class="card-head"><h2 id="bd-h">Spend and ROAS by country, age and gender</h2><div class="tools">${links}</div></div><p class="sub small">${freshness(b.country, o.to, o.today)} The same numbers in a terminal: <code>pinads report breakdown ID --by country</code></p>${customNote(o.event)}<div class="grid3">${(['country', 'age', 'gender'] as const).map((by) => breakdownTable(by, b[by], o.currency))}</div></section>`;
}

const KEYWORDS_SHOWN = 15;

export function keywordPanel(
  k: ExtraResult<KeywordRow>,
  o: { base: string; from: string; to: string; today: string; event: string },
): Html {
  const rows = k.rows.slice(0, KEYWORDS_SHOWN);
  const body = rows.length
    ? html`<div class="table-wrap"><table class="data compact keywords"><caption class="sr-only">Keywords by spend over the range</caption><thead><tr><th scope="col">Keyword</th><th scope="col">Match</th><th scope="col" class="num">Spend</th><th scope="col" class="num">Clicks</th><th scope="col" class="num">Conversions</th><th scope="col" class="num">CPA</th><th scope="col" class="num">ROAS</th></tr></thead><tbody>${rows.map(
        (x) =>
          html`<tr data-keyword-id="${x.keyword_id}" data-spend="${x.spend ?? ''}" data-final="${x.is_final}"><th scope="row">${x.keyword ?? html`<span class="muted">(not synced yet)</span>`}<div class="id mono">${x.keyword_id}</div></th><td>${x.match_type ?? '—'}</td><td class="num">${money(x.spend, x.currency)}</td><td class="num">${integer(x.clicks)}</td><td class="num">${count(x.conversions)}</td><td class="num">${money(x.cpa, x.currency)}</td><td class="num">${ratio(x.roas)}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">No keyword delivered in this range${k.pulledThrough === null ? ' (or the daily keyword report has not run yet)' : ''}.</p>`;
  const more =
    k.rows.length > KEYWORDS_SHOWN
      ? html`<p class="sub small">Top ${KEYWORDS_SHOWN} of ${k.rows.length} by spend; all of them in the CSV.</p>`
      : '';
  return html`<section class="card" id="keywords" aria-labelledby="kw-h"><div class="card-head"><h2 id="kw-h">Keywords</h2><div class="tools"><a class="btn small ghost" href="${o.base}/keywords.csv${query({ from: o.from, to: o.to })}" download>Keywords CSV</a></div></div><p class="sub small">${freshness(k, o.to, o.today)}</p>${customNote(o.event)}${body}${more}</section>`;
}

const change = (before: string, after: string, fmt: (v: string) => string) =>
  html`<span class="mono small">${fmt(before)} → ${fmt(after)}</span>`;

export function restatementsPanel(list: RestatementRow[]): Html {
  const body = list.length
    ? html`<div class="table-wrap"><table class="data compact restatements"><caption class="sr-only">The latest days a re-pull changed, newest first</caption><thead><tr><th scope="col">Detected</th><th scope="col">Day</th><th scope="col">Spend</th><th scope="col">Checkouts</th><th scope="col">Checkout value</th></tr></thead><tbody>${list.map(
        (r) =>
          html`<tr data-restated-date="${r.date}" data-spend-before="${r.spend_before}" data-spend-after="${r.spend_after}"><td><time datetime="${new Date(r.detected_at).toISOString()}" title="${when(r.detected_at)}">${relative(r.detected_at)}</time></td><td class="mono small">${r.date}</td><td>${change(r.spend_before, r.spend_after, (v) => money(v, r.currency))}</td><td>${change(r.conversions_before, r.conversions_after, count)}</td><td>${change(r.revenue_before, r.revenue_after, (v) => money(v, r.currency))}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">No restatements recorded: no re-pull has changed a day's spend, checkouts or checkout value.</p>`;
  return html`<section class="card" id="restatements" aria-labelledby="rs-h"><div class="card-head"><h2 id="rs-h">Recent restatements</h2></div><p class="sub small">Days Pinterest changed after pinads had loaded them (the ledger <code>pinterest_ads.restatements</code>).</p>${body}</section>`;
}
