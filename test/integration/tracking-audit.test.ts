import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxAccount, sandboxAccounts } from '../../sandbox/data.ts';
import { auditUrl } from '../../tracking/audit.ts';
import { migrate } from '../../warehouse/migrate.ts';
import { runPinads as pinads } from '../helpers/cli.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

/** What the audit must say for each of the sandbox's defect labels. */
function expectedProblem(label: string): string {
  if (label === 'no query string') return 'missing cvg_source';
  const wrong = /^wrong (\w+)=(\w+)$/.exec(label);
  if (wrong) return `${wrong[1]}=${wrong[2]} (expected ${wrong[1] === 'utm_medium' ? 'cpc' : 'pinterest'})`;
  return label; // "missing cvg_adid" etc. are worded the same
}

interface Finding {
  ad_id: string;
  status: string;
  name: string;
  destination_url: string;
  problems: string[];
  fixed_url: string | null;
}

describe('pinads tracking audit', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  const accounts: SandboxAccount[] = sandboxAccounts(1);
  const connectionOf = new Map<string, string>();

  beforeAll(async () => {
    db = await createTestDatabase('pinads_tracking');
    env = { DATABASE_URL: db.url };
    const pool = new pg.Pool({ connectionString: db.url });
    try {
      await migrate(pool);
      await pool.query(
        `INSERT INTO pinads.credentials (id, refresh_token_enc) VALUES ('cred_t', 'not-a-real-token')`,
      );
      for (const acct of accounts) {
        const conn = `conn_${acct.currency.toLowerCase()}`;
        connectionOf.set(acct.id, conn);
        await pool.query(
          `INSERT INTO pinads.connections (id, name, ad_account_id, credential_id, settings) VALUES ($1, $2, $3, 'cred_t', '{}')`,
          [conn, `Pinterest Ads | ${acct.id}`, acct.id],
        );
        await pool.query(
          `INSERT INTO pinterest_ads.ads (id, ad_account_id, campaign_id, ad_group_id, pin_id, name, status, destination_url, raw)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[])`,
          [
            acct.ads.map((a) => a.id),
            acct.ads.map((a) => a.ad_account_id),
            acct.ads.map((a) => a.campaign_id),
            acct.ads.map((a) => a.ad_group_id),
            acct.ads.map((a) => a.pin_id),
            acct.ads.map((a) => a.name),
            acct.ads.map((a) => a.status),
            acct.ads.map((a) => a.destination_url),
            acct.ads.map(() => '{}'),
          ],
        );
      }
    } finally {
      await pool.end();
    }
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('finds exactly the mis-tagged ads of every account, whatever their status', async () => {
    // The sandbox must actually contain defects, in more than one status, or this test proves nothing.
    const defective = accounts.flatMap((a) => a.ads.filter((ad) => ad.tracking_defect));
    expect(defective.length).toBeGreaterThan(10);
    expect(new Set(defective.map((a) => a.status)).size).toBeGreaterThan(1);

    const results = await Promise.all(
      accounts.map((acct) =>
        pinads(['tracking', 'audit', connectionOf.get(acct.id)!, '--format', 'json'], env),
      ),
    );
    accounts.forEach((acct, i) => {
      const { code, stdout, stderr } = results[i]!;
      expect(stderr).toBe('');
      expect(code, stderr).toBe(0);
      const findings = JSON.parse(stdout) as Finding[];
      const expected = acct.ads.filter((a) => a.tracking_defect);
      expect(findings.map((f) => f.ad_id).sort()).toEqual(expected.map((a) => a.id).sort());
      for (const f of findings) {
        const ad = acct.ads.find((a) => a.id === f.ad_id)!;
        expect(typeof f.ad_id).toBe('string');
        expect(f.status).toBe(ad.status);
        expect(f.problems).toContain(expectedProblem(ad.tracking_defect!));
        expect(f.fixed_url).not.toBeNull();
        expect(f.fixed_url).not.toMatch(/%7B/i);
        expect(auditUrl(f.fixed_url, { adId: ad.id, campaignId: ad.campaign_id }).problems).toEqual([]);
      }
    });
  });

  it('prints a table with a summary line and exits 0 even with problems', async () => {
    const acct = accounts.find((a) => a.ads.some((ad) => ad.tracking_defect))!;
    const n = acct.ads.filter((a) => a.tracking_defect).length;
    const { code, stdout, stderr } = await pinads(['tracking', 'audit', connectionOf.get(acct.id)!], env);
    expect(code, stderr).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ad_id\s+status\s+name\s+problems\s+fixed_url$/);
    expect(lines.at(-1)).toBe(
      `${n} of ${acct.ads.length} ads of ad account ${acct.id} have tracking problems`,
    );
    // An untagged URL is one readable problem in the table (the JSON keeps the eight `missing …`).
    expect(acct.ads.some((a) => a.tracking_defect === 'no query string')).toBe(true);
    expect(stdout).toContain('no tracking parameters (all 8 of the template missing)');
    // header, rule, one line per finding, blank, summary
    expect(lines).toHaveLength(n + 4);
  });

  it('rejects an unknown connection and a bad format with exit 2 and one line', async () => {
    const [unknown, format] = await Promise.all([
      pinads(['tracking', 'audit', 'conn_nope'], env),
      pinads(['tracking', 'audit', 'conn_eur', '--format', 'csv'], env),
    ]);
    expect(unknown.code, unknown.stderr).toBe(2);
    expect(unknown.stderr).toBe('pinads: unknown connection "conn_nope" (see pinads connections list)\n');
    expect(format.code, format.stderr).toBe(2);
    expect(format.stderr).toBe('pinads: unknown --format "csv" (expected table or json)\n');
  });

  it('builds a URL from the command line, and rejects a non-http one with exit 2', async () => {
    const [ok, bad] = await Promise.all([
      pinads(['tracking', 'url', 'https://shop.example.com/p?x=1#top'], {}),
      pinads(['tracking', 'url', 'mailto:someone@example.com'], {}),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe(
      'https://shop.example.com/p?x=1&cvg_source=pinterest&cvg_adid={adid}&cvg_cid={campaignid}&utm_source=pinterest' +
        '&utm_medium=cpc&utm_campaign={campaign_name}&utm_term={adgroupname}&utm_content={adid}#top\n',
    );
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/http:\/\/ or https:\/\//);
  });
});
