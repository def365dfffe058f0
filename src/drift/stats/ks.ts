// Two-sample Kolmogorov–Smirnov test, two-sided, as scipy.stats.ks_2samp with
// its default method computes it for samples of up to 10,000 values each: the
// exact p-value from counting lattice paths that stay inside the band the
// statistic draws (Hodges 1958). Callers keep samples within that size.

export const KS_MAX_EXACT_N = 10_000;

export interface TestResult {
  statistic: number;
  pValue: number;
}

/** Both samples sorted ascending, NaN-free, non-empty. */
export function ksTwoSampleSorted(a: Float64Array, b: Float64Array): TestResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new Error("ks_2samp needs two non-empty samples");
  if (Math.max(n1, n2) > KS_MAX_EXACT_N) {
    throw new Error(`ks_2samp here is exact only up to ${KS_MAX_EXACT_N} values per sample`);
  }
  const d = maxCdfDistance(a, b);
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  const statistic = h / lcm;
  if (h === 0) return { statistic, pValue: 1 };
  const p = n1 === n2 ? outsideSquare(n1, h) : 1 - insideBand(n1, n2, g, h);
  return { statistic, pValue: Math.min(1, Math.max(0, p)) };
}

/** sup |F_a − F_b| over the pooled values, each ECDF evaluated right-continuously. */
function maxCdfDistance(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let best = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < a.length && a[i]! <= v) i++;
    while (j < b.length && b[j]! <= v) j++;
    const diff = Math.abs(i / a.length - j / b.length);
    if (diff > best) best = diff;
  }
  return best;
}

/**
 * Equal sizes: P(D ≥ h/n) as an alternating sum of binomial ratios, evaluated
 * from the innermost term outwards so no large binomial is ever formed.
 */
function outsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/**
 * Unequal sizes: the share of monotone lattice paths from (0,0) to (m,n) that
 * keep |x/m − y/n| < h/lcm at every step. Each cell holds paths(x,y)/C(x+y,x),
 * so the recurrence stays in [0,1] and never overflows.
 */
function insideBand(n1: number, n2: number, g: number, h: number): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const mg = m / g;
  const ng = n / g;
  const inside = (x: number, y: number) => Math.abs(ng * x - mg * y) < h;
  let column = new Float64Array(n + 1);
  let next = new Float64Array(n + 1);
  for (let y = 0; y <= n && inside(0, y); y++) column[y] = 1;
  for (let x = 1; x <= m; x++) {
    const low = Math.max(0, Math.floor((ng * x - h) / mg));
    const high = Math.min(n, Math.ceil((ng * x + h) / mg));
    next.fill(0, Math.max(0, low - 1), Math.min(n + 1, high + 2));
    for (let y = low; y <= high; y++) {
      if (!inside(x, y)) continue;
      const fromLeft = column[y]! * (x / (x + y));
      const fromBelow = y > 0 ? next[y - 1]! * (y / (x + y)) : 0;
      next[y] = fromLeft + fromBelow;
    }
    [column, next] = [next, column];
  }
  return column[n]!;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
