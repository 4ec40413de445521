// Issue 23 item 12: the `--lookback-days` help said 30 days by ad action, where the code re-reads the longest
// attribution window + 2 (32 with the default windows). The help a user reads must name what the code does.
import { describe, expect, it } from 'vitest';
import { ConnectionSettings, lookbackDays } from '../../schemas/config.ts';
import { runPinads } from '../helpers/cli.ts';

describe('--lookback-days help', () => {
  it('names the lookback the code uses, for both conversion times', async () => {
    const r = await runPinads(['connections', 'create', '--help']);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' ');
    const byConversion = lookbackDays(ConnectionSettings.parse({}));
    const byAdAction = lookbackDays(
      ConnectionSettings.parse({ conversion_report_time: 'TIME_OF_AD_ACTION' }),
    );
    expect(byAdAction).toBe(32);
    expect(help).toContain(`(default ${byConversion};`);
    expect(help).toContain(`${byAdAction} with the default windows`);
  });
});
