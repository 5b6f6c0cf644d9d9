// Number and time formatting shared by the widgets (pure; unit-tested).

/** "0:01:05.3" style elapsed time, like datetime.timedelta but with one decimal. */
export function formatElapsed(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "–";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds - 3600 * h - 60 * m;
  const ss = s.toFixed(1).padStart(4, "0");
  return `${h}:${String(m).padStart(2, "0")}:${ss}`;
}

/** Compact number: up to `digits` significant digits, exponent form when very large/small. */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return "–";
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(digits - 1).replace(/\.?0+e/, "e");
  return String(Number(v.toPrecision(digits)));
}

/** Background colour for an overhead percentage: green (0 %) to red (100 %). */
export function overheadColor(percent: number): string {
  const r = Math.max(0, Math.min(255, Math.round((255 * percent) / 100)));
  const hex = (n: number) => n.toString(16).padStart(2, "0");
  return `#${hex(r)}${hex(255 - r)}00`;
}
