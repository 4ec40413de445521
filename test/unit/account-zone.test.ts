import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/errors.ts';
import { refuseUnverifiedAccountTime, withAccountZone } from '../../core/account-zone.ts';
import { ConnectionSettings } from '../../schemas/config.ts';

const account = ConnectionSettings.parse({ reporting_time_zone: 'account' });
const utc = ConnectionSettings.parse({ account_time_zone: 'Asia/Tokyo' });

describe('account zone of a connection', () => {
  it('stores the zone with account-time reporting', () => {
    expect(withAccountZone(account, 'a1', 'Asia/Tokyo').account_time_zone).toBe('Asia/Tokyo');
  });
  it('refuses account time when Pinterest names no zone, or one that is not IANA', () => {
    expect(() => withAccountZone(account, 'a1', null)).toThrow(UsageError);
    expect(() => withAccountZone(account, 'a1', undefined)).toThrow(/no time zone/);
    expect(() => withAccountZone(account, 'a1', 'Mars/Olympus')).toThrow(/not a known IANA zone/);
  });
  it('keeps no zone for UTC reporting', () => {
    expect(withAccountZone(utc, 'a1', 'Asia/Tokyo').account_time_zone).toBeUndefined();
  });
  it('refuses account time without verification', () => {
    expect(() => refuseUnverifiedAccountTime(account)).toThrow(/--no-verify/);
    expect(() => refuseUnverifiedAccountTime(utc)).not.toThrow();
  });
});
