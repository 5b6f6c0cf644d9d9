// Canvas drawing of a learner over 2+ input dimensions: a heat map of the linear interpolation
// on the page's own Delaunay mesh (2D), or a scatter of the points projected on two chosen axes
// and coloured by value (3+ D); with a colour bar, optional mesh edges and the newest points.
import { type Box, type Cloud, rasterize, type Raster } from "./cloud";
import { LUT, cssColor } from "./colormap";
import { drawAxes, type Frame, layoutFrame, type PanelMeta, type Range, type Rect, NEWEST_COLOR } from "./draw";
import { formatNumber } from "../format";
import { bottomSpace, drawAxisLabels, fitText, FONT, FONT_PX, LABEL_GAP, measureWith, PAD, type Ticks, ticksFor } from "./layout";
import { paddedRange } from "./ticks";

/** What the viewer chose in the widget's tool bar (shared by all panels of a view). */
export interface ViewOptions {
  /** Output component shown when the learner returns vectors. */
  comp: number;
  /** Draw the mesh's edges over the heat map. */
  edges: boolean;
  /** Input axes of the projection (3+ D). */
  ax: number;
  ay: number;
}

export interface CloudFrame extends Frame {
  kind: "2d" | "nd";
  ax: number;
  ay: number;
  comp: number;
  lo: number;
  hi: number;
  /** The heat map's pixels (device pixels), for the hover read-out; null when not drawn. */
  raster: Raster | null;
  dpr: number;
}

const TOP = 20;
/** Colour bar: gap to the data area, bar width, tick length, gap to the tick labels. */
const BAR = { gap: 10, w: 10, tick: 3, text: 2 };

/** Colour-bar ticks over the value range [lo, hi] it shows. */
interface BarTicks extends Ticks {
  lo: number;
  hi: number;
}
/** Above this many triangles the mesh edges are not drawn (they would cover the colours). */
export const MAX_EDGE_TRIANGLES = 40_000;
const OUTSIDE = "#ededed"; // plot area not covered by the mesh (outside the points' hull)

