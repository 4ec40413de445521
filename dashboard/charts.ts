// Charts as plain server-rendered SVG: no script, no library, nothing fetched. Geometry uses floats (pixels);
// every number a person reads (tooltips, the data table) is the exact formatted value passed in.
import { axisMoney } from './format.ts';
import { type Html, html, raw } from './html.ts';

const H = 240;
const M = { top: 12, right: 12, bottom: 28, left: 60 };
const PH = H - M.top - M.bottom;
/** Width in user units: the hourly chart sits in a narrower column, and its text must not shrink more. */
const WIDTH = { daily: 720, hourly: 440 };
const plotWidth = (kind: 'daily' | 'hourly') => WIDTH[kind] - M.left - M.right;

export interface ChartSeries {
  name: string;
  /** CSS class of the series (its colour). */
  cls: string;
  values: number[];
}

export interface ChartInput {
  kind: 'daily' | 'hourly';
  title: string;
  currency: string;
  /** One x label per point. */
  labels: string[];
  series: ChartSeries[];
  /** One tooltip per point, read by people (exact formatted values). */
  tooltips: string[];
  /** Points to mark as provisional (not final at Pinterest yet): a hatched band behind them. */
  provisional?: boolean[];
}

/** 0 to a round maximum above `max`, in four or five steps. */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / 4;
  const mag = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= rough) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const n2 = (v: number) => Math.round(v * 10) / 10;

function frame(input: ChartInput, ticks: number[], xs: number[], body: Html | Html[]): Html {
  const W = WIDTH[input.kind];
  const top = ticks[ticks.length - 1]!;
  const y = (v: number) => M.top + PH - (v / top) * PH;
  const id = `chart-${input.kind}`;
  const every = Math.max(1, Math.ceil(input.labels.length / (input.kind === 'hourly' ? 8 : 6)));
  const grid = ticks.map(
    (t) =>
      html`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${n2(y(t))}" y2="${n2(y(t))}"></line><text class="tick" x="${M.left - 6}" y="${n2(y(t)) + 4}" text-anchor="end">${axisMoney(t, input.currency)}</text>`,
  );
  const xLabels = input.labels.map((l, i) =>
    i % every === 0
      ? html`<text class="tick" x="${n2(xs[i]!)}" y="${H - 8}" text-anchor="middle">${l}</text>`
      : '',
  );
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-title ${id}-desc" data-chart="${input.kind}" data-points="${input.labels.length}" preserveAspectRatio="xMidYMid meet"><title id="${id}-title">${input.title}</title><desc id="${id}-desc">${input.series.map((s) => s.name).join(' and ')}, ${input.labels.length} points from ${input.labels[0] ?? ''} to ${input.labels[input.labels.length - 1] ?? ''}. The data table below has every value.</desc>${grid}${xLabels}${body}</svg>`;
}

/** Spend and revenue per day: lines with a shaded spend area and one hover target (with its tooltip) per day. */
export function lineChart(input: ChartInput): Html {
  const n = input.labels.length;
  const max = Math.max(0, ...input.series.flatMap((s) => s.values));
  const ticks = niceTicks(max);
  const top = ticks[ticks.length - 1]!;
  const PW = plotWidth(input.kind);
  const xs = input.labels.map((_, i) => M.left + (n === 1 ? PW / 2 : (i / (n - 1)) * PW));
  const y = (v: number) => M.top + PH - (v / top) * PH;
  const path = (vals: number[]) => vals.map((v, i) => `${i ? 'L' : 'M'}${n2(xs[i]!)},${n2(y(v))}`).join('');
  const first = input.series[0];
  const area = first
    ? html`<path class="area ${first.cls}" d="${path(first.values)}L${n2(xs[n - 1]!)},${M.top + PH}L${n2(xs[0]!)},${M.top + PH}Z"></path>`
    : '';
  const lines = input.series.map((s) => html`<path class="line ${s.cls}" d="${path(s.values)}"></path>`);
  const slot = n > 1 ? PW / (n - 1) : PW;
  const bands = input.labels.map((_, i) =>
    input.provisional?.[i]
      ? html`<rect class="provisional" x="${n2(Math.max(M.left, xs[i]! - slot / 2))}" y="${M.top}" width="${n2(Math.min(slot, PW))}" height="${PH}"></rect>`
      : '',
  );
  const points = input.labels.map(
    (_, i) =>
      html`<g class="pt"${input.provisional?.[i] ? html` data-provisional="true"` : ''}><rect class="hit" x="${n2(xs[i]! - slot / 2)}" y="${M.top}" width="${n2(slot)}" height="${PH}"></rect>${input.series.map((s) => html`<circle class="dot ${s.cls}" cx="${n2(xs[i]!)}" cy="${n2(y(s.values[i] ?? 0))}" r="2.5"></circle>`)}<title>${input.tooltips[i]}</title></g>`,
  );
  return frame(
    input,
    ticks,
    xs,
    [...bands, area, ...lines, ...points].map((p) => (typeof p === 'string' ? raw(p) : p)),
  );
}

/** Spend per hour as bars, one per hour of the day (23 or 25 on a DST change). */
export function barChart(input: ChartInput): Html {
  const n = input.labels.length;
  const s = input.series[0]!;
  const ticks = niceTicks(Math.max(0, ...s.values));
  const top = ticks[ticks.length - 1]!;
  const slot = plotWidth(input.kind) / Math.max(1, n);
  const xs = input.labels.map((_, i) => M.left + slot * (i + 0.5));
  const bars = s.values.map((v, i) => {
    const h = (v / top) * PH;
    return html`<g class="pt"><rect class="bar ${s.cls}" x="${n2(xs[i]! - slot * 0.38)}" y="${n2(M.top + PH - h)}" width="${n2(slot * 0.76)}" height="${n2(Math.max(h, 0))}"></rect><rect class="hit" x="${n2(xs[i]! - slot / 2)}" y="${M.top}" width="${n2(slot)}" height="${PH}"></rect><title>${input.tooltips[i]}</title></g>`;
  });
  return frame(input, ticks, xs, bars);
}
