// The points of a learner over 2 or more input dimensions, as received from the kernel (in tell
// order, appended chunk by chunk), with the page's own Delaunay triangulation of 2D points and
// a linear-interpolation rasterizer for the heat map. The kernel never sends a mesh: every update
// costs bytes proportional to its new points, and the page re-triangulates (O(n log n), a few ms
// at 10k points) only when the points changed since the last draw.
import Delaunator from "delaunator";

export type Box = [number, number][];

/** Delaunay triangles (vertex index triples) and, per half-edge, its twin (-1 on the hull). */
export interface Mesh {
  triangles: Uint32Array;
  halfedges: Int32Array;
}

const EMPTY: Mesh = { triangles: new Uint32Array(0), halfedges: new Int32Array(0) };

export class Cloud {
  dim: number;
  vdim: number;
  n = 0;
  /** Points received so far (== the kernel-side cursor). */
  received = 0;
  coords: Float64Array; // row-major, n x dim
  values: Float64Array; // row-major, n x vdim
  /** Points [newestStart, n) arrived in the latest appended chunk. */
  newestStart = 0;
  /** Finite range of each output component. */
  vmin: Float64Array;
  vmax: Float64Array;
  private tri: Mesh | null = null;
  private triKey = "";

  constructor(dim: number, vdim = 1, capacity = 1024) {
    this.dim = dim;
    this.vdim = vdim;
    this.coords = new Float64Array(capacity * dim);
    this.values = new Float64Array(capacity * vdim);
    this.vmin = new Float64Array(vdim).fill(Infinity);
    this.vmax = new Float64Array(vdim).fill(-Infinity);
  }

  clear(dim: number, vdim: number): void {
    this.dim = dim;
    this.vdim = vdim;
    this.n = this.received = this.newestStart = 0;
    this.vmin = new Float64Array(vdim).fill(Infinity);
    this.vmax = new Float64Array(vdim).fill(-Infinity);
    this.tri = null;
    this.triKey = "";
  }

  /** Append k points (`coords`: k x dim, `values`: k x vdim, row-major). */
  append(coords: Float64Array, values: Float64Array): void {
    const { dim, vdim } = this;
    const k = coords.length / dim;
    if (!Number.isInteger(k) || values.length !== k * vdim) {
      throw new Error(`append: ${coords.length} coordinates and ${values.length} values do not fit dim ${dim}, vdim ${vdim}`);
    }
    this.received += k;
    const n = this.n;
    if ((n + k) * dim > this.coords.length) {
      const cap = Math.max(n + k, (2 * this.coords.length) / dim);
      const c = new Float64Array(cap * dim);
      c.set(this.coords.subarray(0, n * dim));
      const v = new Float64Array(cap * vdim);
      v.set(this.values.subarray(0, n * vdim));
      this.coords = c;
      this.values = v;
    }
    this.coords.set(coords, n * dim);
    this.values.set(values, n * vdim);
    for (let i = 0; i < k; i++) {
      for (let d = 0; d < vdim; d++) {
        const y = values[i * vdim + d];
        if (Number.isFinite(y)) {
          if (y < this.vmin[d]) this.vmin[d] = y;
          if (y > this.vmax[d]) this.vmax[d] = y;
        }
      }
    }
    this.n = n + k;
    this.newestStart = n;
  }

  /** Forget which points are new (a full resend is history, not news). */
  /** Mark only the last `k` points as newest (0: all are old). */
  markNewest(k: number): void {
    this.newestStart = this.n - Math.max(0, Math.min(k, this.n));
  }

  /**
   * Delaunay triangles (vertex index triples) of the points projected on axes `ax`, `ay`, in
   * coordinates scaled by `box` (as the learners triangulate: a mesh of a 1000-wide by 1-high
   * domain would otherwise be all slivers). Cached until the points or the axes change.
   */
  mesh(box: Box, ax = 0, ay = 1): Mesh {
    const key = `${this.n}:${ax}:${ay}:${box.flat().join(",")}`;
    if (this.tri && this.triKey === key) return this.tri;
    const n = this.n;
    let tri = EMPTY;
    if (n >= 3) {
      const [x0, x1] = box[ax];
      const [y0, y1] = box[ay];
      const sx = 1 / (x1 - x0 || 1);
      const sy = 1 / (y1 - y0 || 1);
      const xy = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        xy[2 * i] = (this.coords[i * this.dim + ax] - x0) * sx;
        xy[2 * i + 1] = (this.coords[i * this.dim + ay] - y0) * sy;
      }
      const d = new Delaunator(xy);
      tri = { triangles: d.triangles, halfedges: d.halfedges };
    }
    this.tri = tri;
    this.triKey = key;
    return tri;
  }

  /** Index of the point nearest to (x, y) in the units given by scales sx, sy; -1 if empty. */
  nearest(x: number, y: number, sx: number, sy: number, ax = 0, ay = 1): number {
    let best = -1;
    let bestD = Infinity;
    const { dim, coords } = this;
    for (let i = 0; i < this.n; i++) {
      const dx = (coords[i * dim + ax] - x) * sx;
      const dy = (coords[i * dim + ay] - y) * sy;
      const d = dx * dx + dy * dy;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }
}