/** Range of input axis `a`: the learner's bounds, else the data's (padded). */
export function axisRange(box: Box | null | undefined, cloud: Cloud | undefined, a: number): [number, number] {
  const r = box?.[a];
  if (r && Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[1] > r[0]) return [r[0], r[1]];
  let lo = Infinity;
  let hi = -Infinity;
  if (cloud) {
    for (let i = 0; i < cloud.n; i++) {
      const v = cloud.coords[i * cloud.dim + a];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return paddedRange(lo, hi, 0.02);
}

/** The axes a panel shows: (0, 1) in 2D, the chosen pair (kept distinct, in range) in 3+ D. */
export function panelAxes(meta: PanelMeta, cloud: Cloud | undefined, opts: ViewOptions): [number, number] {
  const dim = cloud?.dim ?? meta.box?.length ?? 2;
  if (meta.kind === "2d" || dim <= 2) return [0, 1];
  const ax = Math.min(Math.max(0, opts.ax), dim - 1);
  let ay = Math.min(Math.max(0, opts.ay), dim - 1);
  if (ay === ax) ay = (ax + 1) % dim;
  return [ax, ay];
}

let scratch: HTMLCanvasElement | null = null;

function blit(ctx: CanvasRenderingContext2D, r: Raster, plot: Rect): void {
  scratch ??= document.createElement("canvas");
  if (scratch.width !== r.width || scratch.height !== r.height) {
    scratch.width = r.width;
    scratch.height = r.height;
  }
  const sctx = scratch.getContext("2d");
  if (!sctx) return;
  sctx.putImageData(new ImageData(r.rgba as Uint8ClampedArray<ArrayBuffer>, r.width, r.height), 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, 0, 0, r.width, r.height, plot.x, plot.y, plot.w, plot.h);
}

/** The colour bar's ticks for values in [lo, hi] on a bar `h` pixels tall. */
function colorBarTicks(lo: number, hi: number, h: number): BarTicks | null {
  if (!(hi >= lo)) return null;
  const [a, b] = hi > lo ? [lo, hi] : [lo - 0.5, lo + 0.5];
  return { ...ticksFor(a, b, Math.max(3, Math.floor(h / 35))), lo: a, hi: b };
}

/** Width right of the data area that the colour bar, its tick labels and its label need. */
export function colorBarSpace(measure: (s: string) => number, t: Ticks | null, zlabel?: string): number {
  const labels = t ? t.labels.reduce((m, s) => Math.max(m, measure(s)), 0) : 0;
  return BAR.gap + BAR.w + BAR.tick + BAR.text + Math.ceil(labels) + (zlabel ? LABEL_GAP + FONT_PX : 0) + PAD;
}

function drawColorBar(ctx: CanvasRenderingContext2D, cell: Rect, plot: Rect, t: BarTicks | null, fg: string, zlabel?: string): void {
  const x = plot.x + plot.w + BAR.gap;
  const w = BAR.w;
  const g = ctx.createLinearGradient(0, plot.y + plot.h, 0, plot.y);
  for (let k = 0; k <= 16; k++) {
    const i = 3 * Math.round((k / 16) * 255);
    g.addColorStop(k / 16, `rgb(${LUT[i]},${LUT[i + 1]},${LUT[i + 2]})`);
  }
  ctx.fillStyle = g;
  ctx.fillRect(x, plot.y, w, plot.h);
  ctx.strokeStyle = fg;
  ctx.lineWidth = 1;
  ctx.strokeRect(x + 0.5, plot.y + 0.5, w, plot.h);
  if (zlabel) {
    ctx.save();
    ctx.font = FONT;
    ctx.fillStyle = fg;
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.translate(cell.x + cell.w - PAD, plot.y + plot.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(fitText((s) => ctx.measureText(s).width, zlabel, plot.h), 0, 0);
    ctx.restore();
  }
  if (!t) return;
  const { lo, hi } = t;
  const toPy = (v: number) => plot.y + plot.h - ((v - lo) / (hi - lo)) * plot.h;
  ctx.fillStyle = fg;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  ctx.beginPath();
  t.ticks.forEach((v, k) => {
    const py = Math.round(toPy(v)) + 0.5;
    ctx.moveTo(x + w, py);
    ctx.lineTo(x + w + BAR.tick, py);
    ctx.fillText(t.labels[k], x + w + BAR.tick + BAR.text, py);
  });
  ctx.stroke();
}

export function drawCloudPanel(
  ctx: CanvasRenderingContext2D,
  cell: Rect,
  meta: PanelMeta,
  cloud: Cloud | undefined,
  opts: ViewOptions,
  fg: string,
  grid: string,
  dpr = 1,
  zoom?: Range | null,
): CloudFrame {
  const kind = meta.kind === "nd" ? "nd" : "2d";
  const [ax, ay] = panelAxes(meta, cloud, opts);
  const [ux0, ux1] = axisRange(meta.box, cloud, ax);
  const [uy0, uy1] = axisRange(meta.box, cloud, ay);
  const comp = cloud ? Math.min(Math.max(0, opts.comp), cloud.vdim - 1) : 0;
  const lo = cloud?.vmin[comp] ?? NaN;
  const hi = cloud?.vmax[comp] ?? NaN;
  const xlabel = kind === "nd" ? `x${ax}` : meta.xlabel;
  const ylabel = kind === "nd" ? `x${ay}` : meta.ylabel;
  const barTicks = colorBarTicks(lo, hi, Math.max(10, cell.h - TOP - bottomSpace(xlabel)));
  const right = colorBarSpace(measureWith(ctx), barTicks, meta.zlabel);
  const laid = layoutFrame(ctx, cell, { x0: ux0, x1: ux1, y0: uy0, y1: uy1 }, { ...meta, xlabel, ylabel }, zoom, TOP, right);
  const { plot, x0, x1, y0, y1 } = laid;
  const f: CloudFrame = { ...laid, kind, ax, ay, comp, lo, hi, raster: null, dpr };
  const toPx = (x: number) => plot.x + ((x - x0) / (x1 - x0)) * plot.w;
  const toPy = (y: number) => plot.y + plot.h - ((y - y0) / (y1 - y0)) * plot.h;
  drawAxisLabels(ctx, cell, plot, fg, xlabel, ylabel);

  ctx.font = FONT;
  ctx.fillStyle = fg;
  ctx.textBaseline = "alphabetic";
  ctx.textAlign = "left";
  const label = kind === "nd" ? `x${ax} vs x${ay}` : "";
  const title = [meta.title, label, cloud && cloud.vdim > 1 ? `output ${comp}` : ""].filter(Boolean).join(" · ");
  if (title) ctx.fillText(title, plot.x, cell.y + 13);

  if (!cloud || cloud.n === 0) {
    drawAxes(ctx, f, fg, grid);
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText("waiting for points…", plot.x + plot.w / 2, plot.y + plot.h / 2);
    return f;
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(plot.x, plot.y, plot.w, plot.h);
  ctx.clip();
  ctx.fillStyle = OUTSIDE;
  ctx.fillRect(plot.x, plot.y, plot.w, plot.h);
  const { dim, vdim, coords, values } = cloud;
  const mesh = kind === "2d" ? cloud.mesh(meta.box ?? [[x0, x1], [y0, y1]], ax, ay) : null;
  if (mesh && mesh.triangles.length) {
    const w = Math.max(1, Math.round(plot.w * dpr));
    const h = Math.max(1, Math.round(plot.h * dpr));
    f.raster = rasterize(cloud, mesh.triangles, comp, { x0, x1, y0, y1 }, w, h, { lo, hi, lut: LUT }, ax, ay);
    blit(ctx, f.raster, plot);
    if (opts.edges && mesh.triangles.length / 3 <= MAX_EDGE_TRIANGLES) {
      const { triangles: t, halfedges: he } = mesh;
      ctx.strokeStyle = "rgba(255,255,255,0.6)";
      ctx.lineWidth = 0.75;
      ctx.beginPath();
      for (let e = 0; e < t.length; e++) {
        if (he[e] > e) continue; // each interior edge once (from its higher half-edge)
        const a = t[e];
        const b = t[e % 3 === 2 ? e - 2 : e + 1];
        ctx.moveTo(toPx(coords[a * dim + ax]), toPy(coords[a * dim + ay]));
        ctx.lineTo(toPx(coords[b * dim + ax]), toPy(coords[b * dim + ay]));
      }
      ctx.stroke();
    }
  } else {
    // A scatter: 3+ D, or too few (or collinear) 2D points for a mesh yet.
    const s = cloud.n > 5000 ? 2 : 4;
    for (let i = 0; i < cloud.n; i++) {
      const v = values[i * vdim + comp];
      ctx.fillStyle = Number.isFinite(v) ? cssColor(v, lo, hi) : "#999";
      ctx.fillRect(toPx(coords[i * dim + ax]) - s / 2, toPy(coords[i * dim + ay]) - s / 2, s, s);
    }
  }
  // Newest points: red rings (at most a few hundred, so huge first chunks stay fast).
  ctx.strokeStyle = NEWEST_COLOR;
  ctx.lineWidth = 1.25;
  ctx.beginPath();
  const end = Math.min(cloud.n, cloud.newestStart + 500);
  for (let i = cloud.newestStart; i < end; i++) {
    const px = toPx(coords[i * dim + ax]);
    const py = toPy(coords[i * dim + ay]);
    ctx.moveTo(px + 3.5, py);
    ctx.arc(px, py, 3.5, 0, 2 * Math.PI);
  }
  ctx.stroke();
  ctx.restore();
  drawAxes(ctx, f, fg, grid, false);
  drawColorBar(ctx, cell, plot, barTicks, fg, meta.zlabel);
  return f;
}

function valueText(cloud: Cloud, i: number): string {
  const v = Array.from(cloud.values.subarray(i * cloud.vdim, (i + 1) * cloud.vdim), (y) => formatNumber(y, 6));
  return cloud.vdim > 1 ? `[${v.join(", ")}]` : v[0];
}

/** Pixels within which the hover read-out shows a data point rather than the interpolation. */
export const SNAP_PX = 6;

/**
 * Hover read-out at canvas position (mx, my): the data point within SNAP_PX pixels (its
 * coordinates and exact value), else the cursor's coordinates and, on a heat map, the
 * interpolated value of the shown component; null outside the plot area.
 */
export function hoverText(f: CloudFrame, cloud: Cloud | undefined, mx: number, my: number): string | null {
  const { plot } = f;
  if (mx < plot.x || mx > plot.x + plot.w || my < plot.y || my > plot.y + plot.h) return null;
  const x = f.x0 + ((mx - plot.x) / plot.w) * (f.x1 - f.x0);
  const y = f.y1 - ((my - plot.y) / plot.h) * (f.y1 - f.y0);
  const sx = plot.w / (f.x1 - f.x0);
  const sy = plot.h / (f.y1 - f.y0);
  const names = f.kind === "2d" ? ["x", "y"] : [`x${f.ax}`, `x${f.ay}`];
  if (cloud && cloud.n) {
    const i = cloud.nearest(x, y, sx, sy, f.ax, f.ay);
    const dx = (cloud.coords[i * cloud.dim + f.ax] - x) * sx;
    const dy = (cloud.coords[i * cloud.dim + f.ay] - y) * sy;
    if (dx * dx + dy * dy <= SNAP_PX * SNAP_PX) {
      const axes = f.kind === "2d" ? names : Array.from({ length: cloud.dim }, (_, d) => `x${d}`);
      const lines = axes.map((name, d) => `${name} = ${formatNumber(cloud.coords[i * cloud.dim + d], 6)}`);
      return `${lines.join("\n")}\nvalue = ${valueText(cloud, i)}`;
    }
  }
  const head = `${names[0]} = ${formatNumber(x, 6)}\n${names[1]} = ${formatNumber(y, 6)}`;
  const r = f.raster;
  if (!r) return head;
  const i = Math.min(r.width - 1, Math.floor((mx - plot.x) * f.dpr));
  const j = Math.min(r.height - 1, Math.floor((my - plot.y) * f.dpr));
  const v = r.value[j * r.width + i];
  const name = cloud && cloud.vdim > 1 ? `value[${f.comp}]` : "value";
  return Number.isNaN(v) ? `${head}\n(outside the mesh)` : `${head}\n${name} ≈ ${formatNumber(v, 6)}`;
}
