// `pinads connect`: the interactive OAuth flow. Authorize in a browser, receive the code on a local callback with a
// checked state, pick an ad account, and create the connection, its schedule and (if wanted) a first sync.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { WorkflowIdConflictPolicy } from '@temporalio/client';
import type { Command } from 'commander';
import { createPinterestClient } from '../pinterest/client.ts';
import { buildAuthorizeUrl, exchangeAuthorizationCode, tokenUrlFor } from '../pinterest/oauth.ts';
import { loadEnv } from '../schemas/config.ts';
import type { AdAccount } from '../schemas/pinterest.ts';
import { manualSyncWorkflowId } from '../temporal/schedules.ts';
import { defaultConnectionName } from '../warehouse/control.ts';
import { createConnection, settingsFrom } from './connections.ts';
import { withContext } from './context.ts';
import { action, UsageError } from './errors.ts';
import { newOAuthState, startOAuthCallback } from './oauth-callback.ts';
import { adAccountIdOption, addSettingsOptions, intOption } from './options.ts';

/**
 * `ads:read` alone: the spec's security for GET /ad_accounts, the entity lists and the reports is `ads:read`, and a
 * grant should ask for no more than it uses.
 */
export const CONNECT_SCOPES = ['ads:read'] as const;

export interface ConnectOptions {
  adAccount?: string;
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

export interface ConnectResult {
  connectionId: string;
  adAccountId: string;
  /** The first sync's workflow id, when one was started. */
  firstSyncWorkflowId?: string;
}

/** Best effort: the URL is printed anyway, so a missing opener is not an error. */
export function openInBrowser(url: string): void {
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

export function processIo(): ConnectIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: Boolean(process.stdin.isTTY),
    openBrowser: openInBrowser,
  };
}

/**
 * Questions on stderr, answers from stdin, one line each. `undefined` means stdin ended: readline's promise API
 * would leave the question pending forever then, so lines are queued by hand.
 */
function prompter(io: ConnectIo) {
  let rl: ReturnType<typeof createInterface> | undefined;
  const lines: string[] = [];
  const waiting: ((line: string | undefined) => void)[] = [];
  let ended = false;
  const open = () => {
    rl = createInterface({ input: io.stdin, terminal: false });
    rl.on('line', (l) => (waiting.length ? waiting.shift()!(l) : lines.push(l)));
    rl.on('close', () => {
      ended = true;
      for (const w of waiting.splice(0)) w(undefined);
    });
  };
  return {
    ask(question: string): Promise<string | undefined> {
      io.stderr.write(question);
      if (!rl) open();
      if (lines.length) return Promise.resolve(lines.shift()!.trim());
      if (ended) return Promise.resolve(undefined);
      return new Promise((resolve) => waiting.push((l) => resolve(l?.trim())));
    },
    close: () => rl?.close(),
  };
}

async function chooseAccount(
  accounts: AdAccount[],
  wanted: string | undefined,
  ask: (q: string) => Promise<string | undefined>,
  io: ConnectIo,
): Promise<AdAccount> {
  const ids = accounts.map((a) => a.id).join(', ');
  if (wanted) {
    const found = accounts.find((a) => a.id === wanted);
    if (!found)
      throw new UsageError(
        `ad account ${wanted} is not among the ad accounts this Pinterest user can read (${ids || 'none'})`,
      );
    return found;
  }
  if (accounts.length === 1) return accounts[0]!;
  io.stderr.write('Ad accounts this Pinterest user can read:\n');
  for (const [i, a] of accounts.entries()) {
    const zone = a.time_zone ? `, ${a.time_zone}` : '';
    io.stderr.write(`  ${i + 1}) ${a.id}  ${a.name ?? ''} (${a.currency}${zone})\n`);
  }
  for (;;) {
    const answer = await ask(`Which one? [1-${accounts.length}] `);
    if (answer === undefined)
      throw new UsageError(`no ad account chosen; pass --ad-account with one of ${ids}`);
    const n = Number(answer);
    if (Number.isInteger(n) && n >= 1 && n <= accounts.length) return accounts[n - 1]!;
    const byId = accounts.find((a) => a.id === answer);
    if (byId) return byId;
    io.stderr.write(`Please answer a number from 1 to ${accounts.length}.\n`);
  }
}