/** Pixel raster of a panel: RGBA bytes and the interpolated value of every pixel (NaN = none). */
export interface Raster {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
  value: Float32Array;
}

/**
 * Linear interpolation of component `comp` over the triangles, sampled at pixel centres of a
 * `width` x `height` raster spanning [x0, x1] x [y0, y1] (y up), coloured through `lut` on the
 * scale [lo, hi]. Cost: O(pixels covered + triangles). Triangles with a non-finite vertex value
 * are left out (transparent), as is everything outside the hull of the points.
 */
const EPS = -1e-9;

export function rasterize(
  cloud: Cloud,
  tri: Uint32Array,
  comp: number,
  view: { x0: number; x1: number; y0: number; y1: number },
  width: number,
  height: number,
  scale: { lo: number; hi: number; lut: Uint8Array },
  ax = 0,
  ay = 1,
): Raster {
  const rgba = new Uint8ClampedArray(width * height * 4);
  const value = new Float32Array(width * height).fill(NaN);
  const { dim, vdim, coords, values } = cloud;
  const kx = width / (view.x1 - view.x0 || 1);
  const ky = height / (view.y1 - view.y0 || 1);
  const span = scale.hi > scale.lo ? 255 / (scale.hi - scale.lo) : 0;
  const { lut, lo: lo_ } = scale;
  for (let t = 0; t < tri.length; t += 3) {
    const a = tri[t];
    const b = tri[t + 1];
    const c = tri[t + 2];
    const va = values[a * vdim + comp];
    const vb = values[b * vdim + comp];
    const vc = values[c * vdim + comp];
    if (!Number.isFinite(va) || !Number.isFinite(vb) || !Number.isFinite(vc)) continue;
    // Vertex positions in pixel units (row 0 at the top).
    const ax_ = (coords[a * dim + ax] - view.x0) * kx;
    const ay_ = (view.y1 - coords[a * dim + ay]) * ky;
    const bx = (coords[b * dim + ax] - view.x0) * kx;
    const by = (view.y1 - coords[b * dim + ay]) * ky;
    const cx = (coords[c * dim + ax] - view.x0) * kx;
    const cy = (view.y1 - coords[c * dim + ay]) * ky;
    const area = (bx - ax_) * (cy - ay_) - (by - ay_) * (cx - ax_);
    if (area === 0) continue;
    const inv = 1 / area;
    const j0 = Math.max(0, Math.ceil(Math.min(ay_, by, cy) - 0.5));
    const j1 = Math.min(height - 1, Math.floor(Math.max(ay_, by, cy) - 0.5));
    const iMin = Math.max(0, Math.ceil(Math.min(ax_, bx, cx) - 0.5));
    const iMax = Math.min(width - 1, Math.floor(Math.max(ax_, bx, cx) - 0.5));
    // Barycentric weights are linear in px along a row: w = w0 + dw * px. Each row visits only
    // the span where all three are >= EPS (a small negative tolerance, so that pixels on an
    // edge shared by two triangles are covered by at least one of them).
    const dwa = (by - cy) * inv;
    const dwb = (cy - ay_) * inv;
    const dwc = -dwa - dwb;
    for (let j = j0; j <= j1; j++) {
      const py = j + 0.5;
      const wa0 = (bx * (cy - py) - cx * (by - py)) * inv;
      const wb0 = (cx * (ay_ - py) - ax_ * (cy - py)) * inv;
      const wc0 = 1 - wa0 - wb0;
      let lo = -Infinity;
      let hi = Infinity;
      if (dwa > 0) lo = (EPS - wa0) / dwa;
      else if (dwa < 0) hi = (EPS - wa0) / dwa;
      else if (wa0 < EPS) continue;
      if (dwb > 0) lo = Math.max(lo, (EPS - wb0) / dwb);
      else if (dwb < 0) hi = Math.min(hi, (EPS - wb0) / dwb);
      else if (wb0 < EPS) continue;
      if (dwc > 0) lo = Math.max(lo, (EPS - wc0) / dwc);
      else if (dwc < 0) hi = Math.min(hi, (EPS - wc0) / dwc);
      else if (wc0 < EPS) continue;
      const i0 = Math.max(iMin, Math.ceil(lo - 0.5));
      const i1 = Math.min(iMax, Math.floor(hi - 0.5));
      const row = j * width;
      for (let i = i0; i <= i1; i++) {
        const px = i + 0.5;
        const wa = wa0 + dwa * px;
        const wb = wb0 + dwb * px;
        const v = wa * va + wb * vb + (1 - wa - wb) * vc;
        const p = row + i;
        value[p] = v;
        let li = Math.round((v - lo_) * span);
        li = span === 0 ? 128 : li < 0 ? 0 : li > 255 ? 255 : li;
        const q = 4 * p;
        rgba[q] = lut[3 * li];
        rgba[q + 1] = lut[3 * li + 1];
        rgba[q + 2] = lut[3 * li + 2];
        rgba[q + 3] = 255;
      }
    }
  }
  return { width, height, rgba, value };
}
