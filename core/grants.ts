// What creating connections and re-granting do with a grant (`connections create|regrant`, `connect`, `dev`):
// recognise a grant the project already holds, put connections on it, and repair it in place (checking it against
// Pinterest first: grant-verify.ts). A grant once stored is never deleted here: Pinterest may have rotated it.
import type pg from 'pg';
import { type ConnectionSettings, customEventName } from '../schemas/config.ts';
import {
  type Connection,
  type ConnectionOrigin,
  DuplicateConnectionError,
  getConnection,
  insertConnection,
  listConnections,
} from '../warehouse/control.ts';
import {
  activateGrant,
  createCredential,
  type GrantTokens,
  grantOfToken,
  mergeGrant,
  storeGrant,
  withCurrentKey,
} from '../warehouse/grants.ts';
import { inTransaction } from '../warehouse/transaction.ts';
import { refuseUnverifiedAccountTime, withAccountZone } from './account-zone.ts';
import { type EventSource, verifyConversionEvent } from './conversion-event.ts';
import { boxOf, type CoreDeps } from './deps.ts';
import { UsageError } from './errors.ts';
import { checkAccounts, exchangePasted, heldGrantToken } from './grant-verify.ts';
import { scheduleEach } from './schedule-each.ts';

async function refuseConnected(pool: pg.Pool, accounts: readonly string[]): Promise<void> {
  const { rows } = await pool.query(
    'SELECT id, ad_account_id FROM pinads.connections WHERE ad_account_id = ANY($1) ORDER BY ad_account_id',
    [accounts],
  );
  if (rows[0])
    throw new UsageError(
      `ad account ${rows[0].ad_account_id} already has a connection (${rows[0].id}); repair its grant with \`pinads connections regrant ${rows[0].id} --refresh-token -\``,
    );
}

export interface CreateInput {
  adAccountIds: string[];
  /** The pasted refresh token, or the connection whose grant to share. */
  refreshToken?: string;
  grantOf?: string;
  /** A credential already chosen (`connect` after its code exchange). */
  credentialId?: string;
  verify: boolean;
  /** The accounts' zones as Pinterest already reported them (`connect` read the account list): no need to verify. */
  zones?: ReadonlyMap<string, string | null>;
  settings: ConnectionSettings;
  name?: string;
  origin?: ConnectionOrigin;
}

/**
 * One connection per account, all on one credential: a token the project holds or once held joins its grant,
 * `grantOf` shares another connection's grant, and anything else becomes a new grant. Verified against Pinterest
 * first unless `verify` is false. Then the schedules; rows are undone if they cannot be created.
 */
export function createConnections(ctx: CoreDeps, input: CreateInput): Promise<Connection[]> {
  return withCurrentKey(ctx.wh, boxOf(ctx), () => createOnGrant(ctx, input));
}

