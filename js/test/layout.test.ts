import { describe, expect, it } from "vitest";
import { Cloud } from "../src/plot/cloud";
import { csvField, toCsv } from "../src/plot/export";
import { bottomSpace, fitText, layoutPlot, type Measure, PAD, type Range, type Rect, tickLabelBoxes } from "../src/plot/layout";
import { Series } from "../src/plot/series";
import { ErrorBars } from "../src/plot/views";

const f64 = (...v: number[]) => new Float64Array(v);
/** A font `px` pixels per character wide (digits, signs and "e" alike). */
const mono = (px: number): Measure => (s) => px * s.length;

function inside(box: Rect, cell: Rect): boolean {
  return box.x >= cell.x - 1e-9 && box.x + box.w <= cell.x + cell.w + 1e-9 && box.y >= cell.y && box.y + box.h <= cell.y + cell.h;
}

/** Every tick label inside the cell, and no two x tick labels overlapping. */
function checkLayout(measure: Measure, cell: Rect, r: Range, opts = {}): void {
  const l = layoutPlot(measure, cell, r, opts);
  const boxes = tickLabelBoxes(measure, l, r);
  for (const b of boxes) expect(inside(b, cell), `${JSON.stringify(b)} outside ${JSON.stringify(cell)} for ${JSON.stringify(r)}`).toBe(true);
  const xs = boxes.slice(0, l.xt.ticks.length);
  for (let k = 1; k < xs.length; k++) expect(xs[k].x).toBeGreaterThan(xs[k - 1].x + xs[k - 1].w);
  expect(l.plot.w).toBeGreaterThan(0);
  expect(l.plot.x).toBeGreaterThanOrEqual(cell.x);
  expect(l.plot.x + l.plot.w).toBeLessThanOrEqual(cell.x + cell.w);
}

describe("layoutPlot", () => {
  const cell = { x: 0, y: 0, w: 640, h: 320 };
  it("makes room for long, negative and exponent tick labels", () => {
    const wide = { x0: -123456.7, x1: -123400.1, y0: -123456.7, y1: 98765.4 };
    checkLayout(mono(7), cell, wide);
    const l = layoutPlot(mono(7), cell, wide);
    const longest = Math.max(...l.yt.labels.map((s) => s.length));
    expect(l.plot.x).toBeGreaterThanOrEqual(7 * longest + 6); // the widest y label fits left of the axis
    checkLayout(mono(7), cell, { x0: 0, x1: 1e-7, y0: -3e-7, y1: 1e-7 });
    checkLayout(mono(7), cell, { x0: 1e5, x1: 1e9, y0: 0, y1: 1 });
  });
  it("keeps the labels inside for any range, cell and font", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let k = 0; k < 400; k++) {
      const scale = 10 ** Math.floor(rand() * 24 - 12);
      const a = (rand() - 0.5) * 2e6 * scale;
      const b = a + rand() * 1e6 * scale + scale * 1e-3;
      const c = (rand() - 0.5) * 1e7 * scale;
      const cellK = { x: Math.floor(rand() * 300), y: Math.floor(rand() * 300), w: 200 + Math.floor(rand() * 700), h: 200 + Math.floor(rand() * 200) };
      checkLayout(mono(5 + rand() * 5), cellK, { x0: a, x1: b, y0: Math.min(c, -c), y1: Math.max(c, -c) + scale }, { xlabel: "x", ylabel: "f(x)" });
    }
  });
  it("reserves space for the axis labels and a colour bar", () => {
    const r = { x0: 0, x1: 1, y0: 0, y1: 1 };
    const bare = layoutPlot(mono(6), cell, r);
    const labelled = layoutPlot(mono(6), cell, r, { xlabel: "x", ylabel: "peak(x)", right: 80 });
    expect(labelled.plot.x).toBeGreaterThan(bare.plot.x);
    expect(labelled.plot.h).toBe(cell.h - 20 - bottomSpace("x"));
    expect(bottomSpace("x")).toBeGreaterThan(bottomSpace());
    expect(cell.w - (labelled.plot.x + labelled.plot.w)).toBeGreaterThanOrEqual(80);
    expect(bare.plot.x).toBeGreaterThanOrEqual(PAD);
  });
  it("cuts labels that do not fit with an ellipsis", () => {
    expect(fitText(mono(6), "short", 100)).toBe("short");
    const cut = fitText(mono(6), "a_rather_long_function_name(x)", 60);
    expect(cut.endsWith("…")).toBe(true);
    expect(mono(6)(cut)).toBeLessThanOrEqual(60);
    expect(fitText(mono(6), "abc", 3)).toBe("");
  });
});

describe("CSV export", () => {
  it("writes a 1D learner's points with one column per output component", () => {
    const s = new Series(2);
    s.append(f64(0.5, -1), f64(1, 2, 3, 4));
    expect(toCsv([{ title: "", kind: "1d", xlabel: "t", ylabel: "peak(t)" }], [s])).toBe(
      "t,peak(t)[0],peak(t)[1]\n-1,3,4\n0.5,1,2\n",
    );
    const scalar = new Series(1);
    scalar.append(f64(0.1, 1e-7), f64(NaN, -123456.7));
    expect(toCsv([{ title: "", kind: "1d" }], [scalar])).toBe("x,y\n1e-7,-123456.7\n0.1,nan\n");
  });
  it("writes 2D points with their values, and a panel column for several learners", () => {
    const c = new Cloud(2, 1);
    c.append(f64(0, 1, 2, 3), f64(5, Infinity));
    const s = new Series(1);
    s.append(f64(2), f64(4));
    const panels = [
      { title: "learner 0", kind: "2d" as const, xlabel: "x", ylabel: "y", zlabel: "ring(x, y)" },
      { title: "learner 1", kind: "1d" as const, xlabel: "x", ylabel: "f(x)" },
    ];
    expect(toCsv(panels, [c, s])).toBe(
      'panel,x,y,"ring(x, y)"\nlearner 0,0,1,5\nlearner 0,2,3,inf\npanel,x,f(x)\nlearner 1,2,4\n',
    );
  });
  it("writes an AverageLearner1D's means, errors and sample counts by x", () => {
    const eb = new ErrorBars();
    eb.upsert(f64(1, 0), f64(2, 0.1, 40, 3, 0.2, 10));
    expect(toCsv([{ title: "", kind: "average1d", xlabel: "x", ylabel: "f(x)" }], [eb])).toBe(
      "x,f(x),error,samples\n0,3,0.2,10\n1,2,0.1,40\n",
    );
  });
  it("quotes fields that need it", () => {
    expect(csvField('say "hi", twice')).toBe('"say ""hi"", twice"');
    expect(csvField("plain")).toBe("plain");
  });
});
