// metrics_ready_state is a promise the ledger keeps: after a UTC day's conversion metrics read ready, its
// TIME_OF_CONVERSION numbers never change again (barring an explicit restatement), for every ad of every account;
// after its non-conversion metrics read ready, its delivery never changes.
import { describe, expect, it } from 'vitest';
import { agencyAccounts } from '../../sandbox/agency.ts';
import { sandboxAccounts } from '../../sandbox/data.ts';
import { DEFAULT_ATTRIBUTION, Ledger, type Metrics } from '../../sandbox/ledger.ts';
import { metricsReadyState, readyAt } from '../../sandbox/readiness.ts';
import { dayOf } from '../../sandbox/time.ts';

const NOW = Date.parse('2025-11-05T12:30:00Z');
const ANCHOR = Math.floor(NOW / 86_400_000);
const accounts = [...sandboxAccounts(3, { anchorDay: ANCHOR }), ...agencyAccounts(3, 5, ANCHOR, new Set())];
const ledger = new Ledger(3);
const BY_CONVERSION = { ...DEFAULT_ATTRIBUTION, reportTime: 'TIME_OF_CONVERSION' as const };

/** One UTC day of every ad of every account, as of `asOfMs`. */
function day(date: string, asOfMs: number): Metrics[] {
  const d = dayOf(date);
  return accounts.flatMap((a) =>
    a.ads.map((ad) => ledger.series(a, ad, [d * 24, d * 24 + 24], BY_CONVERSION, asOfMs)[0]!),
  );
}

describe('readiness and the ledger', () => {
  it('answers ready exactly at the published instants', () => {
    const at = readyAt('2025-10-01');
    const q = new URLSearchParams({ date: '2025-10-01' });
    expect(metricsReadyState(q, at.nonConversionMs - 1)).toEqual({
      conversion_metrics_ready: false,
      non_conversion_metrics_ready: false,
    });
    expect(metricsReadyState(q, at.conversionMs)).toEqual({
      conversion_metrics_ready: true,
      non_conversion_metrics_ready: true,
    });
  });

  it('never changes a day after it reads ready, though it changed until then', () => {
    let movedBeforeReady = 0;
    for (const date of ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04']) {
      const at = readyAt(date);
      const atNonConversion = day(date, at.nonConversionMs);
      const atReady = day(date, at.conversionMs);
      const later = day(date, at.conversionMs + 45 * 86_400_000);
      expect(later).toEqual(atReady);
      const delivery = (m: Metrics) => [m.spend, m.impressions, m.clicks, m.outbound, m.earnedImpressions];
      expect(atReady.map(delivery)).toEqual(atNonConversion.map(delivery));
      movedBeforeReady += atReady.filter(
        (m, i) => m.totalConversions !== atNonConversion[i]!.totalConversions,
      ).length;
    }
    expect(movedBeforeReady).toBeGreaterThan(0);
  });
});
