// Ridge regression on the sparse design matrix (see design-matrix.ts): the
// centred normal equations, solved exactly by Cholesky when they are small and
// by preconditioned conjugate gradients when text makes them wide.

import { invalidInput } from "../errors.ts";
import { addTransposed, columnMeans, type DesignMatrix, multiply } from "./design-matrix.ts";

export interface RidgeModel {
  kind: "ridge";
  width: number;
  coef: Float64Array;
  intercept: number;
}

/** Above this width the normal equations are solved by conjugate gradients, not Cholesky. */
export const CHOLESKY_MAX_WIDTH = 1500;

/** Column means, ȳ, the centred Gram matrix XcᵀXc = XᵀX − n·m·mᵀ, and Xcᵀ(y − ȳ) = Xᵀ(y − ȳ). */
function centredNormalEquations(X: DesignMatrix, y: Float64Array) {
  const { width, indptr, indices, values } = X;
  const n = y.length;
  const means = columnMeans(X);
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i]!;
  yMean /= n;
  const gram = new Float64Array(width * width);
  const rhs = new Float64Array(width);
  const centredY = Float64Array.from(y, (v) => v - yMean);
  addTransposed(X, centredY, rhs);
  for (let i = 0; i < n; i++) {
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
      const a = indices[p]!;
      const va = values[p]!;
      for (let q = p; q < indptr[i + 1]!; q++) {
        gram[a * width + indices[q]!] = gram[a * width + indices[q]!]! + va * values[q]!;
      }
    }
  }
  for (let a = 0; a < width; a++) {
    for (let b = a; b < width; b++) {
      const centred = gram[a * width + b]! - n * means[a]! * means[b]!;
      gram[a * width + b] = centred;
      gram[b * width + a] = centred;
    }
  }
  return { means, yMean, gram, rhs };
}

/** Solves A·x = b for symmetric positive-definite A (row-major, size m) by Cholesky. */
export function solveCholesky(A: Float64Array, b: Float64Array): Float64Array {
  const m = b.length;
  const L = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * m + j]!;
      for (let k = 0; k < j; k++) s -= L[i * m + k]! * L[j * m + k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error("Matrix is not positive definite (Cholesky pivot ≤ 0)");
        L[i * m + i] = Math.sqrt(s);
      } else {
        L[i * m + j] = s / L[j * m + j]!;
      }
    }
  }
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * m + k]! * z[k]!;
    z[i] = s / L[i * m + i]!;
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < m; k++) s -= L[k * m + i]! * x[k]!;
    x[i] = s / L[i * m + i]!;
  }
  return x;
}

/**
 * Ridge regression: minimises ||y - Xw - b||² + alpha·||w||² with b unpenalised,
 * by centring X and y and solving (XcᵀXc + alpha·I) w = Xcᵀyc: by Cholesky up
 * to CHOLESKY_MAX_WIDTH columns, else by conjugate gradients (as scikit-learn's
 * sparse_cg, which never forms the width × width matrix).
 */
export function fitRidge(X: DesignMatrix, y: Float64Array, alpha = 1): RidgeModel {
  if (y.length === 0) throw new Error("Ridge regression needs at least one training row");
  const { width } = X;
  const { means, yMean, coef } =
    width <= CHOLESKY_MAX_WIDTH ? solveByCholesky(X, y, alpha) : solveByGradients(X, y, alpha);
  let intercept = yMean;
  for (let j = 0; j < width; j++) intercept -= means[j]! * coef[j]!;
  return { kind: "ridge", width, coef, intercept };
}

function solveByCholesky(X: DesignMatrix, y: Float64Array, alpha: number) {
  const { means, yMean, gram, rhs } = centredNormalEquations(X, y);
  const { width } = X;
  for (let j = 0; j < width; j++) gram[j * width + j] = gram[j * width + j]! + alpha;
  try {
    return { means, yMean, coef: solveCholesky(gram, rhs) };
  } catch {
    throw invalidInput(
      `Ridge regression: XᵀX + alpha·I is singular (alpha=${alpha}); use alpha > 0`,
    );
  }
}

