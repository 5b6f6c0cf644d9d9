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

describe("live_plot", () => {
  const f64 = (...v: number[]) => new DataView(new Float64Array(v).buffer);
  it("asks for a resync, applies chunks, acks them and resyncs after a gap", () => {
    const model = new FakeModel({
      _panels: [{ title: "", kind: "1d", bounds: [0, 1] }],
      _mode: "canvas",
      _bokeh_item: "",
      _bokeh_version: "",
      _error: "",
      _status: "live",
    } as any);
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
  const state = (panels: unknown[]) =>
    ({ _panels: panels, _mode: "canvas", _bokeh_item: "", _bokeh_version: "", _error: "", _status: "live" }) as any;
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
