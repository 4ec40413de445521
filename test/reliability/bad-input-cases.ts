// The bad-input tables: CLI arguments, environments and report files, each with the one-line error that must name
// the problem. Kept as data so bad-input.test.ts reads as the three checks applied to every row.
import { addDays } from '../../common/dates.ts';

export interface CliCase {
  name: string;
  args: string[];
  /** Overrides of the (valid) base environment; '' unsets a variable. */
  env?: Record<string, string>;
  code: number;
  /** Must appear in the first stderr line. */
  message: string | RegExp;
}

/** `today` is UTC today; `conn` an existing connection; `acct` its ad account. */
export function cliCases(today: string, conn: string, acct: string): CliCase[] {
  const create = ['connections', 'create', '--ad-account', '7001', '--refresh-token', 'pinr_x'];
  const bf = (from: string, to: string) => ['backfill', conn, '--from', from, '--to', to];
  return [
    {
      name: 'backfill 914 days back',
      args: bf(addDays(today, -914), addDays(today, -900)),
      code: 2,
      message: /--from \S+ is more than 913 days back/,
    },
    {
      name: 'backfill --to in the future',
      args: bf(addDays(today, -3), addDays(today, 2)),
      code: 2,
      message: 'is in the future',
    },
    {
      name: 'backfill --from after --to',
      args: bf(addDays(today, -3), addDays(today, -5)),
      code: 2,
      message: 'is after --to',
    },
    {
      name: 'backfill date that is not a date',
      args: bf('yesterday', today),
      code: 2,
      message: 'not a date',
    },
    {
      name: 'backfill 2026-02-30',
      args: bf('2026-02-30', today),
      code: 2,
      message: '--from 2026-02-30 is not a date',
    },
    {
      name: 'backfill of an unknown connection',
      args: ['backfill', 'conn_nope', '--from', addDays(today, -3), '--to', today],
      code: 2,
      message: 'no connection with id conn_nope',
    },
    {
      name: 'sync of an unknown connection',
      args: ['sync', 'conn_nope'],
      code: 2,
      message: 'no connection with id conn_nope',
    },
    {
      name: 'click window 5',
      args: [...create, '--click-window', '5'],
      code: 2,
      message: '--click-window must be one of 0, 1, 7, 14, 30, 60 (got "5")',
    },
    {
      name: 'view window 90',
      args: [...create, '--view-window', '90'],
      code: 2,
      message: '--view-window must be one of',
    },
    {
      name: 'engagement window -1',
      args: [...create, '--engagement-window=-1'],
      code: 2,
      message: '--engagement-window must be one of',
    },
    {
      name: 'bad conversion time',
      args: [...create, '--conversion-time', 'click'],
      code: 2,
      message: '--conversion-time must be one of conversion, ad_action',
    },
    {
      name: 'lookback 0',
      args: [...create, '--lookback-days', '0'],
      code: 2,
      message: '--lookback-days must be a whole number',
    },
    {
      name: 'lookback 1000',
      args: [...create, '--lookback-days', '1000'],
      code: 2,
      message: '--lookback-days must be a whole number',
    },
    {
      name: 'non-numeric ad account',
      args: [...create.slice(0, 2), '--ad-account', 'act_12', '--refresh-token', 'pinr_x'],
      code: 2,
      message: '--ad-account must be a numeric Pinterest ad account id',
    },
    {
      name: 'missing refresh token',
      args: create.slice(0, 4),
      code: 2,
      message:
        'no grant given: pass --refresh-token - (token on stdin), set PINTEREST_REFRESH_TOKEN, or --grant-of',
    },
    {
      name: 'bad reporting time zone',
      args: [...create, '--reporting-time-zone', 'Europe/Paris'],
      code: 2,
      message: '--reporting-time-zone must be one of utc, account',
    },
    {
      name: 'an ad account that already has a connection',
      args: [...create.slice(0, 2), '--ad-account', acct, '--refresh-token', 'pinr_x'],
      code: 2,
      message: acct,
    },
    {
      name: 'report with a bad format',
      args: ['report', 'overview', conn, '--from', addDays(today, -3), '--to', today, '--format', 'xml'],
      code: 2,
      message: 'unknown --format "xml"',
    },
    {
      name: 'missing PINADS_SECRET_KEY for connections create',
      args: create,
      env: { PINADS_SECRET_KEY: '' },
      code: 2,
      message: 'PINADS_SECRET_KEY is not set',
    },
    {
      name: 'short secret key',
      args: create,
      env: { PINADS_SECRET_KEY: 'c2hvcnQ=' },
      code: 2,
      message: 'PINADS_SECRET_KEY must be the base64 of exactly 32 bytes',
    },
    {
      name: 'malformed PINTEREST_API_URL',
      args: ['connections', 'list'],
      env: { PINTEREST_API_URL: 'api.pinterest.com/v5' },
      code: 2,
      message: 'PINTEREST_API_URL must be an http(s) URL',
    },
    {
      name: 'non-http PINTEREST_OAUTH_URL',
      args: ['connections', 'list'],
      env: { PINTEREST_OAUTH_URL: 'ftp://pinterest.com/oauth/' },
      code: 2,
      message: 'PINTEREST_OAUTH_URL must be an http(s) URL',
    },
    {
      name: 'missing DATABASE_URL',
      args: ['connections', 'list'],
      env: { DATABASE_URL: '' },
      code: 2,
      message: 'DATABASE_URL is not set',
    },
    {
      name: 'TLS cert without key',
      args: ['connections', 'list'],
      env: { TEMPORAL_TLS_CERT: 'cert.pem' },
      code: 2,
      message: 'TEMPORAL_TLS_CERT is set but TEMPORAL_TLS_KEY is not',
    },
  ];
}

