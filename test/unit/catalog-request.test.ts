// The create-report bodies the catalog builds (catalog/request.ts), checked against the request schema.
import { describe, expect, it } from 'vitest';
import {
  AD_CUSTOM_CONVERSIONS_DAILY,
  AD_DAILY,
  AD_TARGETING_DAILY,
  KEYWORD_DAILY,
  reportRequests,
} from '../../catalog/index.ts';

const W = { start: '2026-06-01', end: '2026-06-07' };
const S = {
  click_window_days: 7,
  engagement_window_days: 1,
  view_window_days: 1,
  conversion_report_time: 'TIME_OF_CONVERSION' as const,
  reporting_time_zone: 'account' as const,
};

describe('report request bodies', () => {
  it('ask the ad-level report with the window settings, as before the catalog, plus the standard events', () => {
    const [body, ...more] = reportRequests(AD_DAILY, W, S);
    expect(more).toEqual([]);
    expect(body).toMatchObject({
      start_date: W.start,
      end_date: W.end,
      level: 'PIN_PROMOTION',
      granularity: 'DAY',
      click_window_days: 7,
      conversion_report_time: 'TIME_OF_CONVERSION',
      reporting_timezone: 'AD_ACCOUNT_TIME_ZONE',
      report_format: 'JSON',
    });
    expect(new Set(body!.columns)).toEqual(
      new Set([
        'AD_ACCOUNT_ID',
        'CAMPAIGN_ID',
        'AD_GROUP_ID',
        'AD_ID',
        'PIN_PROMOTION_ID',
        'SPEND_IN_MICRO_DOLLAR',
        'IMPRESSION_1',
        'CLICKTHROUGH_1',
        'OUTBOUND_CLICK_1',
        'TOTAL_CHECKOUT',
        'TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR',
        'TOTAL_CONVERSIONS',
        'IMPRESSION_2',
        'CLICKTHROUGH_2',
        'TOTAL_CONVERSIONS_QUANTITY',
        'TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR',
        'TOTAL_ADD_TO_CART',
        'TOTAL_ADD_TO_CART_VALUE_IN_MICRO_DOLLAR',
        'TOTAL_SIGNUP',
        'TOTAL_SIGNUP_VALUE_IN_MICRO_DOLLAR',
        'TOTAL_LEAD',
        'TOTAL_LEAD_VALUE_IN_MICRO_DOLLAR',
        'TOTAL_PAGE_VISIT',
      ]),
    );
  });

  it('split targeting types into requests of at most five (Pinterest maxItems)', () => {
    expect(reportRequests(AD_TARGETING_DAILY, W, S).map((b) => b.targeting_types)).toEqual([
      ['COUNTRY', 'REGION', 'AGE_BUCKET', 'GENDER', 'APPTYPE'],
    ]);
    const seven = {
      ...AD_TARGETING_DAILY,
      targetingTypes: [...AD_TARGETING_DAILY.targetingTypes!, 'KEYWORD', 'GEO'],
    };
    expect(reportRequests(seven, W, S).map((b) => b.targeting_types)).toEqual([
      ['COUNTRY', 'REGION', 'AGE_BUCKET', 'GENDER', 'APPTYPE'],
      ['KEYWORD', 'GEO'],
    ]);
  });

  it('never ask for KEYWORD_ID (not a ReportingColumnAsync value), but for the ad of each keyword row', () => {
    const [body] = reportRequests(KEYWORD_DAILY, W, S);
    expect(body!.level).toBe('KEYWORD');
    expect(body!.columns).not.toContain('KEYWORD_ID');
    expect(body!.columns).toContain('PIN_PROMOTION_ID');
  });

  it('ask each advertiser-defined event for its conversions and value, and nothing without events', () => {
    expect(reportRequests(AD_CUSTOM_CONVERSIONS_DAILY, W, S, { customEvents: [] })).toEqual([]);
    const [body] = reportRequests(AD_CUSTOM_CONVERSIONS_DAILY, W, S, {
      customEvents: ['book_fitting', '来店予約'],
    });
    expect(body!.custom_conversion_event_metrics).toEqual([
      { custom_event_metrics_type: 'ADE_TOTAL_CONVERSIONS', custom_event_name: 'book_fitting' },
      { custom_event_metrics_type: 'ADE_TOTAL_VALUE_IN_MICRO_DOLLAR', custom_event_name: 'book_fitting' },
      { custom_event_metrics_type: 'ADE_TOTAL_CONVERSIONS', custom_event_name: '来店予約' },
      { custom_event_metrics_type: 'ADE_TOTAL_VALUE_IN_MICRO_DOLLAR', custom_event_name: '来店予約' },
    ]);
  });
});
