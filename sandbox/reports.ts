// Async reports: create → poll (IN_PROGRESS for a few polls, then FINISHED with a signed, expiring url) → download.
// A report's content is fixed at creation: it is computed "as of" the creation instant, whenever it is downloaded.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SandboxAccount } from './data.ts';
import type { Ledger } from './ledger.ts';
import type { ReportQuery } from './report-request.ts';
import { reportFile } from './report-writer.ts';

/** "The link is valid for five minutes and the report is valid for one hour." */
const REPORT_TTL_MS = 3_600_000;

interface Report {
  token: string;
  acct: SandboxAccount;
  query: ReportQuery;
  createdMs: number;
  /** Restatements recorded before creation: later ones (even at the same instant) do not change the file. */
  restatements: number;
  polls: number;
  /** Sticky terminal failure injected by a fault: the client must request a new report. */
  failed?: 'FAILED' | 'EXPIRED';
  /** Injected by the report_stuck fault at creation: never leaves IN_PROGRESS. */
  stuck?: boolean;
  size?: number | null;
}

export interface PollAnswer {
  report_status: string;
  url: string | null;
  size: number | null;
}

export class ReportStore {
  private readonly reports = new Map<string, Report>();
  private readonly secret = randomBytes(32);

  constructor(
    private readonly ledger: Ledger,
    private readonly opts: { pollsUntilFinished: number; downloadTtlSeconds: number; baseUrl: () => string },
  ) {}

  create(acct: SandboxAccount, query: ReportQuery, nowMs: number, stuck = false): string {
    const token = randomBytes(18).toString('hex');
    this.reports.set(token, {
      token,
      acct,
      query,
      createdMs: nowMs,
      restatements: this.ledger.restatements.length,
      polls: 0,
      stuck,
    });
    return token;
  }

  async poll(
    acct: SandboxAccount,
    token: string,
    nowMs: number,
    fault?: 'report_failed' | 'report_expired',
  ): Promise<PollAnswer> {
    const r = this.reports.get(token);
    if (!r || r.acct !== acct) return { report_status: 'DOES_NOT_EXIST', url: null, size: null };
    if (fault) r.failed = fault === 'report_failed' ? 'FAILED' : 'EXPIRED';
    if (r.failed) return { report_status: r.failed, url: null, size: null };
    if (nowMs - r.createdMs > REPORT_TTL_MS) return { report_status: 'EXPIRED', url: null, size: null };
    if (r.stuck || r.polls < this.opts.pollsUntilFinished) {
      r.polls++;
      return { report_status: 'IN_PROGRESS', url: null, size: null };
    }
    if (r.size === undefined) r.size = r.acct.bench ? null : await this.measure(r);
    const expires = Math.floor(nowMs / 1000) + this.opts.downloadTtlSeconds;
    const url = `${this.opts.baseUrl()}/__sandbox/download/${token}/metrics_report.txt?expires=${expires}&signature=${this.sign(token, expires)}`;
    return { report_status: 'FINISHED', url, size: r.size };
  }

  /** Serves GET /__sandbox/download/{token}: S3-like 403s for a bad or expired signature, else the streamed file. */
  async download(res: ServerResponse, token: string, q: URLSearchParams, nowMs: number): Promise<void> {
    const expires = Number(q.get('expires'));
    const given = Buffer.from(q.get('signature') ?? '', 'utf8');
    const want = Buffer.from(this.sign(token, expires), 'utf8');
    if (!Number.isInteger(expires) || given.length !== want.length || !timingSafeEqual(given, want)) {
      return s3Error(
        res,
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    if (nowMs > expires * 1000) return s3Error(res, 403, 'AccessDenied', 'Request has expired');
    const r = this.reports.get(token);
    if (!r) return s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    res.writeHead(200, {
      'content-type': r.query.format === 'CSV' ? 'text/csv' : 'application/json',
      ...(typeof r.size === 'number' ? { 'content-length': String(r.size) } : {}),
    });
    await pipeline(Readable.from(reportFile(this.ledger, r.acct, r.query, r.createdMs, r.restatements)), res);
  }

  private async measure(r: Report): Promise<number> {
    let size = 0;
    for await (const chunk of reportFile(this.ledger, r.acct, r.query, r.createdMs, r.restatements))
      size += Buffer.byteLength(chunk);
    return size;
  }

  private sign(token: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${token}.${expires}`).digest('hex');
  }
}

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
    `<RequestId>${randomBytes(8).toString('hex').toUpperCase()}</RequestId></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
