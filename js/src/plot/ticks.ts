// Axis ticks at "nice" numbers (1, 2, 2.5, 5 x 10^k).

/** Tick positions covering [lo, hi] with at most about `maxTicks` ticks. */
export function niceTicks(lo: number, hi: number, maxTicks = 6): { ticks: number[]; step: number } {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { ticks: [], step: 0 };
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return { ticks: [lo], step: 0 };
  const raw = (hi - lo) / Math.max(1, maxTicks);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const mult = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  const step = mult * mag;
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) {
    const v = Number((i * step).toPrecision(12)); // 3 * 0.2 is 0.6000000000000001
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return { ticks, step };
}

/** Tick label with just enough decimals for `step`. */
export function formatTick(v: number, step: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-4) {
    // Enough digits that neighbouring ticks differ (1.2346e5, 1.2348e5), at least 2 as before.
    const digits = step > 0 ? Math.floor(Math.log10(a)) - Math.floor(Math.log10(step) + 1e-9) + 1 : 2;
    return v.toExponential(Math.max(2, Math.min(12, digits))).replace(/\.?0+e/, "e").replace("e+", "e");
  }
  const decimals = step > 0 ? Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9) + (step / 10 ** Math.floor(Math.log10(step)) === 2.5 ? 1 : 0))) : 3;
  return v.toFixed(decimals);
}

/** Padded [lo, hi] data range; degenerate or empty ranges become a unit interval. */
export function paddedRange(lo: number, hi: number, pad = 0.05): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi === lo) {
    const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    return [lo - d, hi + d];
  }
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}
