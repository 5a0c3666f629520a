#!/usr/bin/env python3
"""Independent pandas/numpy implementation of the published uncertainty method (shared/reference-data/README.md),
written for PMC to time against core's Bootstrap. NOT the authors' code: the authors' public repository as indexed
holds only an earlier group-based method. Vectorised the way such analysis code usually is: pandas for the cell
statistics, numpy fancy indexing for each draw.

usage: /usr/bin/python3 docs/bench/pandas_bootstrap.py FILE.csv [repeats]
"""
import sys, time
import numpy as np
import pandas as pd


def metrics(path, rng):
    df = pd.read_csv(path)
    df = df[(df["rating"] >= 0) & (df["rating"] <= 5)]
    cells = df.groupby(["persona_id", "question_id"])["rating"]
    mean = cells.mean().unstack()
    sd = cells.std(ddof=1).fillna(0.0).unstack()
    keep = mean.notna().all(axis=1)            # persona retention: every item rated
    mean, sd = mean[keep], sd[keep]
    S = mean.std(axis=0, ddof=1).mean()
    u = sd.to_numpy().mean()

    # persona bootstrap: 2000 draws
    M, U = mean.to_numpy(), sd.to_numpy()
    P = M.shape[0]
    s_p, u_p = np.empty(2000), np.empty(2000)
    for b in range(2000):
        idx = rng.integers(0, P, P)
        s_p[b] = M[idx].std(axis=0, ddof=1).mean()
        u_p[b] = U[idx].mean()

    # response bootstrap: 400 draws, resampling the ratings inside every cell
    kept = df[df["persona_id"].isin(mean.index)].sort_values(["persona_id", "question_id"])
    groups = [g.to_numpy() for _, g in kept.groupby(["persona_id", "question_id"])["rating"]]
    n = np.array([len(g) for g in groups])
    offsets = np.concatenate([[0], np.cumsum(n)[:-1]])
    flat = np.concatenate(groups).astype(float)
    cell_of = np.repeat(np.arange(len(groups)), n)
    Q = mean.shape[1]
    s_r, u_r = np.empty(400), np.empty(400)
    for b in range(400):
        pick = offsets[cell_of] + (rng.random(len(flat)) * n[cell_of]).astype(int)
        x = flat[pick]
        sums = np.bincount(cell_of, x)
        sq = np.bincount(cell_of, x * x)
        m = sums / n
        v = np.where(n > 1, (sq - n * m * m) / np.maximum(n - 1, 1), 0.0)
        sdv = np.sqrt(np.maximum(v, 0))
        s_r[b] = m.reshape(P, Q).std(axis=0, ddof=1).mean()
        u_r[b] = sdv.mean()
    se_s = np.hypot(s_p.std(ddof=1), s_r.std(ddof=1))
    se_u = np.hypot(u_p.std(ddof=1), u_r.std(ddof=1))
    return P, S, se_s, 1 / u, se_u / u ** 2, u, se_u


if __name__ == "__main__":
    path = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    rng = np.random.default_rng(20260512)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = metrics(path, rng)
        times.append(time.perf_counter() - t0)
    print("personas=%d S=%.10f S_se=%.5f R=%.10f R_se=%.5f ubar=%.10f ubar_se=%.6f" % out)
    print("seconds per file (incl. CSV read): min %.3f median %.3f over %d runs (pandas %s, numpy %s)"
          % (min(times), sorted(times)[len(times) // 2], repeats, pd.__version__, np.__version__))
