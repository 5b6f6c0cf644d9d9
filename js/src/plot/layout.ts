// Where a panel's data area goes inside its cell, sized from the *measured* widths of its tick
// labels and axis labels, so that no label is ever clipped by the cell's edge (long, negative or
// exponent labels such as -123456.7 or 1e-7 included) and x tick labels never overlap.
import { formatTick, niceTicks } from "./ticks";

/** Font of every text drawn on the canvas (tick labels, axis labels, titles). */
export const FONT = "11px system-ui, sans-serif";
export const FONT_PX = 11;
/** Width in pixels of `text` drawn in FONT (ctx.measureText in the page; a fake in tests). */
export type Measure = (text: string) => number;

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The data range an area shows: [x0, x1] x [y0, y1]. */
export interface Range {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export interface Ticks {
  ticks: number[];
  step: number;
  labels: string[];
}

export interface Layout {
  plot: Rect;
  xt: Ticks;
  yt: Ticks;
}

export interface LayoutOptions {
  /** Space above the data area (the title line). */
  top?: number;
  /** Axis labels drawn under the x tick labels and, rotated, left of the y tick labels. */
  xlabel?: string;
  ylabel?: string;
  /** Space the caller needs right of the data area (a colour bar); at least 10 px is kept. */
  right?: number;
}

export const TICK_GAP = 6; // from the axis to its tick labels
export const LABEL_GAP = 4; // from the tick labels to the axis label
export const PAD = 3; // from any text to the cell's edge
const MIN_TICK_SPACE = 10; // between neighbouring x tick labels

export function ticksFor(lo: number, hi: number, maxTicks: number): Ticks {
  const t = niceTicks(lo, hi, maxTicks);
  return { ...t, labels: t.ticks.map((v) => formatTick(v, t.step)) };
}

const widest = (measure: Measure, labels: string[]) => labels.reduce((m, s) => Math.max(m, measure(s)), 0);

/** Space under the data area: x tick labels, then the x label if any. */
export function bottomSpace(xlabel?: string): number {
  return TICK_GAP + FONT_PX + (xlabel ? LABEL_GAP + FONT_PX + PAD : PAD + 1);
}

/**
 * The data area of `cell` showing `r`, and its ticks. The left margin holds the widest y tick
 * label plus the y label; the x ticks are as many as fit without overlapping, and the left and
 * right margins grow until the outermost x tick labels (centred on their ticks) are inside.
 */
export function layoutPlot(measure: Measure, cell: Rect, r: Range, o: LayoutOptions = {}): Layout {
  const top = o.top ?? 20;
  const h = Math.max(10, cell.h - top - bottomSpace(o.xlabel));
  const yt = ticksFor(r.y0, r.y1, Math.max(2, Math.floor(h / 40)));
  let left = PAD + (o.ylabel ? FONT_PX + LABEL_GAP : 0) + Math.ceil(widest(measure, yt.labels)) + TICK_GAP;
  let right = Math.max(10, o.right ?? 0);
  let xt = ticksFor(r.x0, r.x1, 2);
  let w = 10;
  // Margins only grow, so a few passes settle (the third almost never changes anything).
  for (let pass = 0; pass < 4; pass++) {
    w = Math.max(10, cell.w - left - right);
    const span = r.x1 - r.x0;
    for (let n = Math.max(2, Math.floor(w / 80)); ; n--) {
      xt = ticksFor(r.x0, r.x1, n);
      const spacing = span > 0 ? (xt.step / span) * w : Infinity;
      if (n <= 2 || xt.ticks.length < 2 || widest(measure, xt.labels) + MIN_TICK_SPACE <= spacing) break;
    }
    let grow = false;
    xt.ticks.forEach((t, k) => {
      const px = left + (span > 0 ? ((t - r.x0) / span) * w : w / 2);
      const half = measure(xt.labels[k]) / 2;
      const overLeft = PAD - (px - half);
      const overRight = px + half - (cell.w - PAD);
      if (overLeft > 0) {
        left += Math.ceil(overLeft);
        grow = true;
      }
      if (overRight > 0) {
        right += Math.ceil(overRight);
        grow = true;
      }
    });
    if (!grow) break;
  }
  w = Math.max(10, cell.w - left - right);
  return { plot: { x: cell.x + left, y: cell.y + top, w, h }, xt, yt };
}

/** Boxes of the tick labels as drawn by drawAxes (for tests: all must lie inside the cell). */
export function tickLabelBoxes(measure: Measure, l: Layout, r: Range): Rect[] {
  const { plot } = l;
  const boxes: Rect[] = [];
  l.xt.ticks.forEach((t, k) => {
    const w = measure(l.xt.labels[k]);
    const px = plot.x + ((t - r.x0) / (r.x1 - r.x0)) * plot.w;
    boxes.push({ x: px - w / 2, y: plot.y + plot.h + TICK_GAP, w, h: FONT_PX });
  });
  l.yt.ticks.forEach((t, k) => {
    const w = measure(l.yt.labels[k]);
    const py = plot.y + plot.h - ((t - r.y0) / (r.y1 - r.y0)) * plot.h;
    boxes.push({ x: plot.x - TICK_GAP - w, y: py - FONT_PX / 2, w, h: FONT_PX });
  });
  return boxes;
}

/** `text` cut (with an ellipsis) to at most `max` pixels wide. */
export function fitText(measure: Measure, text: string, max: number): string {
  if (measure(text) <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(`${text.slice(0, mid)}…`) <= max) lo = mid;
    else hi = mid - 1;
  }
  return lo ? `${text.slice(0, lo)}…` : "";
}

/** Draw the axis labels of a data area laid out by layoutPlot (x under it, y rotated left). */
export function drawAxisLabels(ctx: CanvasRenderingContext2D, cell: Rect, plot: Rect, fg: string, xlabel?: string, ylabel?: string): void {
  const measure: Measure = (s) => ctx.measureText(s).width;
  ctx.save();
  ctx.font = FONT;
  ctx.fillStyle = fg;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  if (xlabel) ctx.fillText(fitText(measure, xlabel, plot.w), plot.x + plot.w / 2, plot.y + plot.h + TICK_GAP + FONT_PX + LABEL_GAP);
  if (ylabel) {
    ctx.translate(cell.x + PAD, plot.y + plot.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(fitText(measure, ylabel, plot.h), 0, 0);
  }
  ctx.restore();
}

/** The canvas context's text width in FONT. */
export function measureWith(ctx: CanvasRenderingContext2D): Measure {
  ctx.font = FONT;
  return (s) => ctx.measureText(s).width;
}
