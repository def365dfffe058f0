// A small L-BFGS minimiser (Nocedal & Wright, algorithms 7.4 and 3.5/3.6) with a
// strong-Wolfe line search. Enough for smooth convex objectives such as
// L2-penalised logistic regression; no bounds, no allocation per iteration
// beyond the line search's scratch vectors.

/** Returns the objective at `x` and writes its gradient into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Maximum number of iterations (default 100). */
  maxIter?: number;
  /** Stop when the largest absolute gradient component is at most this (default 1e-4). */
  tol?: number;
  /** Stop when the relative decrease of the objective is at most this (default 2.2e-9, scipy's factr=1e7). */
  ftol?: number;
  /** Number of correction pairs kept (default 10). */
  memory?: number;
  /** Called after every iteration with its number (from 1) and the objective value. */
  onIteration?: (iteration: number, value: number) => void;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** Largest absolute gradient component at `x`. */
  gradMax: number;
}

const C1 = 1e-4;
const C2 = 0.9;
const MAX_BRACKET = 25;
const MAX_ZOOM = 30;

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

const maxAbs = (a: Float64Array): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
};

/** Correction pairs in a ring buffer. */
interface Memory {
  s: Float64Array[];
  y: Float64Array[];
  rho: Float64Array;
  alpha: Float64Array;
  count: number;
  head: number;
}

function createMemory(m: number, n: number): Memory {
  return {
    s: Array.from({ length: m }, () => new Float64Array(n)),
    y: Array.from({ length: m }, () => new Float64Array(n)),
    rho: new Float64Array(m),
    alpha: new Float64Array(m),
    count: 0,
    head: 0,
  };
}

/** Stores s = xNew - x, y = gNew - g when the curvature condition holds. */
function remember(
  mem: Memory,
  x: Float64Array,
  xNew: Float64Array,
  g: Float64Array,
  gNew: Float64Array,
) {
  let sy = 0;
  let yy = 0;
  for (let i = 0; i < x.length; i++) {
    const dy = gNew[i]! - g[i]!;
    sy += (xNew[i]! - x[i]!) * dy;
    yy += dy * dy;
  }
  // Skipping a pair without positive curvature keeps the inverse Hessian positive definite.
  if (!(sy > 1e-12 * yy)) return;
  const s = mem.s[mem.head]!;
  const y = mem.y[mem.head]!;
  for (let i = 0; i < s.length; i++) {
    s[i] = xNew[i]! - x[i]!;
    y[i] = gNew[i]! - g[i]!;
  }
  mem.rho[mem.head] = 1 / sy;
  mem.head = (mem.head + 1) % mem.s.length;
  mem.count = Math.min(mem.count + 1, mem.s.length);
}

/** Two-loop recursion: writes -H·g into `d`. */
function direction(mem: Memory, g: Float64Array, d: Float64Array): void {
  const m = mem.s.length;
  for (let i = 0; i < d.length; i++) d[i] = -g[i]!;
  for (let k = 1; k <= mem.count; k++) {
    const j = (mem.head - k + m) % m;
    const a = mem.rho[j]! * dot(mem.s[j]!, d);
    mem.alpha[j] = a;
    const y = mem.y[j]!;
    for (let i = 0; i < d.length; i++) d[i] = d[i]! - a * y[i]!;
  }
  if (mem.count > 0) {
    const newest = (mem.head - 1 + m) % m;
    const y = mem.y[newest]!;
    const gamma = 1 / (mem.rho[newest]! * dot(y, y));
    for (let i = 0; i < d.length; i++) d[i] = d[i]! * gamma;
  }
  for (let k = mem.count; k >= 1; k--) {
    const j = (mem.head - k + m) % m;
    const b = mem.rho[j]! * dot(mem.y[j]!, d);
    const s = mem.s[j]!;
    const a = mem.alpha[j]!;
    for (let i = 0; i < d.length; i++) d[i] = d[i]! + s[i]! * (a - b);
  }
}

/** Scratch state of one line search along `d` from (x, f, g). */
interface Search {
  objective: Objective;
  x: Float64Array;
  d: Float64Array;
  f0: number;
  dphi0: number;
  trialX: Float64Array;
  trialG: Float64Array;
  bestX: Float64Array;
  bestG: Float64Array;
  bestF: number;
  evaluations: number;
}

interface Trial {
  a: number;
  f: number;
  dphi: number;
}

function evaluate(ls: Search, a: number): Trial {
  for (let i = 0; i < ls.x.length; i++) ls.trialX[i] = ls.x[i]! + a * ls.d[i]!;
  const f = ls.objective(ls.trialX, ls.trialG);
  ls.evaluations++;
  return { a, f, dphi: dot(ls.trialG, ls.d) };
}

