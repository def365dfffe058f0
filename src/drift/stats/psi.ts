// Population Stability Index over matching bins of two distributions:
// Σ (ref − cur) · ln(ref / cur) on shares, with empty bins floored (as
// Evidently does) so a bin seen on one side only counts instead of dividing by 0.

const EMPTY_SHARE = 1e-4;

export function populationStabilityIndex(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
): number {
  const refTotal = sum(referenceCounts);
  const curTotal = sum(currentCounts);
  let psi = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    const r = Math.max(referenceCounts[i]! / refTotal, EMPTY_SHARE);
    const c = Math.max(currentCounts[i]! / curTotal, EMPTY_SHARE);
    psi += (r - c) * Math.log(r / c);
  }
  return psi;
}

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}
