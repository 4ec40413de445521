import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Guard, gateFor, TokenRequiredError } from '../../dashboard/auth.ts';
import { niceTicks } from '../../dashboard/charts.ts';
import { dataValue, money, percent, ratio } from '../../dashboard/format.ts';
import { html } from '../../dashboard/html.ts';
import { safeNext } from '../../dashboard/pages/login.ts';

const req = (headers: Record<string, string>) => ({ headers, socket: {} }) as unknown as IncomingMessage;

describe('dashboard formatting', () => {
  it('shows money in the currency, exactly, with no decimals for JPY', () => {
    expect(money('12345678901234567.125', 'USD')).toBe('$12,345,678,901,234,567.13');
    expect(money('1234567.5', 'JPY')).toBe('¥1,234,568');
    expect(money('0.004', 'EUR')).toBe('€0.00');
    expect(money(null, 'USD')).toBe('—');
    expect(money('12.5', 'XXQ')).toMatch(/^XXQ\s12\.50$/); // a code Intl does not know still reads as money
    expect(percent('0.016912345')).toBe('1.69%');
    expect(ratio('7.615')).toBe('7.62×');
  });

  it("gives each KPI's data-value as the JSON formatter prints it, empty for a NULL ratio", () => {
    // Money keeps its micro-unit digits, exactly as `pinads report --format json` prints it.
    expect(dataValue('1234.567891', 'spend', 'USD')).toBe('1234.567891');
    expect(dataValue(null, 'cpa', 'USD')).toBe('');
    expect(dataValue('34947920', 'impressions', 'USD')).toBe('34947920');
    expect(() => dataValue('1', 'nope', 'USD')).toThrow();
  });

  it('escapes every interpolated value', () => {
    const name = '<script>alert("x")</script>&';
    expect(html`<td title="${name}">${name}</td>`.text).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;</td>',
    );
    expect(html`${html`<b>ok</b>`}`.text).toBe('<b>ok</b>');
  });

  it('puts round ticks above the maximum', () => {
    expect(niceTicks(37_000)).toEqual([0, 10_000, 20_000, 30_000, 40_000]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});

describe('dashboard gate', () => {
  it('refuses a non-loopback host without a token', () => {
    expect(() => gateFor('0.0.0.0', undefined)).toThrow(TokenRequiredError);
    expect(() => gateFor('0.0.0.0', '  ')).toThrow(TokenRequiredError);
    expect(gateFor('127.0.0.1', undefined)).toEqual({ token: undefined });
    expect(gateFor('0.0.0.0', 't0ken')).toEqual({ token: 't0ken' });
  });

  it('sends sign-in only to a local path', () => {
    expect(safeNext('/connections/conn_1?from=2026-01-01')).toBe('/connections/conn_1?from=2026-01-01');
    for (const bad of ['//evil.example/', 'https://evil.example/', '/\\evil', '/login', null]) {
      expect(safeNext(bad)).toBe('/');
    }
  });

  it('accepts the bearer token or the session cookie, not the token as a cookie', () => {
    const g = new Guard('s3cret', '0.0.0.0', () => 8234);
    expect(g.authorized(req({}))).toBe(false);
    expect(g.authorized(req({ authorization: 'Bearer s3cret' }))).toBe(true);
    expect(g.authorized(req({ authorization: 'Bearer wrong' }))).toBe(false);
    expect(g.authorized(req({ cookie: `pinads_session=${g.sessionValue()}` }))).toBe(true);
    expect(g.authorized(req({ cookie: 'pinads_session=s3cret' }))).toBe(false);
    expect(g.sessionValue()).not.toContain('s3cret');
  });

  it("checks the CSRF token against this browser's cookie and the origin", () => {
    const g = new Guard(undefined, '127.0.0.1', () => 8234);
    const cookie = 'pinads_csrf=abcdefghijklmnopqrstuvwx';
    const token = g.csrfToken('abcdefghijklmnopqrstuvwx');
    const base = { host: '127.0.0.1:8234', cookie };
    expect(g.csrfValid(req(base), token)).toBe(true);
    expect(g.csrfValid(req(base), undefined)).toBe(false);
    expect(g.csrfValid(req({ ...base, cookie: 'pinads_csrf=other-value-of-20-chars' }), token)).toBe(false);
    expect(g.csrfValid(req({ ...base, origin: 'http://evil.example' }), token)).toBe(false);
    expect(g.csrfValid(req({ ...base, origin: 'null' }), token)).toBe(false);
    expect(g.csrfValid(req({ ...base, 'sec-fetch-site': 'cross-site' }), token)).toBe(false);
    expect(g.csrfValid(req({ ...base, origin: 'http://127.0.0.1:8234' }), token)).toBe(true);
  });

  it('answers a loopback dashboard only under its own names (no DNS rebinding)', () => {
    const g = new Guard(undefined, '127.0.0.1', () => 8234);
    expect(g.hostAllowed(req({ host: '127.0.0.1:8234' }))).toBe(true);
    expect(g.hostAllowed(req({ host: 'localhost:8234' }))).toBe(true);
    expect(g.hostAllowed(req({ host: 'evil.example:8234' }))).toBe(false);
    expect(g.hostAllowed(req({ host: '127.0.0.1:9999' }))).toBe(false);
  });
});
