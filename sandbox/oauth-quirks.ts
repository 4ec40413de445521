// Token responses that are odd in the ways real ones can be (issue #23 item 2): Pinterest's schema says `scope`,
// `expires_in` (integer) and both refresh-expiry fields are required, yet clients meet responses without a scope,
// with a float or text lifetime, or without the refresh expiry. Each quirk bends only the shape of a successful
// response: the refresh token still rotates, so a client that throws the response away loses its grant.
import { invalid, RawJson } from './http.ts';

export const OAUTH_QUIRKS = [
  'no_scope',
  'expires_in_float',
  'expires_in_text',
  'refresh_token_expires_at_null',
  'no_refresh_token_expiry',
] as const;
export type OAuthQuirk = (typeof OAUTH_QUIRKS)[number];

/** Validates a POST /__sandbox/oauth_quirks body: `{"quirks": [...]}`; `[]` clears. */
export function parseQuirks(body: Record<string, unknown>): OAuthQuirk[] {
  const q = body.quirks;
  if (!Array.isArray(q) || q.some((x) => !(OAUTH_QUIRKS as readonly unknown[]).includes(x)))
    throw invalid(`quirks must be an array of ${OAUTH_QUIRKS.join(', ')}.`);
  return [...new Set(q as OAuthQuirk[])];
}

/**
 * The token response with the quirks applied, as raw JSON text: a float lifetime must reach the wire as
 * `2592000.0`, which JSON.stringify would print as `2592000`.
 */
export function quirkyTokenResponse(body: Record<string, unknown>, quirks: ReadonlySet<OAuthQuirk>): RawJson {
  const out: Record<string, unknown> = { ...body };
  if (quirks.has('no_scope')) delete out.scope;
  if (quirks.has('expires_in_text')) out.expires_in = String(out.expires_in);
  if (quirks.has('refresh_token_expires_at_null')) out.refresh_token_expires_at = null;
  if (quirks.has('no_refresh_token_expiry')) {
    delete out.refresh_token_expires_in;
    delete out.refresh_token_expires_at;
  }
  let text = JSON.stringify(out);
  if (quirks.has('expires_in_float') && typeof out.expires_in === 'number')
    text = text.replace(`"expires_in":${out.expires_in}`, `"expires_in":${out.expires_in}.0`);
  return new RawJson(text);
}
