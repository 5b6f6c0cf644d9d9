import { describe, expect, it } from "vitest";
import { Store } from "../src/live_plot";
import { averageText, drawViewPanel, integratorText, sequenceText } from "../src/plot/draw_views";
import { drawPanel, type PanelMeta } from "../src/plot/draw";
import { Series } from "../src/plot/series";
import { ErrorBars, InfoSeries, RunningMean } from "../src/plot/views";

const f64 = (...v: number[]) => new Float64Array(v);
const dv = (a: Float64Array) => new DataView(a.buffer, a.byteOffset, a.byteLength);

/** A 2D context that records the calls made on it (drawing must not throw on any state). */
function recordingContext(): { ctx: CanvasRenderingContext2D; calls: string[] } {
  const calls: string[] = [];
  // Text is 6 px per character wide (the layout sizes the margins from it).
  const measureText = (s: string) => ({ width: 6 * String(s).length });
  const ctx = new Proxy({ setLineDash() {}, measureText } as any, {
    get(target, key) {
      if (key in target) return target[key];
      return (...args: unknown[]) => calls.push(`${String(key)}(${args.join(",")})`);
    },
    set(target, key, value) {
      target[key] = value;
      return true;
    },
  });
  return { ctx, calls };
}

describe("RunningMean", () => {
  it("gives the mean and standard error after each sample", () => {
    const values = [1, 3, 2, 10, -4];
    const rm = new RunningMean();
    rm.append(f64(...values.slice(0, 2)));
    rm.append(f64(...values.slice(2)));
    expect(rm.n).toBe(5);
    values.forEach((_, j) => {
      const v = values.slice(0, j + 1);
      const m = v.reduce((a, b) => a + b) / v.length;
      expect(rm.mean[j]).toBeCloseTo(m, 12);
      if (j === 0) expect(rm.se[j]).toBeNaN();
      else {
        const s2 = v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
        expect(rm.se[j]).toBeCloseTo(Math.sqrt(s2 / v.length), 12);
      }
    });
  });
  it("skips values that are not finite and grows past its capacity", () => {
    const rm = new RunningMean();
    rm.append(new Float64Array(3000).fill(2));
    rm.append(f64(NaN, 2));
    expect(rm.n).toBe(3002);
    expect(rm.mean[3001]).toBe(2);
    expect(rm.se[3001]).toBe(0);
    expect(rm.range(10)).toEqual([2, 2]);
  });
});

describe("ErrorBars", () => {
  it("inserts new x and updates known x in place", () => {
    const eb = new ErrorBars();
    eb.upsert(f64(0.5, -1), f64(1, 0.1, 10, 2, 0.2, 5));
    eb.upsert(f64(0.5, 0), f64(1.5, 0.05, 40, 0, 1, 3));
    expect(eb.n).toBe(3);
    const order = Array.from(eb.sorted(), (j) => [eb.xs[j], eb.mean(j), eb.error(j), eb.count(j)]);
    expect(order).toEqual([
      [-1, 2, 0.2, 5],
      [0, 0, 1, 3],
      [0.5, 1.5, 0.05, 40],
    ]);
    expect(eb.extent()).toEqual({ lo: -1, hi: 2.2, maxCount: 40 });
    expect(eb.xs[eb.nearest(0.3)]).toBe(0.5);
    expect(eb.newest.map((j) => eb.xs[j])).toEqual([0.5, 0]);
  });
});

describe("Store with learner views", () => {
  it("applies view chunks by their own buffer count, next to plain chunks", () => {
    const st = new Store();
    const ok = st.apply(
      {
        type: "append",
        seq: 1,
        series: [
          { i: 0, view: "average", start: 0, n: 2, nbuf: 1, vdim: 1, reset: true },
          { i: 1, start: 0, n: 1, vdim: 1 },
          { i: 2, view: "integrator", start: 0, n: 2, nbuf: 2, vdim: 1, reset: true, igral: 0.5, err: 1e-3, tol: 1e-2 },
        ],
      },
      [dv(f64(1, 3)), dv(f64(0)), dv(f64(7)), dv(f64(0, 1)), dv(f64(0, 1))],
    );
    expect(ok).toBe(true);
    expect((st.series[0] as RunningMean).mean[1]).toBe(2);
    expect(st.series[1].n).toBe(1);
    const integ = st.series[2] as InfoSeries;
    expect(integ.info).toEqual({ igral: 0.5, err: 1e-3, tol: 1e-2 });
    expect(integratorText(integ)).toBe("∫ ≈ 0.5 ± 0.001 (target 0.005), 2 points");
  });
  it("asks for a resync on a gap, and starts over on reset", () => {
    const st = new Store();
    const seq = (start: number, reset: boolean, idx: number[], done: number) =>
      st.apply(
        { type: "append", seq: 1, series: [{ i: 0, view: "sequence", start, n: idx.length, nbuf: 2, vdim: 1, reset, done, total: 10 }] },
        [dv(f64(...idx)), dv(f64(...idx.map((k) => 2 * k)))],
      );
    expect(seq(0, true, [0, 1, 2], 3)).toBe(true);
    expect(seq(5, false, [7], 4)).toBe(false);
    expect(seq(3, false, [4], 4)).toBe(true);
    expect(sequenceText(st.series[0] as InfoSeries, { title: "", kind: "sequence", total: 10 })).toBe("4 / 10 done (40.0 %)");
    expect(seq(0, true, [9], 1)).toBe(true);
    expect(st.series[0].n).toBe(1);
  });
  it("checks an average1d upsert against the kernel's count of x", () => {
    const st = new Store();
    const up = (start: number, xs: number[], total: number) =>
      st.apply(
        { type: "append", seq: 1, series: [{ i: 0, view: "average1d", start, n: xs.length, nbuf: 2, vdim: 3, reset: start === 0, total }] },
        [dv(f64(...xs)), dv(new Float64Array(3 * xs.length).fill(1))],
      );
    expect(up(0, [0, 1], 2)).toBe(true);
    expect(up(2, [1, 2], 3)).toBe(true);
    expect(up(3, [5], 5)).toBe(false); // the kernel knows of an x this page never got
    expect(up(2, [1], 3)).toBe(false);
  });
});

