// The dashboard's GET routes: pages, the Channels CSV and the backfill progress JSON.
import type pg from 'pg';
import { localNow } from '../common/dates.ts';
import { runReport } from '../core/reports.ts';
import { connectionSummaries, connectionSummary } from '../warehouse/dashboard-queries.ts';
import { CHANNEL_LEVELS, type ChannelLevel } from '../warehouse/reports.ts';
import { BadRequest, chooseRange, loadConnection, reportingZone } from './data.ts';
import { html } from './html.ts';
import { connectionPage } from './pages/connection.ts';
import { type HomeRow, homePage } from './pages/home.ts';
import { emptyState, layout, type PageContext } from './pages/layout.ts';
import type { Reply } from './server.ts';
import type { TemporalLink } from './temporal.ts';

const CONNECTION = /^\/connections\/([A-Za-z0-9_-]{1,64})(?:\/(channels\.csv|backfills\.json))?$/;

/** Runs `n` promises at a time: an agency's 300 schedules must not open 300 Temporal calls at once. */
async function mapLimit<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(n, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  });
  await Promise.all(lanes);
  return out;
}

export class Routes {
  constructor(
    private readonly pool: pg.Pool,
    private readonly temporal: TemporalLink,
  ) {}

  async get(reply: Reply, path: string, q: URLSearchParams, ctx: () => PageContext): Promise<void> {
    if (path === '/') return this.home(reply, ctx());
    const m = CONNECTION.exec(path);
    if (!m) return this.notFound(reply, ctx(), 'There is no page at this address.');
    const [, id, sub] = m as unknown as [string, string, string | undefined];
    if (sub === 'backfills.json') return this.backfills(reply, id);
    if (sub === 'channels.csv') return this.csv(reply, id, q);
    const t = performance.now();
    const view = await loadConnection(this.pool, this.temporal, id, q);
    if (!view) return this.notFound(reply, ctx(), `There is no connection ${id}.`);
    const page = connectionPage(ctx(), view);
    view.timings.total = performance.now() - t;
    reply.headers['Server-Timing'] = Object.entries(view.timings)
      .map(([k, ms]) => `${k};dur=${ms.toFixed(1)}`)
      .join(', ');
    reply.page(200, page);
  }

  private async home(reply: Reply, ctx: PageContext): Promise<void> {
    const rows = await connectionSummaries(this.pool);
    const withNext: HomeRow[] = await mapLimit(rows, 8, async (c) => {
      const s = await this.temporal.schedule(c.id);
      return {
        ...c,
        next_run_at: s === undefined ? undefined : s && !s.paused ? (s.nextRunAt ?? null) : null,
      };
    });
    reply.page(200, homePage(ctx, withNext));
  }

  private notFound(reply: Reply, ctx: PageContext, text: string): void {
    reply.page(
      404,
      layout(ctx, {
        title: 'Not found',
        body: emptyState('Not found', text, html`<p><a class="btn" href="/">All connections</a></p>`),
      }),
    );
  }

  private async backfills(reply: Reply, id: string): Promise<void> {
    const list = await this.temporal.backfills(id);
    reply.send(
      200,
      JSON.stringify({ reachable: list !== undefined, backfills: list ?? [] }),
      'application/json; charset=utf-8',
    );
  }

  /** Exactly `pinads report channels ID --from --to --by LEVEL --format csv`: the same function prints both. */
  private async csv(reply: Reply, id: string, q: URLSearchParams): Promise<void> {
    const by = q.get('by') ?? 'campaign';
    if (!(CHANNEL_LEVELS as readonly string[]).includes(by))
      throw new BadRequest(`by must be one of ${CHANNEL_LEVELS.join(', ')}`);
    const conn = await connectionSummary(this.pool, id);
    if (!conn) throw new BadRequest(`there is no connection ${id}`);
    const range = chooseRange(q, localNow(new Date(), reportingZone(conn).zone).date);
    const text = await runReport(this.pool, {
      report: 'channels',
      connectionId: id,
      from: range.from,
      to: range.to,
      level: by as ChannelLevel,
      format: 'csv',
    });
    reply.headers['Content-Disposition'] =
      `attachment; filename="pinads-channels-${by}-${id}-${range.from}-${range.to}.csv"`;
    reply.send(200, text, 'text/csv; charset=utf-8');
  }
}
