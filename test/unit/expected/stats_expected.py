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

print(json.dumps(out, indent=1, default=float))
