// The live plot's downloads: its data as CSV (from the page's own copy of the points, so an export
// costs the kernel nothing) and the canvas as PNG.
import { Cloud } from "./cloud";
import type { PanelMeta } from "./draw";
import { Series } from "./series";
import { ErrorBars, RunningMean } from "./views";

type PanelData = Series | Cloud | ErrorBars | RunningMean;

/** A CSV field: quoted when it holds a comma, a quote or a line break. */
export function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A number as CSV text: the shortest text that reads back as the same float64. */
const num = (v: number) => (Number.isNaN(v) ? "nan" : Number.isFinite(v) ? String(v) : v > 0 ? "inf" : "-inf");

/** One column per output component: `name` for scalars, `name[k]` for vectors. */
function valueColumns(name: string, vdim: number): string[] {
  return vdim > 1 ? Array.from({ length: vdim }, (_, k) => `${name}[${k}]`) : [name];
}

/** Header and rows of one panel's data (null: nothing to export for this kind). */
function panelTable(meta: PanelMeta, s: PanelData | undefined): { head: string[]; rows: string[][] } | null {
  if (s instanceof ErrorBars) {
    const order = s.sorted();
    const rows = Array.from(order, (j) => [num(s.xs[j]), num(s.mean(j)), num(s.error(j)), String(s.count(j))]);
    return { head: [meta.xlabel ?? "x", meta.ylabel ?? "mean", "error", "samples"], rows };
  }
  if (s instanceof RunningMean) {
    const rows = Array.from({ length: s.n }, (_, j) => [String(j + 1), num(s.mean[j]), num(s.se[j])]);
    return { head: ["samples", meta.ylabel ?? "mean", "standard error"], rows };
  }
  if (s instanceof Series) {
    const v = s.vdim;
    const rows = Array.from({ length: s.n }, (_, i) => [num(s.xs[i]), ...Array.from({ length: v }, (_, d) => num(s.ys[i * v + d]))]);
    return { head: [meta.xlabel ?? "x", ...valueColumns(meta.ylabel ?? "y", v)], rows };
  }
  if (s instanceof Cloud) {
    const { dim, vdim } = s;
    const inputs = dim === 2 ? [meta.xlabel ?? "x", meta.ylabel ?? "y"] : Array.from({ length: dim }, (_, d) => `x${d}`);
    const rows = Array.from({ length: s.n }, (_, i) => [
      ...Array.from({ length: dim }, (_, d) => num(s.coords[i * dim + d])),
      ...Array.from({ length: vdim }, (_, d) => num(s.values[i * vdim + d])),
    ]);
    return { head: [...inputs, ...valueColumns(meta.zlabel ?? "value", vdim)], rows };
  }
  return null;
}

/**
 * The data of every panel as one CSV text: the points and their values (one column per output
 * component). With several panels (a BalancingLearner) a first column names the panel, and each
 * panel's rows follow its own header line when the panels' columns differ.
 */
export function toCsv(panels: PanelMeta[], series: (PanelData | unknown)[]): string {
  const tables = panels
    .map((meta, i) => ({ meta, t: panelTable(meta, series[i] as PanelData | undefined) }))
    .filter((p): p is { meta: PanelMeta; t: NonNullable<ReturnType<typeof panelTable>> } => p.t !== null);
  const lines: string[] = [];
  const many = panels.length > 1;
  let head = "";
  for (const { meta, t } of tables) {
    const h = (many ? ["panel", ...t.head] : t.head).map(csvField).join(",");
    if (h !== head) lines.push(h);
    head = h;
    const prefix = many ? [csvField(meta.title)] : [];
    for (const r of t.rows) lines.push([...prefix, ...r].join(","));
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}

/** Offer `blob` as a download named `filename` (an <a download> clicked inside `parent`). */
export function download(parent: HTMLElement, blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.style.display = "none";
  parent.appendChild(a);
  a.click();
  a.remove();
  // The browser has read the URL once the click's navigation started; free it a little later.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
