// Charts as server-rendered SVG: pure functions from data to markup, no script, no inline style
// (the pages' CSP forbids both), every label escaped by the `html` tag. Each chart has a viewBox,
// so it scales to its container, and width/height attributes, so it has a sensible size anywhere.
import { html, type SafeHtml } from './html';

/** The colours of the charts, as presentation attributes so that an SVG reads well on its own too. */
const COLOURS = { bar: '#00558c', track: '#e7edf3', ink: '#1b1f24', muted: '#5b6470', grid: '#d5dbe1', area: '#e1edf6' } as const;

/** What every chart says about itself to assistive technology. */
export interface ChartText {
  /** Unique on the page: the ids of the chart's title and description derive from it. */
  id: string;
  title: string;
  /** A sentence on what the chart shows; the values themselves are added to it. */
  description: string;
  /** Formats values for people (locale, units); defaults to the plain number. */
  format?: (value: number) => string;
  /** What the chart says when it has nothing to draw. */
  emptyText?: string;
}

const round = (value: number) => Math.round(value * 100) / 100;
const plain = (value: number) => String(value);

/** Shortens a label to `max` characters with an ellipsis; the full label stays in the tooltip and the table. */
function clip(label: string, max: number): string {
  const chars = [...label];
  return chars.length <= max ? label : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

function frame(kind: string, options: ChartText, width: number, height: number, description: string, body: SafeHtml, fontSize = 13): SafeHtml {
  const titleId = `${options.id}-title`;
  const descId = `${options.id}-desc`;
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-${kind}" id="${options.id}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${titleId} ${descId}" font-size="${fontSize}"><title id="${titleId}">${options.title}</title><desc id="${descId}">${description}</desc>${body}</svg>`;
}

function emptyChart(kind: string, options: ChartText, width: number): SafeHtml {
  const text = options.emptyText ?? 'No data';
  return frame(kind, options, width, 40, `${options.description} ${text}`.trim(), html`<text class="chart-empty" x="${width / 2}" y="25" text-anchor="middle" fill="${COLOURS.muted}">${text}</text>`);
}

/** One bar of a bar chart. */
export interface Bar {
  /** A stable key (the enumeration value or the partner id), printed as `data-key`. */
  key: string;
  label: string;
  value: number;
}

/** Geometry of the horizontal bar chart: each row is a label line (label left, value right) over its bar. */
export const BAR_CHART = { width: 360, row: 38, labelBaseline: 15, barTop: 21, barHeight: 10, fontSize: 14, maxLabel: 40 } as const;

/**
 * A horizontal bar chart, one row per bar in the order given: the label and value on a line, the
 * bar under them on a light track as wide as the chart. Bar widths are proportional to the
 * values, the largest spanning the track; a positive value too small to see still gets 2 units.
 */
export function barChart(bars: readonly Bar[], options: ChartText): SafeHtml {
  const { width, row, labelBaseline, barTop, barHeight, fontSize, maxLabel } = BAR_CHART;
  if (bars.length === 0) return emptyChart('bar', options, width);
  const format = options.format ?? plain;
  const max = Math.max(0, ...bars.map((bar) => bar.value));
  const barWidth = (value: number) => (max <= 0 || value <= 0 ? 0 : Math.max(2, round((value / max) * width)));
  const description = `${options.description} ${bars.map((bar) => `${bar.label}: ${format(bar.value)}`).join('; ')}.`.trim();
  const rows = bars.map((bar, index) => {
    const top = index * row;
    return html`<g class="bar" data-key="${bar.key}"><title>${bar.label}: ${format(bar.value)}</title><text class="bar-label" x="0" y="${top + labelBaseline}" fill="${COLOURS.ink}">${clip(bar.label, maxLabel)}</text><text class="bar-value" x="${width}" y="${top + labelBaseline}" text-anchor="end" font-weight="700" fill="${COLOURS.ink}">${format(bar.value)}</text><rect class="bar-track" x="0" y="${top + barTop}" width="${width}" height="${barHeight}" rx="3" fill="${COLOURS.track}"/><rect class="bar-fill" x="0" y="${top + barTop}" width="${barWidth(bar.value)}" height="${barHeight}" rx="3" fill="${COLOURS.bar}" data-value="${bar.value}"/></g>`;
  });
  return frame('bar', options, width, bars.length * row - (row - barTop - barHeight), description, html`${rows}`, fontSize);
}

/** One value of a series at a moment (an ISO date-time). */
export interface LinePoint {
  at: string;
  value: number;
}

export interface LineChartOptions extends ChartText {
  /** Formats a point's moment for the axis and the tooltips; defaults to its ISO date. */
  formatTime?: (iso: string) => string;
}

/** Geometry of the line chart: the plot area inside the viewBox, with room for the axis labels. */
export const LINE_CHART = { width: 300, height: 160, left: 42, right: 292, top: 10, bottom: 128, fontSize: 12, maxMarkers: 30 } as const;

/** A step of 1, 2 or 5 times a power of ten that splits `max` into about `parts` intervals; at least 1 (counts are whole). */
export function niceStep(max: number, parts = 3): number {
  if (!(max > 0)) return 1;
  const raw = max / parts;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw) ?? 10 * magnitude;
  return Math.max(1, step);
}

