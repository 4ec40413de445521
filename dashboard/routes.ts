// The dashboard's GET routes: pages, the overview and Channels CSVs and the backfill progress JSON.
import type pg from 'pg';
import { localNow } from '../common/dates.ts';
import { runReport } from '../core/reports.ts';
import { BREAKDOWN_BYS, type BreakdownBy } from '../warehouse/breakdowns.ts';
import { connectionSummary } from '../warehouse/dashboard-queries.ts';
import { CHANNEL_LEVELS, type ChannelLevel } from '../warehouse/reports.ts';
import { BadRequest, chooseRange, loadConnection, reportingZone } from './data.ts';
import { html } from './html.ts';
import { loadOverview, overviewCsv, parseOverviewQuery } from './overview.ts';
import { connectionPage } from './pages/connection.ts';
import { homePage } from './pages/home.ts';
import { emptyState, layout, type PageContext } from './pages/layout.ts';
import type { Reply } from './server.ts';
import type { TemporalLink } from './temporal.ts';

const CONNECTION =
  /^\/connections\/([A-Za-z0-9_-]{1,64})(?:\/(channels\.csv|breakdown\.csv|keywords\.csv|backfills\.json))?$/;

const serverTiming = (timings: Record<string, number>) =>
  Object.entries(timings)
    .map(([k, ms]) => `${k};dur=${ms.toFixed(1)}`)
    .join(', ');

export class Routes {
  constructor(
    private readonly pool: pg.Pool,
    private readonly temporal: TemporalLink,
  ) {}

  async get(reply: Reply, path: string, q: URLSearchParams, ctx: () => PageContext): Promise<void> {
    if (path === '/') return this.home(reply, ctx(), q);
    if (path === '/overview.csv') return this.overviewCsv(reply, q);
    const m = CONNECTION.exec(path);
    if (!m) return this.notFound(reply, ctx(), 'There is no page at this address.');
    const [, id, sub] = m as unknown as [string, string, string | undefined];
    if (sub === 'backfills.json') return this.backfills(reply, id);
    if (sub === 'channels.csv') return this.csv(reply, id, q);
    if (sub === 'breakdown.csv' || sub === 'keywords.csv') return this.extraCsv(reply, id, sub, q);
    const t = performance.now();
    const view = await loadConnection(this.pool, this.temporal, id, q);
    if (!view) return this.notFound(reply, ctx(), `There is no connection ${id}.`);
    const page = connectionPage(ctx(), view);
    view.timings.total = performance.now() - t;
    reply.headers['Server-Timing'] = serverTiming(view.timings);
    reply.page(200, page);
  }

  /** The agency overview: one set-based query for every connection (warehouse/agency-overview.ts). */
  private async home(reply: Reply, ctx: PageContext, q: URLSearchParams): Promise<void> {
    const t = performance.now();
    const view = await loadOverview(this.pool, parseOverviewQuery(q));
    const page = homePage(ctx, view);
    view.timings.total = performance.now() - t;
    reply.headers['Server-Timing'] = serverTiming(view.timings);
    reply.page(200, page);
  }

  /** The overview as filtered and sorted on the page, with its totals per currency. */
  private async overviewCsv(reply: Reply, q: URLSearchParams): Promise<void> {
    const view = await loadOverview(this.pool, parseOverviewQuery(q));
    const today = new Date().toISOString().slice(0, 10);
    reply.headers['Content-Disposition'] = `attachment; filename="pinads-overview-${today}.csv"`;
    reply.send(200, overviewCsv(view), 'text/csv; charset=utf-8');
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

  /** Exactly `pinads report breakdown ID --by BY …` or `pinads report keywords ID … --format csv`. */
  private async extraCsv(
    reply: Reply,
    id: string,
    sub: 'breakdown.csv' | 'keywords.csv',
    q: URLSearchParams,
  ): Promise<void> {
    const by = q.get('by') ?? 'country';
    if (sub === 'breakdown.csv' && !(BREAKDOWN_BYS as readonly string[]).includes(by))
      throw new BadRequest(`by must be one of ${BREAKDOWN_BYS.join(', ')}`);
    const conn = await connectionSummary(this.pool, id);
    if (!conn) throw new BadRequest(`there is no connection ${id}`);
    const range = chooseRange(q, localNow(new Date(), reportingZone(conn).zone).date);
    const report = sub === 'breakdown.csv' ? 'breakdown' : 'keywords';
    const text = await runReport(this.pool, {
      report,
      connectionId: id,
      from: range.from,
      to: range.to,
      level: 'channel',
      ...(report === 'breakdown' ? { by: by as BreakdownBy } : {}),
      format: 'csv',
    });
    const name = report === 'breakdown' ? `breakdown-${by}` : 'keywords';
    reply.headers['Content-Disposition'] =
      `attachment; filename="pinads-${name}-${id}-${range.from}-${range.to}.csv"`;
    reply.send(200, text, 'text/csv; charset=utf-8');
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
