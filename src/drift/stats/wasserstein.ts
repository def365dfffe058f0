// First Wasserstein distance between two 1-D samples, as
// scipy.stats.wasserstein_distance: the area between the two ECDFs.

/** Both samples sorted ascending, NaN-free, non-empty. O(n + m). */
export function wassersteinSorted(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let area = 0;
  let previous = Math.min(a[0]!, b[0]!);
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    // The ECDFs are flat between consecutive pooled values.
    area += Math.abs(i / a.length - j / b.length) * (v - previous);
    previous = v;
    while (i < a.length && a[i]! <= v) i++;
    while (j < b.length && b[j]! <= v) j++;
  }
  return area;
}
