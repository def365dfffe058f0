// Ridge regression on a dense row-major design matrix (see preprocess.ts), in
// closed form: the centred normal equations solved by Cholesky.

export interface RidgeModel {
  kind: "ridge";
  width: number;
  coef: Float64Array;
  intercept: number;
}

/** Column means of X, then the centred Gram matrix (upper triangle mirrored) and Xcᵀ(y - ȳ). */
function centredNormalEquations(X: Float64Array, width: number, y: Float64Array) {
  const n = y.length;
  const means = new Float64Array(width);
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < width; j++) means[j] = means[j]! + X[i * width + j]!;
    yMean += y[i]!;
  }
  for (let j = 0; j < width; j++) means[j] = means[j]! / n;
  yMean /= n;
  const gram = new Float64Array(width * width);
  const rhs = new Float64Array(width);
  const row = new Float64Array(width);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < width; j++) row[j] = X[i * width + j]! - means[j]!;
    const r = y[i]! - yMean;
    for (let a = 0; a < width; a++) {
      const va = row[a]!;
      if (va === 0) continue;
      rhs[a] = rhs[a]! + va * r;
      for (let b = a; b < width; b++) gram[a * width + b] = gram[a * width + b]! + va * row[b]!;
    }
  }
  for (let a = 0; a < width; a++) {
    for (let b = 0; b < a; b++) gram[a * width + b] = gram[b * width + a]!;
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
 * by centring X and y and solving (XcᵀXc + alpha·I) w = Xcᵀyc.
 */
export function fitRidge(X: Float64Array, width: number, y: Float64Array, alpha = 1): RidgeModel {
  if (y.length === 0) throw new Error("Ridge regression needs at least one training row");
  const { means, yMean, gram, rhs } = centredNormalEquations(X, width, y);
  for (let j = 0; j < width; j++) gram[j * width + j] = gram[j * width + j]! + alpha;
  let coef: Float64Array;
  try {
    coef = solveCholesky(gram, rhs);
  } catch {
    throw new Error(`Ridge regression: XᵀX + alpha·I is singular (alpha=${alpha}); use alpha > 0`);
  }
  let intercept = yMean;
  for (let j = 0; j < width; j++) intercept -= means[j]! * coef[j]!;
  return { kind: "ridge", width, coef, intercept };
}

/** Predicted values, one per row of X. */
export function predictRidge(model: RidgeModel, X: Float64Array): Float64Array {
  const { width } = model;
  const n = width > 0 ? X.length / width : 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = model.intercept;
    for (let j = 0; j < width; j++) v += X[i * width + j]! * model.coef[j]!;
    out[i] = v;
  }
  return out;
}

/** Ridge objective per row, (||y - Xw - b||² + alpha·||w||²) / n, for the training curve. */
export function ridgeLoss(
  model: RidgeModel,
  X: Float64Array,
  y: Float64Array,
  alpha: number,
): number {
  const pred = predictRidge(model, X);
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += (y[i]! - pred[i]!) ** 2;
  for (let j = 0; j < model.width; j++) sum += alpha * model.coef[j]! ** 2;
  return sum / y.length;
}
