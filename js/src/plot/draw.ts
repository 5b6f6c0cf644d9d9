// Canvas drawing of one panel: frame, ticks, lines (decimated), points, newest points.
import { drawAxisLabels, FONT, layoutPlot, measureWith, type Range, type Rect, TICK_GAP, type Ticks, ticksFor } from "./layout";
import { decimate, type Series } from "./series";
import { paddedRange } from "./ticks";

export type { Range, Rect } from "./layout";

export const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
export const NEWEST_COLOR = "#e4002b";
/** Above this many points, markers are left out (the line alone reads better and draws fast). */
export const MAX_MARKERS = 2000;

export interface PanelMeta {
  title: string;
  /** "1d": Learner1D; "2d": heat map of a 2D learner; "nd": projection of 3+ input dimensions. */
  kind: "1d" | "2d" | "nd" | "unsupported" | "average" | "average1d" | "integrator" | "sequence";
  /** 1d: the x range. */
  bounds?: [number, number] | null;
  /** 2d and nd: a [lo, hi] range per input dimension (the learner's bounding box). */
  box?: [number, number][] | null;
  message?: string;
  /** average: the learner's tolerances (null: not set). */
  atol?: number | null;
  rtol?: number | null;
  /** sequence: the length of the sequence. */
  total?: number;
  /** Axis labels (see axis_labels in _live_plot2d.py); zlabel names a heat map's colour bar. */
  xlabel?: string;
  ylabel?: string;
  zlabel?: string;
}

export interface Frame extends Range {
  plot: Rect; // the data area inside the axes
  /** The ticks the layout chose (drawAxes computes them when absent). */
  xt?: Ticks;
  yt?: Ticks;
}

/** A frame for `cell` showing `r` (the zoomed range when `zoom` is set), labelled from `meta`. */
export function layoutFrame(ctx: CanvasRenderingContext2D, cell: Rect, r: Range, meta: PanelMeta, zoom?: Range | null, top = 20, right = 0): Frame {
  const range = zoom ?? r;
  const l = layoutPlot(measureWith(ctx), cell, range, { top, xlabel: meta.xlabel, ylabel: meta.ylabel, right });
  return { ...range, ...l };
}

/** The range a 1D panel shows unzoomed: the learner's bounds (else the data's) by the values'. */
export function rangeFor(meta: PanelMeta, s: Series | undefined): Range {
  let [x0, x1] = meta.bounds && Number.isFinite(meta.bounds[0]) && Number.isFinite(meta.bounds[1])
    ? meta.bounds
    : paddedRange(s?.xmin ?? NaN, s?.xmax ?? NaN, 0.02);
  if (x0 === x1) [x0, x1] = paddedRange(x0, x1);
  const [y0, y1] = s && s.ymin <= s.ymax ? paddedRange(s.ymin, s.ymax) : [0, 1];
  return { x0, x1, y0, y1 };
}

