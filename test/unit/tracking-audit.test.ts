import { describe, expect, it } from 'vitest';
import { auditUrl } from '../../tracking/audit.ts';
import { appendTracking, TRACKING_TEMPLATE } from '../../tracking/template.ts';

const target = { adId: '687194767350', campaignId: '626744128956' };
const good = `https://shop.example.com/p?${TRACKING_TEMPLATE}`;

describe('auditUrl', () => {
  it('accepts the template with its macros, unchanged', () => {
    expect(auditUrl(good, target)).toEqual({ problems: [], fixedUrl: good });
  });

  it('accepts concrete ids in place of {adid} and {campaignid}, and any name for the name macros', () => {
    const url =
      'https://a.example/?cvg_source=pinterest&cvg_adid=687194767350&cvg_cid=626744128956&utm_source=pinterest' +
      '&utm_medium=cpc&utm_campaign=Spring+Sale&utm_term=women%2025-34&utm_content=687194767350';
    expect(auditUrl(url, target).problems).toEqual([]);
  });

  it('reports each missing parameter and proposes the template', () => {
    const { problems, fixedUrl } = auditUrl('https://a.example/x?ref=1#top', target);
    expect(problems).toEqual([
      'missing cvg_source',
      'missing cvg_adid',
      'missing cvg_cid',
      'missing utm_source',
      'missing utm_medium',
      'missing utm_campaign',
      'missing utm_term',
      'missing utm_content',
    ]);
    expect(fixedUrl).toBe(`https://a.example/x?ref=1&${TRACKING_TEMPLATE}#top`);
  });

  it('reports a wrong fixed value with the expected one', () => {
    const url = good
      .replace('cvg_source=pinterest', 'cvg_source=facebook')
      .replace('utm_medium=cpc', 'utm_medium=social');
    const { problems, fixedUrl } = auditUrl(url, target);
    expect(problems).toEqual([
      'cvg_source=facebook (expected pinterest)',
      'utm_medium=social (expected cpc)',
    ]);
    expect(fixedUrl).toBe(good);
  });

  it("reports another ad's id as a wrong value", () => {
    const url = good
      .replace('cvg_adid={adid}', 'cvg_adid=111')
      .replace('cvg_cid={campaignid}', 'cvg_cid=222');
    expect(auditUrl(url, target).problems).toEqual([
      'cvg_adid=111 (expected {adid} or 687194767350)',
      'cvg_cid=222 (expected {campaignid} or 626744128956)',
    ]);
  });

  it('reports a missing one among otherwise correct parameters', () => {
    const url = good.replace('&utm_term={adgroupname}', '');
    expect(auditUrl(url, target).problems).toEqual(['missing utm_term']);
  });

  it('reports empty name values and percent-encoded macros', () => {
    const url = good
      .replace('utm_campaign={campaign_name}', 'utm_campaign=')
      .replace('{adgroupname}', '%7Badgroupname%7D');
    expect(auditUrl(url, target).problems).toEqual([
      'utm_campaign is empty (expected {campaign_name} or a name)',
      'utm_term=%7Badgroupname%7D (braces must stay literal: {adgroupname})',
    ]);
  });

  it('reports a duplicated parameter', () => {
    const { problems } = auditUrl(`${good}&utm_source=facebook`, target);
    expect(problems).toEqual(['utm_source appears 2 times', 'utm_source=facebook (expected pinterest)']);
  });

  it('reports a missing or unusable destination URL without a fix', () => {
    expect(auditUrl(null, target)).toEqual({ problems: ['missing destination URL'], fixedUrl: null });
    expect(auditUrl('  ', target)).toEqual({ problems: ['missing destination URL'], fixedUrl: null });
    const bad = auditUrl('pinterest.com/pin/1', target);
    expect(bad.fixedUrl).toBeNull();
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]).toMatch(/^destination URL: invalid URL/);
  });

  it('passes its own fixed URL', () => {
    const { fixedUrl } = auditUrl('https://a.example/x?utm_source=fb&a=1#f', target);
    expect(fixedUrl).toBe(appendTracking('https://a.example/x?a=1#f'));
    expect(auditUrl(fixedUrl, target).problems).toEqual([]);
  });
});