async function createOnGrant(ctx: CoreDeps, input: CreateInput): Promise<Connection[]> {
  const { pool } = ctx.wh;
  const box = boxOf(ctx);
  await refuseConnected(pool, input.adAccountIds);
  let credentialId = input.credentialId;
  if (credentialId) {
    // Chosen by the caller.
  } else if (input.grantOf) {
    const other = await getConnection(pool, input.grantOf);
    if (!other) throw new UsageError(`--grant-of: no connection with id ${input.grantOf}`);
    credentialId = other.credential_id;
  } else {
    credentialId = await grantOfToken(pool, box, input.refreshToken!);
  }
  if (!input.verify && !input.zones) refuseUnverifiedAccountTime(input.settings);
  let fresh: Awaited<ReturnType<typeof exchangePasted>> | undefined;
  let zones = new Map<string, string | null>(input.zones ?? []);
  if (input.verify) {
    if (credentialId) {
      zones = await checkAccounts(ctx.env, await heldGrantToken(ctx, credentialId), input.adAccountIds, '');
    } else {
      fresh = await exchangePasted(ctx.env, input.refreshToken!);
      // The check rotated the pasted token: keep the grant even if an account is wrong, so a rerun with the same
      // (now stale) token is recognised and joins it instead of failing with an invalid grant.
      credentialId = await createCredential(pool, box, fresh, [input.refreshToken!]);
      zones = await checkAccounts(
        ctx.env,
        fresh.accessToken ?? (await heldGrantToken(ctx, credentialId)),
        input.adAccountIds,
        '; the grant was kept, so the same token works for a rerun',
      );
    }
  }
  const settingsOf = new Map(
    input.adAccountIds.map((a) => [a, withAccountZone(input.settings, a, zones.get(a))] as const),
  );
  await verifyEventOfEach(ctx, input, { accessToken: fresh?.accessToken, credentialId });
  const made = await inTransaction(pool, async (tx) => {
    const cred = credentialId ?? (await createCredential(tx, box, { refreshToken: input.refreshToken! }));
    const out: Connection[] = [];
    for (const adAccountId of input.adAccountIds)
      out.push(
        await insertConnection(tx, {
          adAccountId,
          credentialId: cred,
          settings: settingsOf.get(adAccountId)!,
          name: input.name,
          origin: input.origin,
        }),
      );
    return out;
  }).catch((err) => {
    if (err instanceof DuplicateConnectionError) throw new UsageError(err.message);
    throw err;
  });
  // Never undone by deleting the rows: the credential may hold the token this create just rotated.
  await scheduleEach(ctx, made, { done: `created ${made.map((c) => c.id).join(', ')}` });
  return made;
}

/** custom:NAME must be an event of every account; with --no-verify nothing asks Pinterest (synced events only). */
async function verifyEventOfEach(ctx: CoreDeps, input: CreateInput, source: EventSource): Promise<void> {
  const event = input.settings.conversion_event;
  if (customEventName(event) === undefined) return;
  const asked = input.verify || input.zones ? source : {};
  for (const a of input.adAccountIds) await verifyConversionEvent(ctx, a, event, asked);
}

export interface Regranted {
  credentialId: string;
  /** Every connection now on the grant, with the status it had before. */
  connections: { id: string; adAccountId: string; was: string }[];
}

/**
 * Puts a new grant under `connectionIds`' credentials and every connection sharing them, in place: the same ids and
 * history, status `active` with no reason, schedules unpaused. `tokens` come from a code exchange or a verified
 * paste; `alsoHeld` are older tokens of the same grant to remember.
 */
export function regrantInPlace(
  ctx: CoreDeps,
  credentialIds: readonly string[],
  grant: { tokens?: Awaited<ReturnType<typeof exchangePasted>>; pasted?: string; joinKnown?: string },
): Promise<Regranted> {
  return withCurrentKey(ctx.wh, boxOf(ctx), () => regrantLocked(ctx, credentialIds, grant));
}

async function regrantLocked(
  ctx: CoreDeps,
  credentialIds: readonly string[],
  grant: { tokens?: Awaited<ReturnType<typeof exchangePasted>>; pasted?: string; joinKnown?: string },
): Promise<Regranted> {
  const { pool } = ctx.wh;
  const box = boxOf(ctx);
  const result = await inTransaction(pool, async (tx) => {
    const target = grant.joinKnown ?? credentialIds[0]!;
    const { rows: before } = await tx.query(
      'SELECT id, ad_account_id, status FROM pinads.connections WHERE credential_id = ANY($1) ORDER BY created_at, id',
      [[target, ...credentialIds]],
    );
    if (grant.tokens) await storeGrant(tx, box, target, grant.tokens, grant.pasted ? [grant.pasted] : []);
    else if (grant.pasted && !grant.joinKnown)
      await storeGrant(tx, box, target, { refreshToken: grant.pasted });
    for (const other of credentialIds) await mergeGrant(tx, other, target);
    await activateGrant(tx, target);
    return {
      credentialId: target,
      connections: before.map((r) => ({ id: r.id, adAccountId: r.ad_account_id, was: r.status })),
    };
  });
  await scheduleEach(ctx, result.connections, {
    paused: false,
    note: 're-granted with pinads',
    done: `re-granted ${result.connections.map((c) => c.id).join(', ')}`,
  });
  return result;
}

