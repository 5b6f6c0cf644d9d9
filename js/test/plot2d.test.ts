import { describe, expect, it } from "vitest";
import { Cloud, rasterize } from "../src/plot/cloud";
import { LUT, lutIndex } from "../src/plot/colormap";
import { axisRange, type CloudFrame, hoverText, panelAxes } from "../src/plot/draw2d";
import { Store } from "../src/live_plot";

const f64 = (...v: number[]) => new Float64Array(v);
const dv = (a: Float64Array) => new DataView(a.buffer, a.byteOffset, a.byteLength);
const unitSquare = (f: (x: number, y: number) => number, m = 11) => {
  const xy: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      const x = -1 + (2 * i) / (m - 1);
      const y = -1 + (2 * j) / (m - 1);
      xy.push(x, y);
      v.push(f(x, y));
    }
  return { xy: Float64Array.from(xy), v: Float64Array.from(v) };
};
const view = { x0: -1, x1: 1, y0: -1, y1: 1 };

describe("colormap", () => {
  it("runs dark to bright and clamps", () => {
    const lum = (i: number) => LUT[3 * i] + LUT[3 * i + 1] + LUT[3 * i + 2];
    for (let i = 1; i < 256; i++) expect(lum(i)).toBeGreaterThanOrEqual(lum(i - 1) - 2);
    expect(lutIndex(-5, 0, 1)).toBe(0);
    expect(lutIndex(5, 0, 1)).toBe(255);
    expect(lutIndex(3, 3, 3)).toBe(128);
  });
});

