"""Expected values for test/unit/stats.test.ts, computed with statsmodels 0.13.5 / scipy (Debian 12).

Run: /usr/bin/python3 test/unit/expected/stats_expected.py   (prints the values pasted into the test)
"""
import json
import numpy as np
import statsmodels.api as sm
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.inter_rater import cohens_kappa
from scipy import stats

out = {}
out["wilson"] = {f"{k}/{n}": list(proportion_confint(k, n, alpha=0.05, method="wilson")) for k, n in [(81, 263), (15, 148), (0, 20), (1, 29), (20, 20), (55, 58), (34, 58)]}

# OLS / WLS on five cells (x = log10 size, y = strict ASR pp, w = n)
x = np.log10([0.8, 2, 4, 9, 27]); y = np.array([58.620689655172406, 94.82758620689656, 78.94736842105263, 57.407407407407405, 6.224066390041494]); w = np.array([58, 58, 57, 54, 241])
X = sm.add_constant(x)
o = sm.OLS(y, X).fit(); ci = o.conf_int(0.05)
out["ols5"] = {"slope": o.params[1], "intercept": o.params[0], "r2": o.rsquared, "se": o.bse[1], "ci": list(ci[1])}
wf = sm.WLS(y, X, weights=w).fit()
out["wls5"] = {"slope": wf.params[1], "intercept": wf.params[0], "r2": wf.rsquared}
o3 = sm.OLS(y[:3], X[:3]).fit()
out["ols3"] = {"slope": o3.params[1], "intercept": o3.params[0], "r2": o3.rsquared, "se": o3.bse[1], "ci": list(o3.conf_int(0.05)[1]), "resid_sd": float(np.sqrt(o3.ssr / 1))}

# Logistic on trace level data: successes k of n at each x
k = np.array([34, 55, 45, 31, 15]); n = np.array([58, 58, 57, 54, 241])
xs = np.concatenate([np.full(ni, xi) for xi, ni in zip(x, n)])
ys = np.concatenate([np.r_[np.ones(ki), np.zeros(ni - ki)] for ki, ni in zip(k, n)])
lf = sm.Logit(ys, sm.add_constant(xs)).fit(disp=0, tol=1e-14, maxiter=200)
out["logit5"] = {"alpha": lf.params[0], "beta": lf.params[1], "se": lf.bse[1], "ci": [lf.params[1] - 1.959963984540054 * lf.bse[1], lf.params[1] + 1.959963984540054 * lf.bse[1]]}

out["mcnemar"] = {f"{b},{c}": mcnemar([[0, b], [c, 0]], exact=True).pvalue for b, c in [(1, 16), (3, 3), (0, 5), (10, 25), (600, 700), (0, 0)]}
out["t975"] = {str(df): stats.t.ppf(0.975, df) for df in [1, 2, 3, 5, 10, 30]}

# Cohen's kappa: 4 labels
table = np.array([[20, 3, 2, 0], [4, 15, 1, 1], [1, 2, 30, 2], [0, 1, 1, 5]])
out["kappa4"] = cohens_kappa(table, return_results=False)
out["kappa2"] = cohens_kappa(np.array([[20, 5], [10, 15]]), return_results=False)

# Logistic on a group where every point has the same rate (0.1): 1/10, 3/30, 6/60 at 4B, 12B, 27B.
x = np.log10([4, 12, 27]); k = np.array([1, 3, 6]); n = np.array([10, 30, 60])
xs = np.concatenate([np.full(ni, xi) for xi, ni in zip(x, n)])
ys = np.concatenate([np.r_[np.ones(ki), np.zeros(ni - ki)] for ki, ni in zip(k, n)])
lf = sm.Logit(ys, sm.add_constant(xs)).fit(method="newton", start_params=np.zeros(2), tol=1e-12, maxiter=100, disp=0)
out["logit_same_rate"] = {"alpha": lf.params[0], "beta": lf.params[1], "se": lf.bse[1], "converged": lf.mle_retvals["converged"]}

# Headline span (ANALYSIS.md §10): Newcombe intervals from statsmodels confint_proportions_2indep(method="newcomb"),
# combined by MOVER (Zou & Donner 2008) as the formula reads; per arm to decide by trying every m = 1..100000.
from statsmodels.stats.proportion import confint_proportions_2indep


def newcombe_pp(kb, nb, ka, na):
    lo, hi = confint_proportions_2indep(kb, nb, ka, na, method="newcomb", compare="diff")
    return 100 * (kb / nb - ka / na), 100 * lo, 100 * hi


def span_ci(small, large):
    (sa, sna, sb, snb), (la, lna, lb, lnb) = small, large
    ds, ls, us = newcombe_pp(sb, snb, sa, sna)
    dl, ll, ul = newcombe_pp(lb, lnb, la, lna)
    span = dl - ds
    return span, [span - np.sqrt((dl - ll) ** 2 + (us - ds) ** 2), span + np.sqrt((ul - dl) ** 2 + (ds - ls) ** 2)]


def per_arm(rates, threshold):
    for m in range(1, 100001):
        arms = []
        for p in rates:
            lo, hi = proportion_confint(p * m, m, alpha=0.05, method="wilson")
            arms.append((100 * p, 100 * max(0, lo), 100 * min(1, hi)))
        (pa, la, ua), (pb, lb, ub), (qa, ma, va), (qb, mb, vb) = arms
        ds, dl = pb - pa, qb - qa
        ls, us = ds - np.sqrt((pb - lb) ** 2 + (ua - pa) ** 2), ds + np.sqrt((ub - pb) ** 2 + (pa - la) ** 2)
        ll, ul = dl - np.sqrt((qb - mb) ** 2 + (va - qa) ** 2), dl + np.sqrt((vb - qb) ** 2 + (qa - ma) ** 2)
        lower = dl - ds - np.sqrt((dl - ll) ** 2 + (us - ds) ** 2)
        upper = dl - ds + np.sqrt((ul - dl) ** 2 + (ds - ls) ** 2)
        if lower > threshold + 1e-9 or upper < threshold - 1e-9:
            return m
    return None


# (A k, A n, B k, B n) of the smallest and the largest model
spans = {
    "qwen35_demo": ((28, 49, 30, 50), (28, 50, 43, 50)),
    "exceeds": ((40, 100, 42, 100), (20, 100, 70, 100)),
    "below": ((60, 300, 62, 300), (60, 300, 66, 300)),
    "undecided_low": ((30, 100, 32, 100), (30, 100, 35, 100)),
    "at_threshold": ((50, 100, 50, 100), (40, 100, 60, 100)),
}
out["span"] = {}
for name, (s, l) in spans.items():
    span, ci = span_ci(s, l)
    out["span"][name] = {"span": span, "ci": ci,
                         "per_arm_to_decide": per_arm([s[0] / s[1], s[2] / s[3], l[0] / l[1], l[2] / l[3]], 20)}

print(json.dumps(out, indent=1, default=float))
