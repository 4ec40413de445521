// The webhook message of an alert: a Slack-compatible `text` for people and structured fields for machines. One
// message per group of connections that changed the same way in one check (one grant's connections, say), so an
// agency whose login is revoked gets one message listing its 300 connections, not 300 messages.

/** What can be wrong with a connection, most urgent first (an open alert is of the most urgent kind that applies). */
export const ALERT_KINDS = ['needs_reauth', 'config_error', 'paused', 'stale'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertEvent = AlertKind | 'resolved' | 'test';

/** One connection in a message. `since`: when the problem began (for stale, the last successful hourly window). */
export interface AlertConnection {
  connection_id: string;
  name: string;
  ad_account_id: string;
  /** The connection's status: active, paused or needs_reauth. */
  status: string;
  reason: string | null;
  since: string;
  /** The command that repairs or investigates it; null on a resolved alert. */
  repair_command: string | null;
}

export interface AlertPayload {
  /** `pinads-alert-<n>`, added at delivery: the same message retried keeps its id, so a receiver can drop repeats. */
  id?: string;
  event: AlertEvent;
  text: string;
  /** With `resolved`: the kind of problem that ended. */
  resolves?: AlertKind;
  /** When the connections had another open problem that this one replaces (no `resolved` is sent in between). */
  replaces?: AlertKind[];
  /** The pinads grant (credential id, not a secret) the connections share, for grant problems. */
  grant_id?: string;
  /** One command for the whole group where there is one (a regrant repairs every connection of the grant). */
  repair_command: string | null;
  count: number;
  connections: AlertConnection[];
  created_at: string;
}

/** A connection whose alert state changed in one check. */
export interface Change {
  event: Exclude<AlertEvent, 'test'>;
  /** The kind this message is about: the new problem, or with `resolved` the one that ended. */
  kind: AlertKind;
  replaces?: AlertKind;
  credential_id: string;
  connection: AlertConnection;
}

/** Pinterest tokens and bearer headers, should one ever reach an error text: alerts never carry them. */
export function scrubSecrets(text: string): string {
  return text
    .replace(/\bpin[ar]_[A-Za-z0-9._~+/=-]+/g, '[redacted]')
    .replace(/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]');
}

/** The repair or investigation command for one connection with this problem. */
export function repairCommand(kind: AlertKind, connectionId: string): string {
  switch (kind) {
    case 'needs_reauth':
      return `pinads connections regrant ${connectionId} --refresh-token -`;
    case 'paused':
      return `pinads connections resume ${connectionId}`;
    case 'config_error':
    case 'stale':
      return `pinads sync ${connectionId} --wait`;
  }
}

const GRANT_KINDS: ReadonlySet<AlertKind> = new Set(['needs_reauth', 'paused']);

/** Changes grouped into messages: per event and kind, and per grant for the grant's own problems; urgent first. */
export function groupChanges(changes: readonly Change[]): Change[][] {
  const groups = new Map<string, Change[]>();
  for (const c of changes) {
    const key = [c.event, c.kind, GRANT_KINDS.has(c.kind) ? c.credential_id : ''].join('|');
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const rank = (g: Change[]) => (g[0]!.event === 'resolved' ? 0 : 10) + ALERT_KINDS.indexOf(g[0]!.kind);
  return [...groups.values()]
    .map((g) => g.sort((a, b) => a.connection.name.localeCompare(b.connection.name)))
    .sort((a, b) => rank(a) - rank(b) || a[0]!.credential_id.localeCompare(b[0]!.credential_id));
}

const HEADLINE: Record<AlertKind, (n: string) => string> = {
  needs_reauth: (n) => `${n} need a new Pinterest grant (access revoked or expired); syncing is paused`,
  config_error: (n) =>
    `${n} cannot refresh tokens: the worker's PINTEREST_CLIENT_ID / PINTEREST_CLIENT_SECRET are wrong`,
  paused: (n) => `${n} paused by pinads`,
  stale: (n) => `${n} stale: no successful hourly sync within the stale threshold`,
};
const EMOJI: Record<AlertKind, string> = {
  needs_reauth: ':rotating_light:',
  config_error: ':rotating_light:',
  paused: ':double_vertical_bar:',
  stale: ':warning:',
};
const KIND_WORDS: Record<AlertKind, string> = {
  needs_reauth: 'needed a new grant',
  config_error: 'had a configuration error',
  paused: 'was paused by pinads',
  stale: 'was stale',
};

/** At most this many connections are listed in `text` (Slack truncates long messages); `connections` has all. */
const LISTED = 25;

const plural = (n: number) => (n === 1 ? '1 connection' : `${n} connections`);

/** The message for one group of changes. */
export function buildPayload(group: readonly Change[], now: Date): AlertPayload {
  const first = group[0]!;
  const connections = group.map((c) => ({
    ...c.connection,
    reason: c.connection.reason === null ? null : scrubSecrets(c.connection.reason),
  }));
  const n = plural(group.length);
  const resolved = first.event === 'resolved';
  // One regrant repairs every connection of the grant, so the group needs one command.
  const repair = resolved
    ? null
    : first.kind === 'needs_reauth' || group.length === 1
      ? first.connection.repair_command
      : null;
  const headline = resolved
    ? `:white_check_mark: pinads: ${n} recovered (${group.length === 1 ? 'it' : 'they'} ${KIND_WORDS[first.kind]})`
    : `${EMOJI[first.kind]} pinads: ${HEADLINE[first.kind](n)}`;
  // A grant's connections share one reason (the grant was revoked): say it once, not once per connection.
  const reasons = new Set(connections.map((c) => c.reason));
  const shared = !resolved && reasons.size === 1 ? [...reasons][0] : undefined;
  const lines = connections.slice(0, LISTED).map((c) => {
    const why = shared === undefined && c.reason ? `: ${oneLine(c.reason)}` : '';
    const detail = resolved ? '' : `, since ${c.since}${why}`;
    return `• ${c.name} (${c.connection_id}, ad account ${c.ad_account_id})${detail}`;
  });
  if (shared) lines.unshift(`Reason: ${oneLine(shared)}`);
  if (connections.length > LISTED) lines.push(`• … and ${connections.length - LISTED} more`);
  const footer = resolved
    ? []
    : repair
      ? [
          `Repair: \`${repair}\`${first.kind === 'needs_reauth' && group.length > 1 ? ` (repairs all ${group.length}: they share the grant)` : ''}`,
        ]
      : ['Repair: the command next to each connection in `connections[].repair_command`'];
  const replaces = [...new Set(group.flatMap((c) => (c.replaces ? [c.replaces] : [])))];
  return {
    event: first.event,
    text: [headline, ...lines, ...footer].join('\n'),
    ...(resolved ? { resolves: first.kind } : {}),
    ...(replaces.length ? { replaces } : {}),
    ...(GRANT_KINDS.has(first.kind) ? { grant_id: first.credential_id } : {}),
    repair_command: repair,
    count: group.length,
    connections,
    created_at: now.toISOString(),
  };
}

/** The message `pinads alerts test` sends. */
export function testPayload(now: Date, host: string): AlertPayload {
  return {
    event: 'test',
    text: `:bell: pinads: test alert from \`pinads alerts test\` on ${host}: alerts reach this receiver.`,
    repair_command: null,
    count: 0,
    connections: [],
    created_at: now.toISOString(),
  };
}

const oneLine = (s: string) => {
  const flat = s.replace(/\s*\n\s*/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
};
