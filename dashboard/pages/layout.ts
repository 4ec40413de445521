// The page shell every dashboard page shares: head, header, flash message, footer. No inline script or style: the
// CSP forbids both, and the assets are served by this process under /static/ with a content hash.
import { type Html, html } from '../html.ts';

export interface PageContext {
  /** CSRF token for this browser's forms. */
  csrf: string;
  /** Whether the token gate is on (shows "Sign out"). */
  gated: boolean;
  /** Cache-busting versions of the static assets. */
  assets: { css: string; js: string };
  flash?: { kind: 'ok' | 'error'; text: string };
}

export function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="csrf" value="${ctx.csrf}">`;
}

const LOGO = html`<svg class="logo" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="11"></circle><path d="M7 17V8.5a5 5 0 0 1 10 0 5 5 0 0 1-5 5H9.5"></path></svg>`;

export function layout(
  ctx: PageContext,
  p: { title: string; body: Html; crumbs?: { href?: string; label: string }[] },
): Html {
  const crumbs = p.crumbs?.length
    ? html`<nav class="crumbs" aria-label="Breadcrumb"><ol>${p.crumbs.map((c) =>
        c.href
          ? html`<li><a href="${c.href}">${c.label}</a></li>`
          : html`<li aria-current="page">${c.label}</li>`,
      )}</ol></nav>`
    : '';
  const signOut = ctx.gated
    ? html`<form method="post" action="/logout" class="signout">${csrfField(ctx)}<button type="submit" class="btn ghost">Sign out</button></form>`
    : '';
  const flash = ctx.flash
    ? html`<div class="flash ${ctx.flash.kind}" role="${ctx.flash.kind === 'error' ? 'alert' : 'status'}">${ctx.flash.text}</div>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${p.title} · pinads</title>
<link rel="icon" href="/static/favicon.svg?v=${ctx.assets.css}" type="image/svg+xml">
<link rel="stylesheet" href="/static/style.css?v=${ctx.assets.css}">
<script type="module" src="/static/app.js?v=${ctx.assets.js}"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><div class="wrap"><a class="brand" href="/">${LOGO}<span>pinads</span></a><span class="tag">Pinterest Ads</span>${signOut}</div></header>
<main id="main" class="wrap">${crumbs}${flash}${p.body}</main>
<footer class="wrap foot">Read from your warehouse by pinads. Money in each ad account's currency; times in UTC unless marked.</footer>
</body>
</html>
`;
}

/** A full-width message that says what happened and what to do next. */
export function emptyState(title: string, body: Html | string, action?: Html): Html {
  return html`<section class="empty"><h2>${title}</h2><p>${body}</p>${action ?? ''}</section>`;
}

export function statusBadge(status: string): Html {
  const label: Record<string, string> = {
    active: 'Active',
    paused: 'Paused',
    needs_reauth: 'Needs reconnect',
    running: 'Running',
    succeeded: 'Succeeded',
    failed: 'Failed',
  };
  return html`<span class="badge ${status}">${label[status] ?? status}</span>`;
}

/** The command that repairs a connection whose Pinterest grant was revoked. */
export function repairCommand(adAccountId: string): string {
  return `pinads connect --ad-account ${adAccountId}`;
}
