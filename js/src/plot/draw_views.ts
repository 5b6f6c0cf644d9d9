// Canvas drawing of the learner-specific panels: running mean (AverageLearner), error bars with
// sample counts (AverageLearner1D), integrand points with the integral (IntegratorLearner),
// progress and results (SequenceLearner).
import { formatNumber } from "../format";
import { drawAxes, drawPanel, type Frame, layoutFrame, NEWEST_COLOR, type PanelMeta, PALETTE, type Range, type Rect } from "./draw";
import { drawAxisLabels, FONT } from "./layout";
import { paddedRange } from "./ticks";
import { ErrorBars, InfoSeries, RunningMean, type ViewData } from "./views";

/** A drawn panel: its frame and the hover read-out at a canvas position (null: none). */
export interface ViewFrame extends Frame {
  hover: (mx: number, my: number) => string | null;
}

const BAND = "rgba(31,119,180,0.18)";
const COUNTS = "rgba(120,120,120,0.45)";

function header(ctx: CanvasRenderingContext2D, cell: Rect, plot: Rect, title: string, text: string, fg: string): void {
  ctx.font = FONT;
  ctx.fillStyle = fg;
  ctx.textBaseline = "alphabetic";
  ctx.textAlign = "left";
  if (title) ctx.fillText(title, plot.x, cell.y + 13);
  ctx.textAlign = "right";
  ctx.fillText(text, plot.x + plot.w, cell.y + 13);
}

function waiting(ctx: CanvasRenderingContext2D, plot: Rect, text = "waiting for points…"): void {
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(text, plot.x + plot.w / 2, plot.y + plot.h / 2);
}

const scales = (f: Frame) => ({
  toPx: (x: number) => f.plot.x + ((x - f.x0) / (f.x1 - f.x0)) * f.plot.w,
  toPy: (y: number) => f.plot.y + f.plot.h - ((y - f.y0) / (f.y1 - f.y0)) * f.plot.h,
  fromPx: (px: number) => f.x0 + ((px - f.plot.x) / f.plot.w) * (f.x1 - f.x0),
});

/** Text of the running-mean panel's header. */
export function averageText(s: RunningMean | undefined, meta: PanelMeta): string {
  const tol = [meta.atol ? `atol ${formatNumber(meta.atol)}` : "", meta.rtol ? `rtol ${formatNumber(meta.rtol)}` : ""]
    .filter(Boolean)
    .join(", ");
  if (!s || !s.n) return tol;
  const j = s.n - 1;
  return `mean ${formatNumber(s.mean[j], 6)} ± ${formatNumber(s.se[j], 3)} (n = ${s.n}${tol ? `; ${tol}` : ""})`;
}

