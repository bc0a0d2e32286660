/**
 * stdlib's distributions, bundled apart (dist/lazy/stdlib.js) and loaded at first use (stats.ts):
 * their module graph, with its `debug` logger, costs a CLI start time that a run with cached
 * results never needs (DECISIONS.md 79).
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export { gammaln, tQuantile };