describe("drawing the views", () => {
  const cell = { x: 0, y: 0, w: 400, h: 300 };
  it("draws each view empty and with data, and reads values under the cursor", () => {
    const rm = new RunningMean();
    rm.append(f64(1, 2, 3, 4));
    const eb = new ErrorBars();
    eb.upsert(f64(0, 1), f64(1, 0.5, 10, 2, 0.1, 40));
    const is = new InfoSeries();
    is.append(f64(0, 0.5, 1), f64(0, 0.25, 1));
    is.info = { igral: 0.333, err: 1e-4, tol: 1e-3, done: 3, total: 5 };
    const cases: [PanelMeta, any][] = [
      [{ title: "", kind: "average", atol: 0.5 }, rm],
      [{ title: "", kind: "average1d", bounds: [0, 1] }, eb],
      [{ title: "", kind: "integrator", bounds: [0, 1] }, is],
      [{ title: "", kind: "sequence", total: 5 }, is],
    ];
    for (const [meta, data] of cases) {
      const empty = recordingContext();
      expect(drawViewPanel(empty.ctx, cell, meta, undefined, "#333", "#eee").hover(100, 100)).toBeNull();
      const full = recordingContext();
      const frame = drawViewPanel(full.ctx, cell, meta, data, "#333", "#eee");
      expect(full.calls.length).toBeGreaterThan(empty.calls.length);
      expect(frame.hover(frame.plot.x + frame.plot.w, frame.plot.y)).toMatch(/=/);
    }
    expect(averageText(rm, { title: "", kind: "average", atol: 0.5 })).toMatch(/^mean 2\.5 ± 0\.645 \(n = 4; atol 0\.5\)$/);
    const last = recordingContext();
    const f = drawViewPanel(last.ctx, cell, { title: "", kind: "average1d", bounds: [0, 1] }, eb, "#333", "#eee");
    expect(f.hover(f.plot.x + f.plot.w, 0)).toBe("x = 1\nmean = 2 ± 0.1\nsamples = 40");
  });
  it("labels the axes, the y label rotated left of the tick labels", () => {
    const s = new Series(1);
    s.append(f64(0, 1), f64(-123456.7, 1e-7));
    const rec = recordingContext();
    const f = drawPanel(rec.ctx, cell, { title: "", kind: "1d", bounds: [0, 1], xlabel: "t", ylabel: "peak(t)" }, s, "#333", "#eee");
    const xl = rec.calls.find((c) => c.startsWith("fillText(t,"));
    expect(xl).toBe(`fillText(t,${f.plot.x + f.plot.w / 2},${f.plot.y + f.plot.h + 6 + 11 + 4})`);
    const at = rec.calls.indexOf("fillText(peak(t),0,0)");
    expect(at).toBeGreaterThan(0);
    expect(rec.calls.slice(0, at)).toContain(`rotate(${-Math.PI / 2})`);
    // the widest y tick label (6 px per character here) fits between the y label and the axis
    const widest = Math.max(...f.yt!.labels.map((l) => 6 * l.length));
    expect(f.plot.x - cell.x).toBeGreaterThanOrEqual(3 + 11 + 4 + widest + 6);
  });
  it("shows progress only when the sequence's results are not numbers", () => {
    const is = new InfoSeries();
    is.append(f64(0, 1), f64(NaN, NaN));
    is.info = { done: 2, total: 4 };
    const rec = recordingContext();
    const f = drawViewPanel(rec.ctx, cell, { title: "", kind: "sequence", total: 4 }, is, "#333", "#eee");
    const { x, y, w, h } = f.plot;
    expect(rec.calls).toContain(`fillText(results are not numbers: progress only,${x + w / 2},${y + h / 2})`);
    expect(rec.calls.some((c) => c.startsWith(`fillRect(${f.plot.x},15,${f.plot.w / 2},4`))).toBe(true);
  });
});
