// One login's API session for a source run: the access token, refreshed through pinterest/oauth.ts when needed, the
// rotated refresh token handed to the platform at once (CONTROL CONNECTOR_CONFIG) before any other request, and
// every call retried by what the one error table (pinterest/errors.ts) says about its failure.
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../common/config-error.ts';
import { createPinterestClient, type PinterestClient } from '../pinterest/client.ts';
import { isMissingScope, PinterestError } from '../pinterest/errors.ts';
import { refreshAccessToken, SCOPES, tokenUrlFor } from '../pinterest/oauth.ts';
import type { SourceConfig } from './config.ts';
import type { Emitter, JsonValue } from './protocol.ts';

/** Attempts of one call whose failure the table calls retryable (5xx, network, code 12, other 429s). */
const MAX_ATTEMPTS = 6;
/** The longest rate-limit wait served inside a read; a longer one (a daily cap) ends the read as transient. */
export const MAX_RATE_LIMIT_WAIT_S = 600;

/** A failure Airbyte should retry later (the next sync resumes from the last STATE, so nothing is skipped). */
export class TransientError extends Error {
  override name = 'TransientError';
}

export interface SessionOptions {
  sleep?: (ms: number) => Promise<unknown>;
  /** Backoff of retryable failures: base × 2^attempt ms, capped at 30 s. */
  backoffBaseMs?: number;
}

export class Session {
  readonly api: PinterestClient;
  apiCalls = 0;
  private accessToken?: string;
  /** When the access token expires (epoch ms), and how long before that it is replaced. */
  private expiresAtMs = 0;
  private refreshAheadMs = 0;
  /** Whether any API request succeeded since the last refresh: a 401 after one is an expiry, not a dead grant. */
  private workedSinceRefresh = false;
  private refreshing?: Promise<string>;
  private readonly sleep: (ms: number) => Promise<unknown>;

  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly config: SourceConfig,
    private readonly out: Emitter,
    private readonly opts: SessionOptions = {},
  ) {
    this.sleep = opts.sleep ?? sleep;
    this.api = createPinterestClient({
      apiUrl: config.api_url,
      // Replaced ahead of its expiry, as the Temporal path does: min(60 s, half its lifetime) before.
      getAccessToken: () =>
        this.accessToken && Date.now() < this.expiresAtMs - this.refreshAheadMs
          ? Promise.resolve(this.accessToken)
          : this.refresh(this.accessToken),
      onRequest: (event) => {
        this.apiCalls++;
        if (event.endpoint === 'api' && event.status !== undefined && event.status < 300)
          this.workedSinceRefresh = true;
      },
    });
  }

  log(level: 'INFO' | 'WARN', message: string): void {
    this.out.log(level, message);
  }

  /**
   * Trades the refresh token for a new pair, once at a time: Pinterest kills the old refresh token, so the new one
   * goes to the platform in a CONTROL message before anything else happens. `rejected` is the access token the API
   * just refused: a concurrent caller that already replaced it does not refresh again.
   */
  refresh(rejected?: string): Promise<string> {
    if (rejected !== undefined && this.accessToken !== undefined && this.accessToken !== rejected)
      return Promise.resolve(this.accessToken);
    this.refreshing ??= (async () => {
      try {
        const t = await refreshAccessToken({
          tokenUrl: tokenUrlFor(this.config.api_url),
          clientId: this.config.client_id,
          clientSecret: this.config.client_secret,
          refreshToken: this.config.refresh_token,
        });
        this.config.refresh_token = t.refreshToken;
        this.out.connectorConfig({
          ...(this.raw as Record<string, JsonValue>),
          refresh_token: t.refreshToken,
        });
        this.accessToken = t.accessToken;
        this.expiresAtMs = Date.now() + t.expiresIn * 1000;
        this.refreshAheadMs = Math.min(60_000, (t.expiresIn * 1000) / 2);
        this.workedSinceRefresh = false;
        return t.accessToken;
      } catch (err) {
        throw tokenFailure(err);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /**
   * Runs `fn` (one API call, or a whole listing that can start over) until it succeeds or the error table says stop:
   * waits out "retry after" and quota resets, backs off on retryable failures, refreshes once on a 401.
   */
  async call<T>(what: string, fn: (api: PinterestClient) => Promise<T>): Promise<T> {
    let failures = 0;
    let refreshes = 0;
    for (;;) {
      const token = this.accessToken;
      try {
        return await fn(this.api);
      } catch (err) {
        if (!(err instanceof PinterestError)) throw err;
        const a = err.action;
        if (a.kind === 'refresh') {
          // A fresh token, inside its lifetime, refused before any request worked with it: the grant itself no
          // longer works. (Five refreshes within one call: this request is refused whatever the token.)
          const fresh =
            token !== undefined &&
            token === this.accessToken &&
            !this.workedSinceRefresh &&
            Date.now() < this.expiresAtMs;
          if (fresh || ++refreshes > 5) throw new ConfigError(reauthMessage(err));
          await this.refresh(token);
          continue;
        }
        if (a.kind === 'retry_after' || a.kind === 'rate_limit_reset') {
          if (a.seconds > MAX_RATE_LIMIT_WAIT_S)
            throw new TransientError(
              `Pinterest's quota resets in ${a.seconds} s (${what}); the next sync resumes where this one stopped`,
            );
          this.out.log('INFO', `rate limited (${what}): waiting ${a.seconds} s as Pinterest asks`);
          await this.sleep(a.seconds * 1000);
          continue;
        }
        if (a.kind === 'retry' && ++failures < MAX_ATTEMPTS) {
          const ms = Math.min(30_000, (this.opts.backoffBaseMs ?? 500) * 2 ** (failures - 1));
          this.out.log('WARN', `${err.message}; retrying in ${ms} ms (${what})`);
          await this.sleep(ms);
          continue;
        }
        if (a.kind === 'retry')
          throw new TransientError(`${err.message} (${what}, after ${failures} attempts)`);
        if (a.kind === 'reauth' || a.kind === 'config') throw new ConfigError(reauthMessage(err));
        throw err;
      }
    }
  }
}

function reauthMessage(err: PinterestError): string {
  if (isMissingScope(err))
    return `Pinterest refused the grant's scopes (${err.message}): the refresh token was granted without ${SCOPES.join(' or ')}; authorize again with both scopes and update refresh_token`;
  return `Pinterest rejected the credentials (${err.message}): the refresh token was revoked, expired or already used, or the app id/secret is wrong; authorize again and update client_id, client_secret and refresh_token`;
}

/** The token endpoint's failures: an invalid grant or wrong app credentials are the user's to fix. */
function tokenFailure(err: unknown): unknown {
  if (err instanceof PinterestError && (err.action.kind === 'reauth' || err.action.kind === 'config'))
    return new ConfigError(reauthMessage(err));
  return err;
}
