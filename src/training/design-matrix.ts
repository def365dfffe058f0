// The design matrix the linear trainers read, in compressed sparse rows (CSR):
// a few dense numeric columns cost little extra this way, and thousands of
// text n-gram columns cost only their non-zeros instead of N × V doubles.

export interface DesignMatrix {
  rows: number;
  width: number;
  /** Row i's entries are at [indptr[i], indptr[i + 1]). */
  indptr: Uint32Array;
  indices: Uint32Array;
  values: Float64Array;
}

/** Appends entries row by row; columns within a row must come in ascending order. */
export function createMatrixBuilder(width: number, rowsHint: number) {
  const indptr = new Uint32Array(rowsHint + 1);
  let indices = new Uint32Array(Math.max(16, rowsHint * 4));
  let values = new Float64Array(indices.length);
  let nnz = 0;
  let row = 0;
  const grow = () => {
    const bigger = new Uint32Array(indices.length * 2);
    bigger.set(indices);
    indices = bigger;
    const more = new Float64Array(indices.length);
    more.set(values);
    values = more;
  };
  return {
    push(column: number, value: number): void {
      if (value === 0) return;
      if (nnz === indices.length) grow();
      indices[nnz] = column;
      values[nnz++] = value;
    },
    endRow(): void {
      indptr[++row] = nnz;
    },
    finish(): DesignMatrix {
      return {
        rows: row,
        width,
        indptr: indptr.slice(0, row + 1),
        indices: indices.slice(0, nnz),
        values: values.slice(0, nnz),
      };
    },
  };
}

/** out = X · w (+ bias), one value per row. */
export function multiply(X: DesignMatrix, w: ArrayLike<number>, out: Float64Array, bias = 0): void {
  const { indptr, indices, values } = X;
  for (let i = 0; i < X.rows; i++) {
    let sum = bias;
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) sum += values[p]! * w[indices[p]!]!;
    out[i] = sum;
  }
}

/** out += Xᵀ · r. */
export function addTransposed(X: DesignMatrix, r: ArrayLike<number>, out: Float64Array): void {
  const { indptr, indices, values } = X;
  for (let i = 0; i < X.rows; i++) {
    const ri = r[i]!;
    if (ri === 0) continue;
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
      out[indices[p]!] = out[indices[p]!]! + ri * values[p]!;
    }
  }
}

/** Mean of each column over the rows. */
export function columnMeans(X: DesignMatrix): Float64Array {
  const means = new Float64Array(X.width);
  for (let p = 0; p < X.values.length; p++) {
    means[X.indices[p]!] = means[X.indices[p]!]! + X.values[p]!;
  }
  for (let j = 0; j < X.width; j++) means[j] = means[j]! / Math.max(1, X.rows);
  return means;
}
