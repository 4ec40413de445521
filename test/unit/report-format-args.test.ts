import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/errors.ts';
import { parseDate, parseReportRequest } from '../../core/reports.ts';

const ok = { from: '2026-01-01', to: '2026-01-31' };

describe('report arguments', () => {
  it('accepts real calendar dates, leap days included', () => {
    expect(parseDate('--from', '2024-02-29')).toBe('2024-02-29');
    expect(parseReportRequest('channels', 'conn_1', { ...ok, by: 'ad', format: 'csv' })).toEqual({
      report: 'channels',
      connectionId: 'conn_1',
      from: '2026-01-01',
      to: '2026-01-31',
      level: 'ad',
      format: 'csv',
    });
    expect(parseReportRequest('overview', 'conn_1', ok)).toMatchObject({ level: 'channel', format: 'table' });
  });

  it.each(['2026-02-30', '2025-02-29', '2026-13-01', '2026-1-5', '20260105', 'yesterday', '0000-01-01'])(
    'rejects %s as a date',
    (d) => {
      expect(() => parseDate('--from', d)).toThrow(UsageError);
      expect(() => parseDate('--from', d)).toThrow(`--from "${d}" is not a calendar date`);
    },
  );

  it.each([
    ['weekly', {}, /unknown report "weekly"/],
    ['overview', { from: undefined }, /--from YYYY-MM-DD is required/],
    ['overview', { to: undefined }, /--to YYYY-MM-DD is required/],
    ['overview', { from: '2026-02-01', to: '2026-01-01' }, /--from 2026-02-01 is after --to 2026-01-01/],
    ['overview', { format: 'xml' }, /unknown --format "xml"/],
    ['overview', { by: 'campaign' }, /--by applies to the channels and breakdown reports only/],
    ['breakdown', {}, /--by country\|region\|age\|gender\|app_type is required/],
    ['breakdown', { by: 'campaign' }, /unknown --by "campaign"/],
    ['channels', { by: 'keyword' }, /unknown --by "keyword"/],
  ])('rejects %s %j', (report, opts, message) => {
    expect(() => parseReportRequest(report, 'conn_1', { ...ok, ...opts })).toThrow(UsageError);
    expect(() => parseReportRequest(report, 'conn_1', { ...ok, ...opts })).toThrow(message);
  });
});
