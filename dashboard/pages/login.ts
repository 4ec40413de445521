// The token gate's sign-in form. The token is typed once; the browser then holds an HttpOnly session cookie.
import { type Html, html } from '../html.ts';
import { csrfField, layout, type PageContext } from './layout.ts';

export function loginPage(ctx: PageContext, next: string, error?: string): Html {
  const body = html`<section class="card login" aria-labelledby="login-h"><h1 id="login-h">Sign in to the dashboard</h1><p class="sub">This dashboard is served beyond this machine, so it asks for the access token its operator set in <code>PINADS_UI_TOKEN</code>.</p>${error ? html`<p class="flash error" role="alert" id="login-err">${error}</p>` : ''}<form method="post" action="/login">${csrfField(ctx)}<input type="hidden" name="next" value="${next}"><label for="token">Access token</label><input id="token" name="token" type="password" autocomplete="current-password" required autofocus${error ? html` aria-describedby="login-err" aria-invalid="true"` : ''}><button class="btn primary" type="submit">Sign in</button></form></section>`;
  return layout({ ...ctx, gated: false }, { title: 'Sign in', body });
}

/** Only a local path may be a post-login target: never another origin. */
export function safeNext(next: string | null | undefined): string {
  return next && /^\/(?!\/)[^\s\\]*$/.test(next) && !next.startsWith('/login') ? next : '/';
}
