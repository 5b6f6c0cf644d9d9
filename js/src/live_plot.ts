// live_plot: draws a learner's points on a <canvas> from binary float64 chunks; the kernel sends
// only the points told since its last message (see adaptive_nb/notebook/_live_plot.py).
// 1D learners are drawn as lines; 2D learners as a heat map on a Delaunay mesh the page builds
// itself; 3+ D learners as a projection on two chosen axes.
import { float64View, type Model, type RenderProps } from "./model";
import { loadBokeh } from "./plot/bokeh";
import { Cloud } from "./plot/cloud";
import { drawPanel, type Frame, gridCells, type PanelMeta, PALETTE, type Range } from "./plot/draw";
import { type CloudFrame, drawCloudPanel, hoverText, type ViewOptions } from "./plot/draw2d";
import { download, toCsv } from "./plot/export";
import { Series } from "./plot/series";
import { drawViewPanel, type ViewFrame, VIEW_KINDS } from "./plot/draw_views";
import { ErrorBars, InfoSeries, RunningMean, type ViewData } from "./plot/views";
import { formatNumber } from "./format";
import { ERROR_COLOR } from "./status";

export interface LivePlotState {
  _panels: PanelMeta[];
  _mode: "canvas" | "bokeh";
  _bokeh_item: string;
  _bokeh_version: string;
  _error: string;
  _status: string;
}

export interface ChunkHeader {
  i: number;
  start: number;
  n: number;
  vdim: number;
  /** Input dimensions (absent: 1). The first buffer holds n x dim coordinates. */
  dim?: number;
  /** Learner-specific views (see _live_views.py): which one, and how many buffers it sent. */
  view?: "average" | "average1d" | "integrator" | "sequence";
  nbuf?: number;
  /** The page must drop this panel's data before applying (view chunks only). */
  reset?: boolean;
  /** Full resend: how many of its last points arrived in the latest appended chunk. */
  newest?: number;
  /** average1d: distinct x after applying (a check that no message was missed). */
  total?: number;
  [info: string]: unknown;
}

export interface DataMessage {
  type: "append" | "full";
  seq: number;
  sent_ms?: number;
  series: ChunkHeader[];
}

/** One panel's points: sorted by x in 1D, in tell order in 2+ D; or a learner-specific view. */
export type PanelData = Series | Cloud | ViewData;

const INFO_KEYS = ["igral", "err", "tol", "done", "total"];

/** Apply a learner-specific chunk to `s` (made anew when missing or of the wrong class). */
function applyView(store: Store, h: ChunkHeader, bufs: Float64Array[]): boolean {
  let s = store.series[h.i];
  const cls = h.view === "average" ? RunningMean : h.view === "average1d" ? ErrorBars : InfoSeries;
  if (!(s instanceof cls)) s = store.series[h.i] = new cls();
  const v = s as ViewData;
  if (h.reset) {
    if (v instanceof InfoSeries) v.clear(1);
    else v.clear();
  } else if (v.received !== h.start) return false;
  if (v instanceof RunningMean) v.append(bufs[0]);
  else if (v instanceof ErrorBars) {
    v.upsert(bufs[0], bufs[1]);
    if (h.total !== undefined && v.received !== h.total) return false;
  } else {
    v.append(bufs[0], bufs[1]);
    for (const k of INFO_KEYS) if (k in h) v.info[k] = h[k] as number | null;
  }
  return true;
}

function fits(s: PanelData | undefined, dim: number): s is Series | Cloud {
  return dim === 1 ? s instanceof Series : s instanceof Cloud && s.dim === dim;
}

function reset(s: Series | Cloud, dim: number, vdim: number): void {
  if (s instanceof Series) s.clear(vdim);
  else s.clear(dim, vdim);
}

/** Model-level data shared by all views of one widget on this page. */
export class Store {
  series: PanelData[] = [];
  listeners = new Set<() => void>();
  lastLatencyMs = NaN;