/**
 * A line chart of one series over time. Points are drawn oldest to newest whatever their order in
 * the input (unparseable moments are left out); x is proportional to time, y starts at zero and
 * ends on a round number. Each point is a marker with a tooltip while there are few enough to tell apart.
 */
export function lineChart(points: readonly LinePoint[], options: LineChartOptions): SafeHtml {
  const { width, height, left, right, top, bottom, fontSize, maxMarkers } = LINE_CHART;
  const format = options.format ?? plain;
  const formatTime = options.formatTime ?? ((iso: string) => iso.slice(0, 10));
  const sorted = points
    .map((point) => ({ ...point, time: Date.parse(point.at) }))
    .filter((point) => Number.isFinite(point.time) && Number.isFinite(point.value))
    .sort((a, b) => a.time - b.time);
  if (sorted.length === 0) return emptyChart('line', options, width);

  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const step = niceStep(Math.max(...sorted.map((point) => point.value)));
  const ticks = Math.max(1, Math.ceil(Math.max(...sorted.map((point) => point.value)) / step));
  const yMax = ticks * step;
  const span = last.time - first.time;
  const x = (time: number) => round(span === 0 ? (left + right) / 2 : left + ((time - first.time) / span) * (right - left));
  const y = (value: number) => round(bottom - (Math.max(0, value) / yMax) * (bottom - top));
  const coords = sorted.map((point) => ({ ...point, x: x(point.time), y: y(point.value) }));
  const line = coords.map((point) => `${point.x},${point.y}`).join(' ');
  const area = `${coords[0]!.x},${bottom} ${line} ${coords[coords.length - 1]!.x},${bottom}`;

  const grid = Array.from({ length: ticks + 1 }, (_, index) => {
    const value = index * step;
    return html`<line class="grid" x1="${left}" x2="${right}" y1="${y(value)}" y2="${y(value)}" stroke="${COLOURS.grid}" stroke-width="1"/><text class="tick" x="${left - 6}" y="${y(value) + 4}" text-anchor="end" fill="${COLOURS.muted}">${format(value)}</text>`;
  });
  const axis = span === 0
    ? html`<text class="tick" x="${(left + right) / 2}" y="${height - 8}" text-anchor="middle" fill="${COLOURS.muted}">${formatTime(first.at)}</text>`
    : html`<text class="tick" x="${left}" y="${height - 8}" text-anchor="start" fill="${COLOURS.muted}">${formatTime(first.at)}</text><text class="tick" x="${right}" y="${height - 8}" text-anchor="end" fill="${COLOURS.muted}">${formatTime(last.at)}</text>`;
  const markers = (coords.length <= maxMarkers ? coords : [coords[coords.length - 1]!]).map(
    (point) => html`<circle class="point" cx="${point.x}" cy="${point.y}" r="3.5" fill="${COLOURS.bar}" stroke="#fff" stroke-width="1.5" data-at="${point.at}" data-value="${point.value}"><title>${formatTime(point.at)}: ${format(point.value)}</title></circle>`,
  );
  const description = `${options.description} ${coords.map((point) => `${formatTime(point.at)}: ${format(point.value)}`).join('; ')}.`.trim();
  return frame(
    'line',
    options,
    width,
    height,
    description,
    html`${grid}${axis}${coords.length > 1 ? html`<polygon class="area" points="${area}" fill="${COLOURS.area}" fill-opacity="0.7"/><polyline class="line" points="${line}" fill="none" stroke="${COLOURS.bar}" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>` : ''}${markers}`,
    fontSize,
  );
}

/**
 * The data of a chart as a table, for people who cannot see the chart or want the exact figures.
 * Cells are printed as given; columns from `numericFrom` on are right-aligned numbers.
 */
export function dataTable(caption: string, head: readonly string[], rows: readonly (readonly (string | number)[])[], numericFrom = 1): SafeHtml {
  const cell = (value: string | number, index: number, header: boolean) => {
    const numeric = index >= numericFrom ? html` class="num"` : '';
    if (header) return html`<th scope="col"${numeric}>${value}</th>`;
    return index === 0 ? html`<th scope="row">${value}</th>` : html`<td${numeric}>${value}</td>`;
  };
  return html`<table class="data"><caption>${caption}</caption><thead><tr>${head.map((value, index) => cell(value, index, true))}</tr></thead><tbody>${rows.map(
    (row) => html`<tr>${row.map((value, index) => cell(value, index, false))}</tr>`,
  )}</tbody></table>`;
}
