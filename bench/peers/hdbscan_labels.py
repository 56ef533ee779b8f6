"""Python `hdbscan` peer for bench/hdbscan-banking77.ts: fits HDBSCAN(algorithm='boruvka_kdtree')
on a raw float32 file, writes the labels as int32 and prints one JSON line with the timing.
Run with /usr/bin/python3 and the package on PYTHONPATH."""
import argparse
import json
import time

import numpy as np

import hdbscan

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True)
parser.add_argument("--labels-out", required=True)
for name in ("n", "d", "min-cluster-size", "min-samples"):
    parser.add_argument(f"--{name}", type=int, required=True)
args = parser.parse_args()

x = np.fromfile(args.data, dtype=np.float32).reshape(args.n, args.d)
clusterer = hdbscan.HDBSCAN(min_cluster_size=args.min_cluster_size, min_samples=args.min_samples,
                            algorithm="boruvka_kdtree", core_dist_n_jobs=1)
t0 = time.perf_counter()
clusterer.fit(x)
seconds = time.perf_counter() - t0
clusterer.labels_.astype(np.int32).tofile(args.labels_out)
print(json.dumps({"seconds": seconds}))