  /** Apply a data message; returns false when a gap was detected (a resync is needed). */
  apply(msg: DataMessage, buffers: (DataView | ArrayBuffer)[]): boolean {
    let ok = true;
    let b = 0; // index of this chunk's first buffer
    msg.series.forEach((h) => {
      const nbuf = h.nbuf ?? 2;
      const at = b;
      b += nbuf;
      if (h.view) {
        const views = buffers.slice(at, at + nbuf).map((x) => float64View(x));
        if (!applyView(this, h, views)) ok = false;
        return;
      }
      const dim = h.dim ?? 1;
      let s = this.series[h.i];
      if (!fits(s, dim)) s = this.series[h.i] = dim === 1 ? new Series(h.vdim) : new Cloud(dim, h.vdim);
      if (msg.type === "full") reset(s, dim, h.vdim);
      else if (s.received !== h.start || (s.vdim !== h.vdim && s.received > 0)) {
        ok = false;
        return;
      } else if (s.received === 0) reset(s, dim, h.vdim);
      s.append(float64View(buffers[at]), float64View(buffers[at + 1]));
      // A full resend is history, except for the points of the latest appended chunk (the
      // kernel says how many), so a reloaded or re-rendered plot still rings the newest points.
      if (msg.type === "full") {
        const k = Math.min(h.newest ?? 0, h.n);
        if (s instanceof Series) {
          const x = float64View(buffers[at]);
          const y = float64View(buffers[at + 1]);
          s.newestX = x.slice(x.length - k);
          s.newestY = y.slice((x.length - k) * h.vdim);
        } else s.markNewest(k);
      }
    });
    if (msg.sent_ms) this.lastLatencyMs = Date.now() - msg.sent_ms;
    for (const l of this.listeners) l();
    return ok;
  }
}

const stores = new WeakMap<object, Store>();

function storeFor(model: Model<LivePlotState>): Store {
  let store = stores.get(model);
  if (store) return store;
  const st = new Store();
  stores.set(model, st);
  model.on("msg:custom", (msg: any, buffers: DataView[]) => {
    if (msg?.type !== "append" && msg?.type !== "full") return;
    if (!st.apply(msg as DataMessage, buffers ?? [])) {
      model.send({ type: "resync" });
      return;
    }
    // Custom message, not a trait sync: see the note on throttling in live_info.ts.
    model.send({ type: "ack", seq: msg.seq });
  });
  // Ask for everything sent so far: this page may have opened after the plot started.
  model.send({ type: "resync" });
  return st;
}

export function initialize({ model }: { model: Model<LivePlotState> }): void {
  storeFor(model);
}

/** Page-wide render statistics (read by benchmarks/bench_widgets.py and the browser tests). */
type Stats = {
  renders: number;
  lastRenderMs: number;
  maxRenderMs: number;
  lastLatencyMs: number;
  renderMs: number[]; // last 1000 render times
  points: number[]; // points drawn in those renders
};

// Buttons styled explicitly (JupyterLab's and Notebook 7's CSS reset a bare <button> to flat
// text); Jupyter's theme variables when present, so they follow dark themes too.
const CSS = `
.anb-plot .anb-btn{font:12px/18px system-ui,sans-serif;padding:1px 10px;margin:0;cursor:pointer;
  border:1px solid var(--jp-border-color1,#b0b0b0);border-radius:4px;white-space:nowrap;
  background:var(--jp-layout-color1,#fff);color:var(--jp-ui-font-color1,#222);box-shadow:0 1px 1px rgba(0,0,0,.08)}
.anb-plot .anb-btn:hover{background:var(--jp-layout-color2,#eee);border-color:var(--jp-border-color0,#888)}
.anb-plot .anb-btn:active{background:var(--jp-layout-color3,#ddd);box-shadow:none}
.anb-plot .anb-btn:focus-visible{outline:2px solid var(--jp-brand-color1,#1976d2);outline-offset:1px}
.anb-plot .anb-zoom-box{position:absolute;display:none;pointer-events:none;border:1px dashed #1f77b4;background:rgba(31,119,180,.12)}
`;

/** Drags smaller than this many pixels along an axis do not zoom that axis. */
const MIN_DRAG_PX = 4;

function button(cls: string, text: string, title: string): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.className = `anb-btn ${cls}`;
  b.textContent = text;
  b.title = title;
  return b;
}

