// Jensen–Shannon distance between two discrete distributions, as
// scipy.spatial.distance.jensenshannon (natural logarithm): the square root of
// the mean of KL(p‖m) and KL(q‖m), with m their midpoint. Inputs are
// normalised first, so counts work as well as shares.

export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const sumP = total(p);
  const sumQ = total(q);
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sumP;
    const qi = q[i]! / sumQ;
    const mi = (pi + qi) / 2;
    divergence += relativeEntropy(pi, mi) + relativeEntropy(qi, mi);
  }
  return Math.sqrt(Math.max(0, divergence / 2));
}

function relativeEntropy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(x / y);
}

function total(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum;
}
