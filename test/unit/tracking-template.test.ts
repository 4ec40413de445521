import { describe, expect, it } from 'vitest';
import {
  appendTracking,
  InvalidUrlError,
  TEMPLATE_PARAMS,
  TRACKING_TEMPLATE,
} from '../../tracking/template.ts';

const T = TRACKING_TEMPLATE;

describe('tracking template', () => {
  it('is exactly the seed template', () => {
    expect(T).toBe(
      'cvg_source=pinterest&cvg_adid={adid}&cvg_cid={campaignid}&utm_source=pinterest&utm_medium=cpc' +
        '&utm_campaign={campaign_name}&utm_term={adgroupname}&utm_content={adid}',
    );
    expect(TEMPLATE_PARAMS.map((p) => p.key)).toEqual([
      'cvg_source',
      'cvg_adid',
      'cvg_cid',
      'utm_source',
      'utm_medium',
      'utm_campaign',
      'utm_term',
      'utm_content',
    ]);
  });
});

describe('appendTracking', () => {
  it('adds a query string to a URL without one', () => {
    expect(appendTracking('https://shop.example.com/p/1')).toBe(`https://shop.example.com/p/1?${T}`);
  });

  it('keeps an existing query string and joins with &', () => {
    expect(appendTracking('https://shop.example.com/p?color=red&size=m')).toBe(
      `https://shop.example.com/p?color=red&size=m&${T}`,
    );
  });

  it('adds nothing but the template after a trailing ? (or a trailing &)', () => {
    expect(appendTracking('https://a.example/x?')).toBe(`https://a.example/x?${T}`);
    expect(appendTracking('https://a.example/x?a=1&')).toBe(`https://a.example/x?a=1&${T}`);
  });

  it('moves the fragment after the query', () => {
    expect(appendTracking('https://a.example/x#reviews')).toBe(`https://a.example/x?${T}#reviews`);
    expect(appendTracking('https://a.example/x?a=1#top?not=query')).toBe(
      `https://a.example/x?a=1&${T}#top?not=query`,
    );
    expect(appendTracking('https://a.example/x?#')).toBe(`https://a.example/x?${T}#`);
  });

  it('replaces template parameters already present instead of duplicating them, keeping others in order', () => {
    const out = appendTracking('https://a.example/x?utm_source=facebook&b=2&cvg_adid=123&utm_medium=cpc&z=9');
    expect(out).toBe(`https://a.example/x?b=2&z=9&${T}`);
    expect(out.match(/utm_source=/g)).toHaveLength(1);
    // Percent-encoded keys are the same parameter to analytics, so they are replaced too.
    expect(appendTracking('https://a.example/?utm%5Fsource=x&q=1')).toBe(`https://a.example/?q=1&${T}`);
  });

  it('keeps parameters that only look like template ones', () => {
    expect(appendTracking('https://a.example/?utm_id=7&cvg_other=1&UTM_SOURCE=x')).toBe(
      `https://a.example/?utm_id=7&cvg_other=1&UTM_SOURCE=x&${T}`,
    );
  });

  it('keeps braces literal, even in the path, and never percent-encodes the template', () => {
    const out = appendTracking('https://a.example/{lang}/p');
    expect(out).toBe(`https://a.example/{lang}/p?${T}`);
    expect(out).not.toMatch(/%7B|%7D/i);
  });

  it('is idempotent', () => {
    const once = appendTracking('https://a.example/x?a=1#f');
    expect(appendTracking(once)).toBe(once);
  });

  it('keeps a port, credentials-free host and an http URL as they are', () => {
    expect(appendTracking('http://localhost:8080/a')).toBe(`http://localhost:8080/a?${T}`);
    expect(appendTracking('  https://a.example  ')).toBe(`https://a.example?${T}`);
  });

  it.each([
    ['', /empty URL/],
    ['ftp://a.example/x', /http:\/\/ or https:\/\//],
    ['www.example.com/x', /absolute/],
    ['/relative/path', /absolute/],
    ['javascript:alert(1)', /absolute/],
    ['http:example.com', /absolute/],
    ['https://', /does not parse|no host/],
    ['https://a.example/x y', /whitespace/],
  ])('rejects %j with a clear error', (url, message) => {
    expect(() => appendTracking(url)).toThrow(InvalidUrlError);
    expect(() => appendTracking(url)).toThrow(message);
  });
});