export function render({ model, el }: RenderProps<LivePlotState>): () => void {
  const store = storeFor(model);
  const root = document.createElement("div");
  root.className = "anb-plot";
  root.style.cssText = "position:relative;font:12px system-ui,sans-serif;max-width:100%;";
  const style = document.createElement("style");
  style.textContent = CSS;
  const bar = document.createElement("div");
  bar.style.cssText = "display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center;margin:2px 0 4px;min-height:22px;";
  const statusEl = document.createElement("span");
  statusEl.className = "anb-plot-status";
  const stop = button("anb-plot-stop", "stop live plot", "stop updating this plot (the runner goes on)");
  const resetBtn = button("anb-reset", "reset zoom", "show everything again (or double-click the plot)");
  const pngBtn = button("anb-export-png", "⤓ PNG", "download the plot as a PNG image");
  const csvBtn = button("anb-export-csv", "⤓ CSV", "download the points and values as CSV");
  const tools = document.createElement("span");
  tools.style.cssText = "display:flex;gap:6px;align-items:center;margin-left:auto;";
  tools.append(resetBtn, pngBtn, csvBtn, stop);
  resetBtn.style.display = "none"; // until a panel is zoomed
  // Controls of the 2+ D views (shown only when a panel needs them).
  const control = (cls: string, text: string, input: HTMLElement) => {
    const label = document.createElement("label");
    label.className = cls;
    label.style.cssText = "display:none;gap:4px;align-items:center;";
    label.append(text, input);
    return label;
  };
  const compSel = document.createElement("select");
  const axSel = document.createElement("select");
  const aySel = document.createElement("select");
  const edgesBox = document.createElement("input");
  edgesBox.type = "checkbox";
  const compCtl = control("anb-comp", "output", compSel);
  const axCtl = control("anb-axis-x", "x axis", axSel);
  const ayCtl = control("anb-axis-y", "y axis", aySel);
  const edgesCtl = control("anb-edges", "mesh", edgesBox);
  bar.append(statusEl, compCtl, axCtl, ayCtl, edgesCtl, tools);
  const canvas = document.createElement("canvas");
  canvas.className = "anb-canvas";
  canvas.style.cssText = "display:block;width:100%;";
  const tip = document.createElement("div");
  tip.className = "anb-hover";
  tip.style.cssText =
    "position:absolute;pointer-events:none;display:none;background:rgba(255,255,255,.92);border:1px solid #999;" +
    "padding:1px 5px;border-radius:3px;font:11px/1.3 var(--jp-code-font-family,monospace);color:#222;white-space:pre;";
  const err = document.createElement("pre");
  err.className = "anb-error";
  err.style.cssText = `color:${ERROR_COLOR};white-space:pre-wrap;margin:4px 0;font:12px/1.3 var(--jp-code-font-family,monospace);`;
  const bokehDiv = document.createElement("div");
  bokehDiv.className = "anb-bokeh";
  const zoomBox = document.createElement("div");
  zoomBox.className = "anb-zoom-box";
  root.append(style, bar, canvas, bokehDiv, tip, zoomBox, err);
  el.appendChild(root);

  const onStop = () => model.send({ type: "stop" });
  stop.addEventListener("click", onStop);

  let frames: (Frame | CloudFrame | ViewFrame)[] = [];
  // Per panel: the range the viewer zoomed to (kept while updates arrive, until reset).
  let zooms: (Range | null)[] = [];
  const opts: ViewOptions = { comp: 0, edges: false, ax: 0, ay: 1 };
  const setOptions = (sel: HTMLSelectElement, n: number, name: (k: number) => string, value: number) => {
    if (sel.options.length !== n) {
      sel.replaceChildren(
        ...Array.from({ length: n }, (_, k) => {
          const o = document.createElement("option");
          o.value = String(k);
          o.textContent = name(k);
          return o;
        }),
      );
    }
    sel.value = String(value);
  };
  /** Show the controls the panels need: vector output, a mesh, a projection. */
  const syncControls = (panels: PanelMeta[]) => {
    let vdim = 1;
    let ndim = 0;
    let mesh = false;
    panels.forEach((p, i) => {
      const s = store.series[i];
      if (p.kind === "2d") mesh = true;
      if ((p.kind === "2d" || p.kind === "nd") && s instanceof Cloud) vdim = Math.max(vdim, s.vdim);
      if (p.kind === "nd") ndim = Math.max(ndim, s instanceof Cloud ? s.dim : (p.box?.length ?? 0));
    });
    compCtl.style.display = vdim > 1 ? "flex" : "none";
    if (vdim > 1) setOptions(compSel, vdim, (k) => String(k), Math.min(opts.comp, vdim - 1));
    axCtl.style.display = ayCtl.style.display = ndim > 2 ? "flex" : "none";
    if (ndim > 2) {
      setOptions(axSel, ndim, (k) => `x${k}`, opts.ax);
      setOptions(aySel, ndim, (k) => `x${k}`, opts.ay);
    }
    edgesCtl.style.display = mesh ? "flex" : "none";
  };
  const onControl = () => {
    const axes = [opts.ax, opts.ay];
    opts.comp = Number(compSel.value) || 0;
    opts.ax = Number(axSel.value) || 0;
    opts.ay = Number(aySel.value) || 0;
    if (opts.ay === opts.ax) {
      opts.ay = (opts.ax + 1) % Math.max(2, axSel.options.length);
      aySel.value = String(opts.ay);
    }
    opts.edges = edgesBox.checked;
    if (axes[0] !== opts.ax || axes[1] !== opts.ay) zooms = []; // another projection
    schedule();
  };
  for (const c of [compSel, axSel, aySel, edgesBox]) c.addEventListener("change", onControl);
  let scheduled = 0;
  const stats: Stats = ((window as any).__adaptiveNbPlotStats ??= {
    renders: 0,
    lastRenderMs: NaN,
    maxRenderMs: 0,
    lastLatencyMs: NaN,
    renderMs: [],
    points: [],
  });

  const draw = () => {
    scheduled = 0;
    if (model.get("_mode") === "bokeh") return;
    const t0 = performance.now();
    const panels = model.get("_panels") ?? [];
    const width = Math.max(200, Math.floor(root.clientWidth || el.clientWidth || 640));
    const { cells, height } = gridCells(Math.max(1, panels.length), width);
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.height = `${height}px`;
    }
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, width, height);
    frames = panels.map((meta, i) => {
      const s = store.series[i];
      const zoom = zooms[i] ?? null;
      if (VIEW_KINDS.has(meta.kind)) {
        const d = s instanceof RunningMean || s instanceof ErrorBars || s instanceof InfoSeries ? s : undefined;
        return drawViewPanel(ctx, cells[i], meta, d, "#333", "#e3e3e3", zoom);
      }
      if (meta.kind === "2d" || meta.kind === "nd") {
        return drawCloudPanel(ctx, cells[i], meta, s instanceof Cloud ? s : undefined, opts, "#333", "#e3e3e3", dpr, zoom);
      }
      return drawPanel(ctx, cells[i], meta, s instanceof Series ? s : undefined, "#333", "#e3e3e3", zoom);
    });
    const zoomed = zooms.some((z) => z);
    resetBtn.style.display = zoomed ? "" : "none";
    root.dataset.zoomed = zoomed ? "1" : "";
    // The ranges shown (read by the browser tests).
    root.dataset.view = JSON.stringify(frames.map((f) => [f.x0, f.x1, f.y0, f.y1]));
    const ms = performance.now() - t0;
    stats.renders++;
    stats.lastRenderMs = ms;
    stats.maxRenderMs = Math.max(stats.maxRenderMs, ms);
    stats.lastLatencyMs = store.lastLatencyMs;
    const npoints = store.series.reduce((a, s) => a + (s?.n ?? 0), 0);
    stats.renderMs.push(ms);
    stats.points.push(npoints);
    if (stats.renderMs.length > 1000) {
      stats.renderMs.shift();
      stats.points.shift();
    }
    root.dataset.renderMs = ms.toFixed(2);
    root.dataset.npoints = String(npoints);
  };
  const schedule = () => {
    if (!scheduled) scheduled = requestAnimationFrame(draw);
  };

  const canvasXY = (ev: MouseEvent) => {
    const r = canvas.getBoundingClientRect();
    return { mx: ev.clientX - r.left, my: ev.clientY - r.top, r };
  };
  const panelAt = (mx: number, my: number) =>
    frames.findIndex((f) => mx >= f.plot.x && mx <= f.plot.x + f.plot.w && my >= f.plot.y && my <= f.plot.y + f.plot.h);

  // Box zoom: drag a rectangle inside a panel's data area. A drag along one axis only (less
  // than MIN_DRAG_PX across) zooms that axis and keeps the other's current range.
  let drag: { i: number; x: number; y: number; cx: number; cy: number } | null = null;
  const clampTo = (f: Frame, mx: number, my: number) => ({
    cx: Math.min(Math.max(mx, f.plot.x), f.plot.x + f.plot.w),
    cy: Math.min(Math.max(my, f.plot.y), f.plot.y + f.plot.h),
  });
  const onDragMove = (ev: MouseEvent) => {
    if (!drag) return;
    const f = frames[drag.i];
    if (!f) return;
    const { mx, my } = canvasXY(ev);
    Object.assign(drag, clampTo(f, mx, my));
    const x = Math.min(drag.x, drag.cx);
    const y = Math.min(drag.y, drag.cy);
    zoomBox.style.display = "block";
    zoomBox.style.left = `${canvas.offsetLeft + x}px`;
    zoomBox.style.top = `${canvas.offsetTop + y}px`;
    zoomBox.style.width = `${Math.abs(drag.cx - drag.x)}px`;
    zoomBox.style.height = `${Math.abs(drag.cy - drag.y)}px`;
  };
  const onDragEnd = (ev: MouseEvent) => {
    window.removeEventListener("mousemove", onDragMove);
    window.removeEventListener("mouseup", onDragEnd);
    onDragMove(ev);
    zoomBox.style.display = "none";
    const d = drag;
    drag = null;
    const f = d ? frames[d.i] : undefined;
    if (!d || !f) return;
    const wide = Math.abs(d.cx - d.x) >= MIN_DRAG_PX;
    const tall = Math.abs(d.cy - d.y) >= MIN_DRAG_PX;
    if (!wide && !tall) return;
    const xAt = (px: number) => f.x0 + ((px - f.plot.x) / f.plot.w) * (f.x1 - f.x0);
    const yAt = (py: number) => f.y1 - ((py - f.plot.y) / f.plot.h) * (f.y1 - f.y0);
    const [x0, x1] = wide ? [xAt(Math.min(d.x, d.cx)), xAt(Math.max(d.x, d.cx))] : [f.x0, f.x1];
    const [y0, y1] = tall ? [yAt(Math.max(d.y, d.cy)), yAt(Math.min(d.y, d.cy))] : [f.y0, f.y1];
    zooms[d.i] = { x0, x1, y0, y1 };
    schedule();
  };
  const onDown = (ev: MouseEvent) => {
    if (ev.button !== 0) return;
    const { mx, my } = canvasXY(ev);
    const i = panelAt(mx, my);
    if (i < 0) return;
    ev.preventDefault(); // no text selection while dragging
    drag = { i, x: mx, y: my, cx: mx, cy: my };
    tip.style.display = "none";
    window.addEventListener("mousemove", onDragMove);
    window.addEventListener("mouseup", onDragEnd);
  };
  const resetZoom = (i?: number) => {
    if (i === undefined || i < 0) zooms = [];
    else zooms[i] = null;
    schedule();
  };
  const onDblClick = (ev: MouseEvent) => {
    const { mx, my } = canvasXY(ev);
    resetZoom(panelAt(mx, my));
  };
  const onReset = () => resetZoom();
  const onPng = () => canvas.toBlob((b) => b && download(root, b, "live_plot.png"), "image/png");
  const onCsv = () => {
    const text = toCsv(model.get("_panels") ?? [], store.series);
    download(root, new Blob([text], { type: "text/csv" }), "live_plot.csv");
  };
  canvas.addEventListener("mousedown", onDown);
  canvas.addEventListener("dblclick", onDblClick);
  resetBtn.addEventListener("click", onReset);
  pngBtn.addEventListener("click", onPng);
  csvBtn.addEventListener("click", onCsv);

  const onMove = (ev: MouseEvent) => {
    if (drag) return;
    const { mx, my, r } = canvasXY(ev);
    const i = panelAt(mx, my);
    const s = store.series[i];
    const f = frames[i];
    let text: string | null = null;
    if (f && "hover" in f) text = f.hover(mx, my);
    else if (f && "kind" in f) text = hoverText(f, s instanceof Cloud ? s : undefined, mx, my);
    else if (s instanceof Series && s.n > 0) {
      const x = f.x0 + ((mx - f.plot.x) / f.plot.w) * (f.x1 - f.x0);
      const j = s.nearest(x);
      const ys = Array.from({ length: s.vdim }, (_, d) => formatNumber(s.ys[j * s.vdim + d], 6));
      text = `x = ${formatNumber(s.xs[j], 6)}\ny = ${s.vdim > 1 ? `[${ys.join(", ")}]` : ys[0]}`;
    }
    if (i < 0 || text === null) {
      tip.style.display = "none";
      return;
    }
    tip.textContent = text;
    tip.style.borderColor = PALETTE[0];
    tip.style.display = "block";
    tip.style.left = `${Math.min(mx + 12, r.width - 160)}px`;
    tip.style.top = `${canvas.offsetTop + my + 12}px`;
  };
  const onLeave = () => {
    tip.style.display = "none";
  };
  canvas.addEventListener("mousemove", onMove);
  canvas.addEventListener("mouseleave", onLeave);

  let bokehViews: any = null;
  let bokehBusy = Promise.resolve();
  const renderBokeh = () => {
    const item = model.get("_bokeh_item");
    if (model.get("_mode") !== "bokeh" || !item) return;
    bokehBusy = bokehBusy.then(async () => {
      try {
        const Bokeh = await loadBokeh(model, model.get("_bokeh_version"));
        const target = document.createElement("div");
        const old = Array.from(bokehDiv.children);
        bokehDiv.appendChild(target);
        const { seq, item: doc } = JSON.parse(item) as { seq: number; item: unknown };
        const views = await Bokeh.embed.embed_item(doc, target);
        for (const o of old) o.remove();
        try {
          bokehViews?.roots?.forEach?.((v: any) => v.remove());
        } catch {
          /* older BokehJS: the DOM node is gone, which is what matters */
        }
        bokehViews = views;
        model.send({ type: "ack", seq });
      } catch (e) {
        err.textContent = `live_plot: could not render the plotter's figure: ${e}`;
      }
    });
  };

  let panelCount = -1;
  const syncMeta = () => {
    const mode = model.get("_mode");
    canvas.style.display = mode === "bokeh" ? "none" : "block";
    bokehDiv.style.display = mode === "bokeh" ? "block" : "none";
    // The plotter's BokehJS figure has its own tools (zoom, save).
    pngBtn.style.display = csvBtn.style.display = mode === "bokeh" ? "none" : "";
    const n = (model.get("_panels") ?? []).length;
    if (n !== panelCount) zooms = [];
    panelCount = n;
    const status = model.get("_status") ?? "";
    statusEl.textContent = status;
    stop.style.display = status === "live" ? "" : "none";
    const e = model.get("_error") ?? "";
    err.textContent = e ? `live_plot error: ${e}` : "";
    err.style.display = e ? "" : "none";
    syncControls(model.get("_panels") ?? []);
    schedule();
  };
  const listener = () => {
    syncControls(model.get("_panels") ?? []);
    schedule();
  };
  store.listeners.add(listener);
  model.on("change:_panels", syncMeta);
  model.on("change:_mode", syncMeta);
  model.on("change:_status", syncMeta);
  model.on("change:_error", syncMeta);
  model.on("change:_bokeh_item", renderBokeh);
  const ro = new ResizeObserver(() => schedule());
  ro.observe(root);
  syncMeta();
  renderBokeh();
  return () => {
    store.listeners.delete(listener);
    model.off("change:_panels", syncMeta);
    model.off("change:_mode", syncMeta);
    model.off("change:_status", syncMeta);
    model.off("change:_error", syncMeta);
    model.off("change:_bokeh_item", renderBokeh);
    canvas.removeEventListener("mousemove", onMove);
    canvas.removeEventListener("mouseleave", onLeave);
    canvas.removeEventListener("mousedown", onDown);
    canvas.removeEventListener("dblclick", onDblClick);
    window.removeEventListener("mousemove", onDragMove);
    window.removeEventListener("mouseup", onDragEnd);
    resetBtn.removeEventListener("click", onReset);
    pngBtn.removeEventListener("click", onPng);
    csvBtn.removeEventListener("click", onCsv);
    stop.removeEventListener("click", onStop);
    for (const c of [compSel, axSel, aySel, edgesBox]) c.removeEventListener("change", onControl);
    ro.disconnect();
    if (scheduled) cancelAnimationFrame(scheduled);
  };
}

export default { initialize, render };
