/**
 * Every statistic against independently computed values. Unless a test names a publication, the
 * expected numbers are statsmodels 0.13.5 / scipy output printed by test/unit/expected/stats_expected.py.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cohenKappa,
  headlineDecision,
  headlineSpan,
  isSeparated,
  logistic,
  mcnemarExact,
  moverDifference,
  newcombe,
  ols,
  perArmToDecide,
  tQuantile,
  wilson,
  wls,
  Z95,
  type Rate,
} from '../../src/engine/analyse/stats';
import { close } from './helpers';
import stdlibTQuantile from '@stdlib/stats-base-dists-t-quantile';
import { T975, T975_MAX_DF } from '../../src/engine/analyse/tTable';

describe('wilson', () => {
  it('matches Newcombe (1998), Stat Med 17:857, Table II (method 3) to its 4 decimals', () => {
    // 81/263 → 0.2553–0.3662; 15/148 → 0.0624–0.1605; 0/20 → 0–0.1611; 1/29 → 0.0061–0.1718
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [k, n, lo, hi] of cases) {
      const r = wilson(k, n);
      assert.ok(r);
      assert.equal(r.lo.toFixed(4), lo.toFixed(4), `${k}/${n} lo`);
      assert.equal(r.hi.toFixed(4), hi.toFixed(4), `${k}/${n} hi`);
    }
  });

  it('matches statsmodels proportion_confint(method="wilson") to 1e-9', () => {
    const expected: Record<string, [number, number]> = {
      '81/263': [0.2552885198782742, 0.36620957698280004],
      '15/148': [0.06238639953073628, 0.16048724172330803],
      '1/29': [0.006113214292762667, 0.17175521879320294],
      '20/20': [0.8388748419471804, 0.9999999999999999],
      '55/58': [0.8586059880915734, 0.9822538653405896],
      '34/58': [0.45798408170855653, 0.703719736259167],
    };
    for (const [key, [lo, hi]] of Object.entries(expected)) {
      const [k, n] = key.split('/').map(Number) as [number, number];
      const r = wilson(k, n);
      close(r?.rate, k / n, 1e-15, key);
      close(r?.lo, lo, 1e-9, `${key} lo`);
      close(r?.hi, hi, 1e-9, `${key} hi`);
    }
  });

  it('is null with n = 0 and clamps to [0, 1]', () => {
    assert.equal(wilson(0, 0), null);
    assert.equal(wilson(0, 20)?.lo, 0);
    assert.ok((wilson(20, 20)?.hi ?? 2) <= 1);
  });
});

describe('Student t quantile', () => {
  it('matches scipy.stats.t.ppf(0.975, df) to 1e-9', () => {
    const expected: Record<number, number> = {
      1: 12.706204736432095,
      2: 4.302652729911275,
      3: 3.182446305284263,
      5: 2.5705818366147395,
      10: 2.2281388519649385,
      30: 2.0422724563012373,
    };
    for (const [df, t] of Object.entries(expected)) close(tQuantile(0.975, Number(df)), t, 1e-9, `df=${df}`);
  });
  it("p = 0.975 is stdlib's own value, bit for bit, for every tabled df and beyond the table", () => {
    // The table (src/engine/analyse/tTable.ts, from scripts/gen-t-table.mjs) against the function it stands for.
    for (let df = 1; df <= T975_MAX_DF + 2; df++)
      assert.ok(Object.is(tQuantile(0.975, df), stdlibTQuantile(0.975, df)), `df=${df}`);
    assert.equal(T975.length, T975_MAX_DF);
    assert.ok(
      Object.is(tQuantile(0.975, 2.5), stdlibTQuantile(0.975, 2.5)),
      'a df off the table is computed',
    );
    assert.ok(Object.is(tQuantile(0.995, 4), stdlibTQuantile(0.995, 4)), 'another p is computed');
  });
  it('matches mpmath at 40 digits to 1e-13 (3, 5 and 100 degrees of freedom)', () => {
    close(tQuantile(0.975, 3), 3.182446305283709592, 1e-13, 'df=3');
    close(tQuantile(0.975, 5), 2.570581835636315514, 1e-13, 'df=5');
    close(tQuantile(0.975, 100), 1.983971518523552286, 1e-13, 'df=100');
  });
});

describe('OLS and WLS', () => {
  const x = [0.8, 2, 4, 9, 27].map(Math.log10);
  const y = [58.620689655172406, 94.82758620689656, 78.94736842105263, 57.407407407407405, 6.224066390041494];
  const n = [58, 58, 57, 54, 241];

  it('OLS over five cells matches statsmodels OLS (slope, intercept, R², bse, conf_int)', () => {
    const f = ols(x, y);
    close(f.slope, -39.64661092797907, 1e-9, 'slope');
    close(f.intercept, 84.51412512074721, 1e-9, 'intercept');
    close(f.r2, 0.48688447777217336, 1e-9, 'r2');
    close(f.se, 23.498495282656616, 1e-9, 'se');
    close(f.ci?.[0], -114.4293104200093, 1e-9, 'ci lo');
    close(f.ci?.[1], 35.136088564051164, 1e-9, 'ci hi');
  });

  it('OLS over three cells (t with 1 df) matches statsmodels', () => {
    const f = ols(x.slice(0, 3), y.slice(0, 3));
    close(f.slope, 32.317801536177384, 1e-9, 'slope');
    close(f.intercept, 68.7805599604899, 1e-9, 'intercept');
    close(f.r2, 0.3897752103645219, 1e-9, 'r2');
    close(f.se, 40.43706493966945, 1e-9, 'se');
    close(f.ci?.[0], -481.4838245276627, 1e-9, 'ci lo');
    close(f.ci?.[1], 546.1194276000175, 1e-9, 'ci hi');
    close(f.residualSd, 20.04980401122598, 1e-9, 'residual sd');
  });

  it('OLS with two points has no standard error; R² is null when SStot = 0', () => {
    const f = ols([0, 1], [10, 20]);
    assert.equal(f.slope, 10);
    assert.equal(f.se, null);
    assert.equal(f.ci, null);
    assert.equal(ols([0, 1, 2], [5, 5, 5]).r2, null);
  });

  it('a flat group is fitted exactly: no slope or residual from rounding', () => {
    const y = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
    const f = ols([0, 0.3, 0.6, 0.9, 1.2, 1.5, 1.8], y);
    assert.deepEqual([f.slope, f.intercept, f.r2, f.se, f.residualSd], [0, 0.1, null, 0, 0]);
  });

  it('WLS weighted by n matches statsmodels WLS (slope, intercept, weighted R²)', () => {
    const f = wls(x, y, n);
    close(f.slope, -52.3055503904358, 1e-9, 'slope');
    close(f.intercept, 87.93321673310159, 1e-9, 'intercept');
    close(f.r2, 0.7220663745684304, 1e-9, 'r2');
  });
});

describe('logistic regression', () => {
  it('matches statsmodels Logit on the expanded trace-level data', () => {
    const x = [0.8, 2, 4, 9, 27].map(Math.log10);
    const k = [34, 55, 45, 31, 15];
    const n = [58, 58, 57, 54, 241];
    const f = logistic(x.map((xi, i) => ({ x: xi, k: k[i] as number, n: n[i] as number })));
    assert.equal(f.converged, true);
    close(f.alpha, 1.9529930958480293, 1e-9, 'alpha');
    close(f.beta, -2.6878037405663826, 1e-9, 'beta');
    close(f.se, 0.23615000601948807, 1e-9, 'se');
    close(f.ci?.[0], -3.1506492473134964, 1e-9, 'ci lo');
    close(f.ci?.[1], -2.224958233819269, 1e-9, 'ci hi');
  });

  it('a group where every point has the same rate converges in α too (ANALYSIS.md §9.7): statsmodels Logit', () => {
    // 1/10, 3/30, 6/60 at 4B, 12B, 27B. The first Newton step from (0, 0) moves β by ~1e-14 but α
    // only to −1.6 of −2.197: stopping on |Δβ| alone gave SE 1.008 instead of 1.256 (20% too small).
    const x = [4, 12, 27].map(Math.log10);
    const k = [1, 3, 6];
    const n = [10, 30, 60];
    const f = logistic(x.map((xi, i) => ({ x: xi, k: k[i] as number, n: n[i] as number })));
    assert.equal(f.converged, true);
    close(f.alpha, -2.1972245773362316, 1e-9, 'alpha'); // = logit(0.1)
    assert.ok(Math.abs(f.beta as number) < 1e-12, `β is 0 up to rounding: ${f.beta}`);
    close(f.se, 1.2561199233441909, 1e-9, 'se');
  });

  it('reports separation (ANALYSIS.md §3) instead of an infinite β', () => {
    const none = [
      { x: 0, k: 0, n: 10 },
      { x: 1, k: 0, n: 10 },
    ];
    const all = [
      { x: 0, k: 10, n: 10 },
      { x: 1, k: 5, n: 5 },
    ];
    const split = [
      { x: 0, k: 0, n: 10 },
      { x: 1, k: 4, n: 4 },
    ];
    const touching = [
      { x: 0, k: 0, n: 10 },
      { x: 1, k: 3, n: 6 },
      { x: 2, k: 5, n: 5 },
    ];
    for (const pts of [none, all, split]) {
      assert.equal(isSeparated(pts), true);
      const f = logistic(pts);
      assert.deepEqual([f.beta, f.se, f.ci, f.converged], [null, null, null, false]);
    }
    // failures at x ≤ 1 and successes at x ≥ 1: overlap at one x only is quasi-separation
    assert.equal(isSeparated(touching), true);
    assert.equal(
      isSeparated([
        { x: 0, k: 1, n: 10 },
        { x: 1, k: 3, n: 6 },
      ]),
      false,
    );
  });
});

describe('dilution: Newcombe and McNemar', () => {
  it('Newcombe square-and-add matches Newcombe (1998), Stat Med 17:873, example (a), method 10', () => {
    // 56/70 vs 48/80: difference 0.2000, 95% CI 0.0524 to 0.3339
    const b = wilson(56, 70);
    const a = wilson(48, 80);
    assert.ok(a && b);
    const [lo, hi] = newcombe(a, b);
    assert.equal((lo / 100).toFixed(4), '0.0524');
    assert.equal((hi / 100).toFixed(4), '0.3339');
  });

  it('MOVER for a difference is Newcombe (1998) method 10 on Wilson intervals: example (a), to its 4 decimals', () => {
    // Zou & Donner (2008) write Newcombe's square-and-add as the MOVER for θ1 − θ2.
    const b = wilson(56, 70);
    const a = wilson(48, 80);
    assert.ok(a && b);
    const [lo, hi] = moverDifference(b.rate, [b.lo, b.hi], a.rate, [a.lo, a.hi]);
    assert.deepEqual([lo.toFixed(4), hi.toFixed(4)], ['0.0524', '0.3339']);
  });

  it('exact McNemar matches statsmodels mcnemar(exact=True)', () => {
    const expected: Record<string, number> = {
      '1,16': 0.000274658203125,
      '3,3': 1.0,
      '0,5': 0.0625,
      '10,25': 0.016673847800120715,
      '600,700': 0.006015793861044938,
      '0,0': 1.0,
    };
    for (const [bc, p] of Object.entries(expected)) {
      const [b, c] = bc.split(',').map(Number) as [number, number];
      close(mcnemarExact(b, c), p, 1e-9, bc);
    }
  });
});

describe('deciding the headline (ANALYSIS.md §10)', () => {
  // (A k, A n, B k, B n) of the smallest and of the largest model. Expected: the two Δ intervals from
  // statsmodels confint_proportions_2indep(method="newcomb"), combined by MOVER as §10 writes it, and
  // the per-arm count by trying every m from 1 to 100,000 (stats_expected.py, "span").
  type Arms = [number, number, number, number];
  const cases: [string, Arms, Arms, number, [number, number], string, number | null][] = [
    // the demo's Qwen 3.5 headline: 0.8B 28/49 → 30/50, 9B 28/50 → 43/50
    [
      'Qwen 3.5 demo',
      [28, 49, 30, 50],
      [28, 50, 43, 50],
      27.142857142857135,
      [1.4658842734729127, 51.491888199811555],
      'UNDECIDED',
      649,
    ],
    [
      'exceeds',
      [40, 100, 42, 100],
      [20, 100, 70, 100],
      48.0,
      [29.324620040257198, 65.05277782308374],
      'EXCEEDS',
      null,
    ],
    [
      'below',
      [60, 300, 62, 300],
      [60, 300, 66, 300],
      1.3333333333333337,
      [-7.835294392550736, 10.493135251166638],
      'BELOW',
      null,
    ],
    [
      'undecided, low',
      [30, 100, 32, 100],
      [30, 100, 35, 100],
      2.9999999999999973,
      [-15.041749625315987, 20.942722883409473],
      'UNDECIDED',
      112,
    ],
    // Δ 0 → Δ 20: the span sits on the threshold, and no number of traces moves the interval off it
    [
      'on the threshold',
      [50, 100, 50, 100],
      [40, 100, 60, 100],
      19.999999999999996,
      [0.58255034903409, 38.68502151555613],
      'UNDECIDED',
      null,
    ],
  ];
  const arms = ([ka, na, kb, nb]: Arms) => ({ a: wilson(ka, na) as Rate, b: wilson(kb, nb) as Rate });

  for (const [name, small, large, span, [lo, hi], decision, perArm] of cases)
    it(`${name}: span ${span.toFixed(1)} pp [${lo.toFixed(1)}, ${hi.toFixed(1)}], ${decision}${perArm === null ? '' : `, ${perArm} per arm`}`, () => {
      const h = headlineSpan(arms(small), arms(large));
      close(h.span, span, 1e-9, 'span');
      close(h.ci[0], lo, 1e-9, 'lower');
      close(h.ci[1], hi, 1e-9, 'upper');
      assert.equal(headlineDecision(h.ci, 20), decision);
      if (decision === 'UNDECIDED') {
        const rates = {
          smallA: small[0] / small[1],
          smallB: small[2] / small[3],
          largeA: large[0] / large[1],
          largeB: large[2] / large[3],
        };
        assert.equal(perArmToDecide(rates, 20), perArm);
      }
    });

  it('decides only when the whole interval clears the threshold by more than 1e-9', () => {
    assert.equal(headlineDecision([20 + 2e-9, 30], 20), 'EXCEEDS');
    assert.equal(headlineDecision([20 + 5e-10, 30], 20), 'UNDECIDED');
    assert.equal(headlineDecision([10, 20 - 2e-9], 20), 'BELOW');
    assert.equal(headlineDecision([10, 20 - 5e-10], 20), 'UNDECIDED');
  });

  it('the bisection finds the same m as trying every m in turn (the decision is monotone in m)', () => {
    // The linear scan here is §10 written out again from the Wilson formula, independently of stats.ts.
    const bounds = (p: number, m: number): [number, number] => {
      const c = (p + (Z95 * Z95) / (2 * m)) / (1 + (Z95 * Z95) / m);
      const h = (Z95 * Math.sqrt((p * (1 - p)) / m + (Z95 * Z95) / (4 * m * m))) / (1 + (Z95 * Z95) / m);
      return [100 * Math.max(0, c - h), 100 * Math.min(1, c + h)];
    };
    const delta = (pa: number, pb: number, m: number): [number, number, number] => {
      const [la, ua] = bounds(pa, m);
      const [lb, ub] = bounds(pb, m);
      const d = 100 * pb - 100 * pa;
      return [d, d - Math.hypot(100 * pb - lb, ua - 100 * pa), d + Math.hypot(ub - 100 * pb, 100 * pa - la)];
    };
    const scan = (r: { smallA: number; smallB: number; largeA: number; largeB: number }, t: number) => {
      for (let m = 1; m <= 100_000; m++) {
        const [ds, ls, us] = delta(r.smallA, r.smallB, m);
        const [dl, ll, ul] = delta(r.largeA, r.largeB, m);
        const lower = dl - ds - Math.hypot(dl - ll, us - ds);
        const upper = dl - ds + Math.hypot(ul - dl, ds - ls);
        if (lower > t + 1e-9 || upper < t - 1e-9) return m;
      }
      return null;
    };
    // A fixed pseudo-random sequence (LCG) of rate sets, on 50ths so that rates of 0 and 1 occur.
    let seed = 12345;
    const rate = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), (seed % 51) / 50);
    let found = 0;
    for (let i = 0; i < 60; i++) {
      const r = { smallA: rate(), smallB: rate(), largeA: rate(), largeB: rate() };
      const t = [0, 5, 20][i % 3] as number;
      const expected = scan(r, t);
      assert.equal(perArmToDecide(r, t), expected, JSON.stringify({ ...r, t }));
      if (expected !== null && expected > 1) found++;
    }
    assert.ok(
      found > 10,
      `the sample exercises the search (${found} cases need more than one trace per arm)`,
    );
  });
});

describe("Cohen's kappa", () => {
  const expand = (table: number[][], labels: string[]): [string, string][] =>
    table.flatMap((row, i) =>
      row.flatMap((count, j) =>
        Array.from({ length: count }, () => [labels[i], labels[j]] as [string, string]),
      ),
    );

  it('matches statsmodels cohens_kappa on a 4-label table', () => {
    const table = [
      [20, 3, 2, 0],
      [4, 15, 1, 1],
      [1, 2, 30, 2],
      [0, 1, 1, 5],
    ];
    close(cohenKappa(expand(table, ['C', 'P', 'R', 'H'])), 0.7083946980854198, 1e-9, 'kappa');
  });

  it('matches the 2×2 textbook example (20, 5 / 10, 15 → κ = 0.4)', () => {
    close(
      cohenKappa(
        expand(
          [
            [20, 5],
            [10, 15],
          ],
          ['yes', 'no'],
        ),
      ),
      0.4,
      1e-9,
      'kappa',
    );
  });

  it('is null when expected agreement is 1 or there are no pairs', () => {
    assert.equal(cohenKappa([]), null);
    assert.equal(
      cohenKappa([
        ['A', 'A'],
        ['A', 'A'],
      ]),
      null,
    );
  });
});
