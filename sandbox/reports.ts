// Async reports: create → poll (IN_PROGRESS for a few polls, then FINISHED with a signed, expiring url) → download.
// A report's content is fixed at creation: it is computed "as of" the creation instant, whenever it is downloaded.
// Like Pinterest's (a file on S3 once generated), it is rendered once, to a temporary file, from its creation on; it
// reads IN_PROGRESS until that file is complete, and the download streams the file. So `size` is exact, and a
// download costs the sandbox no CPU: the connector's load is measured without the sandbox generating its input on
// the same cores at the same time.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SandboxAccount } from './data.ts';
import type { Ledger } from './ledger.ts';
import type { ReportQuery } from './report-request.ts';
import { reportFile } from './report-writer.ts';

/** "The link is valid for five minutes and the report is valid for one hour." */
const REPORT_TTL_MS = 3_600_000;
/**
 * How long a poll waits for a render still running before it answers IN_PROGRESS: small reports (every test's) are
 * ready well within it, so their poll counts stay deterministic; a benchmark's 400 MB file is not.
 */
const RENDER_GRACE_MS = 2_000;

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
  /** The rendered file, once the report has read FINISHED (rendering is shared by concurrent polls). */
  file?: Promise<{ path: string; size: number }>;
}

export interface PollAnswer {
  report_status: string;
  url: string | null;
  size: number | null;
}

export class ReportStore {
  private readonly reports = new Map<string, Report>();
  private readonly secret = randomBytes(32);
  private dir: string | undefined;

  constructor(
    private readonly ledger: Ledger,
    private readonly opts: { pollsUntilFinished: number; downloadTtlSeconds: number; baseUrl: () => string },
  ) {}

  create(acct: SandboxAccount, query: ReportQuery, nowMs: number, stuck = false): string {
    this.forgetExpired(nowMs);
    const token = randomBytes(18).toString('hex');
    const r: Report = {
      token,
      acct,
      query,
      createdMs: nowMs,
      restatements: this.ledger.restatements.length,
      polls: 0,
      stuck,
    };
    this.reports.set(token, r);
    if (!stuck) void this.render(r).catch(() => {});
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
    const rendered = await ready(this.render(r), RENDER_GRACE_MS);
    if (!rendered) return { report_status: 'IN_PROGRESS', url: null, size: null };
    const { size } = rendered;
    const expires = Math.floor(nowMs / 1000) + this.opts.downloadTtlSeconds;
    // Like S3's X-Amz-Date: when the link was signed, by the wall clock (see download()).
    const issued = Date.now();
    const url = `${this.opts.baseUrl()}/__sandbox/download/${token}/metrics_report.txt?expires=${expires}&issued=${issued}&signature=${this.sign(token, expires, issued)}`;
    return { report_status: 'FINISHED', url, size };
  }

  /** Serves GET /__sandbox/download/{token}: S3-like 403s for a bad or expired signature, else the streamed file. */
  async download(res: ServerResponse, token: string, q: URLSearchParams, nowMs: number): Promise<void> {
    const expires = Number(q.get('expires'));
    const issued = Number(q.get('issued'));
    const given = Buffer.from(q.get('signature') ?? '', 'utf8');
    const want = Buffer.from(this.sign(token, expires, issued), 'utf8');
    if (
      !Number.isInteger(expires) ||
      !Number.isInteger(issued) ||
      given.length !== want.length ||
      !timingSafeEqual(given, want)
    ) {
      return s3Error(
        res,
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    // A link ends when the sandbox clock passes `expires` (tests move that clock) or when its seconds have really
    // passed, as S3's do: a test's sandbox clock may stand still (the harness stops it at the end of an hour).
    if (nowMs > expires * 1000 || Date.now() > issued + this.opts.downloadTtlSeconds * 1000)
      return s3Error(res, 403, 'AccessDenied', 'Request has expired');
    const r = this.reports.get(token);
    if (!r) return s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    const { path, size } = await this.render(r);
    res.writeHead(200, {
      'content-type': r.query.format === 'CSV' ? 'text/csv' : 'application/json',
      'content-length': String(size),
    });
    await pipeline(createReadStream(path), res);
  }

  /** Deletes the rendered files; the store keeps answering polls, and renders again if asked. */
  close(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    for (const r of this.reports.values()) delete r.file;
  }

  private render(r: Report): Promise<{ path: string; size: number }> {
    if (!r.file) {
      this.dir ??= mkdtempSync(join(tmpdir(), 'pinads-sandbox-reports-'));
      const path = join(this.dir, `${r.token}.txt`);
      const file = reportFile(this.ledger, r.acct, r.query, r.createdMs, r.restatements);
      r.file = pipeline(Readable.from(file), createWriteStream(path)).then(async () => ({
        path,
        size: (await stat(path)).size,
      }));
      // A failed render is retried by the next poll instead of being remembered.
      r.file.catch(() => {
        delete r.file;
      });
    }
    return r.file;
  }

  /** Reports past their one-hour validity are gone, with their files: a long-running sandbox stays bounded. */
  private forgetExpired(nowMs: number): void {
    for (const [token, r] of this.reports) {
      if (nowMs - r.createdMs <= REPORT_TTL_MS) continue;
      this.reports.delete(token);
      if (r.file && this.dir) void rm(join(this.dir, `${token}.txt`), { force: true });
    }
  }

  private sign(token: string, expires: number, issued: number): string {
    return createHmac('sha256', this.secret).update(`${token}.${expires}.${issued}`).digest('hex');
  }
}

/** The render's result, or null if it is still running after `ms`. */
async function ready<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
    `<RequestId>${randomBytes(8).toString('hex').toUpperCase()}</RequestId></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