/** `connections regrant`: a pasted token replaces the grant of `connectionId` and of every connection sharing it. */
export function regrantWithToken(
  ctx: CoreDeps,
  connectionId: string,
  token: string,
  verify: boolean,
): Promise<Regranted> {
  return withCurrentKey(ctx.wh, boxOf(ctx), () => regrantPasted(ctx, connectionId, token, verify));
}

async function regrantPasted(
  ctx: CoreDeps,
  connectionId: string,
  token: string,
  verify: boolean,
): Promise<Regranted> {
  const c = await getConnection(ctx.wh.pool, connectionId);
  if (!c) throw new UsageError(`no connection with id ${connectionId} (see \`pinads connections list\`)`);
  const known = await grantOfToken(ctx.wh.pool, boxOf(ctx), token);
  if (known && known !== c.credential_id) {
    // The token belongs to another grant we hold: that grant's stored token is at least as new, so join it.
    if (verify) await heldGrantToken(ctx, known);
    return regrantLocked(ctx, [c.credential_id], { joinKnown: known });
  }
  if (!verify) return regrantLocked(ctx, [c.credential_id], { pasted: token });
  const tokens = await exchangePasted(ctx.env, token);
  return regrantLocked(ctx, [c.credential_id], { tokens, pasted: token });
}

export interface Connected {
  /** Each chosen account's connection id, in the order chosen. */
  ids: string[];
  made: Connection[];
  /** Connections re-granted in place: those of the chosen accounts and every one sharing their old grants. */
  regranted: Regranted['connections'];
}

/**
 * `connect`: a new grant (from the code exchange) for the chosen accounts. Accounts already connected are re-granted
 * in place, with every connection sharing their old grants; the others get new connections on the grant.
 */
export function connectAccounts(
  ctx: CoreDeps,
  grant: GrantTokens,
  accounts: readonly { id: string; time_zone?: string | null }[],
  o: { settings: ConnectionSettings; name?: string },
): Promise<Connected> {
  return withCurrentKey(ctx.wh, boxOf(ctx), () => connectLocked(ctx, grant, accounts, o));
}

async function connectLocked(
  ctx: CoreDeps,
  grant: GrantTokens,
  accounts: readonly { id: string; time_zone?: string | null }[],
  o: { settings: ConnectionSettings; name?: string },
): Promise<Connected> {
  const existing = (await listConnections(ctx.wh.pool)).filter((c) =>
    accounts.some((a) => a.id === c.ad_account_id),
  );
  let credentialId: string;
  let regranted: Regranted['connections'] = [];
  if (existing.length) {
    const r = await regrantLocked(ctx, [...new Set(existing.map((c) => c.credential_id))], {
      tokens: grant,
    });
    credentialId = r.credentialId;
    regranted = r.connections;
  } else {
    credentialId = await createCredential(ctx.wh.pool, boxOf(ctx), grant);
  }
  const fresh = accounts.filter((a) => !existing.some((c) => c.ad_account_id === a.id));
  const made = fresh.length
    ? await createOnGrant(ctx, {
        adAccountIds: fresh.map((a) => a.id),
        credentialId,
        verify: false,
        zones: new Map(fresh.map((a) => [a.id, a.time_zone ?? null])),
        settings: o.settings,
        name: o.name,
      })
    : [];
  const ids = accounts.map(
    (a) => (made.find((c) => c.ad_account_id === a.id) ?? existing.find((c) => c.ad_account_id === a.id))!.id,
  );
  return { ids, made, regranted };
}
