// `pinads connect`: the interactive OAuth flow. Authorize in a browser, receive the code on a local callback with a
// checked state, pick an ad account, and create the connection, its schedule and (if wanted) a first sync.
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { grantTokensOf } from '../core/grant-refresh.ts';
import { connectAccounts } from '../core/grants.ts';
import { SchedulesFailedError } from '../core/schedule-each.ts';
import { startSync } from '../core/start.ts';
import { createPinterestClient } from '../pinterest/client.ts';
import { PinterestError } from '../pinterest/errors.ts';
import {
  buildAuthorizeUrl,
  exchangeAuthorizationCode,
  SCOPES,
  type Tokens,
  tokenUrlFor,
} from '../pinterest/oauth.ts';
import { loadEnv } from '../schemas/config.ts';
import type { AdAccount } from '../schemas/pinterest.ts';
import { defaultConnectionName } from '../warehouse/control.ts';
import { assertCurrentKey } from '../warehouse/grants.ts';
import { chooseAccounts, prompter } from './connect-choose.ts';
import { settingsFrom } from './connections.ts';
import { withContext } from './context.ts';
import { action, UsageError } from './errors.ts';
import { CALLBACK_PATH, DEFAULT_CALLBACK_PORT, newOAuthState, startOAuthCallback } from './oauth-callback.ts';
import { adAccountIdOption, addSettingsOptions, intOption } from './options.ts';

export interface ConnectOptions {
  adAccount?: string[];
  all?: boolean;
  /** commander's `--no-continuous-refresh` sets this to false. */
  continuousRefresh?: boolean;
  name?: string;
  port?: number;
  /** commander's `--no-open` sets this to false. */
  open?: boolean;
  /** Accept every proposal without asking: the proposed name, and a first sync now. */
  yes?: boolean;
  clickWindow?: number;
  engagementWindow?: number;
  viewWindow?: number;
  conversionTime?: 'conversion' | 'ad_action';
  lookbackDays?: number;
  reportingTimeZone?: 'utc' | 'account';
  /** How long to wait for the browser's redirect; 5 minutes unless a test says otherwise. */
  callbackTimeoutMs?: number;
}

export interface ConnectIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Whether a person can answer optional questions (the name); a TTY for the real command. */
  interactive: boolean;
  openBrowser(url: string): void;
}

interface ConnectResult {
  /** The first chosen account's connection. */
  connectionId: string;
  /** Every chosen account's connection, in the order chosen. */
  connectionIds: string[];
  /** Connections that already existed and were re-granted in place (and the others sharing their old grant). */
  regrantedIds: string[];
  adAccountId: string;
  /** The first sync's workflow id, when one was started. */
  firstSyncWorkflowId?: string;
}

/** Best effort: the URL is printed anyway, so a missing opener is not an error. */
function openInBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No opener on this machine; the printed URL is the fallback.
  }
}

function processIo(): ConnectIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: Boolean(process.stdin.isTTY),
    openBrowser: openInBrowser,
  };
}