export function drawPanel(
  ctx: CanvasRenderingContext2D,
  cell: Rect,
  meta: PanelMeta,
  s: Series | undefined,
  fg: string,
  grid: string,
  zoom?: Range | null,
): Frame {
  const f = layoutFrame(ctx, cell, rangeFor(meta, s), meta, zoom);
  const { plot, x0, x1, y0, y1 } = f;
  const toPx = (x: number) => plot.x + ((x - x0) / (x1 - x0)) * plot.w;
  const toPy = (y: number) => plot.y + plot.h - ((y - y0) / (y1 - y0)) * plot.h;

  ctx.font = FONT;
  ctx.fillStyle = fg;
  ctx.textBaseline = "alphabetic";
  ctx.textAlign = "left";
  if (meta.title) ctx.fillText(meta.title, plot.x, cell.y + 13);

  if (meta.kind === "unsupported") {
    ctx.strokeStyle = grid;
    ctx.strokeRect(plot.x + 0.5, plot.y + 0.5, plot.w, plot.h);
    ctx.fillText(meta.message ?? "no live view for this learner", plot.x + 8, plot.y + plot.h / 2);
    return f;
  }

  drawAxes(ctx, f, fg, grid);
  drawAxisLabels(ctx, cell, plot, fg, meta.xlabel, meta.ylabel);

  if (!s || s.n === 0) {
    ctx.textAlign = "center";
    ctx.fillText("waiting for points…", plot.x + plot.w / 2, plot.y + plot.h / 2);
    return f;
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(plot.x, plot.y, plot.w, plot.h);
  ctx.clip();
  const v = s.vdim;
  for (let d = 0; d < v; d++) {
    const color = PALETTE[d % PALETTE.length];
    const pts = decimate(s, d, x0, x1, Math.ceil(plot.w), toPy, plot.x);
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < pts.length; i += 2) {
      const px = pts[i];
      const py = pts[i + 1];
      if (Number.isNaN(px)) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(px, py);
      else ctx.moveTo(px, py);
      pen = true;
    }
    ctx.stroke();
    if (s.n <= MAX_MARKERS) {
      ctx.fillStyle = color;
      for (let i = 0; i < s.n; i++) {
        const y = s.ys[i * v + d];
        if (Number.isFinite(y)) ctx.fillRect(toPx(s.xs[i]) - 1.5, toPy(y) - 1.5, 3, 3);
      }
    }
  }
  // Newest points: red rings (at most a few hundred, so huge first chunks stay fast).
  ctx.strokeStyle = NEWEST_COLOR;
  ctx.lineWidth = 1.25;
  const k = Math.min(s.newestX.length, 500);
  ctx.beginPath();
  for (let i = 0; i < k; i++) {
    const px = toPx(s.newestX[i]);
    for (let d = 0; d < v; d++) {
      const y = s.newestY[i * v + d];
      if (!Number.isFinite(y)) continue;
      const py = toPy(y);
      ctx.moveTo(px + 3.5, py);
      ctx.arc(px, py, 3.5, 0, 2 * Math.PI);
    }
  }
  ctx.stroke();
  ctx.restore();
  return f;
}

/** Grid lines, frame and tick labels of the data area `f.plot` spanning [x0, x1] x [y0, y1]. */
export function drawAxes(ctx: CanvasRenderingContext2D, f: Frame, fg: string, grid: string, gridLines = true): void {
  const { plot, x0, x1, y0, y1 } = f;
  const toPx = (x: number) => plot.x + ((x - x0) / (x1 - x0)) * plot.w;
  const toPy = (y: number) => plot.y + plot.h - ((y - y0) / (y1 - y0)) * plot.h;
  const xt = f.xt ?? ticksFor(x0, x1, Math.max(2, Math.floor(plot.w / 80)));
  const yt = f.yt ?? ticksFor(y0, y1, Math.max(2, Math.floor(plot.h / 40)));
  ctx.strokeStyle = grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const t of xt.ticks) {
    const px = Math.round(toPx(t)) + 0.5;
    ctx.moveTo(px, gridLines ? plot.y : plot.y + plot.h);
    ctx.lineTo(px, plot.y + plot.h + 4);
  }
  for (const t of yt.ticks) {
    const py = Math.round(toPy(t)) + 0.5;
    ctx.moveTo(plot.x - 4, py);
    ctx.lineTo(gridLines ? plot.x + plot.w : plot.x, py);
  }
  ctx.stroke();
  ctx.strokeStyle = fg;
  ctx.strokeRect(plot.x + 0.5, plot.y + 0.5, plot.w, plot.h);
  ctx.fillStyle = fg;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.font = FONT;
  xt.ticks.forEach((t, k) => ctx.fillText(xt.labels[k], toPx(t), plot.y + plot.h + TICK_GAP));
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  yt.ticks.forEach((t, k) => ctx.fillText(yt.labels[k], plot.x - TICK_GAP, toPy(t)));
}

/** Grid of `count` cells (small multiples) filling `width`. */
export function gridCells(count: number, width: number): { cells: Rect[]; height: number } {
  if (count <= 1) return { cells: [{ x: 0, y: 0, w: width, h: 320 }], height: 320 };
  const cols = Math.min(count, Math.max(1, Math.min(4, Math.ceil(Math.sqrt(count)), Math.floor(width / 220))));
  const rows = Math.ceil(count / cols);
  const w = width / cols;
  const h = 200;
  const cells: Rect[] = [];
  for (let i = 0; i < count; i++) cells.push({ x: (i % cols) * w, y: Math.floor(i / cols) * h, w, h });
  return { cells, height: rows * h };
}
