// @vitest-environment happy-dom
// The widgets' DOM behaviour against a fake anywidget model (the browser tests cover the rest).
import { describe, expect, it } from "vitest";
import liveInfo, { progressText } from "../src/live_info";
import livePlot from "../src/live_plot";

class FakeModel<T extends Record<string, any>> {
  sent: unknown[] = [];
  private handlers = new Map<string, Set<(...a: any[]) => void>>();
  constructor(private state: T) {}
  get<K extends keyof T>(k: K): T[K] {
    return this.state[k];
  }
  set<K extends keyof T>(k: K, v: T[K]): void {
    this.state[k] = v;
  }
  save_changes(): void {}
  on(ev: string, cb: (...a: any[]) => void): void {
    if (!this.handlers.has(ev)) this.handlers.set(ev, new Set());
    this.handlers.get(ev)!.add(cb);
  }
  off(ev?: string | null, cb?: ((...a: any[]) => void) | null): void {
    if (ev && cb) this.handlers.get(ev)?.delete(cb);
  }
  send(content: unknown): void {
    this.sent.push(content);
  }
  /** The kernel changed a trait. */
  change<K extends keyof T>(k: K, v: T[K]): void {
    this.state[k] = v;
    for (const cb of this.handlers.get(`change:${String(k)}`) ?? []) cb();
  }
  /** The kernel sent a custom message. */
  custom(msg: unknown, buffers: DataView[] = []): void {
    for (const cb of this.handlers.get("msg:custom") ?? []) cb(msg, buffers);
  }
}

const snap = (over: Record<string, unknown> = {}) => ({
  status: "running",
  elapsed_time: 65.25,
  npoints: 12,
  loss: 0.0123,
  overhead: 10,
  n_pending: 2,
  n_failed: 0,
  last_traceback: null,
  error: null,
  last_save_time: null,
  last_save_error: null,
  seq: 1,
  sent_ms: Date.now(),
  ...over,
});

describe("live_info", () => {
  it("shows the snapshot, acks each update and sends cancel on click", () => {
    const model = new FakeModel({ _snapshot: snap() as any, _error: "", _blocked: "" });
    const el = document.createElement("div");
    const cleanup = liveInfo.render({ model: model as any, el });
    const text = (sel: string) => el.querySelector(sel)!.textContent;
    expect(text(".anb-status")).toBe("running");
    expect(text(".anb-elapsed")).toBe("0:01:05.3");
    expect(text(".anb-npoints")).toBe("12 (+2 pending)");
    expect(text(".anb-loss")).toBe("0.0123");
    expect(model.sent).toEqual([{ type: "ack", seq: 1 }]);
    const tb = el.querySelector<HTMLElement>(".anb-traceback")!;
    expect(tb.style.display).toBe("none");

    (el.querySelector(".anb-cancel") as HTMLButtonElement).click();
    expect(model.sent.at(-1)).toEqual({ type: "cancel" });

    model.change("_snapshot", snap({ status: "failed", seq: 2, n_failed: 1, last_traceback: "Traceback...\nValueError: x", error: "ValueError: x" }) as any);
    expect(text(".anb-status")).toBe("failed");
    expect(el.querySelector<HTMLElement>(".anb-status")!.dataset.status).toBe("failed");
    expect(tb.style.display).toBe("");
    expect(text(".anb-traceback pre")).toContain("ValueError: x");
    expect(text(".anb-runner-error")).toBe("runner error: ValueError: x");
    expect(el.querySelector<HTMLElement>(".anb-cancel")!.style.display).toBe("none");
    expect(model.sent.at(-1)).toEqual({ type: "ack", seq: 2 });

    model.change("_blocked", "kernel blocked for more than 2 s");
    expect(text(".anb-blocked")).toContain("kernel blocked");
    model.change("_error", "Traceback: poller died");
    expect(text(".anb-widget-error")).toBe("live_info error: Traceback: poller died");
    cleanup();
  });
});

describe("live_info goal progress", () => {
  const prog = (over: Record<string, unknown> = {}) => ({
    goal: "loss_goal=0.01",
    kind: "loss",
    target: 0.01,
    progress: 0.634,
    eta: 12,
    rate: 250,
    natural: null,
    ...over,
  });
  it("formats progress and ETA, and says when the ETA is unknown", () => {
    expect(progressText(prog(), true)).toBe("loss_goal=0.01: 63.4 %, ETA 0:00:12.0 at 250 points/s");
    expect(progressText(prog({ eta: null, rate: null }), true)).toBe("loss_goal=0.01: 63.4 %, ETA unknown");
    expect(progressText(prog(), false)).toBe("loss_goal=0.01: 63.4 %");
    expect(progressText(prog({ kind: "none", goal: "no goal", progress: null }), true)).toBe("no goal");
    expect(progressText({ goal: "g", error: "boom" }, true)).toBe("g (no estimate: boom)");
    expect(progressText({}, true)).toBe("");
  });
  it("shows the goal row with a bar and the learner's own measure", () => {
    const model = new FakeModel({ _snapshot: snap() as any, _progress: {} as any, _error: "", _blocked: "" });
    const el = document.createElement("div");
    const cleanup = liveInfo.render({ model: model as any, el });
    const rowOf = (sel: string) => el.querySelector(sel)!.parentElement as HTMLElement;
    expect(rowOf(".anb-goal").style.display).toBe("none");
    expect(rowOf(".anb-natural").style.display).toBe("none");
    model.change("_progress", prog({ natural: "40 / 100 done (40.0 %)" }) as any);
    expect(el.querySelector(".anb-goal")!.textContent).toContain("ETA 0:00:12.0");
    expect(el.querySelector<HTMLElement>(".anb-bar > span")!.style.width).toBe("63%");
    expect(el.querySelector(".anb-natural")!.textContent).toBe("40 / 100 done (40.0 %)");
    expect(rowOf(".anb-natural").style.display).toBe("");
    cleanup();
  });
});