/** The whole flow without commander or process globals, so tests can drive it. Tokens are never written out. */
export async function runConnect(o: ConnectOptions, io: ConnectIo = processIo()): Promise<ConnectResult> {
  const env = loadEnv();
  const missing = ['PINTEREST_CLIENT_ID', 'PINTEREST_CLIENT_SECRET'].filter(
    (k) => !env[k as 'PINTEREST_CLIENT_ID' | 'PINTEREST_CLIENT_SECRET'],
  );
  if (missing.length)
    throw new UsageError(
      `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set: use the app id and secret from https://developers.pinterest.com/apps/`,
    );
  const clientId = env.PINTEREST_CLIENT_ID!;
  const clientSecret = env.PINTEREST_CLIENT_SECRET!;
  const settings = settingsFrom(o);
  const prompt = prompter(io);

  try {
    // The warehouse, key and Temporal are opened first: a misconfiguration should fail before the browser dance.
    return await withContext({ temporal: true, secrets: true }, async (ctx) => {
      const state = newOAuthState();
      const callback = await startOAuthCallback({ state, port: o.port, timeoutMs: o.callbackTimeoutMs });
      let code: string;
      try {
        const url = buildAuthorizeUrl({
          oauthUrl: env.PINTEREST_OAUTH_URL,
          clientId,
          redirectUri: callback.redirectUri,
          scopes: CONNECT_SCOPES,
          state,
        });
        io.stderr.write(`Open this URL to authorize: ${url}\n`);
        if (o.open !== false) io.openBrowser(url);
        io.stderr.write(`Waiting for Pinterest to redirect to ${callback.redirectUri} …\n`);
        code = await callback.code;
      } finally {
        await callback.close();
      }

      const tokens = await exchangeAuthorizationCode({
        tokenUrl: tokenUrlFor(env.PINTEREST_API_URL),
        clientId,
        clientSecret,
        code,
        redirectUri: callback.redirectUri,
      });
      const api = createPinterestClient({
        apiUrl: env.PINTEREST_API_URL,
        getAccessToken: async () => tokens.accessToken,
      });
      const accounts: AdAccount[] = [];
      for await (const a of api.listAdAccounts()) accounts.push(a);
      if (!accounts.length)
        throw new UsageError('this Pinterest user can read no ad accounts; authorize with another user');
      const account = await chooseAccount(accounts, o.adAccount, prompt.ask, io);

      const proposed = defaultConnectionName(account.id);
      let name = o.name;
      if (name === undefined && io.interactive && !o.yes)
        name = (await prompt.ask(`Connection name [${proposed}]: `)) || undefined;
      name ??= proposed;

      const conn = await createConnection(ctx, {
        adAccountId: account.id,
        refreshToken: tokens.refreshToken,
        name,
        settings,
        scope: tokens.scope,
      });
      io.stdout.write(`${conn.id}\n`);
      io.stderr.write(`Created connection ${conn.id} "${conn.name}" with an hourly schedule.\n`);

      const result: ConnectResult = { connectionId: conn.id, adAccountId: account.id };
      const answer = o.yes ? 'y' : await prompt.ask('Run the first sync now? [Y/n] ');
      // Enter accepts the default; a closed stdin is not consent.
      if (answer !== undefined && /^(y|yes|)$/i.test(answer)) {
        const handle = await ctx.temporal!.workflow.start('syncConnection', {
          taskQueue: ctx.env.PINADS_TASK_QUEUE,
          workflowId: manualSyncWorkflowId(conn.id),
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          args: [conn.id, { mode: 'hourly', manual: true }],
        });
        result.firstSyncWorkflowId = handle.workflowId;
        io.stderr.write(
          `Started the first sync ${handle.workflowId} (a worker must be running: \`pinads worker\`); follow it with \`pinads connections show ${conn.id}\`.\n`,
        );
      } else {
        io.stderr.write(
          `No sync started; the schedule runs within the hour, or run \`pinads sync ${conn.id}\`.\n`,
        );
      }
      return result;
    });
  } finally {
    prompt.close();
  }
}

export function registerConnect(program: Command): void {
  const cmd = program.command('connect');
  addSettingsOptions(cmd)
    .description(
      'authorize with Pinterest in the browser, choose an ad account, and create its connection; prints the new connection id alone on stdout',
    )
    .option(
      '--ad-account <id>',
      'the ad account to connect (default: ask, or the only one)',
      adAccountIdOption,
    )
    .option('--name <name>', 'display name (default "Pinterest Ads | <ad account id>")')
    .option(
      '--port <n>',
      'local callback port; register http://127.0.0.1:<n>/callback as a redirect URI of your app (default: a free port)',
      intOption('--port', 1, 65535),
    )
    .option('--no-open', 'print the authorize URL without opening a browser')
    .option('-y, --yes', 'accept the proposed name and start the first sync without asking')
    .action(
      action(async (o: ConnectOptions) => {
        await runConnect(o);
      }),
    );
}