export interface ReportCase {
  name: string;
  corrupt: (body: string) => { body: string; contentType?: string };
  /** Must appear in the workflow's failure message. */
  message: string | RegExp;
}

/** Replaces the first match of `re` in the file with `to` (a function of the match or a string). */
function first(re: RegExp, to: string | ((m: string) => string)) {
  return (body: string) => {
    const m = re.exec(body);
    if (!m) throw new Error(`corruption ${re} found nothing to corrupt`);
    const repl = typeof to === 'string' ? to : to(m[0]);
    return { body: body.slice(0, m.index) + repl + body.slice(m.index + m[0].length) };
  };
}

/** `inWindowBadDate` sorts inside the window but is no calendar date (e.g. YYYY-MM-00 after a month's last day). */
export function reportCases(inWindowBadDate: string): ReportCase[] {
  return [
    {
      name: 'spend as a boolean',
      corrupt: first(/"SPEND_IN_MICRO_DOLLAR":\d+/, '"SPEND_IN_MICRO_DOLLAR":true'),
      message: /SPEND_IN_MICRO_DOLLAR .*expected string, received boolean/,
    },
    {
      name: 'spend with a decimal comma',
      corrupt: first(/"SPEND_IN_MICRO_DOLLAR":\d+/, '"SPEND_IN_MICRO_DOLLAR":"12,5"'),
      message: 'SPEND_IN_MICRO_DOLLAR must be a number',
    },
    {
      name: 'non-numeric impressions',
      corrupt: first(/"IMPRESSION_1":\d+/, '"IMPRESSION_1":"n/a"'),
      message: 'IMPRESSION_1 must be a number',
    },
    {
      name: 'a null campaign id',
      corrupt: first(/"CAMPAIGN_ID":\d+/, '"CAMPAIGN_ID":null'),
      message: /CAMPAIGN_ID .*received null/,
    },
    {
      name: 'non-numeric conversions',
      corrupt: first(/"TOTAL_CONVERSIONS":[\d.]+/, '"TOTAL_CONVERSIONS":"lots"'),
      message: 'TOTAL_CONVERSIONS must be a number',
    },
    {
      name: 'negative spend',
      corrupt: first(/"SPEND_IN_MICRO_DOLLAR":\d+/, '"SPEND_IN_MICRO_DOLLAR":-5'),
      message: 'SPEND_IN_MICRO_DOLLAR is negative',
    },
    {
      name: 'missing CAMPAIGN_ID',
      corrupt: first(/"CAMPAIGN_ID":\d+,/, ''),
      message: /CAMPAIGN_ID .*expected string, received undefined/,
    },
    {
      name: 'missing ad ids',
      corrupt: first(/\{"DATE":[^}]*\}/, (row) => row.replace(/,"(AD_ID|PIN_PROMOTION_ID)":\d+/g, '')),
      message: 'row has neither PIN_PROMOTION_ID nor AD_ID',
    },
    {
      name: 'a non-numeric id',
      corrupt: first(/"AD_GROUP_ID":\d+/, '"AD_GROUP_ID":"ag-1"'),
      message: 'AD_GROUP_ID must be a numeric id',
    },
    {
      name: 'an id in exponent form',
      corrupt: first(/"CAMPAIGN_ID":\d+/, '"CAMPAIGN_ID":1.082035e+11'),
      message: 'CAMPAIGN_ID must be a numeric id',
    },
    {
      name: 'a row filed under another ad',
      corrupt: first(/"PIN_PROMOTION_ID":\d+/, '"PIN_PROMOTION_ID":42'),
      message: 'PIN_PROMOTION_ID 42 differs from its key',
    },
    {
      name: 'a date outside the window',
      corrupt: first(/"DATE":"[^"]+"/, '"DATE":"2020-01-01"'),
      message: 'DATE 2020-01-01 is outside the requested window',
    },
    {
      name: 'an impossible date inside the window',
      corrupt: first(/"DATE":"[^"]+"/, `"DATE":"${inWindowBadDate}"`),
      message: `DATE must be a calendar date`,
    },
    {
      name: 'spend beyond bigint',
      corrupt: first(/"SPEND_IN_MICRO_DOLLAR":\d+/, '"SPEND_IN_MICRO_DOLLAR":99999999999999999999'),
      message: 'SPEND_IN_MICRO_DOLLAR 99999999999999999999 is out of range',
    },
    {
      name: 'conversions beyond a double',
      corrupt: first(/"TOTAL_CONVERSIONS":[\d.]+/, '"TOTAL_CONVERSIONS":1e999'),
      message: 'TOTAL_CONVERSIONS 1e999 is out of range (1e308 or more)',
    },
    {
      name: 'a duplicated row',
      corrupt: first(/\{"DATE":[^}]*\}/, (row) => `${row},${row}`),
      message: /duplicate report rows: ad \d+ on \S+ appears more than once/,
    },
    {
      name: 'truncated JSON',
      corrupt: (b) => ({ body: b.slice(0, Math.floor(b.length / 2)) }),
      message: 'report file ended early',
    },
    // An empty file is not bad input: it is an empty report (all-zero rows are omitted), which loads zero rows;
    // see reliability/partial-failures.
    {
      name: 'an HTML error page',
      corrupt: () => ({
        body: '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
        contentType: 'text/html',
      }),
      message: 'report file is not JSON: it starts with "<"',
    },
    {
      name: 'an array instead of an object',
      corrupt: (b) => ({ body: `[${b}]` }),
      message: 'wrong top-level shape',
    },
  ];
}
