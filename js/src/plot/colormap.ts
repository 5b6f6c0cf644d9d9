// Perceptually ordered colour map for heat maps: a 256-entry RGB table interpolated between
// anchor colours sampled from matplotlib's "viridis" (dark blue -> green -> yellow), which stays
// readable in grey scale and for the common colour-vision deficiencies.

const ANCHORS: [number, number, number][] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 73, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [110, 206, 88],
  [181, 222, 43],
  [253, 231, 37],
];

/** RGB bytes, 256 entries x 3 (entry 0 = lowest value). */
export const LUT: Uint8Array = (() => {
  const out = new Uint8Array(256 * 3);
  const last = ANCHORS.length - 1;
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * last;
    const k = Math.min(last - 1, Math.floor(t));
    const f = t - k;
    for (let c = 0; c < 3; c++) out[3 * i + c] = Math.round(ANCHORS[k][c] * (1 - f) + ANCHORS[k + 1][c] * f);
  }
  return out;
})();

/** LUT index (0..255) of `v` on the scale [lo, hi]; a degenerate scale maps to the middle. */
export function lutIndex(v: number, lo: number, hi: number): number {
  if (!(hi > lo)) return 128;
  const i = Math.round(((v - lo) / (hi - lo)) * 255);
  return i < 0 ? 0 : i > 255 ? 255 : i;
}

/** CSS colour of `v` on the scale [lo, hi]. */
export function cssColor(v: number, lo: number, hi: number): string {
  const i = 3 * lutIndex(v, lo, hi);
  return `rgb(${LUT[i]},${LUT[i + 1]},${LUT[i + 2]})`;
}
