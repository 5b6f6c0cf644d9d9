import { describe, expect, it } from "vitest";
import { formatElapsed, formatNumber, overheadColor } from "../src/format";
import { gridCells } from "../src/plot/draw";
import { decimate, Series } from "../src/plot/series";
import { formatTick, niceTicks, paddedRange } from "../src/plot/ticks";
import { Store } from "../src/live_plot";
import { float64View } from "../src/model";

const f64 = (...v: number[]) => new Float64Array(v);
const dv = (a: Float64Array) => new DataView(a.buffer, a.byteOffset, a.byteLength);

describe("ticks", () => {
  it("picks nice steps covering the range", () => {
    expect(niceTicks(0, 1, 5)).toEqual({ ticks: [0, 0.2, 0.4, 0.6, 0.8, 1], step: 0.2 });
    expect(niceTicks(-1, 1, 4).ticks).toEqual([-1, -0.5, 0, 0.5, 1]);
    const { ticks, step } = niceTicks(3.7, 1234, 6);
    expect(step).toBe(250);
    expect(ticks[0]).toBe(250);
    expect(ticks.at(-1)).toBe(1000);
  });
  it("handles degenerate ranges", () => {
    expect(niceTicks(2, 2).ticks).toEqual([2]);
    expect(niceTicks(NaN, 1).ticks).toEqual([]);
    expect(paddedRange(1, 1)).toEqual([0.9, 1.1]);
    expect(paddedRange(Infinity, 1)).toEqual([0, 1]);
  });
  it("formats labels with the step's precision", () => {
    expect(formatTick(0.2, 0.2)).toBe("0.2");
    expect(formatTick(0.25, 0.25)).toBe("0.25");
    expect(formatTick(1000, 250)).toBe("1000");
    expect(formatTick(1e-6, 1e-6)).toBe("1e-6");
    // Large values on a fine step keep the digits that tell neighbouring ticks apart.
    const { ticks, step } = niceTicks(123456, 123556, 5);
    const labels = ticks.map((t) => formatTick(t, step));
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels[0]).toBe("1.2346e5");
    expect(formatTick(1.5e-8, 5e-9)).toBe("1.5e-8");
  });
});

describe("format", () => {
  it("formats elapsed time, numbers and overhead colours", () => {
    expect(formatElapsed(65.25)).toBe("0:01:05.3");
    expect(formatElapsed(3600 * 2 + 1)).toBe("2:00:01.0");
    expect(formatNumber(null)).toBe("–");
    expect(formatNumber(0.012345)).toBe("0.01235");
    expect(formatNumber(1.5e-7)).toBe("1.5e-7");
    expect(formatNumber(Infinity)).toBe("inf");
    expect(overheadColor(0)).toBe("#00ff00");
    expect(overheadColor(100)).toBe("#ff0000");
  });
});

