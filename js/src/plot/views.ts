// Page-side data of the learner-specific views (see adaptive_nb/notebook/_live_views.py):
// AverageLearner (running mean), AverageLearner1D (means, errors, counts by x), and the
// header info of IntegratorLearner and SequenceLearner panels (whose points live in a Series).
import { Series } from "./series";

function grow(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Float64Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/**
 * AverageLearner: the running mean and its standard error after each sample, in tell order.
 * Welford's update keeps both exact to rounding whatever the number of samples.
 */
export class RunningMean {
  received = 0;
  mean: Float64Array<ArrayBuffer> = new Float64Array(1024);
  /** Standard error after k + 1 samples (NaN before two). */
  se: Float64Array<ArrayBuffer> = new Float64Array(1024);
  lo = Infinity; // range of mean +- se over the finite entries
  hi = -Infinity;
  private m = 0;
  private m2 = 0;
  private count = 0; // finite values so far

  get n(): number {
    return this.received;
  }

  clear(): void {
    this.received = this.count = 0;
    this.m = this.m2 = 0;
    this.lo = Infinity;
    this.hi = -Infinity;
  }

  append(values: Float64Array): void {
    const k = values.length;
    this.mean = grow(this.mean, this.received + k);
    this.se = grow(this.se, this.received + k);
    for (let i = 0; i < k; i++) {
      const y = values[i];
      if (Number.isFinite(y)) {
        this.count++;
        const d = y - this.m;
        this.m += d / this.count;
        this.m2 += d * (y - this.m);
      }
      const j = this.received++;
      const c = this.count;
      this.mean[j] = c ? this.m : NaN;
      this.se[j] = c > 1 ? Math.sqrt(Math.max(this.m2, 0) / (c - 1) / c) : NaN;
      const s = Number.isFinite(this.se[j]) ? this.se[j] : 0;
      if (c) {
        this.lo = Math.min(this.lo, this.m - s);
        this.hi = Math.max(this.hi, this.m + s);
      }
    }
  }

  /** Range of mean +- se over the samples after the first `skip` (the early ones are noisy). */
  range(skip: number): [number, number] {
    let lo = Infinity;
    let hi = -Infinity;
    const n = this.received;
    const step = Math.max(1, Math.floor((n - skip) / 4096));
    for (let j = Math.min(skip, n - 1); j < n; j += step) {
      const m = this.mean[j];
      const s = Number.isFinite(this.se[j]) ? this.se[j] : 0;
      if (!Number.isFinite(m)) continue;
      lo = Math.min(lo, m - s);
      hi = Math.max(hi, m + s);
    }
    if (n) {
      const m = this.mean[n - 1];
      const s = Number.isFinite(this.se[n - 1]) ? this.se[n - 1] : 0;
      if (Number.isFinite(m)) {
        lo = Math.min(lo, m - s);
        hi = Math.max(hi, m + s);
      }
    }
    return [lo, hi];
  }
}

/**
 * AverageLearner1D: mean, error and sample count per x, updated in place (an upsert per message),
 * with a sorted order recomputed lazily when an x is added.
 */
export class ErrorBars {
  xs: Float64Array<ArrayBuffer> = new Float64Array(256);
  stats: Float64Array<ArrayBuffer> = new Float64Array(256 * 3); // mean, error, nsamples per slot
  received = 0; // distinct x
  newest: number[] = []; // slots changed by the last message
  private slot = new Map<number, number>();
  private order: Uint32Array | null = null;

  get n(): number {
    return this.received;
  }

  clear(): void {
    this.received = 0;
    this.slot.clear();
    this.order = null;
    this.newest = [];
  }

  /** Insert or update `x.length` points; `stats` holds (mean, error, nsamples) row by row. */
  upsert(x: Float64Array, stats: Float64Array): void {
    if (stats.length !== 3 * x.length) throw new Error(`upsert: ${x.length} x but ${stats.length} stats`);
    this.newest = [];
    for (let i = 0; i < x.length; i++) {
      let j = this.slot.get(x[i]);
      if (j === undefined) {
        j = this.received++;
        this.slot.set(x[i], j);
        this.xs = grow(this.xs, this.received);
        this.stats = grow(this.stats, 3 * this.received);
        this.xs[j] = x[i];
        this.order = null;
      }
      this.stats.set(stats.subarray(3 * i, 3 * i + 3), 3 * j);
      this.newest.push(j);
    }
  }

  /** Slots sorted by x. */
  sorted(): Uint32Array {
    if (!this.order || this.order.length !== this.received) {
      const o = new Uint32Array(this.received);
      for (let i = 0; i < o.length; i++) o[i] = i;
      o.sort((a, b) => this.xs[a] - this.xs[b]);
      this.order = o;
    }
    return this.order;
  }

  mean(j: number): number {
    return this.stats[3 * j];
  }
  error(j: number): number {
    return this.stats[3 * j + 1];
  }
  count(j: number): number {
    return this.stats[3 * j + 2];
  }

  /** y range of mean +- error (errors that are not finite count as 0), and the largest count. */
  extent(): { lo: number; hi: number; maxCount: number } {
    let lo = Infinity;
    let hi = -Infinity;
    let maxCount = 0;
    for (let j = 0; j < this.received; j++) {
      const m = this.mean(j);
      if (!Number.isFinite(m)) continue;
      const e = Number.isFinite(this.error(j)) ? this.error(j) : 0;
      lo = Math.min(lo, m - e);
      hi = Math.max(hi, m + e);
      maxCount = Math.max(maxCount, this.count(j));
    }
    return { lo, hi, maxCount };
  }

  /** Slot of the x nearest to `x`, or -1. */
  nearest(x: number): number {
    let best = -1;
    let d = Infinity;
    for (let j = 0; j < this.received; j++) {
      const dj = Math.abs(this.xs[j] - x);
      if (dj < d) {
        d = dj;
        best = j;
      }
    }
    return best;
  }
}

/** Integrator and sequence panels: their points (a Series) and the header's latest info. */
export class InfoSeries extends Series {
  info: Record<string, number | null> = {};
}

export type ViewData = RunningMean | ErrorBars | InfoSeries;
