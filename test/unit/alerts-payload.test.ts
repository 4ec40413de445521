// The alert settings and messages as pure functions: the environment's values and their one-line errors, the check's
// interval, the receiver named without its secret path, grouping by grant, the text's length, and no token in a
// message whatever the reason text holds.
import { describe, expect, it } from 'vitest';
import { buildPayload, type Change, groupChanges, scrubSecrets } from '../../alerts/payload.ts';
import { alertSettings, checkIntervalSeconds, receiverName } from '../../alerts/settings.ts';

const change = (i: number, over: Partial<Change> = {}): Change => ({
  event: 'needs_reauth',
  kind: 'needs_reauth',
  credential_id: 'cred_a',
  connection: {
    connection_id: `conn_${i}`,
    name: `Client ${String(i).padStart(3, '0')}`,
    ad_account_id: String(549755800000 + i),
    status: 'needs_reauth',
    reason: 'Pinterest rejected the stored refresh token',
    since: '2026-12-04T05:00:00.000Z',
    repair_command: `pinads connections regrant conn_${i} --refresh-token -`,
  },
  ...over,
});

describe('alert settings', () => {
  it('default to 3 hours, no webhook and a 300 s retry cap; take fractions of an hour', () => {
    expect(alertSettings({})).toEqual({ webhookUrl: undefined, staleAfterH: 3, retryMaxS: 300 });
    expect(alertSettings({ PINADS_STALE_AFTER_H: '0.03' }).staleAfterH).toBe(0.03);
  });

  it('refuse a bad value in one line naming the variable, never echoing the URL', () => {
    expect(() => alertSettings({ PINADS_STALE_AFTER_H: '0' })).toThrow(
      /^PINADS_STALE_AFTER_H: must be a number of hours above 0/,
    );
    expect(() => alertSettings({ PINADS_STALE_AFTER_H: 'three' })).toThrow(/^PINADS_STALE_AFTER_H: /);
    const secret = 'ftp://hooks.example/T0/B0/s3cr3t';
    expect(() => alertSettings({ PINADS_ALERT_WEBHOOK_URL: secret })).toThrow(
      /^PINADS_ALERT_WEBHOOK_URL: must be an http\(s\) URL$/,
    );
  });

  it('check every 5 minutes, or every quarter of a shorter threshold, at least every second', () => {
    expect(checkIntervalSeconds(3)).toBe(300);
    expect(checkIntervalSeconds(0.25)).toBe(225);
    expect(checkIntervalSeconds(0.03)).toBe(27);
    expect(checkIntervalSeconds(0.0001)).toBe(1);
  });

  it('name a receiver by its origin only', () => {
    expect(receiverName('https://hooks.slack.com/services/T0/B0/s3cr3t?x=1')).toBe('https://hooks.slack.com');
  });
});

describe('alert messages', () => {
  it('group a grant into one message with one regrant, and separate grants and kinds', () => {
    const groups = groupChanges([
      change(1),
      change(2),
      change(3, { credential_id: 'cred_b' }),
      change(4, { event: 'stale', kind: 'stale', credential_id: 'cred_c' }),
      change(5, { event: 'stale', kind: 'stale', credential_id: 'cred_d' }),
      change(6, { event: 'resolved', kind: 'stale' }),
    ]);
    expect(groups.map((g) => g.map((c) => c.connection.connection_id))).toEqual([
      ['conn_6'],
      ['conn_1', 'conn_2'],
      ['conn_3'],
      ['conn_4', 'conn_5'],
    ]);
    const msg = buildPayload(groups[1]!, new Date('2026-12-04T06:00:00Z'));
    expect(msg).toMatchObject({ event: 'needs_reauth', count: 2, grant_id: 'cred_a' });
    expect(msg.repair_command).toBe('pinads connections regrant conn_1 --refresh-token -');
    expect(msg.text).toContain('(repairs all 2: they share the grant)');
    expect(msg.text.match(/Pinterest rejected/g)).toHaveLength(1);
  });

  it('list at most 25 connections in the text, and every one in the fields', () => {
    const group = Array.from({ length: 300 }, (_, i) => change(i));
    const msg = buildPayload(group, new Date());
    expect(msg.connections).toHaveLength(300);
    expect(msg.text.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(26);
    expect(msg.text).toContain('• … and 275 more');
  });

  it('never carry a token, whatever a reason holds', () => {
    const leaky = 'refresh failed for pinr_Zm9vYmFy.abc and pina_AAAA-bbbb; header Bearer pina_xyz';
    expect(scrubSecrets(leaky)).toBe(
      'refresh failed for [redacted] and [redacted]; header Bearer [redacted]',
    );
    const msg = buildPayload(
      [change(1, { connection: { ...change(1).connection, reason: leaky } })],
      new Date(),
    );
    expect(JSON.stringify(msg)).not.toMatch(/pin[ar]_/);
  });
});