/** A live_plot model's state showing `panels` on the canvas. */
const plotState = (panels: unknown[]) =>
  ({ _panels: panels, _mode: "canvas", _bokeh_item: "", _bokeh_version: "", _error: "", _status: "live" }) as any;

describe("live_plot", () => {
  const f64 = (...v: number[]) => new DataView(new Float64Array(v).buffer);
  it("asks for a resync, applies chunks, acks them and resyncs after a gap", () => {
    const model = new FakeModel(plotState([{ title: "", kind: "1d", bounds: [0, 1] }]));
    livePlot.initialize({ model: model as any });
    expect(model.sent).toEqual([{ type: "resync" }]);
    const el = document.createElement("div");
    const cleanup = livePlot.render({ model: model as any, el });
    model.custom({ type: "full", seq: 1, series: [{ i: 0, start: 0, n: 2, vdim: 1 }] }, [f64(0, 1), f64(0, 1)]);
    model.custom({ type: "append", seq: 2, series: [{ i: 0, start: 2, n: 1, vdim: 1 }] }, [f64(0.5), f64(0.25)]);
    expect(model.sent.slice(1)).toEqual([
      { type: "ack", seq: 1 },
      { type: "ack", seq: 2 },
    ]);
    model.custom({ type: "append", seq: 3, series: [{ i: 0, start: 7, n: 1, vdim: 1 }] }, [f64(0.7), f64(0.1)]);
    expect(model.sent.at(-1)).toEqual({ type: "resync" });
    const stop = el.querySelector(".anb-plot-stop") as HTMLButtonElement;
    stop.click();
    expect(model.sent.at(-1)).toEqual({ type: "stop" });
    model.change("_status", "live plot stopped");
    expect(stop.style.display).toBe("none");
    model.change("_error", "boom");
    expect(el.querySelector(".anb-error")!.textContent).toBe("live_plot error: boom");
    cleanup();
  });
});

describe("live_plot in 2+ D", () => {
  const f64 = (...v: number[]) => new DataView(new Float64Array(v).buffer);
  const state = plotState;
  const shown = (el: HTMLElement, cls: string) => el.querySelector<HTMLElement>(cls)!.style.display !== "none";

  it("shows the mesh toggle for a heat map and the output selector once vectors arrive", () => {
    const model = new FakeModel(state([{ title: "", kind: "2d", box: [[0, 1], [0, 1]] }]));
    livePlot.initialize({ model: model as any });
    const el = document.createElement("div");
    const cleanup = livePlot.render({ model: model as any, el });
    expect(shown(el, ".anb-edges")).toBe(true);
    expect(shown(el, ".anb-comp")).toBe(false);
    expect(shown(el, ".anb-axis-x")).toBe(false);
    model.custom({ type: "full", seq: 1, series: [{ i: 0, start: 0, n: 2, vdim: 3, dim: 2 }] }, [f64(0, 0, 1, 1), f64(1, 2, 3, 4, 5, 6)]);
    expect(model.sent.at(-1)).toEqual({ type: "ack", seq: 1 });
    expect(shown(el, ".anb-comp")).toBe(true);
    const options = Array.from(el.querySelectorAll(".anb-comp option")).map((o) => o.textContent);
    expect(options).toEqual(["0", "1", "2"]);
    cleanup();
  });

  it("offers the axes of a 3+ D projection and keeps them distinct", () => {
    const model = new FakeModel(state([{ title: "", kind: "nd", box: [[0, 1], [0, 1], [0, 1], [0, 1]] }]));
    livePlot.initialize({ model: model as any });
    const el = document.createElement("div");
    const cleanup = livePlot.render({ model: model as any, el });
    expect(shown(el, ".anb-axis-x")).toBe(true);
    expect(shown(el, ".anb-edges")).toBe(false);
    const ax = el.querySelector<HTMLSelectElement>(".anb-axis-x select")!;
    const ay = el.querySelector<HTMLSelectElement>(".anb-axis-y select")!;
    expect(Array.from(ax.options).map((o) => o.value)).toEqual(["0", "1", "2", "3"]);
    expect([ax.value, ay.value]).toEqual(["0", "1"]);
    ax.value = "1";
    ax.dispatchEvent(new Event("change"));
    expect([ax.value, ay.value]).toEqual(["1", "2"]);
    cleanup();
  });
});