const CG_TOLERANCE = 1e-6;
const CG_MAX_ITERATIONS = 1000;

/**
 * Jacobi-preconditioned conjugate gradients on (XcᵀXc + alpha·I) w = Xcᵀyc,
 * where Xc·v = X·v − (m·v) and Xcᵀu = Xᵀu for any u summing to zero.
 */
function solveByGradients(X: DesignMatrix, y: Float64Array, alpha: number) {
  const { width, rows } = X;
  if (!(alpha > 0)) throw invalidInput("Ridge regression on wide data needs alpha > 0");
  const means = columnMeans(X);
  let yMean = 0;
  for (let i = 0; i < rows; i++) yMean += y[i]!;
  yMean /= rows;
  const rhs = new Float64Array(width);
  addTransposed(
    X,
    Float64Array.from(y, (v) => v - yMean),
    rhs,
  );
  const diagonal = new Float64Array(width).fill(alpha);
  for (let p = 0; p < X.values.length; p++) {
    diagonal[X.indices[p]!] = diagonal[X.indices[p]!]! + X.values[p]! ** 2;
  }
  for (let j = 0; j < width; j++) diagonal[j] = diagonal[j]! - rows * means[j]! ** 2;
  const Xv = new Float64Array(rows);
  const apply = (v: Float64Array, out: Float64Array) => {
    let shift = 0;
    for (let j = 0; j < width; j++) shift += means[j]! * v[j]!;
    multiply(X, v, Xv, -shift);
    for (let j = 0; j < width; j++) out[j] = alpha * v[j]!;
    addTransposed(X, Xv, out);
  };
  return { means, yMean, coef: conjugateGradients(apply, rhs, diagonal) };
}

function conjugateGradients(
  apply: (v: Float64Array, out: Float64Array) => void,
  b: Float64Array,
  diagonal: Float64Array,
): Float64Array {
  const m = b.length;
  const x = new Float64Array(m);
  const r = Float64Array.from(b);
  const z = Float64Array.from(r, (v, j) => v / diagonal[j]!);
  const p = Float64Array.from(z);
  const Ap = new Float64Array(m);
  const dot = (a: Float64Array, c: Float64Array) => {
    let s = 0;
    for (let j = 0; j < m; j++) s += a[j]! * c[j]!;
    return s;
  };
  const stop = CG_TOLERANCE * Math.sqrt(dot(b, b));
  let rz = dot(r, z);
  for (let iteration = 0; iteration < CG_MAX_ITERATIONS; iteration++) {
    if (Math.sqrt(dot(r, r)) <= stop) break;
    apply(p, Ap);
    const step = rz / dot(p, Ap);
    for (let j = 0; j < m; j++) {
      x[j] = x[j]! + step * p[j]!;
      r[j] = r[j]! - step * Ap[j]!;
      z[j] = r[j]! / diagonal[j]!;
    }
    const next = dot(r, z);
    for (let j = 0; j < m; j++) p[j] = z[j]! + (next / rz) * p[j]!;
    rz = next;
  }
  return x;
}

/** Predicted values, one per row of X. */
export function predictRidge(model: RidgeModel, X: DesignMatrix): Float64Array {
  const out = new Float64Array(X.rows);
  multiply(X, model.coef, out, model.intercept);
  return out;
}

/** Ridge objective per row, (||y - Xw - b||² + alpha·||w||²) / n, for the training curve. */
export function ridgeLoss(
  model: RidgeModel,
  X: DesignMatrix,
  y: Float64Array,
  alpha: number,
): number {
  const pred = predictRidge(model, X);
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += (y[i]! - pred[i]!) ** 2;
  for (let j = 0; j < model.width; j++) sum += alpha * model.coef[j]! ** 2;
  return sum / y.length;
}