export function drawAverage(ctx: CanvasRenderingContext2D, cell: Rect, meta: PanelMeta, s: RunningMean | undefined, fg: string, grid: string, zoom?: Range | null): ViewFrame {
  const n = s?.n ?? 0;
  // The first samples swing widely; the y range follows the last 95 % so the estimate stays readable.
  const [lo, hi] = s && n ? s.range(Math.min(n - 1, Math.max(2, Math.floor(n * 0.05)))) : [0, 1];
  const [y0, y1] = Number.isFinite(lo) ? paddedRange(lo, hi) : [0, 1];
  const f: Frame = layoutFrame(ctx, cell, { x0: 1, x1: Math.max(2, n), y0, y1 }, meta, zoom);
  const { plot } = f;
  const { toPx, toPy, fromPx } = scales(f);
  header(ctx, cell, plot, meta.title, averageText(s, meta), fg);
  drawAxes(ctx, f, fg, grid);
  drawAxisLabels(ctx, cell, plot, fg, meta.xlabel, meta.ylabel);
  const hover = (mx: number) => {
    if (!s || !n) return null;
    const j = Math.max(0, Math.min(n - 1, Math.round(fromPx(mx)) - 1));
    return `samples = ${j + 1}\nmean = ${formatNumber(s.mean[j], 6)} ± ${formatNumber(s.se[j], 3)}`;
  };
  if (!s || !n) {
    waiting(ctx, plot, "waiting for samples…");
    return { ...f, hover };
  }
  ctx.save();
  ctx.beginPath();
  ctx.rect(plot.x, plot.y, plot.w, plot.h);
  ctx.clip();
  // At most ~2 vertices per pixel column: the running mean varies slowly once n is large.
  const step = Math.max(1, Math.floor(n / (2 * plot.w)));
  const idx: number[] = [];
  for (let j = 0; j < n; j += step) idx.push(j);
  if (idx[idx.length - 1] !== n - 1) idx.push(n - 1);
  const band = idx.filter((j) => Number.isFinite(s.se[j]));
  if (band.length > 1) {
    ctx.fillStyle = BAND;
    ctx.beginPath();
    band.forEach((j, k) => (k ? ctx.lineTo : ctx.moveTo).call(ctx, toPx(j + 1), toPy(s.mean[j] + s.se[j])));
    for (let k = band.length - 1; k >= 0; k--) ctx.lineTo(toPx(band[k] + 1), toPy(s.mean[band[k]] - s.se[band[k]]));
    ctx.closePath();
    ctx.fill();
  }
  ctx.strokeStyle = PALETTE[0];
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  let pen = false;
  for (const j of idx) {
    if (!Number.isFinite(s.mean[j])) {
      pen = false;
      continue;
    }
    (pen ? ctx.lineTo : ctx.moveTo).call(ctx, toPx(j + 1), toPy(s.mean[j]));
    pen = true;
  }
  ctx.stroke();
  // The tolerance the learner aims for, around the current mean.
  const m = s.mean[n - 1];
  const tol = Math.max(meta.atol ?? 0, (meta.rtol ?? 0) * Math.abs(m));
  if (tol > 0 && Number.isFinite(m)) {
    ctx.setLineDash([4, 4]);
    ctx.strokeStyle = "#888";
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (const y of [m - tol, m + tol]) {
      ctx.moveTo(plot.x, toPy(y));
      ctx.lineTo(plot.x + plot.w, toPy(y));
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.restore();
  return { ...f, hover };
}

export function drawAverage1D(ctx: CanvasRenderingContext2D, cell: Rect, meta: PanelMeta, s: ErrorBars | undefined, fg: string, grid: string, zoom?: Range | null): ViewFrame {
  const n = s?.n ?? 0;
  const ext = s && n ? s.extent() : { lo: NaN, hi: NaN, maxCount: 0 };
  const [y0, y1] = Number.isFinite(ext.lo) ? paddedRange(ext.lo, ext.hi) : [0, 1];
  let [x0, x1] = meta.bounds ?? [0, 1];
  if (x0 === x1) [x0, x1] = paddedRange(x0, x1);
  const f: Frame = layoutFrame(ctx, cell, { x0, x1, y0, y1 }, meta, zoom);
  const { plot } = f;
  const { toPx, toPy, fromPx } = scales(f);
  let total = 0;
  for (let j = 0; j < n; j++) total += s!.count(j);
  header(ctx, cell, plot, meta.title, n ? `${n} points, ${total} samples (max ${ext.maxCount} at one x); bars: samples` : "", fg);
  drawAxes(ctx, f, fg, grid);
  drawAxisLabels(ctx, cell, plot, fg, meta.xlabel, meta.ylabel);
  const hover = (mx: number) => {
    if (!s || !n) return null;
    const j = s.nearest(fromPx(mx));
    return `x = ${formatNumber(s.xs[j], 6)}\nmean = ${formatNumber(s.mean(j), 6)} ± ${formatNumber(s.error(j), 3)}\nsamples = ${s.count(j)}`;
  };
  if (!s || !n) {
    waiting(ctx, plot);
    return { ...f, hover };
  }
  const order = s.sorted();
  ctx.save();
  ctx.beginPath();
  ctx.rect(plot.x, plot.y, plot.w, plot.h);
  ctx.clip();
  // Sample counts: grey bars rising from the bottom, the largest a quarter of the height.
  ctx.fillStyle = COUNTS;
  const hmax = plot.h / 4;
  for (let j = 0; j < n; j++) {
    const h = ext.maxCount ? (s.count(j) / ext.maxCount) * hmax : 0;
    ctx.fillRect(toPx(s.xs[j]) - 1, plot.y + plot.h - h, 2, h);
  }
  // Means joined by a line, with error bars.
  ctx.strokeStyle = PALETTE[0];
  ctx.lineWidth = 1.25;
  ctx.beginPath();
  let pen = false;
  for (const j of order) {
    const m = s.mean(j);
    if (!Number.isFinite(m)) {
      pen = false;
      continue;
    }
    (pen ? ctx.lineTo : ctx.moveTo).call(ctx, toPx(s.xs[j]), toPy(m));
    pen = true;
  }
  ctx.stroke();
  ctx.strokeStyle = PALETTE[1];
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let j = 0; j < n; j++) {
    const m = s.mean(j);
    const e = s.error(j);
    if (!Number.isFinite(m) || !Number.isFinite(e)) continue;
    const px = Math.round(toPx(s.xs[j])) + 0.5;
    ctx.moveTo(px, toPy(m - e));
    ctx.lineTo(px, toPy(m + e));
  }
  ctx.stroke();
  ctx.fillStyle = PALETTE[0];
  for (let j = 0; j < n; j++) if (Number.isFinite(s.mean(j))) ctx.fillRect(toPx(s.xs[j]) - 1.5, toPy(s.mean(j)) - 1.5, 3, 3);
  ctx.strokeStyle = NEWEST_COLOR;
  ctx.beginPath();
  for (const j of s.newest.slice(0, 500)) {
    if (!Number.isFinite(s.mean(j))) continue;
    const px = toPx(s.xs[j]);
    const py = toPy(s.mean(j));
    ctx.moveTo(px + 3.5, py);
    ctx.arc(px, py, 3.5, 0, 2 * Math.PI);
  }
  ctx.stroke();
  ctx.restore();
  return { ...f, hover };
}

function seriesHover(f: Frame, s: InfoSeries, xName: string) {
  return (mx: number) => {
    if (!s.n) return null;
    const j = s.nearest(scales(f).fromPx(mx));
    return `${xName} = ${formatNumber(s.xs[j], 6)}\ny = ${formatNumber(s.ys[j * s.vdim], 6)}`;
  };
}

/** Header text of an integrator panel. */
export function integratorText(s: InfoSeries | undefined): string {
  const info = s?.info ?? {};
  if (!s || !s.n) return "";
  const target = info.tol != null && info.igral != null ? info.tol * Math.abs(info.igral) : null;
  return `∫ ≈ ${formatNumber(info.igral, 10)} ± ${formatNumber(info.err, 3)} (target ${formatNumber(target, 3)}), ${s.n} points`;
}

export function drawIntegrator(ctx: CanvasRenderingContext2D, cell: Rect, meta: PanelMeta, s: InfoSeries | undefined, fg: string, grid: string, zoom?: Range | null): ViewFrame {
  const f = drawPanel(ctx, cell, { ...meta, title: "" }, s, fg, grid, zoom);
  header(ctx, cell, f.plot, meta.title, integratorText(s), fg);
  return { ...f, hover: s ? seriesHover(f, s, "x") : () => null };
}

/** Header text of a sequence panel. */
export function sequenceText(s: InfoSeries | undefined, meta: PanelMeta): string {
  const total = s?.info.total ?? meta.total ?? 0;
  const done = s?.info.done ?? 0;
  const pct = total ? (100 * done) / total : 0;
  return `${done} / ${total} done (${pct.toFixed(1)} %)`;
}

export function drawSequence(ctx: CanvasRenderingContext2D, cell: Rect, meta: PanelMeta, s: InfoSeries | undefined, fg: string, grid: string, zoom?: Range | null): ViewFrame {
  const total = s?.info.total ?? meta.total ?? 0;
  const numeric = !!s && s.ymin <= s.ymax;
  const bounds: [number, number] = [0, Math.max(1, total - 1)];
  const f = numeric
    ? drawPanel(ctx, cell, { ...meta, title: "", kind: "1d", bounds }, s, fg, grid, zoom)
    : layoutFrame(ctx, cell, { x0: bounds[0], x1: bounds[1], y0: 0, y1: 1 }, meta);
  header(ctx, cell, f.plot, meta.title, sequenceText(s, meta), fg);
  // Progress bar under the header line.
  const frac = total ? Math.min(1, (s?.info.done ?? 0) / total) : 0;
  const y = cell.y + 15;
  ctx.fillStyle = "#e3e3e3";
  ctx.fillRect(f.plot.x, y, f.plot.w, 4);
  ctx.fillStyle = PALETTE[2];
  ctx.fillRect(f.plot.x, y, f.plot.w * frac, 4);
  if (!numeric) {
    ctx.strokeStyle = grid;
    ctx.strokeRect(f.plot.x + 0.5, f.plot.y + 0.5, f.plot.w, f.plot.h);
    ctx.fillStyle = fg;
    waiting(ctx, f.plot, s && s.n ? "results are not numbers: progress only" : "waiting for results…");
  }
  return { ...f, hover: s && numeric ? seriesHover(f, s, "index") : () => null };
}

/** Draw a learner-specific panel (meta.kind is one of the views of _live_views.py). */
export function drawViewPanel(
  ctx: CanvasRenderingContext2D,
  cell: Rect,
  meta: PanelMeta,
  d: ViewData | undefined,
  fg: string,
  grid: string,
  zoom?: Range | null,
): ViewFrame {
  switch (meta.kind) {
    case "average":
      return drawAverage(ctx, cell, meta, d instanceof RunningMean ? d : undefined, fg, grid, zoom);
    case "average1d":
      return drawAverage1D(ctx, cell, meta, d instanceof ErrorBars ? d : undefined, fg, grid, zoom);
    case "integrator":
      return drawIntegrator(ctx, cell, meta, d instanceof InfoSeries ? d : undefined, fg, grid, zoom);
    default:
      return drawSequence(ctx, cell, meta, d instanceof InfoSeries ? d : undefined, fg, grid, zoom);
  }
}

export const VIEW_KINDS = new Set(["average", "average1d", "integrator", "sequence"]);