describe("live_plot zoom and export", () => {
  const f64 = (...v: number[]) => new DataView(new Float64Array(v).buffer);
  /** A canvas context that draws nothing (text 6 px per character wide). */
  const fakeCtx = () =>
    new Proxy({ measureText: (s: string) => ({ width: 6 * String(s).length }), setLineDash() {} } as any, {
      get: (t, k) => (k in t ? t[k] : () => undefined),
      set: (t, k, v) => ((t[k] = v), true),
    });
  const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));

  it("zooms to a dragged box, keeps it across updates, resets, and exports the points", async () => {
    const proto = HTMLCanvasElement.prototype as any;
    const saved = proto.getContext;
    proto.getContext = fakeCtx;
    const created: Blob[] = [];
    const names: string[] = [];
    const urls = { create: URL.createObjectURL, revoke: URL.revokeObjectURL };
    URL.createObjectURL = (b: Blob) => (created.push(b), "blob:fake");
    URL.revokeObjectURL = () => undefined;
    const clicks = (HTMLAnchorElement.prototype as any).click;
    (HTMLAnchorElement.prototype as any).click = function (this: HTMLAnchorElement) {
      names.push(this.download);
    };
    try {
      const model = new FakeModel(plotState([{ title: "", kind: "1d", bounds: [0, 1], xlabel: "x", ylabel: "f(x)" }]));
      livePlot.initialize({ model: model as any });
      const el = document.createElement("div");
      document.body.appendChild(el);
      const cleanup = livePlot.render({ model: model as any, el });
      model.custom({ type: "full", seq: 1, series: [{ i: 0, start: 0, n: 3, vdim: 1 }] }, [f64(0, 0.5, 1), f64(0, 10, 20)]);
      await frame();
      const root = el.querySelector<HTMLElement>(".anb-plot")!;
      const reset = el.querySelector<HTMLButtonElement>(".anb-reset")!;
      const full = JSON.parse(root.dataset.view!)[0];
      expect(full.slice(0, 2)).toEqual([0, 1]);
      expect(reset.style.display).toBe("none");
      // Drag a box inside the data area (found with the hover read-out, which starts there).
      const canvas = el.querySelector("canvas")!;
      const mouse = (type: string, x: number, y: number, target: EventTarget = canvas) =>
        target.dispatchEvent(new MouseEvent(type, { clientX: x, clientY: y, button: 0, bubbles: true }));
      // Probe the data area's edges with the hover read-out (x = ... under the cursor).
      const hoverX = (px: number) => {
        mouse("mousemove", px, 150);
        const m = /x = (\S+)/.exec(el.querySelector(".anb-hover")!.textContent ?? "");
        return m ? Number(m[1]) : NaN;
      };
      let left = 0;
      while (Number.isNaN(hoverX(left)) && left < 300) left++;
      mouse("mousedown", left + 150, 60);
      mouse("mousemove", left + 400, 250, window);
      mouse("mouseup", left + 400, 250, window);
      await frame();
      const zoomed = JSON.parse(root.dataset.view!)[0];
      expect(zoomed[0]).toBeGreaterThan(0.05);
      expect(zoomed[1]).toBeLessThan(0.95);
      expect(zoomed[3] - zoomed[2]).toBeLessThan(full[3] - full[2]);
      expect(root.dataset.zoomed).toBe("1");
      expect(reset.style.display).toBe("");
      // New points keep the zoom.
      model.custom({ type: "append", seq: 2, series: [{ i: 0, start: 3, n: 1, vdim: 1 }] }, [f64(0.75), f64(100)]);
      await frame();
      expect(JSON.parse(root.dataset.view!)[0]).toEqual(zoomed);
      reset.click();
      await frame();
      const after = JSON.parse(root.dataset.view!)[0];
      expect(after.slice(0, 2)).toEqual([0, 1]);
      expect(after[3]).toBeGreaterThan(100); // follows the data again
      expect(root.dataset.zoomed).toBe("");
      // Double-click resets too.
      mouse("mousedown", left + 150, 60);
      mouse("mouseup", left + 300, 200, window);
      await frame();
      expect(root.dataset.zoomed).toBe("1");
      mouse("dblclick", left + 200, 100);
      await frame();
      expect(root.dataset.zoomed).toBe("");

      el.querySelector<HTMLButtonElement>(".anb-export-csv")!.click();
      expect(names).toEqual(["live_plot.csv"]);
      expect(await created[0].text()).toBe("x,f(x)\n0,0\n0.5,10\n0.75,100\n1,20\n");
      expect(el.querySelector<HTMLButtonElement>(".anb-export-png")!.className).toContain("anb-btn");
      cleanup();
    } finally {
      proto.getContext = saved;
      URL.createObjectURL = urls.create;
      URL.revokeObjectURL = urls.revoke;
      (HTMLAnchorElement.prototype as any).click = clicks;
    }
  });
});
