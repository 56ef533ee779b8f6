"""faiss k-means peer for `npm run bench:kmeans -- --large` (Debian python3-faiss 1.7.3, CPU;
run with /usr/bin/python3). Reads the same raw float32 file as semclust and reports, as one JSON
line: faiss.Kmeans with its defaults (random init, 25 iterations; --init-from left out) or
Lloyd from semclust's seeded centres (--init-from), wall and process-CPU seconds, the time per
iteration, peak RSS, and faiss's own objective. Final centres go to --out so that both sides'
inertias are scored by the same code."""
import argparse
import json
import resource
import time

import faiss
import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--init-from")
for name in ("n", "d", "k", "seed", "threads"):
    parser.add_argument(f"--{name}", type=int, required=True)
args = parser.parse_args()

faiss.omp_set_num_threads(args.threads)
x = np.fromfile(args.data, dtype=np.float32).reshape(args.n, args.d)
kmeans = faiss.Kmeans(args.d, args.k, seed=args.seed)
init = None if args.init_from is None else np.fromfile(args.init_from, dtype=np.float32).reshape(args.k, args.d)
t0, c0 = time.perf_counter(), time.process_time()
kmeans.train(x, init_centroids=init)
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
kmeans.centroids.astype(np.float32).tofile(args.out)
iterations = kmeans.cp.niter
print(json.dumps({
    "seconds": seconds, "cpu": cpu, "iterations": iterations, "per_iteration": seconds / iterations,
    "objective": float(kmeans.obj[-1]), "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "threads": faiss.omp_get_max_threads(),
}))
