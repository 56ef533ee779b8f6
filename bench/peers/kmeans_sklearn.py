"""scikit-learn KMeans peer for `npm run bench:kmeans` (Debian python3-sklearn; run with
/usr/bin/python3). Reads the same raw float32 file as semclust and reports, as one JSON line (best of --repeats, wall and process CPU seconds):
the full fit (k-means++ then Lloyd), k-means++ seeding alone, and Lloyd alone from the starting
centres semclust used (--init), with the BLAS that threadpoolctl sees. Final centres are
written next to --out so that both sides' inertias are scored by the same code."""
import argparse
import json
import time

import numpy as np
from sklearn.cluster import KMeans, kmeans_plusplus
from threadpoolctl import threadpool_info

parser = argparse.ArgumentParser()
for name in ("data", "init", "out"):
    parser.add_argument(f"--{name}", required=True)
for name in ("n", "d", "k", "max-iter", "seed", "repeats"):
    parser.add_argument(f"--{name}", type=int, required=True)
parser.add_argument("--tol", type=float, required=True)
args = parser.parse_args()

x = np.fromfile(args.data, dtype=np.float32).reshape(args.n, args.d)
init = np.fromfile(args.init, dtype=np.float32).reshape(args.k, args.d)


def best_of(run):
    """Fastest of --repeats runs (wall and CPU minima taken separately) and the last result."""
    seconds, cpu = float("inf"), float("inf")
    for _ in range(args.repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        result = run()
        seconds, cpu = min(seconds, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    return result, {"seconds": seconds, "cpu": cpu}


report = {}
for name, start in (("fit", "k-means++"), ("lloyd", init)):
    model, timing = best_of(lambda: KMeans(n_clusters=args.k, init=start, n_init=1, max_iter=args.max_iter,
                                           tol=args.tol, algorithm="lloyd", random_state=args.seed).fit(x))
    model.cluster_centers_.astype(np.float32).tofile(f"{args.out}.{name}.f32")
    report[name] = {**timing, "iterations": int(model.n_iter_), "inertia": float(model.inertia_)}

report["seeding"] = best_of(lambda: kmeans_plusplus(x, args.k, random_state=args.seed))[1]

report["blas"] = [
    {key: info.get(key) for key in ("internal_api", "version", "architecture", "num_threads")}
    for info in threadpool_info()
]
print(json.dumps(report))