describe("Series", () => {
  it("keeps points sorted across appends in any order", () => {
    const s = new Series(1, 2);
    s.append(f64(0.5, -1, 1), f64(5, -10, 10));
    s.append(f64(0, 0.75, -0.5), f64(0, 7.5, -5));
    expect(Array.from(s.xs.subarray(0, s.n))).toEqual([-1, -0.5, 0, 0.5, 0.75, 1]);
    expect(Array.from(s.ys.subarray(0, s.n))).toEqual([-10, -5, 0, 5, 7.5, 10]);
    expect(s.received).toBe(6);
    expect([s.ymin, s.ymax]).toEqual([-10, 10]);
    expect(Array.from(s.newestX)).toEqual([0, 0.75, -0.5]);
  });
  it("merges vector output row by row", () => {
    const s = new Series(2);
    s.append(f64(1, 0), f64(10, 11, 0, 1));
    s.append(f64(0.5), f64(5, 6));
    expect(Array.from(s.ys.subarray(0, 6))).toEqual([0, 1, 5, 6, 10, 11]);
    expect(() => s.append(f64(2), f64(1))).toThrow(/vdim 2/);
  });
  it("ignores non-finite values in the y range and finds the nearest x", () => {
    const s = new Series(1);
    s.append(f64(0, 1, 2, 3), f64(1, NaN, Infinity, 4));
    expect([s.ymin, s.ymax]).toEqual([1, 4]);
    expect(s.nearest(1.4)).toBe(1);
    expect(s.nearest(1.6)).toBe(2);
    expect(s.nearest(-5)).toBe(0);
    expect(s.nearest(50)).toBe(3);
  });
  it("is fast for 100k points in 100 chunks", () => {
    const s = new Series(1);
    const t0 = performance.now();
    for (let c = 0; c < 100; c++) {
      const x = new Float64Array(1000).map(() => Math.random());
      s.append(x, x.map((v) => Math.sin(10 * v)));
    }
    for (let i = 1; i < s.n; i++) if (s.xs[i - 1] > s.xs[i]) throw new Error(`unsorted at ${i}`);
    expect(s.n).toBe(100_000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe("decimate", () => {
  it("keeps at most 4 vertices per pixel column and the extremes", () => {
    const s = new Series(1);
    const n = 100_000;
    const x = new Float64Array(n).map((_, i) => i / n);
    s.append(x, x.map((v) => Math.sin(200 * v)));
    const pts = decimate(s, 0, 0, 1, 500, (y) => y);
    expect(pts.length / 2).toBeLessThanOrEqual(4 * 501);
    let ymin = Infinity;
    let ymax = -Infinity;
    for (let i = 1; i < pts.length; i += 2) {
      ymin = Math.min(ymin, pts[i]);
      ymax = Math.max(ymax, pts[i]);
    }
    expect(ymin).toBeCloseTo(s.ymin, 12);
    expect(ymax).toBeCloseTo(s.ymax, 12);
  });
  it("breaks the line at NaN", () => {
    const s = new Series(1);
    s.append(f64(0, 1, 2), f64(0, NaN, 1));
    const pts = Array.from(decimate(s, 0, 0, 2, 100, (y) => y));
    expect(pts.filter(Number.isNaN).length).toBe(2);
  });
});

describe("Store", () => {
  it("applies appends, detects gaps and replaces everything on 'full'", () => {
    const st = new Store();
    let calls = 0;
    st.listeners.add(() => calls++);
    expect(st.apply({ type: "append", seq: 1, series: [{ i: 0, start: 0, n: 2, vdim: 1 }] }, [dv(f64(0, 1)), dv(f64(2, 3))])).toBe(true);
    expect(st.apply({ type: "append", seq: 2, series: [{ i: 0, start: 5, n: 1, vdim: 1 }] }, [dv(f64(9)), dv(f64(9))])).toBe(false);
    expect(st.series[0].n).toBe(2);
    expect(st.apply({ type: "full", seq: 3, series: [{ i: 0, start: 0, n: 3, vdim: 1 }, { i: 1, start: 0, n: 1, vdim: 2 }] }, [dv(f64(0, 1, 2)), dv(f64(0, 1, 4)), dv(f64(7)), dv(f64(1, 2))])).toBe(true);
    expect(st.series[0].received).toBe(3);
    expect((st.series[0] as Series).newestX.length).toBe(0); // a resend marks nothing as new
    expect((st.series[1] as Series).vdim).toBe(2);
    expect(calls).toBe(3);
  });
  it("reads DataViews at unaligned offsets", () => {
    const bytes = new Uint8Array(8 * 2 + 3);
    new DataView(bytes.buffer).setFloat64(3, 1.5, true);
    new DataView(bytes.buffer).setFloat64(11, -2, true);
    expect(Array.from(float64View(new DataView(bytes.buffer, 3, 16)))).toEqual([1.5, -2]);
  });
});

describe("gridCells", () => {
  it("lays out small multiples", () => {
    expect(gridCells(1, 600).cells).toHaveLength(1);
    const g = gridCells(5, 900);
    expect(g.cells).toHaveLength(5);
    expect(g.height).toBe(400);
    expect(g.cells[3].x).toBe(0);
  });
});
