// One learner's points on the front end: kept sorted by x so that drawing, decimation and the
// hover look-up are O(n) or O(log n), and new points are merged in O(n + k log k).

export class Series {
  vdim: number;
  n = 0;
  /** Points received so far, in the kernel's tell order (== the kernel-side cursor). */
  received = 0;
  xs: Float64Array;
  ys: Float64Array; // row-major, n x vdim
  newestX: Float64Array = new Float64Array(0);
  newestY: Float64Array = new Float64Array(0);
  ymin: number = Infinity;
  ymax: number = -Infinity;

  constructor(vdim = 1, capacity = 1024) {
    this.vdim = vdim;
    this.xs = new Float64Array(capacity);
    this.ys = new Float64Array(capacity * vdim);
  }

  clear(vdim: number): void {
    this.vdim = vdim;
    this.n = 0;
    this.received = 0;
    this.ymin = Infinity;
    this.ymax = -Infinity;
    this.newestX = new Float64Array(0);
    this.newestY = new Float64Array(0);
    if (this.ys.length < this.xs.length * vdim) this.ys = new Float64Array(this.xs.length * vdim);
  }

  /** Merge k new points (any order) into the sorted arrays. */
  append(x: Float64Array, y: Float64Array): void {
    const k = x.length;
    const v = this.vdim;
    if (y.length !== k * v) throw new Error(`append: ${k} x values but ${y.length} y values for vdim ${v}`);
    this.received += k;
    if (k === 0) return;
    // Sort the chunk by x (argsort), tracking the y range on the way.
    const order = new Uint32Array(k);
    for (let i = 0; i < k; i++) order[i] = i;
    order.sort((a, b) => x[a] - x[b]);
    for (let i = 0; i < k * v; i++) {
      const yi = y[i];
      if (Number.isFinite(yi)) {
        if (yi < this.ymin) this.ymin = yi;
        if (yi > this.ymax) this.ymax = yi;
      }
    }
    const n = this.n;
    if (n + k > this.xs.length) {
      const cap = Math.max(n + k, this.xs.length * 2);
      const nx = new Float64Array(cap);
      nx.set(this.xs.subarray(0, n));
      const ny = new Float64Array(cap * v);
      ny.set(this.ys.subarray(0, n * v));
      this.xs = nx;
      this.ys = ny;
    }
    const xs = this.xs;
    const ys = this.ys;
    // Backward in-place merge: largest element first, so nothing unread is overwritten.
    let i = n - 1;
    let j = k - 1;
    let w = n + k - 1;
    while (j >= 0) {
      const xj = x[order[j]];
      if (i >= 0 && xs[i] > xj) {
        xs[w] = xs[i];
        for (let d = 0; d < v; d++) ys[w * v + d] = ys[i * v + d];
        i--;
      } else {
        xs[w] = xj;
        const src = order[j] * v;
        for (let d = 0; d < v; d++) ys[w * v + d] = y[src + d];
        j--;
      }
      w--;
    }
    this.n = n + k;
    this.newestX = Float64Array.from(x);
    this.newestY = Float64Array.from(y);
  }

  get xmin(): number {
    return this.n ? this.xs[0] : NaN;
  }

  get xmax(): number {
    return this.n ? this.xs[this.n - 1] : NaN;
  }

  /** Index of the point whose x is nearest to `x` (binary search), or -1 when empty. */
  nearest(x: number): number {
    const n = this.n;
    if (!n) return -1;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.xs[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && Math.abs(this.xs[lo - 1] - x) <= Math.abs(this.xs[lo] - x)) return lo - 1;
    return lo;
  }
}

/**
 * Pixel-column decimation (M4): for each pixel column keep the first, min, max and last point of
 * dimension `d`, so a polyline of <= 4 * width vertices looks identical to the full line.
 * NaN/inf values break the line (emitted as NaN). Returns interleaved [px, py, ...] in pixels.
 */
export function decimate(
  s: Series,
  d: number,
  x0: number,
  x1: number,
  width: number,
  toPy: (y: number) => number,
  left = 0,
): Float64Array {
  const n = s.n;
  const v = s.vdim;
  const out: number[] = [];
  const push = (px: number, py: number) => {
    out.push(px, py);
  };
  const scale = width / (x1 - x0 || 1);
  let col = NaN;
  let firstI = -1;
  let lastI = -1;
  let minI = -1;
  let maxI = -1;
  const flush = () => {
    if (firstI < 0) return;
    const idx = [firstI, minI, maxI, lastI].sort((a, b) => a - b);
    let prev = -1;
    for (const ii of idx) {
      if (ii === prev) continue;
      prev = ii;
      push(left + (s.xs[ii] - x0) * scale, toPy(s.ys[ii * v + d]));
    }
    firstI = -1;
  };
  for (let i = 0; i < n; i++) {
    const y = s.ys[i * v + d];
    if (!Number.isFinite(y)) {
      flush();
      push(NaN, NaN);
      col = NaN;
      continue;
    }
    const c = Math.floor((s.xs[i] - x0) * scale);
    if (c !== col) {
      flush();
      col = c;
      firstI = minI = maxI = lastI = i;
    } else {
      lastI = i;
      if (y < s.ys[minI * v + d]) minI = i;
      if (y > s.ys[maxI * v + d]) maxI = i;
    }
  }
  flush();
  return Float64Array.from(out);
}