function keep(ls: Search, t: Trial): void {
  ls.bestX.set(ls.trialX);
  ls.bestG.set(ls.trialG);
  ls.bestF = t.f;
}

const armijoFails = (ls: Search, t: Trial): boolean =>
  !Number.isFinite(t.f) || t.f > ls.f0 + C1 * t.a * ls.dphi0;

const curvatureHolds = (ls: Search, t: Trial): boolean => Math.abs(t.dphi) <= -C2 * ls.dphi0;

/** Minimiser of the cubic through lo and hi, or the midpoint when that is unusable. */
function interpolate(lo: Trial, hi: Trial): number {
  const mid = (lo.a + hi.a) / 2;
  if (!Number.isFinite(hi.f) || !Number.isFinite(hi.dphi)) return mid;
  const d1 = lo.dphi + hi.dphi - (3 * (lo.f - hi.f)) / (lo.a - hi.a);
  const disc = d1 * d1 - lo.dphi * hi.dphi;
  if (!(disc >= 0)) return mid;
  const d2 = Math.sign(hi.a - lo.a) * Math.sqrt(disc);
  const a = hi.a - ((hi.a - lo.a) * (hi.dphi + d2 - d1)) / (hi.dphi - lo.dphi + 2 * d2);
  const lower = Math.min(lo.a, hi.a);
  const width = Math.abs(hi.a - lo.a);
  const inside = a > lower + 0.1 * width && a < lower + 0.9 * width;
  return Number.isFinite(a) && inside ? a : mid;
}

/** Narrows [lo, hi] until a point satisfies the strong Wolfe conditions. */
function zoom(ls: Search, lo: Trial, hi: Trial): boolean {
  for (let j = 0; j < MAX_ZOOM; j++) {
    const t = evaluate(ls, interpolate(lo, hi));
    if (armijoFails(ls, t) || t.f >= lo.f) {
      hi = t;
    } else {
      keep(ls, t);
      if (curvatureHolds(ls, t)) return true;
      if (t.dphi * (hi.a - lo.a) >= 0) hi = lo;
      lo = t;
    }
    if (Math.abs(hi.a - lo.a) <= 1e-16 * Math.max(1, lo.a)) break;
  }
  return lo.a > 0;
}

/** Strong-Wolfe line search; on success the accepted point is in bestX/bestG/bestF. */
function lineSearch(ls: Search, a0: number): boolean {
  let prev: Trial = { a: 0, f: ls.f0, dphi: ls.dphi0 };
  let a = a0;
  for (let i = 0; i < MAX_BRACKET; i++) {
    const t = evaluate(ls, a);
    if (armijoFails(ls, t) || (i > 0 && t.f >= prev.f)) return zoom(ls, prev, t);
    keep(ls, t);
    if (curvatureHolds(ls, t)) return true;
    if (t.dphi >= 0) return zoom(ls, t, prev);
    prev = t;
    a *= 2;
  }
  return true;
}

/** Minimises `objective` from `x0` (not modified). Throws when the start is not finite. */
export function minimizeLbfgs(
  objective: Objective,
  x0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const { maxIter = 100, tol = 1e-4, ftol = 2.220446049250313e-9, memory = 10 } = options;
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = objective(x, g);
  if (!Number.isFinite(f))
    throw new Error(`L-BFGS: the objective is not finite at the start (${f})`);
  const mem = createMemory(memory, n);
  const d = new Float64Array(n);
  const ls: Search = {
    objective,
    x,
    d,
    f0: f,
    dphi0: 0,
    trialX: new Float64Array(n),
    trialG: new Float64Array(n),
    bestX: new Float64Array(n),
    bestG: new Float64Array(n),
    bestF: f,
    evaluations: 1,
  };
  let iterations = 0;
  let converged = maxAbs(g) <= tol;
  while (!converged && iterations < maxIter) {
    direction(mem, g, d);
    let dphi0 = dot(g, d);
    if (!(dphi0 < 0)) {
      mem.count = 0;
      direction(mem, g, d);
      dphi0 = dot(g, d);
    }
    ls.f0 = f;
    ls.dphi0 = dphi0;
    const a0 = mem.count === 0 ? Math.min(1, 1 / Math.sqrt(-dphi0)) : 1;
    if (!lineSearch(ls, a0)) {
      if (mem.count === 0) break;
      mem.count = 0;
      continue;
    }
    remember(mem, x, ls.bestX, g, ls.bestG);
    const fPrev = f;
    x.set(ls.bestX);
    g.set(ls.bestG);
    f = ls.bestF;
    iterations++;
    options.onIteration?.(iterations, f);
    converged = maxAbs(g) <= tol || fPrev - f <= ftol * Math.max(Math.abs(fPrev), Math.abs(f), 1);
  }
  return { x, value: f, iterations, evaluations: ls.evaluations, converged, gradMax: maxAbs(g) };
}
