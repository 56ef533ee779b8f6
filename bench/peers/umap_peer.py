"""umap-learn peer for `npm run bench:umap` (Debian python3-umap-learn; run with /usr/bin/python3).

Reads the same raw float32 rows and int32 labels as semclust: the first --n-fit rows are the
fit sample, the next --n-transform rows are transformed. For each output dimensionality it
fits UMAP (cosine, 15 neighbours, min_dist 0.1, seeded so that SGD is single-threaded and
deterministic like semclust's) and transforms the new rows, timing both (wall and process
CPU). numba compilation is measured first, on a tiny fit + transform in the same process,
so that the timed calls run compiled code — except optimize_layout_euclidean, which
umap-learn 0.5.3 re-jits on every call (it wraps its epoch function in numba.njit per call).
Fit times are the best of --fit-repeats runs; transforms run once.

Quality is scored here for BOTH sides with the same code: trustworthiness (k = 15, cosine in
the input space; scikit-learn) of the fitted coordinates on a fixed subset of the fit rows,
and the accuracy of a 10-NN classifier trained on the fitted coordinates + labels and scored
on the transformed rows. semclust's coordinates are read from --ours (written by the bench):
<ours>.fit<d>.f32 and <ours>.transform<d>.f32. One JSON line is printed at the end."""
import argparse
import json
import os
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")

import numba  # noqa: E402
import umap  # noqa: E402
from sklearn.manifold import trustworthiness  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402

parser = argparse.ArgumentParser()
for name in ("data", "labels", "ours"):
    parser.add_argument(f"--{name}", required=True)
for name in ("n-fit", "n-transform", "d", "seed", "trust-subset", "fit-repeats"):
    parser.add_argument(f"--{name}", type=int, required=True)
parser.add_argument("--dims", required=True, help="comma-separated output dimensionalities")
args = parser.parse_args()

rows = args.n_fit + args.n_transform
x = np.fromfile(args.data, dtype=np.float32, count=rows * args.d).reshape(rows, args.d)
y = np.fromfile(args.labels, dtype=np.int32, count=rows)
fit_x, new_x = x[: args.n_fit], x[args.n_fit:]
fit_y, new_y = y[: args.n_fit], y[args.n_fit:]
dims = [int(d) for d in args.dims.split(",")]


def timed(f):
    t0, c0 = time.perf_counter(), time.process_time()
    value = f()
    return value, {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0}


def model(dim):
    return umap.UMAP(n_components=dim, n_neighbors=15, min_dist=0.1, metric="cosine", random_state=args.seed)


# Compilation: the first tiny fit + transform compiles everything; a second one shows the
# per-call re-jit that every later call pays too.
tiny = np.random.RandomState(0).normal(size=(600, args.d)).astype(np.float32)
_, first = timed(lambda: model(2).fit(tiny[:500]).transform(tiny[500:]))
_, second = timed(lambda: model(2).fit(tiny[:500]).transform(tiny[500:]))
report = {
    "numba_threads": numba.get_num_threads(),
    "numba_layer": numba.threading_layer() if hasattr(numba, "threading_layer") else None,
    "umap_version": umap.__version__ if hasattr(umap, "__version__") else None,
    "compile": {"first_tiny": first, "second_tiny": second},
    "outputs": {},
}

subset = np.random.RandomState(args.seed).choice(args.n_fit, min(args.n_fit, args.trust_subset), replace=False)


def quality(fitted, transformed):
    trust = trustworthiness(fit_x[subset], fitted[subset], n_neighbors=15, metric="cosine")
    acc = KNeighborsClassifier(n_neighbors=10).fit(fitted, fit_y).score(transformed, new_y)
    return {"trustworthiness": float(trust), "knn10_accuracy": float(acc)}


def best_fit(dim):
    """The fastest of --fit-repeats fits (seeded: each gives the same model), and that model."""
    best = None
    for _ in range(args.fit_repeats):
        m = model(dim)
        _, t = timed(lambda: m.fit(fit_x))
        if best is None or t["seconds"] < best[1]["seconds"]:
            best = (m, t)
    return best


for dim in dims:
    m, fit_time = best_fit(dim)
    transformed, transform_time = timed(lambda: m.transform(new_x))
    ours_fit = np.fromfile(f"{args.ours}.fit{dim}.f32", dtype=np.float32).reshape(args.n_fit, dim)
    ours_new = np.fromfile(f"{args.ours}.transform{dim}.f32", dtype=np.float32).reshape(args.n_transform, dim)
    report["outputs"][str(dim)] = {
        "fit": fit_time,
        "transform": transform_time,
        "peer": quality(m.embedding_, transformed),
        "ours": quality(ours_fit, ours_new),
    }
    print(f"umap-learn {dim}-d: {json.dumps(report['outputs'][str(dim)])}", file=sys.stderr, flush=True)

report["env"] = {k: os.environ.get(k) for k in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS")}
print(json.dumps(report))
