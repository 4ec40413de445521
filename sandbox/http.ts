// Small HTTP helpers shared by the handlers: the {code, message} error shape, JSON replies and query parsing.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An API error as Pinterest sends it: HTTP status plus body {code, message}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** 400 code 1, the spec's "Invalid parameters." with the detail that names the problem. */
export function invalid(detail: string): ApiError {
  return new ApiError(400, 1, `Invalid parameters. ${detail}`);
}

/** A JSON body already rendered as text, sent byte for byte (for shapes JSON.stringify cannot print). */
export class RawJson {
  constructor(readonly text: string) {}
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body instanceof RawJson ? body.text : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.status, { code: err.code, message: err.message }, err.headers);
}

/** Reads a request body up to `limit` bytes (bodies here are small JSON or form documents). */
export async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new ApiError(413, 1, 'Request body too large.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid('The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** A query array parameter sent repeated (`a=1&a=2`) or comma-separated (`a=1,2`); undefined when absent. */
export function listParam(q: URLSearchParams, name: string): string[] | undefined {
  const all = q.getAll(name);
  if (all.length === 0) return undefined;
  return all
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** An integer query parameter with bounds, or the default when absent. */
export function intParam(q: URLSearchParams, name: string, dflt: number, min: number, max: number): number {
  const raw = q.get(name);
  if (raw === null) return dflt;
  if (!/^-?\d+$/.test(raw)) throw invalid(`${name} must be an integer.`);
  const n = Number(raw);
  if (n < min || n > max) throw invalid(`${name} must be between ${min} and ${max}.`);
  return n;
}

/**
 * The numeric-id pattern of the spec: `^\d+$`, and at most 18 digits where it says so (account, campaign, ad group
 * and ad ids in paths, campaign_ids, the keyword filters). `ad_group_ids` and `ad_ids` list filters give no length.
 */
export function checkId(name: string, value: string, maxLength = 18): void {
  if (!/^\d+$/.test(value) || value.length > maxLength)
    throw invalid(
      `${name} must match ^\\d+$${Number.isFinite(maxLength) ? ` with at most ${maxLength} digits` : ''}.`,
    );
}

/** The spec's length limit of an id list filter: 18 digits for campaign_ids, none for the others. */
export const idListMax = (name: string) => (name === 'campaign_ids' ? 18 : Number.POSITIVE_INFINITY);