describe("Cloud", () => {
  it("appends chunks in tell order, tracks value ranges per component and the newest chunk", () => {
    const c = new Cloud(2, 2, 1);
    c.append(f64(0, 0, 1, 0), f64(1, -1, 2, NaN));
    c.append(f64(0, 1), f64(-3, 5));
    expect(c.n).toBe(3);
    expect(c.received).toBe(3);
    expect(Array.from(c.coords.subarray(0, 6))).toEqual([0, 0, 1, 0, 0, 1]);
    expect([c.vmin[0], c.vmax[0], c.vmin[1], c.vmax[1]]).toEqual([-3, 2, -1, 5]);
    expect(c.newestStart).toBe(2);
    c.markNewest(0);
    expect(c.newestStart).toBe(3);
    c.markNewest(2); // a full resend that says its last 2 points were the latest chunk
    expect(c.newestStart).toBe(1);
    c.markNewest(10);
    expect(c.newestStart).toBe(0);
    expect(() => c.append(f64(1, 2, 3), f64(1, 2))).toThrow(/dim 2, vdim 2/);
  });
  it("triangulates in box-scaled coordinates and caches the mesh until points change", () => {
    const c = new Cloud(2);
    // A domain 1000 wide and 1 high: in raw coordinates this grid would triangulate differently.
    const xy: number[] = [];
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) xy.push(250 * i, j / 4);
    c.append(Float64Array.from(xy), new Float64Array(25));
    const box: [number, number][] = [[0, 1000], [0, 1]];
    const m = c.mesh(box);
    expect(m.triangles.length / 3).toBe(32); // 2 * (5 - 1)^2 triangles on a regular grid
    expect(c.mesh(box)).toBe(m);
    c.append(f64(125, 0.125), f64(0));
    expect(c.mesh(box)).not.toBe(m);
    expect(c.mesh(box).triangles.length / 3).toBe(34);
  });
  it("has no mesh for fewer than three or collinear points", () => {
    const c = new Cloud(2);
    c.append(f64(0, 0, 1, 1), f64(0, 1));
    expect(c.mesh([[0, 1], [0, 1]]).triangles.length).toBe(0);
    c.append(f64(0.5, 0.5), f64(2));
    expect(c.mesh([[0, 1], [0, 1]]).triangles.length).toBe(0);
  });
  it("is fast at 20k points", () => {
    const c = new Cloud(2);
    const t0 = performance.now();
    for (let k = 0; k < 20; k++) {
      const xy = new Float64Array(2000).map(() => Math.random());
      c.append(xy, new Float64Array(1000).map(() => Math.random()));
      c.mesh([[0, 1], [0, 1]]);
    }
    expect(c.mesh([[0, 1], [0, 1]]).triangles.length / 3).toBeGreaterThan(39_000);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});

describe("rasterize", () => {
  it("reproduces a linear function exactly and colours by value", () => {
    const { xy, v } = unitSquare((x, y) => 2 * x - y);
    const c = new Cloud(2);
    c.append(xy, v);
    const r = rasterize(c, c.mesh([[-1, 1], [-1, 1]]).triangles, 0, view, 40, 20, { lo: -3, hi: 3, lut: LUT });
    for (let j = 0; j < 20; j++)
      for (let i = 0; i < 40; i++) {
        const x = -1 + ((i + 0.5) / 40) * 2;
        const y = 1 - ((j + 0.5) / 20) * 2; // row 0 at the top
        expect(r.value[j * 40 + i]).toBeCloseTo(2 * x - y, 5);
        expect(r.rgba[4 * (j * 40 + i) + 3]).toBe(255);
      }
    // the lowest value, 2x - y = -3, is at the top left (x = -1, y = 1): the darkest colour
    const lum = (p: number) => r.rgba[4 * p] + r.rgba[4 * p + 1] + r.rgba[4 * p + 2];
    expect(lum(0)).toBeLessThan(lum(39 + 19 * 40));
  });
  it("leaves pixels outside the hull and triangles with NaN transparent", () => {
    const c = new Cloud(2, 2);
    // one triangle over the lower-left half; component 1 has a NaN vertex
    c.append(f64(-1, -1, 1, -1, -1, 1), f64(0, 0, 1, NaN, 2, 0));
    const tri = c.mesh([[-1, 1], [-1, 1]]).triangles;
    const r0 = rasterize(c, tri, 0, view, 10, 10, { lo: 0, hi: 2, lut: LUT });
    expect(Number.isNaN(r0.value[0 * 10 + 9])).toBe(true); // top right: outside
    expect(r0.value[9 * 10 + 0]).toBeGreaterThanOrEqual(0); // bottom left: inside
    expect(r0.rgba[4 * 9 + 3]).toBe(0);
    const r1 = rasterize(c, tri, 1, view, 10, 10, { lo: 0, hi: 2, lut: LUT });
    expect(r1.value.every(Number.isNaN)).toBe(true);
  });
  it("covers every pixel of a mesh over the whole box once (no cracks between triangles)", () => {
    const c = new Cloud(2);
    const xy = new Float64Array(2 * 500).map(() => Math.random() * 2 - 1);
    c.append(xy, new Float64Array(500).fill(1));
    c.append(f64(-1, -1, 1, -1, -1, 1, 1, 1), f64(1, 1, 1, 1));
    const r = rasterize(c, c.mesh([[-1, 1], [-1, 1]]).triangles, 0, view, 97, 61, { lo: 0, hi: 2, lut: LUT });
    expect(r.value.every((v) => v === 1)).toBe(true);
  });
});

describe("hover and axes", () => {
  const c = new Cloud(2, 2);
  const { xy, v } = unitSquare((x, y) => x + y, 3);
  c.append(xy, Float64Array.from(Array.from(v).flatMap((a) => [a, -a])));
  const plot = { x: 0, y: 0, w: 100, h: 100 };
  const raster = rasterize(c, c.mesh([[-1, 1], [-1, 1]]).triangles, 1, view, 100, 100, { lo: -2, hi: 2, lut: LUT });
  const f: CloudFrame = { plot, ...view, kind: "2d", ax: 0, ay: 1, comp: 1, lo: -2, hi: 2, raster, dpr: 1 };
  it("snaps to a data point and shows its exact vector value", () => {
    expect(hoverText(f, c, 99, 1)).toBe("x = 1\ny = 1\nvalue = [2, -2]");
  });
  it("shows the interpolated component elsewhere, and nothing outside the plot", () => {
    expect(hoverText(f, c, 75, 25)).toBe("x = 0.5\ny = 0.5\nvalue[1] ≈ -1") // pixel centre (0.51, 0.49);
    expect(hoverText(f, c, 150, 50)).toBeNull();
  });
  it("names the projected axes in 3+ D and keeps the chosen axes distinct", () => {
    const c3 = new Cloud(3);
    c3.append(f64(0.1, 0.2, 0.3), f64(7));
    const f3: CloudFrame = { ...f, kind: "nd", ax: 2, ay: 0, x0: 0, x1: 1, y0: 0, y1: 1, raster: null, comp: 0 };
    expect(hoverText(f3, c3, 30, 90)).toBe("x0 = 0.1\nx1 = 0.2\nx2 = 0.3\nvalue = 7");
    expect(hoverText(f3, c3, 60, 50)).toBe("x2 = 0.6\nx0 = 0.5");
    const meta = { title: "", kind: "nd" as const, box: [[0, 1], [0, 1], [0, 1]] as [number, number][] };
    expect(panelAxes(meta, c3, { comp: 0, edges: false, ax: 2, ay: 2 })).toEqual([2, 0]);
    expect(panelAxes({ ...meta, kind: "2d" }, c3, { comp: 0, edges: false, ax: 2, ay: 1 })).toEqual([0, 1]);
    expect(axisRange(meta.box, c3, 1)).toEqual([0, 1]);
    expect(axisRange(null, c3, 1)[0]).toBeLessThan(0.2);
  });
});

describe("Store in 2+ D", () => {
  it("keeps 2D chunks as clouds, detects gaps and replaces on 'full'", () => {
    const st = new Store();
    const h = (start: number, n: number) => ({ i: 0, start, n, vdim: 1, dim: 2 });
    expect(st.apply({ type: "append", seq: 1, series: [h(0, 2)] }, [dv(f64(0, 0, 1, 1)), dv(f64(3, 4))])).toBe(true);
    expect(st.series[0]).toBeInstanceOf(Cloud);
    expect(st.apply({ type: "append", seq: 2, series: [h(3, 1)] }, [dv(f64(0, 1)), dv(f64(9))])).toBe(false);
    expect(st.apply({ type: "append", seq: 3, series: [h(2, 1)] }, [dv(f64(0, 1)), dv(f64(9))])).toBe(true);
    const c = st.series[0] as Cloud;
    expect([c.n, c.newestStart]).toEqual([3, 2]);
    expect(st.apply({ type: "full", seq: 4, series: [h(0, 1)] }, [dv(f64(5, 5)), dv(f64(1))])).toBe(true);
    expect([c.n, c.newestStart, c.vmin[0], c.vmax[0]]).toEqual([1, 1, 1, 1]);
    // a panel that changes dimension (a replaced learner) starts a new cloud
    const h3 = { i: 0, start: 0, n: 1, vdim: 1, dim: 3 };
    expect(st.apply({ type: "full", seq: 5, series: [h3] }, [dv(f64(1, 2, 3)), dv(f64(0))])).toBe(true);
    expect((st.series[0] as Cloud).dim).toBe(3);
  });
});
