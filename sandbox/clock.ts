// The sandbox's clock (docs/sandbox.md): "now" for the data (delivery so far, late conversions becoming visible,
// readiness, restatements, "today" in the date limits) and for every expiry measured in Pinterest's time (access
// and refresh tokens, authorization codes, report validity, download links). Without a POST it follows real time,
// or the `now` option a test passed at start. Rate-limit windows never read it: they stay on the wall clock, as
// Pinterest's budgets do whatever date a test pretends it is.
import { invalid } from './http.ts';

type Override = { atMs: number; wallMs: number; running: boolean };

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

export class SandboxClock {
  private override: Override | null = null;

  constructor(
    private readonly base: () => number,
    private readonly baseMode: 'real' | 'option',
  ) {}

  nowMs(): number {
    const o = this.override;
    if (!o) return this.base();
    return o.running ? o.atMs + (Date.now() - o.wallMs) : o.atMs;
  }

  /**
   * POST /__sandbox/clock {"now": ISO-8601, "running"?: boolean}: pins the clock at that instant (or, with
   * `running: true`, lets it run on from there at wall-clock speed); {"now": null} hands it back.
   */
  set(body: Record<string, unknown>): ReturnType<SandboxClock['state']> {
    const { now, running } = body;
    if (running !== undefined && typeof running !== 'boolean') throw invalid('running must be a boolean.');
    if (now === null) {
      this.override = null;
      return this.state();
    }
    if (typeof now !== 'string' || !ISO.test(now) || !Number.isFinite(Date.parse(now)))
      throw invalid('now must be an ISO-8601 instant such as 2026-01-31T23:00:00Z, or null.');
    // A date-only value is midnight UTC (Date.parse's rule); a date-time without a zone is refused above.
    this.override = { atMs: Date.parse(now), wallMs: Date.now(), running: running === true };
    return this.state();
  }

  state() {
    const ms = this.nowMs();
    const mode = this.override ? (this.override.running ? 'running' : 'pinned') : this.baseMode;
    return { now: new Date(ms).toISOString(), today: new Date(ms).toISOString().slice(0, 10), mode };
  }
}
