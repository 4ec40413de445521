// Home: every connection at a glance, with what to do about the ones that need a person.
import type { ConnectionSummary } from '../../warehouse/dashboard-queries.ts';
import { relative, when } from '../format.ts';
import { type Html, html } from '../html.ts';
import { csrfField, emptyState, layout, type PageContext, repairCommand, statusBadge } from './layout.ts';

export interface HomeRow extends ConnectionSummary {
  /** undefined: Temporal did not answer; null: no next run (paused or no schedule). */
  next_run_at: Date | null | undefined;
}

function lastSuccess(c: HomeRow): Html {
  if (!c.last_success_at) return html`<span class="muted">never</span>`;
  return html`<time datetime="${new Date(c.last_success_at).toISOString()}" title="${when(c.last_success_at)}">${relative(c.last_success_at)}</time>`;
}

function nextRun(c: HomeRow): Html {
  if (c.next_run_at === undefined) return html`<span class="muted">unknown (Temporal not reachable)</span>`;
  if (c.next_run_at === null)
    return html`<span class="muted">${c.status === 'active' ? 'not scheduled' : 'none while paused'}</span>`;
  return html`<time datetime="${c.next_run_at.toISOString()}" title="${when(c.next_run_at)}">${relative(c.next_run_at)}</time>`;
}

function statusCell(c: HomeRow, ctx: PageContext): Html {
  const reason = c.status_reason ? html`<div class="reason">${c.status_reason}</div>` : '';
  const repair =
    c.status === 'needs_reauth'
      ? html`<div class="repair"><span>Repair:</span> <code>${repairCommand(c.ad_account_id)}</code></div>`
      : '';
  const resume =
    c.status === 'paused'
      ? html`<form method="post" action="/connections/${c.id}/resume" class="inline">${csrfField(ctx)}<input type="hidden" name="back" value="/"><button class="btn small" type="submit">Resume</button></form>`
      : '';
  return html`${statusBadge(c.status)}${resume}${reason}${repair}`;
}

function lastError(c: HomeRow): Html {
  if (!c.last_error) return html`<span class="muted">none</span>`;
  const stale = c.last_success_at && c.last_error_at && c.last_success_at > c.last_error_at;
  return html`<div class="err${stale ? ' stale' : ''}" title="${c.last_error}">${c.last_error}</div><div class="muted small">${when(c.last_error_at)}${stale ? ' · succeeded since' : ''}</div>`;
}

export function homePage(ctx: PageContext, rows: HomeRow[]): Html {
  if (rows.length === 0) {
    return layout(ctx, {
      title: 'Connections',
      body: emptyState(
        'No connections yet',
        html`Connect a Pinterest ad account from a terminal with <code>pinads connect</code> (or <code>pinads connections create --ad-account ID --refresh-token -</code>), then reload this page. <code>npm start</code> creates a demo connection against the sandbox.`,
      ),
    });
  }
  const attention = rows.filter((r) => r.status !== 'active').length;
  const body = html`<div class="page-head"><h1>Connections</h1><p class="sub">${rows.length} ad account${rows.length === 1 ? '' : 's'}${attention ? html` · <strong>${attention} need${attention === 1 ? 's' : ''} attention</strong>` : ''}</p></div>
<div class="table-wrap"><table class="data connections">
<caption class="sr-only">Every connection with its status, last success, next run and last error</caption>
<thead><tr><th scope="col">Connection</th><th scope="col">Ad account</th><th scope="col">Currency</th><th scope="col">Status</th><th scope="col">Last success</th><th scope="col">Next run</th><th scope="col">Last error</th></tr></thead>
<tbody>${rows.map(
    (c) =>
      html`<tr data-connection-id="${c.id}" data-status="${c.status}"><th scope="row"><a href="/connections/${c.id}">${c.name}</a><div class="muted small">${c.id}</div></th><td><span class="mono">${c.ad_account_id}</span>${c.account_name ? html`<div class="muted small">${c.account_name}</div>` : ''}</td><td>${c.currency ?? html`<span class="muted">not synced yet</span>`}</td><td class="status">${statusCell(c, ctx)}</td><td>${lastSuccess(c)}</td><td>${nextRun(c)}</td><td class="errcell">${lastError(c)}</td></tr>`,
  )}</tbody></table></div>`;
  return layout(ctx, { title: 'Connections', body });
}
