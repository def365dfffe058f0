// Refitting on every row: once the holdout has judged the candidates (and the
// gate compared the winner with the champion), the winner's configuration is
// fitted again on all rows, since a model in service should have seen all the
// data there is. The holdout metrics stay the run's metrics: they describe a
// model that did not see those rows, a conservative estimate of the refit one.

/**
 * Boosting iterations for the refit. Early stopping found `iterations` on
 * `fitRows` rows; more rows support more trees before they overfit, so the
 * count grows in proportion to the rows (LightGBM's users do the same with a
 * factor of 1/(1 − held-out share)), within the `maxIter` the user allows. A
 * fit that ran to `maxIter` without stopping keeps `maxIter`.
 */
export function refitIterations(
  fit: { iterations: number; earlyStopped: boolean; fitRows: number },
  allRows: number,
  maxIter: number,
): number {
  if (!fit.earlyStopped) return fit.iterations;
  return Math.min(maxIter, Math.max(1, Math.round((fit.iterations * allRows) / fit.fitRows)));
}

/** Ascending union of two ascending row lists without repeats. */
export function allRows(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (n === 0 || out[n - 1] !== next) out[n++] = next;
  }
  return out.slice(0, n);
}
