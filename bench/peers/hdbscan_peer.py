"""Python `hdbscan` (scikit-learn-contrib) peer for `npm run bench:hdbscan`; run with /usr/bin/python3
and the package on PYTHONPATH (bench/hdbscan.ts passes HDBSCAN_PEER_PYTHONPATH through).

Reads the same raw float32 files as semclust, fits HDBSCAN(algorithm='boruvka_kdtree') with
core_dist_n_jobs=1 and with the package default, times each fit (wall and process CPU seconds),
then approximate_predict on the new points. Scores agreement with semclust's label files with
sklearn's adjusted_rand_score and prints one JSON line."""
import argparse
import json
import time

import numpy as np
from sklearn.metrics import adjusted_rand_score

import hdbscan

parser = argparse.ArgumentParser()
for name in ("data", "new", "truth", "ours", "ours-new", "ours-new-truth"):
    parser.add_argument(f"--{name}", required=True)
for name in ("n", "m", "d", "min-cluster-size", "min-samples"):
    parser.add_argument(f"--{name}", type=int, required=True)
args = parser.parse_args()

x = np.fromfile(args.data, dtype=np.float32).reshape(args.n, args.d)
new = np.fromfile(args.new, dtype=np.float32).reshape(args.m, args.d)
truth = np.fromfile(args.truth, dtype=np.int32)
ours = np.fromfile(args.ours, dtype=np.int32)
ours_new = np.fromfile(args.ours_new, dtype=np.int32)
new_truth = np.fromfile(args.ours_new_truth, dtype=np.int32)


def summary(labels):
    return {"clusters": int(labels.max() + 1), "noise": float(np.mean(labels < 0))}


report = {"fits": {}}
default_jobs = hdbscan.HDBSCAN().core_dist_n_jobs
clusterer = None
for name, jobs in (("one_job", 1), ("default", default_jobs)):
    clusterer = hdbscan.HDBSCAN(min_cluster_size=args.min_cluster_size, min_samples=args.min_samples,
                                algorithm="boruvka_kdtree", core_dist_n_jobs=jobs)
    t0, c0 = time.perf_counter(), time.process_time()
    clusterer.fit(x)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    labels = clusterer.labels_
    report["fits"][name] = {
        "jobs": jobs, "seconds": seconds, "cpu": cpu, **summary(labels),
        "ari_vs_semclust": float(adjusted_rand_score(labels, ours)),
        "ari_vs_truth": float(adjusted_rand_score(labels, truth)),
    }
report["semclust"] = {**summary(ours), "ari_vs_truth": float(adjusted_rand_score(ours, truth))}

t0 = time.perf_counter()
clusterer.generate_prediction_data()
prep = time.perf_counter() - t0
t0 = time.perf_counter()
predicted, _ = hdbscan.approximate_predict(clusterer, new)
report["predict"] = {
    "prediction_data_seconds": prep,
    "seconds": time.perf_counter() - t0,
    "ari_vs_semclust": float(adjusted_rand_score(predicted, ours_new)),
    "noise": float(np.mean(predicted < 0)),
    "semclust_noise": float(np.mean(ours_new < 0)),
    "ari_vs_truth": float(adjusted_rand_score(predicted, new_truth)),
    "semclust_ari_vs_truth": float(adjusted_rand_score(ours_new, new_truth)),
}
print(json.dumps(report))
