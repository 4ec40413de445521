// The Channels report as a tree table: channel → campaign → ad group → ad. Every level's numbers are the rows of
// channelsReport at that level (the same query as `pinads report channels --by LEVEL`); the tree only says which
// row sits under which, from the ids on the facts. app.js adds expand/collapse and sorting; without script the
// campaign level is shown.

import type { TreeLink } from '../../warehouse/dashboard-queries.ts';
import type { ChannelLevel, ChannelsRow, ReportResult } from '../../warehouse/reports.ts';
import { count, money, ratio } from '../format.ts';
import { type Html, html, query } from '../html.ts';

export type ChannelsByLevel = Record<ChannelLevel, ReportResult<ChannelsRow>>;

const LEVEL_LABEL: Record<ChannelLevel, string> = {
  channel: 'Channel',
  campaign: 'Campaign',
  ad_group: 'Ad group',
  ad: 'Ad',
};
const CHILD: Partial<Record<ChannelLevel, ChannelLevel>> = {
  channel: 'campaign',
  campaign: 'ad_group',
  ad_group: 'ad',
};

// biome-ignore format: one column per line pair
const COLUMNS = [
  ['spend', 'Spend'], ['revenue', 'Revenue'], ['roas', 'ROAS'], ['purchases', 'Purchases'], ['cpa', 'CPA'],
] as const;

function cells(r: ChannelsRow): Html[] {
  const c = r.currency;
  const shown: Record<(typeof COLUMNS)[number][0], string> = {
    spend: money(r.spend, c),
    revenue: money(r.revenue, c),
    roas: ratio(r.roas),
    purchases: count(r.purchases),
    cpa: money(r.cpa, c),
  };
  return COLUMNS.map(([k]) => html`<td class="num" data-v="${r[k] ?? ''}">${shown[k]}</td>`);
}

/** Children of each row, keyed `level:id` of the parent, in the report's order (by spend). */
function childrenOf(levels: ChannelsByLevel, tree: TreeLink[]): Map<string, ChannelsRow[]> {
  const groupOf = new Map(tree.map((t) => [t.ad_id, t.ad_group_id]));
  const campaignOf = new Map(tree.map((t) => [t.ad_group_id, t.campaign_id]));
  const out = new Map<string, ChannelsRow[]>();
  const add = (key: string, r: ChannelsRow) => {
    const list = out.get(key) ?? [];
    list.push(r);
    out.set(key, list);
  };
  for (const r of levels.campaign.rows) add('channel:pinterest', r);
  for (const r of levels.ad_group.rows) add(`campaign:${campaignOf.get(r.entity_id) ?? '?'}`, r);
  for (const r of levels.ad.rows) add(`ad_group:${groupOf.get(r.entity_id) ?? '?'}`, r);
  return out;
}

function rowsFor(
  level: ChannelLevel,
  rows: ChannelsRow[],
  parentKey: string | undefined,
  depth: number,
  kids: Map<string, ChannelsRow[]>,
): Html[] {
  const out: Html[] = [];
  for (const r of rows) {
    const key = `${level}:${r.entity_id}`;
    const children = kids.get(key) ?? [];
    const child = CHILD[level];
    // The channel row starts open: the first thing a marketer wants is the campaigns.
    const open = level === 'channel';
    const hidden = depth > 1;
    const name = r.entity_name ?? (level === 'channel' ? 'Pinterest' : '(name not synced yet)');
    const toggle =
      child && children.length
        ? html`<button type="button" class="toggle" aria-expanded="${open ? 'true' : 'false'}" data-toggle="${key}" aria-label="${open ? 'Collapse' : 'Expand'} ${name}: ${children.length} ${LEVEL_LABEL[child].toLowerCase()}${children.length === 1 ? '' : 's'}"></button>`
        : html`<span class="toggle-spacer" aria-hidden="true"></span>`;
    out.push(
      html`<tr data-entity-id="${r.entity_id}" data-level="${level}" data-key="${key}"${parentKey ? html` data-parent="${parentKey}"` : ''} class="depth-${depth}"${hidden ? html` hidden` : ''}><th scope="row"><div class="name">${toggle}<span><span class="lvl">${LEVEL_LABEL[level]}</span> ${r.entity_name === null && level !== 'channel' ? html`<span class="muted">${name}</span>` : name}${level === 'channel' ? '' : html`<span class="id mono">${r.entity_id}</span>`}</span></div></th>${cells(r)}</tr>`,
    );
    if (child) out.push(...rowsFor(child, children, key, depth + 1, kids));
  }
  return out;
}

export function channelsTable(
  levels: ChannelsByLevel,
  tree: TreeLink[],
  csvBase: string,
  range: { from: string; to: string },
): Html {
  const kids = childrenOf(levels, tree);
  const body = rowsFor('channel', levels.channel.rows, undefined, 0, kids);
  const total = levels.channel.totals[0];
  const downloads = (['campaign', 'ad_group', 'ad'] as const).map(
    (l) =>
      html`<a class="btn small ghost" href="${csvBase}${query({ from: range.from, to: range.to, by: l })}" download>${LEVEL_LABEL[l]}s CSV</a>`,
  );
  return html`<section class="card" aria-labelledby="channels-h">
<div class="card-head"><h2 id="channels-h">Channels</h2><div class="tools"><button type="button" class="btn small ghost" data-expand-all>Expand all</button><button type="button" class="btn small ghost" data-collapse-all>Collapse all</button>${downloads}</div></div>
<div class="table-wrap"><table class="data tree" data-tree>
<caption class="sr-only">Channel, campaigns, ad groups and ads with spend, revenue, ROAS, purchases and CPA over the range. Use the buttons in the first column to expand a row and the column headers to sort.</caption>
<thead><tr><th scope="col" aria-sort="none"><button type="button" class="sort" data-sort="name">Name</button></th>${COLUMNS.map(([k, label]) => html`<th scope="col" class="num" aria-sort="${k === 'spend' ? 'descending' : 'none'}"><button type="button" class="sort" data-sort="${k}">${label}</button></th>`)}</tr></thead>
<tbody>${body}</tbody>
${total ? html`<tfoot><tr><th scope="row">Total</th>${cells(total)}</tr></tfoot>` : ''}
</table></div></section>`;
}
