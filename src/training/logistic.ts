// L2-penalised logistic regression on a sparse design matrix (see
// design-matrix.ts): binary sigmoid or multinomial softmax, fitted with L-BFGS on
// scikit-learn's objective.

import { addTransposed, type DesignMatrix, multiply } from "./design-matrix.ts";
import { minimizeLbfgs } from "./lbfgs.ts";

/**
 * Coefficients laid out for the ONNX graph: `coef` is [width, outputs] row-major,
 * `intercept` is [outputs]. Binary classification has one output (the logit of
 * class 1); multinomial has one per class.
 */
export interface LogisticModel {
  kind: "logistic";
  width: number;
  numClasses: number;
  coef: Float64Array;
  intercept: Float64Array;
}

export interface LogisticOptions {
  /** Inverse penalty strength (default 1). */
  C?: number;
  maxIter?: number;
  tol?: number;
  /** Relative objective decrease that stops the solver (default scipy's 2.2e-9; 0 turns it off). */
  ftol?: number;
  onIteration?: (iteration: number, loss: number) => void;
}

export interface LogisticFit {
  model: LogisticModel;
  iterations: number;
  converged: boolean;
  /** Final objective, per row. */
  loss: number;
}

/** log(1 + e^z) without overflow. */
const softplus = (z: number): number =>
  z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Penalty 0.5/C·||w||² added to value and gradient; the intercept (after `penalised`) is free. */
function addPenalty(w: Float64Array, grad: Float64Array, penalised: number, C: number): number {
  let sq = 0;
  for (let j = 0; j < penalised; j++) {
    sq += w[j]! * w[j]!;
    grad[j] = grad[j]! + w[j]! / C;
  }
  return (0.5 * sq) / C;
}

function scale(grad: Float64Array, factor: number): void {
  for (let i = 0; i < grad.length; i++) grad[i] = grad[i]! * factor;
}

/** Mean of (Σ binary log loss + 0.5/C·||w||²); params = [w (width), b]. */
function binaryObjective(X: DesignMatrix, y: Int32Array, C: number) {
  const { width } = X;
  const n = y.length;
  const z = new Float64Array(n);
  const residual = new Float64Array(n);
  return (params: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    multiply(X, params, z, params[width]!);
    let loss = 0;
    let interceptGrad = 0;
    for (let i = 0; i < n; i++) {
      const target = y[i] === 1 ? 1 : 0;
      loss += softplus(z[i]!) - target * z[i]!;
      residual[i] = sigmoid(z[i]!) - target;
      interceptGrad += residual[i]!;
    }
    addTransposed(X, residual, grad);
    grad[width] = interceptGrad;
    loss += addPenalty(params, grad, width, C);
    scale(grad, 1 / n);
    return loss / n;
  };
}

/** Logits z = x·W + b of row i into `z`; W is [width, K] row-major. */
function logits(X: DesignMatrix, i: number, params: Float64Array, K: number, z: Float64Array) {
  const bias = X.width * K;
  for (let k = 0; k < K; k++) z[k] = params[bias + k]!;
  for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
    const v = X.values[p]!;
    const w = X.indices[p]! * K;
    for (let k = 0; k < K; k++) z[k] = z[k]! + v * params[w + k]!;
  }
}

/** Turns logits into probabilities in place; returns log Σ exp(z). */
function softmaxInPlace(z: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < z.length; k++) max = Math.max(max, z[k]!);
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    z[k] = Math.exp(z[k]! - max);
    sum += z[k]!;
  }
  for (let k = 0; k < z.length; k++) z[k] = z[k]! / sum;
  return max + Math.log(sum);
}

/** Mean of (Σ cross-entropy + 0.5/C·||W||²); params = [W (width×K), b (K)]. */
function multinomialObjective(X: DesignMatrix, y: Int32Array, K: number, C: number) {
  const { width } = X;
  const n = y.length;
  const z = new Float64Array(K);
  return (params: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      logits(X, i, params, K, z);
      const target = y[i]!;
      const zTarget = z[target]!;
      loss += softmaxInPlace(z) - zTarget;
      z[target] = z[target]! - 1;
      for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
        const v = X.values[p]!;
        const w = X.indices[p]! * K;
        for (let k = 0; k < K; k++) grad[w + k] = grad[w + k]! + v * z[k]!;
      }
      for (let k = 0; k < K; k++) grad[width * K + k] = grad[width * K + k]! + z[k]!;
    }
    loss += addPenalty(params, grad, width * K, C);
    scale(grad, 1 / n);
    return loss / n;
  };
}

/**
 * Fits logistic regression on the design matrix `X` (y.length rows) with
 * class codes `y` in [0, numClasses). Minimises Σ log loss + 0.5/C·||W||²
 * (scaled by 1/n, which leaves the optimum unchanged), intercept unpenalised.
 */
export function fitLogistic(
  X: DesignMatrix,
  y: Int32Array,
  numClasses: number,
  options: LogisticOptions = {},
): LogisticFit {
  const { C = 1, maxIter = 100, tol = 1e-4 } = options;
  const { width } = X;
  if (numClasses < 2)
    throw new Error(`Logistic regression needs at least 2 classes, got ${numClasses}`);
  if (y.length === 0) throw new Error("Logistic regression needs at least one training row");
  const K = numClasses === 2 ? 1 : numClasses;
  const objective = K === 1 ? binaryObjective(X, y, C) : multinomialObjective(X, y, K, C);
  const result = minimizeLbfgs(objective, new Float64Array((width + 1) * K), {
    maxIter,
    tol,
    ftol: options.ftol,
    onIteration: options.onIteration,
  });
  const model: LogisticModel = {
    kind: "logistic",
    width,
    numClasses,
    coef: result.x.slice(0, width * K),
    intercept: result.x.slice(width * K),
  };
  return { model, iterations: result.iterations, converged: result.converged, loss: result.value };
}

/** Class probabilities, row-major [n, numClasses] (binary: [1 - p, p]). */
export function predictLogistic(model: LogisticModel, X: DesignMatrix): Float64Array {
  const { width, numClasses } = model;
  const n = X.rows;
  const out = new Float64Array(n * numClasses);
  const K = numClasses === 2 ? 1 : numClasses;
  const params = new Float64Array((width + 1) * K);
  params.set(model.coef);
  params.set(model.intercept, width * K);
  const z = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    logits(X, i, params, K, z);
    if (K === 1) {
      const p = sigmoid(z[0]!);
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
    } else {
      softmaxInPlace(z);
      out.set(z, i * K);
    }
  }
  return out;
}

/** Index of the largest probability per row (first one on ties), like ONNX ArgMax. */
export function argmaxRows(probabilities: Float64Array, numClasses: number): Int32Array {
  const n = probabilities.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < numClasses; k++) {
      if (probabilities[i * numClasses + k]! > probabilities[i * numClasses + best]!) best = k;
    }
    out[i] = best;
  }
  return out;
}
