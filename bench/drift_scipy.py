"""scipy's time for the statistics bench/drift.ts computes, on the same data.

Reads a JSON file of {reference: {col: [...]}, current: {col: [...]}, numeric: [...],
categorical: [...]} and prints the milliseconds one full check takes: Wasserstein
distance normalised by the reference std per numeric column and Jensen-Shannon
distance on category shares per categorical column (the methods keel picks for a
100,000-row reference). Best of 3.
"""
import json
import sys
import time

import numpy as np
from scipy import stats
from scipy.spatial import distance

data = json.load(open(sys.argv[1]))
ref = {k: np.asarray(v) for k, v in data["reference"].items()}
cur = {k: np.asarray(v) for k, v in data["current"].items()}


def check():
    for col in data["numeric"]:
        stats.wasserstein_distance(ref[col], cur[col]) / np.std(ref[col])
    for col in data["categorical"]:
        cats, ref_counts = np.unique(ref[col], return_counts=True)
        index = {c: i for i, c in enumerate(cats)}
        cur_counts = np.zeros(len(cats))
        values, counts = np.unique(cur[col], return_counts=True)
        for v, c in zip(values, counts):
            cur_counts[index[v]] += c
        distance.jensenshannon(ref_counts, cur_counts)


best = float("inf")
for _ in range(3):
    start = time.perf_counter()
    check()
    best = min(best, time.perf_counter() - start)
print(f"{best * 1000:.2f}")