/** The whole flow without commander or process globals, so tests can drive it. Tokens are never written out. */
async function runConnect(o: ConnectOptions, io: ConnectIo = processIo()): Promise<ConnectResult> {
  const env = loadEnv();
  const missing = ['PINTEREST_CLIENT_ID', 'PINTEREST_CLIENT_SECRET'].filter(
    (k) => !env[k as 'PINTEREST_CLIENT_ID' | 'PINTEREST_CLIENT_SECRET'],
  );
  if (missing.length)
    throw new UsageError(
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set: use the app id and secret from https://developers.pinterest.com/apps/`,
    );
  if (o.all && o.adAccount?.length) throw new UsageError('give either --all or --ad-account, not both');
  if (o.name !== undefined && (o.all || (o.adAccount?.length ?? 0) > 1))
    throw new UsageError('--name names one connection: give it with a single --ad-account');
  const clientId = env.PINTEREST_CLIENT_ID!;
  const clientSecret = env.PINTEREST_CLIENT_SECRET!;
  const settings = settingsFrom(o);
  const prompt = prompter(io);

  try {
    // The warehouse, key and Temporal are opened first: a misconfiguration should fail before the browser dance.
    return await withContext({ temporal: true, secrets: true }, async (ctx) => {
      // A grant made with a key that `keys rotate` replaced could not be stored: say so before the browser.
      await assertCurrentKey(ctx.wh.pool, ctx.box!);
      const state = newOAuthState();
      const callback = await startOAuthCallback({
        state,
        port: o.port ?? DEFAULT_CALLBACK_PORT,
        timeoutMs: o.callbackTimeoutMs,
        onRejected: (m) => io.stderr.write(`${m}\n`),
      });
      let code: string;
      try {
        const url = buildAuthorizeUrl({
          oauthUrl: env.PINTEREST_OAUTH_URL,
          clientId,
          redirectUri: callback.redirectUri,
          scopes: SCOPES,
          state,
        });
        io.stderr.write(`Redirect URI (register it in your Pinterest app once): ${callback.redirectUri}\n`);
        io.stderr.write(`Open this URL to authorize: ${url}\n`);
        if (o.open !== false) io.openBrowser(url);
        io.stderr.write(`Waiting for Pinterest to redirect to ${callback.redirectUri} …\n`);
        code = await callback.code;
      } finally {
        await callback.close();
      }

      let tokens: Tokens;
      try {
        tokens = await exchangeAuthorizationCode({
          tokenUrl: tokenUrlFor(env.PINTEREST_API_URL),
          clientId,
          clientSecret,
          code,
          redirectUri: callback.redirectUri,
          continuousRefresh: o.continuousRefresh !== false,
        });
      } catch (err) {
        if (err instanceof PinterestError && err.action.kind === 'config')
          throw new UsageError(
            `Pinterest rejected the app credentials (${err.message}): check PINTEREST_CLIENT_ID and PINTEREST_CLIENT_SECRET`,
          );
        throw err;
      }
      const api = createPinterestClient({
        apiUrl: env.PINTEREST_API_URL,
        getAccessToken: async () => tokens.accessToken,
      });
      const accounts: AdAccount[] = [];
      for await (const a of api.listAdAccounts()) accounts.push(a);
      if (!accounts.length)
        throw new UsageError('this Pinterest user can read no ad accounts; authorize with another user');
      const chosen = await chooseAccounts(accounts, o, prompt.ask, io);

      let name = o.name;
      if (name === undefined && chosen.length === 1 && io.interactive && !o.yes) {
        const proposed = defaultConnectionName(chosen[0]!.id);
        name = (await prompt.ask(`Connection name [${proposed}]: `)) || undefined;
      }

      const r = await connectAccounts(ctx, grantTokensOf(tokens, new Date()), chosen, {
        settings,
        name,
      }).catch((err) => {
        // The connections exist (some paused until resumed): their ids still go to stdout, then exit 1.
        if (err instanceof SchedulesFailedError)
          io.stdout.write(err.connections.map((c) => `${c.id}\n`).join(''));
        throw err;
      });
      for (const c of r.regranted)
        io.stderr.write(
          `Re-granted ${c.id} (ad account ${c.adAccountId}): ${c.was} -> active, schedule resumed.\n`,
        );
      for (const c of r.made)
        io.stderr.write(`Created connection ${c.id} "${c.name}" with an hourly schedule.\n`);
      const ids = r.ids;
      io.stdout.write(ids.map((id) => `${id}\n`).join(''));

      const result: ConnectResult = {
        connectionId: ids[0]!,
        connectionIds: ids,
        regrantedIds: r.regranted.map((c) => c.id),
        adAccountId: chosen[0]!.id,
      };
      const answer = o.yes ? 'y' : await prompt.ask('Run the first sync now? [Y/n] ');
      // Enter accepts the default; a closed stdin is not consent.
      if (answer !== undefined && /^(y|yes|)$/i.test(answer)) {
        for (const id of ids) {
          const handle = await startSync(ctx, id);
          result.firstSyncWorkflowId ??= handle.workflowId;
          io.stderr.write(
            `Started a sync ${handle.workflowId} (a worker must be running: \`pinads worker\`); follow it with \`pinads connections show ${id}\`.\n`,
          );
        }
      } else {
        io.stderr.write('No sync started; the schedules run within the hour, or run `pinads sync ID`.\n');
      }
      return result;
    });
  } finally {
    prompt.close();
  }
}

const collect = (v: string, prev: string[] = []) => [...prev, adAccountIdOption(v)];

export function registerConnect(program: Command): void {
  const cmd = program.command('connect');
  addSettingsOptions(cmd)
    .description(
      'authorize with Pinterest in the browser, choose ad accounts, and connect them all on the one grant (an already connected account is re-granted in place); prints one connection id per line',
    )
    .option(
      '--ad-account <id>',
      'an ad account to connect (repeatable; default: ask, or the only one)',
      collect,
    )
    .option('--all', 'connect every ad account the Pinterest user can read')
    .option('--name <name>', 'display name (one account only; default "Pinterest Ads | <ad account id>")')
    .option(
      '--port <n>',
      `local callback port (default ${DEFAULT_CALLBACK_PORT}); register http://127.0.0.1:<n>${CALLBACK_PATH} as a redirect URI of your app`,
      intOption('--port', 1, 65535),
    )
    .option('--no-open', 'print the authorize URL without opening a browser')
    .option(
      '--no-continuous-refresh',
      'do not ask for a continuous refresh token (apps created after 2025-09-25 get one anyway)',
    )
    .option('-y, --yes', 'accept the proposed name and start the first sync without asking')
    .action(
      action(async (o: ConnectOptions) => {
        await runConnect(o);
      }),
    );
}
