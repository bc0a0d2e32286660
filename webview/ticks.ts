/** The size axis' ticks: pure arithmetic, apart from chart.js and the DOM (test/unit/charts.test.ts). */

/** Ticks at 1, 2 and 5 × 10^k inside [lo, hi]; only powers of ten when that would be crowded. */
export function sizeTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** e).toPrecision(6));
      if (v >= lo && v <= hi) ticks.push(v);
    }
  }
  // A power of ten, within rounding (the ticks are computed as m × 10^k, then rounded to 6 digits).
  const power = (v: number): boolean => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;
  return ticks.length > 10 ? ticks.filter((v) => power(v) || v === ticks[0]) : ticks;
}
