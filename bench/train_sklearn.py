"""scikit-learn's side of bench/train.ts.

  export DIR           writes breast_cancer.csv, wine.csv, diabetes.csv (sklearn's bundled sets) into DIR
  fit TASK TRAIN TEST  fits HistGradientBoosting{Classifier,Regressor} with its defaults
                       (random_state=42) on TRAIN, scores TEST, prints {"metric", "fit_s"}

CSV files: a header, numeric features, the target in the last column. TASK is
binary (ROC AUC), multiclass (accuracy) or regression (R²).
"""
import json
import os
import sys
import time

import numpy as np
from sklearn import datasets
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import accuracy_score, r2_score, roc_auc_score


def export(directory):
    for name, loader in [("breast_cancer", datasets.load_breast_cancer), ("wine", datasets.load_wine), ("diabetes", datasets.load_diabetes)]:
        data = loader()
        names = [str(n).replace(" ", "_") for n in data.feature_names]
        with open(os.path.join(directory, f"{name}.csv"), "w") as f:
            f.write(",".join(names + ["target"]) + "\n")
            for row, target in zip(data.data, data.target):
                f.write(",".join(repr(float(v)) for v in row) + "," + (str(int(target)) if name != "diabetes" else repr(float(target))) + "\n")


def load(path, task):
    raw = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=str)
    x = np.where(raw[:, :-1] == "", "nan", raw[:, :-1]).astype(float)
    y = raw[:, -1] if task != "regression" else raw[:, -1].astype(float)
    return x, y


def fit(task, train_path, test_path):
    x_train, y_train = load(train_path, task)
    x_test, y_test = load(test_path, task)
    model = HistGradientBoostingRegressor(random_state=42) if task == "regression" else HistGradientBoostingClassifier(random_state=42)
    start = time.perf_counter()
    model.fit(x_train, y_train)
    seconds = time.perf_counter() - start
    if task == "regression":
        metric = r2_score(y_test, model.predict(x_test))
    elif task == "binary":
        positive = list(model.classes_).index(sorted(model.classes_)[1])
        metric = roc_auc_score(y_test == sorted(model.classes_)[1], model.predict_proba(x_test)[:, positive])
    else:
        metric = accuracy_score(y_test, model.predict(x_test))
    print(json.dumps({"metric": float(metric), "fit_s": seconds}))


if __name__ == "__main__":
    if sys.argv[1] == "export":
        export(sys.argv[2])
    else:
        fit(sys.argv[2], sys.argv[3], sys.argv[4])
