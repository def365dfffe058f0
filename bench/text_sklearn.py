"""scikit-learn's side of bench/text.ts.

  fit TASK TRAIN TEST [MAX_FEATURES]
                        TfidfVectorizer(analyzer="char", ngram_range=(1, 3)[, max_features]) then
                        Ridge() (TASK regression) or LogisticRegression() (TASK binary),
                        all defaults; fits on TRAIN, scores TEST, prints {"metric", "fit_s", "vocabulary"}

Files are JSON lines {"text": ..., "y": ...}. Metric: R² (regression) or ROC AUC (binary).
"""
import json
import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.pipeline import make_pipeline


def load(path):
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [r["text"] for r in rows], [r["y"] for r in rows]


def fit(task, train_path, test_path, max_features=None):
    x_train, y_train = load(train_path)
    x_test, y_test = load(test_path)
    head = Ridge() if task == "regression" else LogisticRegression()
    model = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 3), max_features=max_features), head)
    start = time.perf_counter()
    model.fit(x_train, y_train)
    seconds = time.perf_counter() - start
    if task == "regression":
        metric = r2_score(y_test, model.predict(x_test))
    else:
        metric = roc_auc_score(y_test, model.predict_proba(x_test)[:, 1])
    vocabulary = len(model.steps[0][1].vocabulary_)
    print(json.dumps({"metric": float(metric), "fit_s": seconds, "vocabulary": vocabulary}))


if __name__ == "__main__":
    fit(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else None)
