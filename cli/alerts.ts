// `pinads alerts test`: sends one test alert to the configured webhook, now, so a receiver can be checked before
// anything breaks. It needs no database or Temporal, and goes out directly, not through the outbox.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { postAlert } from '../alerts/deliver.ts';
import { testPayload } from '../alerts/payload.ts';
import { alertSettings, receiverName } from '../alerts/settings.ts';
import { action, UsageError } from './errors.ts';

export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('alerts to a webhook (PINADS_ALERT_WEBHOOK_URL) when a connection breaks or goes stale');
  alerts
    .command('test')
    .description('send one test alert to every configured target')
    .action(
      action(async () => {
        const { webhookUrl } = alertSettings();
        if (!webhookUrl)
          throw new UsageError('PINADS_ALERT_WEBHOOK_URL is not set: there is no alert target to test');
        const now = new Date();
        await postAlert(webhookUrl, {
          id: `pinads-alert-test-${now.getTime()}`,
          ...testPayload(now, hostname()),
        });
        process.stdout.write(`test alert sent to ${receiverName(webhookUrl)}\n`);
      }),
    );
}
