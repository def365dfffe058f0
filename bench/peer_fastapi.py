"""The FastAPI peer of bench/peer.ts: a model server as the tutorials write one.

  PORT=<port> /usr/bin/python3 bench/peer_fastapi.py DATA.csv

Fits scikit-learn's LogisticRegression on DATA.csv (numeric feature columns,
then a 0/1 `target`), then serves it with uvicorn (one worker, access log off):

  POST /predict        one row {"x0": ..., ...} (a pydantic model)
                       -> {"prediction": "1", "probabilities": {"0": p0, "1": p1}}
  POST /predict/batch  {"instances": [row, ...]}
                       -> {"predictions": [{"prediction", "probabilities"}, ...]}
  GET  /ready          200 once the model is fitted (it is fitted before serving)

Both routes call model.predict_proba on the whole request, as keel's do.
"""
import csv
import os
import sys
from typing import List

import numpy as np
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel, create_model
from sklearn.linear_model import LogisticRegression


def load(path):
    with open(path, newline="") as f:
        header = next(csv.reader(f))
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return header[:-1], data[:, :-1], data[:, -1].astype(int)


FEATURES, X, y = load(sys.argv[1])
# max_iter above the default 100 so the fit converges on 100,000 rows without a warning.
model = LogisticRegression(max_iter=1000).fit(X, y)
CLASSES = [str(c) for c in model.classes_]

# One float field per feature column, all required, as a hand-written BaseModel would have.
Row = create_model("Row", **{name: (float, ...) for name in FEATURES})


class Batch(BaseModel):
    instances: List[Row]


app = FastAPI()


def answers(rows):
    matrix = np.array([[getattr(row, name) for name in FEATURES] for row in rows])
    probabilities = model.predict_proba(matrix)
    return [
        {
            "prediction": CLASSES[int(p.argmax())],
            "probabilities": {c: float(v) for c, v in zip(CLASSES, p)},
        }
        for p in probabilities
    ]


@app.post("/predict")
async def predict(row: Row):
    return answers([row])[0]


@app.post("/predict/batch")
async def predict_batch(batch: Batch):
    return {"predictions": answers(batch.instances)}


@app.get("/ready")
async def ready():
    return {"status": "ready"}


if __name__ == "__main__":
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(os.environ["PORT"]),
        workers=1,
        access_log=False,
        log_level="warning",
    )
