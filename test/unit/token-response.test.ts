// readTokenResponse: the shapes of a successful token answer the sandbox cannot produce, read without losing the
// refresh token Pinterest issued (issue 23 item 2; the sandbox's quirks are driven end to end in e2e/token-quirks).
import { describe, expect, it } from 'vitest';
import { AnswerWithoutAccessToken, ASSUMED_EXPIRES_IN_S, readTokenResponse } from '../../pinterest/oauth.ts';

const ok = { access_token: 'pina_a', refresh_token: 'pinr_new', expires_in: 2592000, scope: 'ads:read' };

describe('readTokenResponse', () => {
  it('reads a regular answer with no oddity', () => {
    expect(readTokenResponse(ok)).toMatchObject({
      accessToken: 'pina_a',
      refreshToken: 'pinr_new',
      oddities: [],
    });
  });

  it('keeps the new refresh token when the access token is missing, in the error it throws', () => {
    const err = (() => {
      try {
        readTokenResponse({ ...ok, access_token: undefined });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AnswerWithoutAccessToken);
    expect((err as AnswerWithoutAccessToken).tokens.refreshToken).toBe('pinr_new');
    expect((err as Error).message).not.toContain('pinr_new');
  });

  it('keeps the refresh token it sent when a refresh answer names none; refuses a code exchange without one', () => {
    const t = readTokenResponse({ ...ok, refresh_token: undefined }, 'pinr_sent');
    expect(t.refreshToken).toBe('pinr_sent');
    expect(t.oddities.join()).toMatch(/no refresh_token/);
    expect(() => readTokenResponse({ ...ok, refresh_token: '' })).toThrow(/no refresh token/);
  });

  it('reads lifetimes of odd shapes, and assumes a day when there is no usable one', () => {
    expect(readTokenResponse({ ...ok, expires_in: 3600.9 }).expiresIn).toBe(3600);
    expect(readTokenResponse({ ...ok, expires_in: ' 3600 ' }).expiresIn).toBe(3600);
    const bad = readTokenResponse({ ...ok, expires_in: 'soon', refresh_token_expires_in: -1 });
    expect(bad.expiresIn).toBe(ASSUMED_EXPIRES_IN_S);
    expect(bad.refreshTokenExpiresIn).toBeUndefined();
    expect(bad.oddities).toHaveLength(3);
  });
});
