"""scikit-learn's side of bench/train.ts.

  export DIR           writes breast_cancer.csv, wine.csv, diabetes.csv (sklearn's bundled sets) into DIR
  fit TASK TRAIN TEST [CATEGORICAL]
                       fits HistGradientBoosting{Classifier,Regressor} with its defaults
                       (random_state=42) on TRAIN, scores TEST, prints {"metric", "fit_s"};
                       CATEGORICAL names columns (comma-separated) to pass as native
                       categorical features

CSV files: a header, the features, the target in the last column. TASK is
binary (ROC AUC), multiclass (accuracy) or regression (R²). A categorical
column's text becomes the code of its category among TRAIN's (sorted), as
scikit-learn wants; a category TRAIN lacks, or an empty cell, is NaN: missing,
the same rule keel applies.
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


def load(path, task, categorical, vocabularies):
    with open(path) as f:
        header = f.readline().strip().split(",")
    raw = np.genfromtxt(path, delimiter=",", skip_header=1, dtype=str)
    cells = raw[:, :-1].copy()
    for name in categorical:
        j = header.index(name)
        if name not in vocabularies:
            vocabularies[name] = {c: i for i, c in enumerate(sorted(set(cells[:, j]) - {""}))}
        cells[:, j] = [str(vocabularies[name].get(c, "nan")) for c in cells[:, j]]
    x = np.where(cells == "", "nan", cells).astype(float)
    y = raw[:, -1] if task != "regression" else raw[:, -1].astype(float)
    return x, y, [header.index(name) for name in categorical]


def fit(task, train_path, test_path, categorical):
    vocabularies = {}
    x_train, y_train, columns = load(train_path, task, categorical, vocabularies)
    x_test, y_test, _ = load(test_path, task, categorical, vocabularies)
    native = {"categorical_features": columns} if columns else {}
    model = HistGradientBoostingRegressor(random_state=42, **native) if task == "regression" else HistGradientBoostingClassifier(random_state=42, **native)
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
        fit(sys.argv[2], sys.argv[3], sys.argv[4], [c for c in (sys.argv[5] if len(sys.argv) > 5 else "").split(",") if c])
